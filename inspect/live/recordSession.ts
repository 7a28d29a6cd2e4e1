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
import { internFlat } from './internFlat.js';
import { createTraceColumns, KIND, type PlatformExtras, type TraceColumns } from './createTraceColumns.js';
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

/**
 * The presentation clock's state in the session's context (`INVALID`, `RUNNING`, …), read from the
 * actor's current snapshot (no copy); undefined for a machine without a clock.
 */
function clockStateOf(session: MediaSessionHandle): string | undefined {
  const context = session.actor.getSnapshot().context as { clock?: { state?: unknown } } | undefined;
  const state = context?.clock?.state;
  return typeof state === 'string' ? state : undefined;
}

/** Starts recording a session. */
export function recordSession(session: MediaSessionHandle, options: RecordSessionOptions = {}): SessionRecorder {
  const trace: TraceColumns = createTraceColumns(options.capacity ?? DEFAULT_TRACE_CAPACITY);
  let onEntry = options.onEntry;
  let dirty = false;
  const onChange = options.onChange;
  let stopped = false;
  /** Seqs (and methods) of calls whose entry is placed but whose HRESULT is not known yet (a call may re-enter from a callback). */
  const openSeqs: number[] = [];
  const openMethods: string[] = [];
  /**
   * Entries up to this seq went to the follower (or needed not: nobody followed). Entries completed
   * while a call is open wait until the outermost call closes, then go out in seq order: a follower
   * never sees a call before its HRESULT.
   */
  let delivered = 0;

  const snapshot = session.actor.getSnapshot();
  let lastValue = snapshot.value as StateValue;
  let lastState: string = publicStateOf(snapshot);
  let lastClock = clockStateOf(session);
  const summary: SessionSummary = {
    id: session.id,
    state: lastState,
    value: lastValue,
    calls: 0,
    faulted: session.fault !== undefined || session.faults.length > 0,
    adapter: session.adapter.name,
    ...(lastClock === undefined ? {} : { clock: lastClock }),
  };

  const touch = () => {
    if (dirty) return;
    dirty = true;
    onChange?.();
  };
  /** Hands the completed entries to the follower, materialised only now (and only for it). */
  const deliver = () => {
    if (openSeqs.length > 0) return;
    if (!onEntry) {
      delivered = trace.lastSeq;
      return;
    }
    for (let seq = Math.max(delivered + 1, trace.firstSeq); seq <= trace.lastSeq; seq++) {
      delivered = seq;
      onEntry(trace.entry(seq));
    }
  };
  /** Appends an entry of `kind`, stamped with the platform's clock; the caller fills its columns. */
  const place = (kind: number): number => {
    const seq = trace.push(kind, session.adapter.now());
    touch();
    return seq;
  };
  /** The clock state if it changed since the last look (then also in the summary). */
  const clockChange = (): string | undefined => {
    const clock = clockStateOf(session);
    if (clock === lastClock) return undefined;
    lastClock = clock;
    if (clock !== undefined) summary.clock = clock;
    return clock;
  };

  const closeCall = (seq: number, hr: number, args: Readonly<Record<string, unknown>>, out: unknown) => {
    if (trace.holds(seq)) {
      trace.setNum(seq, hr);
      trace.setObj(seq, internFlat(args));
      if (out !== undefined) trace.setObj2(seq, out);
      trace.setStr2(seq, clockChange());
    } else clockChange();
    summary.calls++;
    summary.lastHr = hr;
    touch();
  };
  /** A call entry placed and closed at once (its arrival was not seen). */
  const addClosedCall = (method: string, hr: number, args: Readonly<Record<string, unknown>>, out: unknown) => {
    const seq = place(KIND.call);
    trace.setStr(seq, method);
    closeCall(seq, hr, args, out);
    deliver();
  };
  const addState = (state: string, value: StateValue) => {
    const seq = place(KIND.state);
    trace.setStr(seq, state);
    trace.setObj(seq, internFlat(value));
    clockChange();
    trace.setStr2(seq, lastClock);
    deliver();
  };
  const addPlatform = (op: string, phase: 'request' | 'done', hr: number | undefined, extras: PlatformExtras | undefined) => {
    const seq = place(KIND.platform);
    trace.setStr(seq, op);
    trace.setNum2(seq, phase === 'request' ? 0 : 1);
    if (hr !== undefined) trace.setNum(seq, hr);
    if (extras !== undefined) trace.setObj(seq, extras);
    deliver();
  };
  const addFault = (message: string) => {
    const seq = place(KIND.fault);
    trace.setStr(seq, message);
    deliver();
  };
  /** Any entry body (the outside world's notes). */
  const addBody = (body: TraceEntryBody) => {
    switch (body.kind) {
      case 'call':
        return addClosedCall(body.method, body.hr, body.args, body.out);
      case 'event': {
        const seq = place(KIND.event);
        trace.setNum(seq, body.eventType);
        trace.setNum2(seq, body.status);
        trace.setObj(seq, body.value);
        return deliver();
      }
      case 'state':
        return addState(body.state, body.value);
      case 'platform': {
        const extras: PlatformExtras = {};
        if (body.external !== undefined) extras.external = body.external;
        if (body.source !== undefined) extras.source = body.source;
        if (body.stream !== undefined) extras.stream = body.stream;
        return addPlatform(body.op, body.phase, body.hr, Object.keys(extras).length > 0 ? extras : undefined);
      }
      case 'fault':
        return addFault(body.message);
    }
  };

  /** Closes the innermost open call if it is `method`'s; false when no such call is open. */
  const closeOpen = (method: string, hr: number, args: Readonly<Record<string, unknown>>, out: unknown): boolean => {
    if (openMethods[openMethods.length - 1] !== method) return false;
    openMethods.pop();
    closeCall(openSeqs.pop()!, hr, args, out);
    deliver();
    return true;
  };

  const onRecord = (record: SessionRecord) => {
    switch (record.kind) {
      case 'call':
        // A call the actor never processed (its actor had stopped on an error): no arrival was seen.
        if (!closeOpen(record.method, record.hr, record.args, record.out)) addClosedCall(record.method, record.hr, record.args, record.out);
        break;
      case 'event': {
        const event: MediaEvent = record.event;
        const seq = place(KIND.event);
        trace.setNum(seq, event.type);
        trace.setNum2(seq, event.status);
        trace.setObj(seq, internFlat(event.value));
        deliver();
        break;
      }
      case 'fault':
        summary.faulted = true;
        addFault(record.message);
        break;
      case 'release': {
        summary.released = { leak: record.leak };
        const out = { leak: record.leak };
        if (!closeOpen('session.Release', HR.S_OK, {}, out)) addClosedCall('session.Release', HR.S_OK, {}, out);
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
        const seq = place(KIND.call);
        trace.setStr(seq, record.method);
        trace.setNum(seq, E_PENDING);
        openSeqs.push(seq);
        openMethods.push(record.method);
        break;
      }
      case 'value': {
        const value = record.value as StateValue;
        if (record.state === lastState && sameValue(value, lastValue)) break;
        lastValue = value;
        lastState = record.state;
        summary.state = record.state;
        summary.value = value;
        addState(record.state, value);
        break;
      }
      case 'platform': {
        const event = record.event;
        if (event.type === 'platform.done' || event.type === 'platform.fault') break; // done: observePlatformOps; fault: a fault record
        const source = 'source' in event ? event.source : undefined;
        addPlatform(event.type.slice('platform.'.length), 'done', undefined, source === undefined ? undefined : { source });
        break;
      }
    }
  };

  const onPlatformOp = (record: PlatformOpRecord) => addPlatform(record.op, record.phase, record.hr, undefined);

  // The starting state is part of the summary the observer reads first: it is no change.
  dirty = true;
  addState(lastState, lastValue);
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
    entries: () => trace.toArray(),
    follow(listener) {
      onEntry = listener;
      // What exists now is in the trace the new follower gets; it follows from here.
      delivered = trace.lastSeq;
    },
    get dirty() {
      return dirty;
    },
    clean() {
      dirty = false;
    },
    get truncated() {
      return options.lateAttach === true || trace.dropped > 0;
    },
    note(body) {
      if (!stopped) addBody(body);
    },
    stop,
  };
}
