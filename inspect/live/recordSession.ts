/**
 * Records one session's life as a trace of {@link TraceEntry}: calls with their arguments and
 * HRESULTs, events queued with their statuses, every change of the statechart's state value,
 * pipeline operations asked of the platform and their answers, faults, the release.
 *
 * Three feeds, each attached only while recording, so a session nobody inspects pays nothing:
 * the session's `onRecord` stream (calls with their arguments and HRESULT, events, faults, the
 * release), its `onInspect` feed (a call arriving — so a call's entry comes before what it caused —,
 * the state value after each run-to-completion step, platform events from outside) and
 * `observePlatformOps` (the pipeline operations asked of the adapter and its answers). XState's own
 * inspection stream would do too, but it builds an event per action and microstep: at hundreds of
 * sessions that halves throughput (bench/inspector.ts).
 * @module
 */
import { HR } from '../../machines/hresult.js';
import type { MediaEvent } from '../../machines/types.js';
import { publicStateOf, type InspectRecord, type MediaSessionHandle, type SessionRecord } from '../../actors/createSession.js';
import { observePlatformOps, type PlatformOpRecord } from '../../adapters/providePlatform.js';
import { createTraceRing, type TraceRing } from './createTraceRing.js';
import type { SessionSummary, StateValue, TraceEntry } from './protocol.js';

/** Default bound of a session's trace, in entries. */
export const DEFAULT_TRACE_CAPACITY = 1000;

/** A trace entry before the recorder numbers and stamps it. */
export type TraceEntryBody = TraceEntry extends infer E ? (E extends TraceEntry ? Omit<E, 'seq' | 'at'> : never) : never;

/** Options of {@link recordSession}. */
export interface RecordSessionOptions {
  /** Entries kept (the newest); default {@link DEFAULT_TRACE_CAPACITY}. */
  capacity?: number;
  /** True when the session lived before recording began: its trace is partial from the start. */
  lateAttach?: boolean;
  /** Each entry once it is complete, in `seq` order (see also {@link SessionRecorder.follow}). */
  onEntry?: (entry: TraceEntry) => void;
  /**
   * The trace or the summary changed since {@link SessionRecorder.clean} (called once per change
   * of the dirty flag, not per entry: a busy session costs its observer one call per tick).
   */
  onChange?: () => void;
  /** The session was released (its last entry has been delivered). */
  onRelease?: () => void;
}

/** A session being recorded. */
export interface SessionRecorder {
  readonly id: string;
  readonly session: MediaSessionHandle;
  /** The live summary (one object, updated in place). */
  readonly summary: SessionSummary;
  /** The held entries, oldest first. */
  entries(): TraceEntry[];
  /** Sets (or, with undefined, removes) the listener of each completed entry, in `seq` order. */
  follow(listener: ((entry: TraceEntry) => void) | undefined): void;
  /** Whether something changed since the last {@link clean}. */
  readonly dirty: boolean;
  /** Marks the recorder clean: the next change calls `onChange` again. */
  clean(): void;
  /** True when entries before the first held one are missing (dropped, or recording began late). */
  readonly truncated: boolean;
  /** Adds an entry the session cannot see itself (something the outside world did to the pipeline). */
  note(entry: TraceEntryBody): void;
  /** Stops recording (idempotent). */
  stop(): void;
}

/** E_PENDING: a call's placeholder HRESULT until it returns (never seen outside a synchronous call). */
const E_PENDING = 0x8000000a;

/** Structural equality of two state values (small trees of keys). */
function sameValue(a: StateValue, b: StateValue): boolean {
  if (a === b) return true;
  if (typeof a === 'string' || typeof b === 'string') return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => key in b && sameValue(a[key], b[key]));
}

type CallEntry = Extract<TraceEntry, { kind: 'call' }>;

/** Starts recording a session. */
export function recordSession(session: MediaSessionHandle, options: RecordSessionOptions = {}): SessionRecorder {
  const ring: TraceRing<TraceEntry> = createTraceRing(options.capacity ?? DEFAULT_TRACE_CAPACITY);
  let onEntry = options.onEntry;
  let dirty = false;
  const onChange = options.onChange;
  let seq = 0;
  let stopped = false;
  /** Calls whose entry is placed but whose HRESULT is not known yet (a call may re-enter from a callback). */
  const open: CallEntry[] = [];
  /** Entries completed while a call was open, delivered when the outermost call closes (in seq order). */
  let held: TraceEntry[] = [];

  const snapshot = session.actor.getSnapshot();
  let lastValue = snapshot.value as StateValue;
  let lastState: string = publicStateOf(snapshot);
  const summary: SessionSummary = {
    id: session.id,
    state: lastState,
    value: lastValue,
    calls: 0,
    faulted: session.fault !== undefined || session.faults.length > 0,
    adapter: session.adapter.name,
  };

  const touch = () => {
    if (dirty) return;
    dirty = true;
    onChange?.();
  };
  const deliver = (entry: TraceEntry) => {
    if (!onEntry) return;
    if (open.length > 0) held.push(entry);
    else onEntry(entry);
  };
  /** Numbers, stamps and keeps an entry; `body` must be a fresh object (it becomes the entry: one allocation per entry). */
  const place = (body: TraceEntryBody): TraceEntry => {
    const entry = body as TraceEntry;
    entry.seq = ++seq;
    entry.at = session.adapter.now();
    ring.push(entry);
    touch();
    return entry;
  };
  const add = (body: TraceEntryBody) => deliver(place(body));

  const flushHeld = () => {
    if (open.length > 0 || held.length === 0) return;
    const ready = held;
    held = [];
    for (const entry of ready) onEntry?.(entry);
  };

  const closeCall = (entry: CallEntry, hr: number, args: Readonly<Record<string, unknown>>, out: unknown) => {
    entry.hr = hr;
    entry.args = args;
    if (out !== undefined) entry.out = out;
    summary.calls++;
    summary.lastHr = hr;
    touch();
  };

  const onRecord = (record: SessionRecord) => {
    switch (record.kind) {
      case 'call': {
        const top = open[open.length - 1];
        if (top && top.method === record.method) {
          open.pop();
          closeCall(top, record.hr, record.args, record.out);
          flushHeld();
        } else {
          // A call the actor never processed (its actor had stopped on an error): no arrival was seen.
          const entry = place({ kind: 'call', method: record.method, args: record.args, hr: record.hr }) as CallEntry;
          closeCall(entry, record.hr, record.args, record.out);
          deliver(entry);
        }
        break;
      }
      case 'event': {
        const event: MediaEvent = record.event;
        add({ kind: 'event', eventType: event.type, status: event.status, value: event.value });
        break;
      }
      case 'fault':
        summary.faulted = true;
        add({ kind: 'fault', message: record.message });
        break;
      case 'release': {
        summary.released = { leak: record.leak };
        const top = open[open.length - 1];
        if (top && top.method === 'session.Release') {
          open.pop();
          closeCall(top, HR.S_OK, {}, { leak: record.leak });
          flushHeld();
        } else {
          const entry = place({ kind: 'call', method: 'session.Release', args: {}, hr: HR.S_OK }) as CallEntry;
          closeCall(entry, HR.S_OK, {}, { leak: record.leak });
          deliver(entry);
        }
        stop();
        options.onRelease?.();
        break;
      }
      case 'state':
        break; // state values come from the inspect feed, which sees transitional states too
    }
  };

  const onInspect = (record: InspectRecord) => {
    switch (record.kind) {
      case 'calling': {
        // The call's place in the trace; its HRESULT and arguments come with its record.
        const entry = place({ kind: 'call', method: record.method, args: {}, hr: E_PENDING }) as CallEntry;
        open.push(entry);
        if (onEntry) held.push(entry);
        break;
      }
      case 'value': {
        const value = record.value as StateValue;
        if (record.state === lastState && sameValue(value, lastValue)) break;
        lastValue = value;
        lastState = record.state;
        summary.state = record.state;
        summary.value = value;
        add({ kind: 'state', state: record.state, value });
        break;
      }
      case 'platform': {
        const event = record.event;
        if (event.type === 'platform.done' || event.type === 'platform.fault') break; // done: observePlatformOps; fault: a fault record
        const source = 'source' in event ? event.source : undefined;
        add({ kind: 'platform', op: event.type.slice('platform.'.length), phase: 'done', ...(source === undefined ? {} : { source }) });
        break;
      }
    }
  };

  const onPlatformOp = (record: PlatformOpRecord) => {
    const body: TraceEntryBody = { kind: 'platform', op: record.op, phase: record.phase };
    if (record.hr !== undefined) body.hr = record.hr;
    add(body);
  };

  // The starting state is part of the summary the observer reads first: it is no change.
  dirty = true;
  add({ kind: 'state', state: lastState, value: lastValue });
  dirty = false;
  const offRecord = session.onRecord(onRecord);
  const offInspect = session.onInspect(onInspect);
  const offPlatform = observePlatformOps(session.actor, onPlatformOp);

  function stop(): void {
    if (stopped) return;
    stopped = true;
    offRecord();
    offInspect();
    offPlatform();
  }

  return {
    id: session.id,
    session,
    summary,
    entries: () => ring.toArray(),
    follow(listener) {
      onEntry = listener;
      if (!listener) held = [];
    },
    get dirty() {
      return dirty;
    },
    clean() {
      dirty = false;
    },
    get truncated() {
      return options.lateAttach === true || ring.dropped > 0;
    },
    note(body) {
      if (!stopped) add({ ...body });
    },
    stop,
  };
}
