/**
 * A recorded trace as a scenario file (`../shared/spec/scenario-format.md`, version 1) that
 * `mfchart run` replays on the same adapter and passes: every call with its arguments and the
 * HRESULT it returned (and what a getter returned, as a `result` check), the simulated time between
 * them as `advanceClock` steps, what the outside world did to the pipeline as `platform` steps, and
 * every event the session queued with its status — read back by the application's own calls
 * (GetEvent / EndGetEvent `result` checks) or, for events the application never read, by `wait`
 * steps placed where they cannot take an event the application reads later. The public state at
 * the end is checked with an `observe` step.
 *
 * Pure (no Node import): the inspector page imports it too.
 *
 * Replay matches the recording when the recording followed the runner's rules: the platform's due
 * work is finished before each call (the inspector's demo and the mock do this), and the session's
 * platform objects are its own (the `platform` option describes their knobs; objects a topology
 * names default to the format's defaults).
 * @module
 */
import { hrHex, hrName, HR } from '../../machines/hresult.js';
import { eventName, eventType } from '../../machines/mediaEventType.js';
import { GETFULLTOPOLOGY_CURRENT, MF_EVENT_FLAG_NO_WAIT, SESSIONCAP, SETTOPOLOGY } from '../../machines/constants.js';
import type { TraceEntry } from './protocol.js';

/** Options of {@link traceToScenario}. */
export interface TraceToScenarioOptions {
  /** The scenario's `name`. */
  name: string;
  /** The scenario's `description` (default: says where it came from). */
  description?: string;
  /** The scenario's `platform` section (knobs of the session's objects), as the format writes it. */
  platform?: Readonly<Record<string, unknown>>;
  /** True when the trace is known to be partial (a `trace` message's `truncated`): refused. */
  truncated?: boolean;
}

/** A scenario document (plain JSON) as {@link traceToScenarioDocument} builds it. */
export interface ScenarioDocument {
  name: string;
  description: string;
  platform?: Readonly<Record<string, unknown>>;
  steps: Record<string, unknown>[];
}

/** A trace that cannot be replayed as a scenario; the message names the entry and the reason. */
export class TraceConversionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TraceConversionError';
  }
}

type CallEntry = Extract<TraceEntry, { kind: 'call' }>;
type Args = Readonly<Record<string, unknown>>;

const hrText = (hr: number): string => hrName(hr) ?? hrHex(hr);

/** Names of the flag bits set in `bits`, from a catalog of flags. */
function flagNames(bits: number, catalog: Readonly<Record<string, number>>): string[] {
  return Object.keys(catalog).filter((name) => (bits & catalog[name]) !== 0);
}

/** A received event as the format names it, or undefined for a type outside the catalog. */
function knownEventName(type: number): string | undefined {
  const name = eventName(type);
  return eventType(name) === undefined ? undefined : name;
}

/** `value` of a wait step for an event value, when the format can say it. */
function waitValue(value: unknown): unknown {
  const v = value as { vt?: string; value?: number; object?: number; passedObject?: number } | undefined;
  switch (v?.vt) {
    case 'VT_EMPTY':
      return 'VT_EMPTY';
    case 'VT_R4':
      return { VT_R4: v.value };
    case 'VT_UNKNOWN':
      return v.object === v.passedObject ? 'same-topology' : 'other-topology';
    default:
      return undefined;
  }
}

/** The scenario method and args of a recorded call. */
function callStep(entry: CallEntry): { call: string; args?: Record<string, unknown> } {
  const a: Args = entry.args;
  const where = `entry ${entry.seq} (${entry.method})`;
  switch (entry.method) {
    case 'session.SetTopology':
      return { call: 'SetTopology', args: { flags: flagNames(Number(a.flags ?? 0), SETTOPOLOGY), topology: a.topology ?? null } };
    case 'session.Start': {
      const args: Record<string, unknown> = { position: a.position === undefined ? { vt: 'VT_EMPTY' } : a.position };
      args.timeFormat = a.timeFormat === undefined ? 'GUID_NULL' : a.timeFormat;
      return { call: 'Start', args };
    }
    case 'session.GetFullTopology':
      return { call: 'GetFullTopology', args: { flags: (Number(a.flags ?? 0) & GETFULLTOPOLOGY_CURRENT) !== 0 ? ['CURRENT'] : [], topoId: a.topoId ?? 0 } };
    case 'session.GetSessionCapabilities':
      return a.nullPointer === true ? { call: 'GetSessionCapabilities', args: { null: true } } : { call: 'GetSessionCapabilities' };
    case 'session.GetEvent':
      return { call: 'GetEvent', args: { flags: (Number(a.flags ?? 0) & MF_EVENT_FLAG_NO_WAIT) !== 0 ? ['NO_WAIT'] : [] } };
    case 'session.BeginGetEvent':
      return { call: 'BeginGetEvent', args: { callback: a.callback ?? null, state: a.state ?? null } };
    case 'session.EndGetEvent':
      return { call: 'EndGetEvent', args: { result: a.result ?? 'pending' } };
    case 'session.QueueEvent': {
      const name = knownEventName(Number(a.eventType));
      if (name === undefined) throw new TraceConversionError(`${where}: event type ${String(a.eventType)} has no name in the catalog, and a scenario names event types`);
      return { call: 'QueueEvent', args: { type: name, status: hrText(Number(a.status ?? HR.S_OK)) } };
    }
    case 'rate.SetRate':
      return { call: 'SetRate', args: { thin: a.thin === true, rate: a.rate } };
    case 'rate.GetRate':
      if (a.nullThin === true || a.nullRate === true) throw new TraceConversionError(`${where}: GetRate with a NULL pointer cannot be written in a scenario`);
      return { call: 'GetRate' };
    case 'session.ClearTopologies':
    case 'session.Pause':
    case 'session.Stop':
    case 'session.Close':
    case 'session.Shutdown':
    case 'session.GetClock':
    case 'session.Release':
      return { call: entry.method.slice('session.'.length) };
    case 'clock.Start':
      return { call: 'Clock.Start', args: { position: typeof a.position === 'number' ? { vt: 'VT_I8', value: a.position } : { vt: 'VT_EMPTY' } } };
    case 'clock.GetTime':
    case 'clock.GetShutdownStatus': {
      const call = `Clock.${entry.method.slice('clock.'.length)}`;
      return a.nullPointer === true ? { call, args: { null: true } } : { call };
    }
    case 'clock.SetRate':
      return { call: 'Clock.SetRate', args: { thin: a.thin === true, rate: a.rate } };
    case 'clock.SetTimeSource':
      return { call: 'Clock.SetTimeSource', args: { source: 'system' } };
    case 'clock.GetState':
    case 'clock.Pause':
    case 'clock.Stop':
    case 'clock.Shutdown':
    case 'clock.GetProperties':
    case 'clock.GetTimeSource':
    case 'clock.GetRate':
      return { call: `Clock.${entry.method.slice('clock.'.length)}` };
    default:
      throw new TraceConversionError(`${where}: no scenario method for ${JSON.stringify(entry.method)}`);
  }
}

/** A `result` check of what a getter returned, where the format has one. */
function resultCheck(entry: CallEntry): Record<string, unknown> | undefined {
  const out = entry.out as Record<string, unknown> | number | string | undefined;
  if (out === undefined) return undefined;
  if (entry.method === 'session.Release') return { leak: (out as { leak: boolean }).leak };
  if ((entry.hr | 0) < 0) return undefined; // a failed getter's out value means nothing
  switch (entry.method) {
    case 'session.GetEvent':
    case 'session.EndGetEvent': {
      const event = out as { type?: number; status?: number };
      const name = typeof event.type === 'number' ? knownEventName(event.type) : undefined;
      return name === undefined ? undefined : { event: name, status: hrText(event.status ?? HR.S_OK) };
    }
    case 'session.GetFullTopology':
      return { topology: out };
    case 'session.GetSessionCapabilities': {
      const caps = out as number;
      return { caps: { has: flagNames(caps, SESSIONCAP), lacks: Object.keys(SESSIONCAP).filter((name) => (caps & SESSIONCAP[name as keyof typeof SESSIONCAP]) === 0) } };
    }
    case 'rate.GetRate': {
      const rate = out as { thin: boolean; rate: number };
      return { thin: rate.thin, rate: rate.rate };
    }
    default:
      return undefined;
  }
}

/** Whether a call took the head of the event queue (an application read). */
function consumesEvent(entry: CallEntry): boolean {
  const out = entry.out as { type?: unknown } | undefined;
  return (entry.method === 'session.GetEvent' || entry.method === 'session.EndGetEvent') && entry.hr === HR.S_OK && typeof out?.type === 'number';
}

/** The scenario document for a trace. Throws {@link TraceConversionError}. */
export function traceToScenarioDocument(entries: readonly TraceEntry[], options: TraceToScenarioOptions): ScenarioDocument {
  if (!options.name) throw new TraceConversionError('a scenario needs a name');
  if (entries.length === 0) throw new TraceConversionError('the trace is empty');
  if (options.truncated || entries[0].seq !== 1) {
    throw new TraceConversionError(
      `the trace does not start at the session's creation (first entry: seq ${entries[0].seq}${options.truncated ? ', marked truncated' : ''}); only a whole trace replays`,
    );
  }
  entries.forEach((entry, index) => {
    if (index > 0 && entry.seq !== entries[index - 1].seq + 1) throw new TraceConversionError(`entry ${entry.seq} follows entry ${entries[index - 1].seq}: entries are missing`);
  });

  // Events are read first-in first-out and Shutdown drops the rest, so the application read
  // exactly the first `appReads` events queued; the later ones may be read by `wait` steps.
  const appReads = entries.filter((entry): entry is CallEntry => entry.kind === 'call' && consumesEvent(entry)).length;

  const steps: Record<string, unknown>[] = [];
  const queue: { type: number; status: number; value: unknown }[] = [];
  let head = 0;
  let time = entries[0].at;
  let subscribed = false;
  let shutdown = false;
  let released = false;
  let clock = false;
  let lastState: string | undefined;
  const causes = { sourceShutdown: 0, endOfPresentation: 0 };

  /** Reads, with `wait` steps, the queued events no application call will read. */
  const waitForUnread = () => {
    // A pending application BeginGetEvent would make the runner's wait fail; after Shutdown nothing can be read.
    if (subscribed || shutdown || released) return;
    while (head < queue.length && head >= appReads) {
      const event = queue[head++];
      const name = knownEventName(event.type);
      if (name === undefined) throw new TraceConversionError(`event type ${event.type} has no name in the catalog, and a wait names event types`);
      const step: Record<string, unknown> = { wait: name, status: hrText(event.status), timeoutMs: 0 };
      const value = waitValue(event.value);
      if (value !== undefined) step.value = value;
      steps.push(step);
    }
  };
  /** Lets simulated time pass up to `at`, after reading what is due before. */
  const advanceTo = (at: number) => {
    if (at <= time) return;
    waitForUnread();
    steps.push({ platform: 'advanceClock', hns: at - time });
    time = at;
  };

  for (const entry of entries) {
    // Time moves to each entry's time in turn, so a wait never comes before its event was due.
    advanceTo(entry.at);
    switch (entry.kind) {
      case 'state':
        lastState = entry.state;
        break;
      case 'event':
        queue.push({ type: entry.eventType, status: entry.status, value: entry.value });
        break;
      case 'fault':
        break;
      case 'platform': {
        if (entry.external) {
          waitForUnread();
          if (entry.op === 'shutdownSource' && entry.source !== undefined) {
            steps.push({ platform: 'shutdownSource', source: entry.source });
            causes.sourceShutdown++;
          } else if (entry.op === 'endOfStream' && entry.source !== undefined) {
            steps.push({ platform: 'endOfStream', source: entry.source, stream: entry.stream ?? 0 });
            causes.endOfPresentation++;
          } else {
            throw new TraceConversionError(`entry ${entry.seq}: unknown outside action ${JSON.stringify(entry.op)} (shutdownSource, endOfStream)`);
          }
        } else if (entry.op === 'sourceShutdown' || entry.op === 'endOfPresentation') {
          if (causes[entry.op] === 0) {
            throw new TraceConversionError(`entry ${entry.seq}: the session received ${entry.op} but the trace does not record what the outside world did to cause it`);
          }
          causes[entry.op]--;
        }
        break;
      }
      case 'call': {
        if (released) throw new TraceConversionError(`entry ${entry.seq}: a call after Release`);
        waitForUnread();
        if (entry.method.startsWith('clock.') && !clock) {
          throw new TraceConversionError(`entry ${entry.seq}: ${entry.method} before GetClock returned a clock; a scenario reaches the clock through GetClock`);
        }
        const { call, args } = callStep(entry);
        const step: Record<string, unknown> = { call };
        if (args && Object.keys(args).length > 0) step.args = args;
        // A blocking GetEvent on an empty queue is answered at once by the model; the runner would
        // wait for an event instead. NO_WAIT gets the same answer without waiting.
        if (call === 'GetEvent' && entry.hr === HR.MF_E_NO_EVENTS_AVAILABLE) step.args = { flags: ['NO_WAIT'] };
        if (call !== 'Release') step.expect = hrText(entry.hr);
        const result = resultCheck(entry);
        if (result) step.result = result;
        steps.push(step);
        if (consumesEvent(entry)) {
          const read = entry.out as { type: number };
          const expected = queue[head];
          if (!expected || expected.type !== read.type) {
            throw new TraceConversionError(`entry ${entry.seq}: the application read ${eventName(read.type)} but the trace queued ${expected ? eventName(expected.type) : 'nothing'} first`);
          }
          head++;
        }
        if (entry.method === 'session.GetClock' && entry.hr === HR.S_OK) clock = true;
        if (entry.method === 'session.BeginGetEvent' && entry.hr === HR.S_OK) subscribed = true;
        if (entry.method === 'session.EndGetEvent' && entry.args.result !== 'foreign') subscribed = false;
        if (entry.method === 'session.Shutdown' && entry.hr === HR.S_OK) shutdown = true;
        if (entry.method === 'session.Release') released = true;
        break;
      }
    }
  }
  waitForUnread();
  if (lastState !== undefined) steps.push({ observe: 'state', expect: lastState });

  const document: ScenarioDocument = {
    name: options.name,
    description: options.description ?? `Recorded by the mfchart live inspector (${entries.length} trace entries) and replayed as a scenario.`,
    steps,
  };
  if (options.platform !== undefined) document.platform = options.platform;
  return document;
}

/** The scenario file text (JSON, 2-space indented) for a trace. Throws {@link TraceConversionError}. */
export function traceToScenario(entries: readonly TraceEntry[], options: TraceToScenarioOptions): string {
  return JSON.stringify(traceToScenarioDocument(entries, options), null, 2) + '\n';
}
