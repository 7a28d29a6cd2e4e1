/**
 * What each control command does when it reaches the head of the queue (spec §2.1-§2.6, §2.16,
 * §2.17), as pure functions of the session context. {@link planCommand} says whether the command
 * completes at once or needs the pipeline; the `finish*` functions apply a pipeline outcome.
 * @module
 */
import { HR, failed, succeeded, type HResult } from './hresult.js';
import { ME } from './mediaEventType.js';
import { EVENT_ATTR, SESSIONCAP, SETTOPOLOGY, TOPOSTATUS } from './constants.js';
import { applyClockCommand, applyClockRate, clockTime, type ClockData } from './clockTable.js';
import { topologyCanPreroll, topologyDuration } from './capabilities.js';
import {
  FLAG,
  COMPLETION_EVENT,
  capsChange,
  clearPresentation,
  complete,
  headCommand,
  makeCurrent,
  reject,
  removeQueued,
  sessionEvent,
  startedCaps,
  topoStatusChange,
  type SessionContext,
} from './sessionContext.js';
import type { Command, SessionTopology, SettledState } from './types.js';

/** The transitional states a command can run in. */
export type CommandState = 'settingTopology' | 'starting' | 'pausing' | 'stopping' | 'closing' | 'changingRate';

/** How the head command runs: at once (with its context changes), or in a transitional state. */
export type CommandPlan = { run: 'now'; changes: Partial<SessionContext> } | { run: CommandState };

const NOW = (changes: Partial<SessionContext>): CommandPlan => ({ run: 'now', changes });

/** Decides how the head command runs, from the state the previous command left. */
export function planCommand(ctx: SessionContext): CommandPlan | undefined {
  const command = headCommand(ctx);
  if (!command) return undefined;
  const sourceShutdown = (ctx.flags & FLAG.SOURCE_SHUTDOWN) !== 0;
  const s = ctx.settled;
  switch (command.kind) {
    case 'SetTopology':
      return planSetTopology(ctx, command);
    case 'ClearTopologies': {
      const flags = ctx.flags & ~FLAG.SOURCE_SHUTDOWN;
      if (s === 'closed') return NOW(reject(ctx, HR.MF_E_INVALIDREQUEST, { flags }));
      return NOW(complete(ctx, [sessionEvent(ME.MESessionTopologiesCleared, HR.S_OK)], { ...removeQueued(ctx), flags }));
    }
    case 'Start': {
      if (sourceShutdown || s === 'fresh' || s === 'closed') return NOW(reject(ctx, HR.MF_E_INVALIDREQUEST));
      const seekTo = command.position.vt === 'VT_I8' ? command.position.value : null;
      if (s === 'started' && seekTo === null) {
        return NOW(complete(ctx, [sessionEvent(ME.MESessionStarted, HR.S_OK, undefined, { [EVENT_ATTR.PRESENTATION_TIME_OFFSET]: 0 })]));
      }
      // Started or paused with the presentation cleared under it (CLEAR_CURRENT): nothing to start.
      if (!ctx.current) return NOW(reject(ctx, HR.MF_E_INVALIDREQUEST));
      if ((s === 'started' || s === 'paused') && seekTo !== null && seekTo > topologyDuration(ctx.current)) {
        return NOW(reject(ctx, HR.MF_E_INVALID_POSITION));
      }
      return { run: 'starting' };
    }
    case 'Pause':
      if (sourceShutdown) return NOW(reject(ctx, HR.MF_E_SHUTDOWN));
      if (s === 'started') return { run: 'pausing' };
      if (s === 'ready' || s === 'stopped') return NOW(reject(ctx, HR.MF_E_SESSION_PAUSEWHILESTOPPED));
      return NOW(reject(ctx, HR.MF_E_INVALIDREQUEST));
    case 'Stop':
      if (sourceShutdown) return NOW(reject(ctx, HR.MF_E_SHUTDOWN));
      if (s === 'started' || s === 'paused') return { run: 'stopping' };
      if (s === 'ready' || s === 'stopped') return NOW(complete(ctx, [sessionEvent(ME.MESessionStopped, HR.S_OK)]));
      return NOW(reject(ctx, HR.MF_E_INVALIDREQUEST));
    case 'Close':
      if (sourceShutdown) return NOW(reject(ctx, HR.MF_E_SHUTDOWN));
      if (s === 'closed') return NOW(reject(ctx, HR.MF_E_INVALIDREQUEST, removeQueued(ctx)));
      if (s === 'fresh') return NOW(closed(ctx, HR.S_OK));
      return { run: 'closing' };
    case 'SetRate':
      if (sourceShutdown) return NOW(reject(ctx, HR.MF_E_SHUTDOWN));
      // No topology: nothing to commit, the clock keeps its rate (spec §2.16).
      if (!ctx.current) return NOW(rateEvent(ctx, command.rate));
      // Rate 0 while started is a no-op on Windows: the rate is not applied.
      if (s === 'started' && command.rate === 0) return NOW(rateEvent(ctx, ctx.clock.rate));
      // The same rate and thinning again: answered at once, no object is called.
      if (command.rate === ctx.clock.rate && command.thin === ctx.thin && ctx.clock.hasTimeSource) return NOW(rateEvent(ctx, command.rate));
      return { run: 'changingRate' };
  }
}

function planSetTopology(ctx: SessionContext, command: Extract<Command, { kind: 'SetTopology' }>): CommandPlan {
  const flags = ctx.flags & ~FLAG.SOURCE_SHUTDOWN;
  if (command.flags & SETTOPOLOGY.CLEAR_CURRENT) {
    // The same topology object again: the one passed before, known here by its TOPOID (decisions #10).
    const sameAsCurrent = ctx.current !== null && command.topology !== null && command.topology.topoId !== undefined && command.topology.topoId === ctx.current.topoId;
    const clearsCurrent = command.topology === null || sameAsCurrent;
    if (!clearsCurrent) return NOW(reject(ctx, HR.S_FALSE, { flags }));
    return NOW(complete(ctx, [sessionEvent(ME.MESessionTopologySet, HR.S_OK)], { ...clearPresentation(ctx), flags }));
  }
  if (command.topology === null) return NOW(complete(ctx, [sessionEvent(ME.MESessionTopologySet, HR.S_OK)], { flags }));
  return { run: 'settingTopology' };
}

/** Applies the platform's answer to a SetTopology that needed it (spec §2.1 "When executed"). */
export function finishSetTopology(ctx: SessionContext, hr: HResult, topology: SessionTopology | undefined): Partial<SessionContext> {
  const command = headCommand(ctx);
  if (command?.kind !== 'SetTopology') return {};
  const flags = ctx.flags & ~FLAG.SOURCE_SHUTDOWN;
  if (failed(hr) || !topology) return reject(ctx, failed(hr) ? hr : HR.E_FAIL, { flags });
  let base: SessionContext = { ...ctx, flags };
  if (command.flags & SETTOPOLOGY.IMMEDIATE) base = { ...base, ...removeQueued(base), ...clearPresentation(base) };
  const topologySet = sessionEvent(ME.MESessionTopologySet, HR.S_OK, {
    vt: 'VT_UNKNOWN',
    object: topology.object,
    passedObject: topology.passedObject,
  });
  const queued = [...base.queued, topology];
  if (base.current !== null) return complete(base, [topologySet], { ...pick(base), queued });
  const { changes, events } = makeCurrent(base, topology);
  const settled: SettledState = base.settled === 'fresh' ? 'ready' : base.settled;
  return complete(base, [topologySet, ...events], { ...pick(base), ...changes, settled, queued });
}

/** The fields finishSetTopology may have changed on its working copy. */
function pick(ctx: SessionContext): Partial<SessionContext> {
  return { flags: ctx.flags, queued: ctx.queued, removed: ctx.removed, current: ctx.current, topoStatus: ctx.topoStatus, settled: ctx.settled };
}

/** What the Start pipeline needs: the position the sources start at and whether this is a seek. */
export function startPlan(ctx: SessionContext): { position: number | null; seek: boolean; resume: boolean; preroll: boolean } {
  const command = headCommand(ctx);
  const position = command?.kind === 'Start' && command.position.vt === 'VT_I8' ? command.position.value : null;
  const running = ctx.settled === 'started' || ctx.settled === 'paused';
  const fromStopped = ctx.settled === 'ready' || ctx.settled === 'stopped';
  const preroll = fromStopped && ctx.clock.rate !== 0 && ctx.current !== null && topologyCanPreroll(ctx.current);
  return { position, seek: running && position !== null, resume: ctx.settled === 'paused' && position === null, preroll };
}

/** The sources answered a Start: on success the topology status reaches STARTED_SOURCE. */
export function finishStartSources(ctx: SessionContext, hr: HResult): { ok: boolean; changes: Partial<SessionContext> } {
  if (hr === HR.MF_E_SHUTDOWN) return { ok: false, changes: sourceShutdown(ctx) };
  if (failed(hr)) return { ok: false, changes: reject(ctx, hr) };
  if (!ctx.current) return { ok: false, changes: reject(ctx, HR.MF_E_INVALIDREQUEST) };
  const events = topoStatusChange(ctx, TOPOSTATUS.STARTED_SOURCE, ctx.current);
  return { ok: true, changes: { events: events.length ? [...ctx.events, ...events] : ctx.events, topoStatus: Math.max(ctx.topoStatus, TOPOSTATUS.STARTED_SOURCE) } };
}

/** The sinks answered: the clock runs, PAUSE is gained, MESessionStarted(S_OK) (spec §2.3). */
export function finishStartSinks(ctx: SessionContext, hr: HResult, now: number): Partial<SessionContext> {
  if (hr === HR.MF_E_SHUTDOWN) return sourceShutdown(ctx);
  if (failed(hr)) return reject(ctx, hr);
  const { position } = startPlan(ctx);
  const withSource: ClockData = ctx.clock.hasTimeSource ? ctx.clock : { ...ctx.clock, hasTimeSource: true };
  // From stopped the clock starts at the position (0 for VT_EMPTY); from paused VT_EMPTY resumes.
  const step = applyClockCommand(withSource, 'Start', now, position ?? (ctx.settled === 'paused' ? null : 0));
  const clock = succeeded(step.hr) ? step.clock : withSource;
  const caps = startedCaps(ctx);
  const started = sessionEvent(ME.MESessionStarted, HR.S_OK, undefined, { [EVENT_ATTR.PRESENTATION_TIME_OFFSET]: 0 });
  return complete(ctx, [...capsChange(ctx.caps, caps), started], { caps, clock, settled: 'started' });
}

/** Pausing begins with the clock (Windows: OnClockPause before SourcePause, T:10928). */
export function pauseClock(ctx: SessionContext, now: number): Partial<SessionContext> {
  const step = applyClockCommand(ctx.clock, 'Pause', now);
  return succeeded(step.hr) ? { clock: step.clock } : {};
}

/**
 * Stopping begins with the clock: its time is read for MF_SESSION_APPROX_EVENT_OCCURRENCE_TIME,
 * then it stops, before sinks and sources (spec §2.5).
 */
export function stopClock(ctx: SessionContext, now: number): Partial<SessionContext> {
  const step = applyClockCommand(ctx.clock, 'Stop', now);
  return { stopTime: clockTime(ctx.clock, now), ...(succeeded(step.hr) ? { clock: step.clock } : {}) };
}

/** The pipeline paused: PAUSE is lost (spec §2.4). A failure still forces PA. */
export function finishPause(ctx: SessionContext, hr: HResult): Partial<SessionContext> {
  if (hr === HR.MF_E_SHUTDOWN) return sourceShutdown(ctx);
  const caps = ctx.caps & ~SESSIONCAP.PAUSE;
  return complete(ctx, [...capsChange(ctx.caps, caps), sessionEvent(ME.MESessionPaused, hr)], { caps, settled: 'paused' });
}

/** The pipeline stopped: MESessionStopped carries the clock time of the stop (spec §2.5). */
export function finishStop(ctx: SessionContext, hr: HResult): Partial<SessionContext> {
  if (hr === HR.MF_E_SHUTDOWN) return sourceShutdown(ctx);
  return stopped(ctx, ME.MESessionStopped, hr, true);
}

/** The pipeline stopped (the clock already stopped, {@link stopClock}): PAUSE lost, the event carries the stop time. */
function stopped(ctx: SessionContext, eventType: number, hr: HResult, completesCommand: boolean): Partial<SessionContext> {
  const caps = ctx.caps & ~SESSIONCAP.PAUSE;
  const events = [...capsChange(ctx.caps, caps), sessionEvent(eventType, hr, undefined, { [EVENT_ATTR.APPROX_EVENT_OCCURRENCE_TIME]: ctx.stopTime })];
  const changes: Partial<SessionContext> = {
    caps,
    settled: 'stopped',
    topoStatus: ctx.current ? TOPOSTATUS.READY : TOPOSTATUS.INVALID,
    flags: ctx.flags & ~(FLAG.PRESENTATION_ENDING | FLAG.PRESENTATION_ENDED),
  };
  return completesCommand ? complete(ctx, events, changes) : { ...changes, events: [...ctx.events, ...events] };
}

/** The pipeline closed (spec §2.6): START and SEEK are lost, queued topologies are removed. */
export function finishClose(ctx: SessionContext, hr: HResult): Partial<SessionContext> {
  if (hr === HR.MF_E_SHUTDOWN) return sourceShutdown(ctx);
  return closed(ctx, hr);
}

function closed(ctx: SessionContext, hr: HResult): Partial<SessionContext> {
  // The stop chain drops PAUSE first, then a successful close drops START and SEEK: two changes.
  const stopped = ctx.caps & ~SESSIONCAP.PAUSE;
  const caps = succeeded(hr) ? stopped & ~(SESSIONCAP.START | SESSIONCAP.SEEK) : stopped;
  return complete(ctx, [...capsChange(ctx.caps, stopped), ...capsChange(stopped, caps), sessionEvent(ME.MESessionClosed, hr)], {
    ...removeQueued(ctx),
    caps,
    settled: 'closed',
    flags: ctx.flags & ~(FLAG.PRESENTATION_ENDING | FLAG.PRESENTATION_ENDED),
  });
}

/** The pipeline answered a rate change (spec §2.16). */
export function finishRate(ctx: SessionContext, hr: HResult): Partial<SessionContext> {
  const command = headCommand(ctx);
  if (command?.kind !== 'SetRate') return {};
  if (hr === HR.MF_E_SHUTDOWN) return sourceShutdown(ctx);
  if (failed(hr)) return reject(ctx, hr);
  // The session installs the clock's time source if it has none yet, then the clock takes the rate.
  const withSource: ClockData = ctx.clock.hasTimeSource ? ctx.clock : { ...ctx.clock, hasTimeSource: true };
  const step = applyClockRate(withSource, command.rate, false);
  if (failed(step.hr)) return reject(ctx, step.hr);
  return { ...rateEvent(ctx, command.rate), clock: step.clock, thin: command.thin };
}

/** MESessionRateChanged(S_OK, VT_R4 rate) completing the head SetRate. */
function rateEvent(ctx: SessionContext, rate: number): Partial<SessionContext> {
  return complete(ctx, [sessionEvent(ME.MESessionRateChanged, HR.S_OK, { vt: 'VT_R4', value: rate })]);
}

/**
 * An external source shutdown (spec §2.17): the presentation is cleared, the command in progress
 * fails with the event the table gives, and the SOURCE_SHUTDOWN flag is set.
 */
export function sourceShutdown(ctx: SessionContext, executing: boolean = true): Partial<SessionContext> {
  const flags = (ctx.flags | FLAG.SOURCE_SHUTDOWN) & ~(FLAG.PRESENTATION_ENDING | FLAG.PRESENTATION_ENDED);
  const command = executing ? headCommand(ctx) : undefined;
  const cleared = { ...clearPresentation(ctx), flags };
  // A running or paused clock stops, through the clock's own table (no `now` here: a stopped clock reads 0 anyway).
  const stopped = (clock: ClockData) => (clock.state === 'RUNNING' || clock.state === 'PAUSED' ? applyClockCommand(clock, 'Stop', clock.anchorNow).clock : clock);
  const caps = ctx.caps & ~SESSIONCAP.PAUSE;
  // The command in progress fails with its table status; losing PAUSE is a capability change too.
  const fail = (status: HResult, changes: Partial<SessionContext>) =>
    complete(ctx, [...capsChange(ctx.caps, caps), sessionEvent(COMPLETION_EVENT[command!.kind], status)], { ...changes, caps, clock: stopped(ctx.clock) });
  switch (command?.kind) {
    case 'Start':
      return fail(HR.MF_E_INVALIDREQUEST, { ...cleared, settled: 'fresh' });
    case 'Pause':
    case 'Stop':
      return fail(HR.MF_E_SHUTDOWN, { ...cleared, settled: 'fresh' });
    case 'Close':
      return fail(HR.MF_E_SHUTDOWN, { ...cleared, ...removeQueued(ctx), settled: 'closed' });
    default:
      if (!executing && (ctx.settled === 'started' || ctx.settled === 'paused')) {
        return {
          ...cleared,
          settled: 'fresh',
          caps,
          clock: stopped(ctx.clock),
          events: [...ctx.events, ...capsChange(ctx.caps, caps), sessionEvent(ME.MESessionStopped, HR.MF_E_SHUTDOWN)],
        };
      }
      return { flags: ctx.flags | FLAG.SOURCE_SHUTDOWN };
  }
}

/** A source raised MEEndOfPresentation: the session forwards it and waits for the sinks. */
export function endOfPresentation(ctx: SessionContext): Partial<SessionContext> {
  if (!ctx.current || (ctx.flags & FLAG.PRESENTATION_ENDING) !== 0) return {};
  return { flags: ctx.flags | FLAG.PRESENTATION_ENDING, events: [...ctx.events, sessionEvent(ME.MEEndOfPresentation, HR.S_OK)] };
}

/**
 * The sinks rendered the end (spec §2.5, end of presentation): MESessionTopologyStatus(ENDED) now,
 * then the pipeline stops as for Stop ({@link finishEnding}).
 */
export function beginEnding(ctx: SessionContext): Partial<SessionContext> {
  const flags = ctx.flags & ~FLAG.PRESENTATION_ENDED;
  if (!ctx.current) return { flags };
  const status = topoStatusChange(ctx, TOPOSTATUS.ENDED, ctx.current);
  return { flags, topoStatus: TOPOSTATUS.ENDED, events: status.length ? [...ctx.events, ...status] : ctx.events };
}

/** The pipeline stopped at the end: PAUSE lost, the clock stops, MESessionEnded instead of MESessionStopped. */
export function finishEnding(ctx: SessionContext, hr: HResult): Partial<SessionContext> {
  if (hr === HR.MF_E_SHUTDOWN) return sourceShutdown(ctx, false);
  return stopped(ctx, ME.MESessionEnded, hr, false);
}

/** Whether the sinks' end-of-presentation is waiting for the session to be idle and started. */
export function endIsDue(ctx: SessionContext): boolean {
  return (ctx.flags & FLAG.PRESENTATION_ENDED) !== 0;
}

/** Events an unexpected adapter failure adds: MEError with the failure, then the command's own event. */
export function adapterFailure(ctx: SessionContext, hr: HResult): Partial<SessionContext> {
  return reject({ ...ctx, events: [...ctx.events, sessionEvent(ME.MEError, hr)] }, hr);
}
