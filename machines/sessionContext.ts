/**
 * The IMFMediaSession model's extended state and the pure functions that change it. The statechart
 * ({@link mediaSessionMachine}) decides *when* each runs; these decide *what* it does, so the
 * verifier can run them on a compiled table as well.
 * @module
 */
import { HR, type HResult } from './hresult.js';
import { ME } from './mediaEventType.js';
import { EVENT_ATTR, SESSIONCAP, TOPOSTATUS } from './constants.js';
import { INITIAL_CLOCK, type ClockData } from './clockTable.js';
import { topologyCaps, topologyCanPause } from './capabilities.js';
import type { Command, EventValue, MediaEvent, SessionTopology, SettledState } from './types.js';

/** A pending BeginGetEvent subscription (spec §2.12). */
export interface Subscription {
  readonly callback: string;
  readonly state: string | null;
  /** The callback has been invoked (an event was available); the subscriber must call EndGetEvent. */
  readonly invoked: boolean;
}

/** What the last method call returned synchronously. */
export interface Reply {
  readonly hr: HResult;
  readonly out?: unknown;
}

/** Presentation flags (spec §1.2). */
export const FLAG = {
  /** An external source shutdown was detected (spec §2.17). */
  SOURCE_SHUTDOWN: 0x1,
  /** MEEndOfPresentation was raised; the sinks have not yet rendered the end. */
  PRESENTATION_ENDING: 0x2,
  /** The sinks rendered the end while a command was executing; finish it when idle. */
  PRESENTATION_ENDED: 0x4,
} as const;

/** The session's extended state. */
export interface SessionContext {
  /** The runtime's key for this session, handed to every pipeline operation (0 when unused). */
  readonly key: number;
  /** The settled state the session is in, or left to run the command at the head of `commands`. */
  readonly settled: SettledState;
  /** The command FIFO; while a command executes it is the head. */
  readonly commands: readonly Command[];
  /** The event queue an application reads with GetEvent / BeginGetEvent. */
  readonly events: readonly MediaEvent[];
  readonly sub: Subscription | null;
  /** Topologies handed to SetTopology since the last clear (`session->topologies`). */
  readonly queued: readonly SessionTopology[];
  /** Cleared topologies whose sinks are shut down only at Shutdown. */
  readonly removed: readonly SessionTopology[];
  /** The presentation's topology, or null (topo status INVALID). */
  readonly current: SessionTopology | null;
  readonly topoStatus: number;
  readonly caps: number;
  /** The committed thinning flag (the rate itself is the clock's). */
  readonly thin: boolean;
  readonly clock: ClockData;
  readonly flags: number;
  /** Object identities handed out so far (topologies passed in and their resolved clones). */
  readonly serial: number;
  /** How many topologies SetTopology accepted (the default TOPOID of the next is this + 1). */
  readonly topologiesSeen: number;
  /** The clock time read when the last stop began (MF_SESSION_APPROX_EVENT_OCCURRENCE_TIME). */
  readonly stopTime: number;
}

const EMPTY: readonly never[] = Object.freeze([]);
const VT_EMPTY: EventValue = Object.freeze({ vt: 'VT_EMPTY' });

/** Shared replies, so that the common answers allocate nothing. */
export const REPLY = {
  S_OK: Object.freeze({ hr: HR.S_OK }) as Reply,
  MF_E_SHUTDOWN: Object.freeze({ hr: HR.MF_E_SHUTDOWN }) as Reply,
  E_POINTER: Object.freeze({ hr: HR.E_POINTER }) as Reply,
  E_INVALIDARG: Object.freeze({ hr: HR.E_INVALIDARG }) as Reply,
  E_FAIL: Object.freeze({ hr: HR.E_FAIL }) as Reply,
} as const;

/** The context of a session MFCreateMediaSession just made. */
export function initialSessionContext(key = 0): SessionContext {
  return {
    key,
    settled: 'fresh',
    commands: EMPTY,
    events: EMPTY,
    sub: null,
    queued: EMPTY,
    removed: EMPTY,
    current: null,
    topoStatus: TOPOSTATUS.INVALID,
    caps: 0,
    thin: false,
    clock: INITIAL_CLOCK,
    flags: 0,
    serial: 0,
    topologiesSeen: 0,
    stopTime: 0,
  };
}

/** A session event with a VT_EMPTY value. */
export function sessionEvent(type: number, status: HResult, value: EventValue = VT_EMPTY, attributes?: Record<string, number>): MediaEvent {
  return attributes ? { type, status, value, attributes } : { type, status, value };
}

/** Appends events to the queue. */
export function withEvents(ctx: SessionContext, ...events: MediaEvent[]): readonly MediaEvent[] {
  return ctx.events.length === 0 ? events : [...ctx.events, ...events];
}

/** The command at the head of the queue (executing, or next to run). */
export function headCommand(ctx: SessionContext): Command | undefined {
  return ctx.commands[0];
}

/** The queue without its head. */
export function restCommands(ctx: SessionContext): readonly Command[] {
  return ctx.commands.length <= 1 ? EMPTY : ctx.commands.slice(1);
}

/** MESessionCapabilitiesChanged for a change, or nothing when the value is the same (spec §6.2). */
export function capsChange(oldCaps: number, newCaps: number): MediaEvent[] {
  if (oldCaps === newCaps) return [];
  return [
    sessionEvent(ME.MESessionCapabilitiesChanged, HR.S_OK, VT_EMPTY, {
      [EVENT_ATTR.SESSIONCAPS]: newCaps,
      [EVENT_ATTR.SESSIONCAPS_DELTA]: (oldCaps ^ newCaps) >>> 0,
    }),
  ];
}

/** MESessionTopologyStatus, queued only when the status increases (spec §1.2). */
export function topoStatusChange(ctx: SessionContext, status: number, topology: SessionTopology): MediaEvent[] {
  if (status <= ctx.topoStatus) return [];
  return [
    sessionEvent(ME.MESessionTopologyStatus, HR.S_OK, { vt: 'VT_UNKNOWN', object: topology.object, passedObject: topology.passedObject }, {
      [EVENT_ATTR.TOPOLOGY_STATUS]: status,
    }),
  ];
}

/**
 * Finishes the head command: its completion event (and any events before it) is queued, the
 * command leaves the queue, and the session settles in `settled`.
 */
export function complete(
  ctx: SessionContext,
  events: MediaEvent[],
  changes: Partial<SessionContext> = {},
): Partial<SessionContext> {
  return { ...changes, commands: restCommands(ctx), events: withEvents(ctx, ...events) };
}

/** Completion event type of each command (spec §1.3). */
export const COMPLETION_EVENT: Readonly<Record<Command['kind'], number>> = {
  SetTopology: ME.MESessionTopologySet,
  ClearTopologies: ME.MESessionTopologiesCleared,
  Start: ME.MESessionStarted,
  Pause: ME.MESessionPaused,
  Stop: ME.MESessionStopped,
  Close: ME.MESessionClosed,
  SetRate: ME.MESessionRateChanged,
};

/** Fails the head command: its completion event carries `status`; nothing else changes. */
export function reject(ctx: SessionContext, status: HResult, changes: Partial<SessionContext> = {}): Partial<SessionContext> {
  const head = headCommand(ctx);
  if (!head) return changes;
  return complete(ctx, [sessionEvent(COMPLETION_EVENT[head.kind], status)], changes);
}

/**
 * Makes a topology the presentation's current one (spec §2.1 step 5): caps, then
 * MESessionNotifyPresentationTime, MESessionCapabilitiesChanged, MESessionTopologyStatus(READY).
 */
export function makeCurrent(ctx: SessionContext, topology: SessionTopology): { changes: Partial<SessionContext>; events: MediaEvent[] } {
  const caps = topologyCaps(topology);
  const events = [
    sessionEvent(ME.MESessionNotifyPresentationTime, HR.S_OK, VT_EMPTY, {
      [EVENT_ATTR.START_PRESENTATION_TIME]: 0,
      [EVENT_ATTR.PRESENTATION_TIME_OFFSET]: 0,
      [EVENT_ATTR.PRESENTATION_TIME_OFFSET_AT_OUTPUT]: 0,
    }),
    ...capsChange(ctx.caps, caps),
    ...topoStatusChange({ ...ctx, topoStatus: TOPOSTATUS.INVALID }, TOPOSTATUS.READY, topology),
  ];
  return { changes: { current: topology, topoStatus: TOPOSTATUS.READY, caps, settled: 'ready' }, events };
}

/** Clears the presentation (`session_clear_presentation`): no current topology, status INVALID. */
export function clearPresentation(ctx: SessionContext): Partial<SessionContext> {
  // Only "stopped with a topology" becomes "no topology"; a running session stays started or paused
  // (Wine clears the presentation without touching the session state, spec §2.1 step 3).
  const settled: SettledState = ctx.settled === 'ready' || ctx.settled === 'stopped' ? 'fresh' : ctx.settled;
  return { current: null, topoStatus: TOPOSTATUS.INVALID, settled, flags: ctx.flags & ~(FLAG.PRESENTATION_ENDING | FLAG.PRESENTATION_ENDED) };
}

/** Caps once the session runs: + PAUSE when every source can pause (spec §6.2). */
export function startedCaps(ctx: SessionContext): number {
  return ctx.current && topologyCanPause(ctx.current) ? ctx.caps | SESSIONCAP.PAUSE : ctx.caps;
}

/** Moves every queued topology to the removed list. */
export function removeQueued(ctx: SessionContext): Partial<SessionContext> {
  if (ctx.queued.length === 0) return {};
  return { queued: EMPTY, removed: [...ctx.removed, ...ctx.queued] };
}

/** Every sink and async transform Shutdown must shut down: those of current, queued and removed topologies. */
export function pipelineToShutDown(ctx: SessionContext): { sinks: string[]; transforms: string[] } {
  const sinks = new Set<string>();
  const transforms = new Set<string>();
  const all = ctx.current ? [ctx.current, ...ctx.queued, ...ctx.removed] : [...ctx.queued, ...ctx.removed];
  for (const topology of all) {
    for (const sink of topology.sinks) sinks.add(sink.id);
    for (const transform of topology.transforms) if (transform.async) transforms.add(transform.id);
  }
  return { sinks: [...sinks], transforms: [...transforms] };
}

/** An empty, shared list. */
export const NONE = EMPTY;
