/**
 * One media session as one XState actor, with the synchronous COM-style surface: every method
 * returns its HRESULT (and out value) at once, exactly as the statechart computes it.
 * @module
 */
import { createActor, type Actor, type InspectionEvent, type Observer, type SnapshotFrom, type StateValue } from 'xstate';
import { HR, type HResult } from '../machines/hresult.js';
import { SETTOPOLOGY, MF_EVENT_FLAG_NO_WAIT, GETFULLTOPOLOGY_CURRENT } from '../machines/constants.js';
import type { SessionContext } from '../machines/sessionContext.js';
import type { MediaSessionMachine } from '../machines/mediaSessionMachine.js';
import type { ClockCallEvent, PlatformEvent, SessionCallEvent } from '../machines/sessionEvents.js';
import type { MediaEvent, PublicState, SetTopologyFlags, StartPosition, TopologySpec } from '../machines/types.js';
import type { PlatformAdapter } from '../adapters/PlatformAdapter.js';
import { idealAdapter } from '../adapters/idealAdapter.js';

/** What a call returned: its HRESULT and, for getters, the out value. */
export interface CallResult<T = unknown> {
  hr: HResult;
  out?: T;
}

/** Options of {@link createSession}. */
export interface SessionOptions {
  /** The platform to run on (default: the ideal platform, where every pipeline step succeeds at once). */
  adapter?: PlatformAdapter;
  /** The session's id (default: `s<key>`). */
  id?: string;
  /** MFCreateMediaSession attributes; recorded, and ignored as the session ignores them (spec §5). */
  attributes?: Readonly<Record<string, unknown>>;
  /** XState inspection observer. */
  inspect?: Observer<InspectionEvent> | ((event: InspectionEvent) => void);
  /** Runtime key; the host assigns one. */
  key?: number;
}

/** A BeginGetEvent callback invocation. */
export interface CallbackInvocation {
  callback: string;
  state: string | null;
}

/** Listener of session-level records (calls, events queued, state changes). */
export type SessionRecordListener = (record: SessionRecord) => void;

/** A session-level record for observers: a call with its arguments and HRESULT, an event queued, a state change, a fault, the release. */
export type SessionRecord =
  | {
      kind: 'call';
      session: string;
      method: string;
      hr: HResult;
      at: number;
      /** The call's arguments (the call event minus `type` and `now`). */
      args: Readonly<Record<string, unknown>>;
      /** The out value, for getters (GetEvent's event, GetRate's rate, ...). */
      out?: unknown;
    }
  | { kind: 'event'; session: string; event: MediaEvent; at: number }
  | { kind: 'state'; session: string; state: PublicState; at: number }
  | { kind: 'fault'; session: string; message: string; at: number }
  /** The last reference was released; `leak` when the session was not shut down first. */
  | { kind: 'release'; session: string; leak: boolean; at: number };

/**
 * Low-level records for inspectors ({@link MediaSessionHandle.onInspect}): a call arriving (before
 * the records of what it causes), the statechart's state value after each run-to-completion step
 * that changed it, a platform event delivered from outside (a source shut down, the end of the
 * presentation).
 */
export type InspectRecord =
  | { kind: 'calling'; session: string; method: string; at: number }
  | { kind: 'value'; session: string; state: PublicState; value: StateValue; at: number }
  | { kind: 'platform'; session: string; event: PlatformEvent; at: number };

let nextKey = 1;

/**
 * A live session. Methods mirror IMFMediaSession, IMFMediaEventGenerator, IMFRateControl and the
 * presentation clock (`clock*`), and return what the statechart answers.
 */
export class MediaSessionHandle {
  readonly id: string;
  readonly key: number;
  readonly adapter: PlatformAdapter;
  readonly actor: Actor<MediaSessionMachine>;
  readonly attributes: Readonly<Record<string, unknown>>;
  #released = false;
  #pendingCallbacks: CallbackInvocation[] = [];
  #callbackListeners = new Set<(invocation: CallbackInvocation) => void>();
  #recordListeners = new Set<SessionRecordListener>();
  #inspectListeners = new Set<(record: InspectRecord) => void>();
  #lastValue: StateValue | undefined;
  #depth = 0;
  #lastState: PublicState;
  #eventSeqSeen = 0;
  #eventsQueued = 0;
  #fault: string | undefined;
  #faults: string[] = [];
  #reply: { hr: HResult; out?: unknown } | undefined;

  constructor(options: SessionOptions = {}) {
    this.key = options.key ?? nextKey++;
    this.id = options.id ?? `s${this.key}`;
    this.adapter = options.adapter ?? idealAdapter;
    this.attributes = options.attributes ?? {};
    this.actor = createActor(this.adapter.machine, {
      input: { key: this.key },
      inspect: options.inspect,
    });
    this.actor.on('mf.callback', (event) => {
      this.#pendingCallbacks.push({ callback: event.callback, state: event.state });
    });
    this.actor.on('mf.reply', (event) => {
      this.#reply = event;
    });
    this.actor.on('mf.fault', (event) => {
      this.#faults.push(event.message);
      this.#emit({ kind: 'fault', session: this.id, message: event.message, at: this.adapter.now() });
    });
    this.actor.subscribe({
      error: (error) => {
        this.#fault = error instanceof Error ? error.message : String(error);
        this.#emit({ kind: 'fault', session: this.id, message: this.#fault, at: this.adapter.now() });
      },
    });
    this.actor.start();
    this.#lastState = 'fresh';
    this.adapter.attach({ key: this.key, send: (event) => this.deliver(event), run: (work) => this.#dispatch(work) });
  }

  /** The statechart's context (read-only view). */
  get context(): SessionContext {
    return this.actor.getSnapshot().context;
  }

  /** The public state name (scenario format, "Public state names"). */
  get state(): PublicState {
    return publicStateOf(this.actor.getSnapshot());
  }

  /** The active state node path, e.g. `alive.starting.sinks`. */
  get statePath(): string {
    return flattenValue(this.actor.getSnapshot().value);
  }

  /** Whether Release was called. */
  get released(): boolean {
    return this.#released;
  }

  /** The error that stopped the actor, if any (an adapter bug the statechart could not absorb). */
  get fault(): string | undefined {
    return this.#fault;
  }

  /** Adapter faults the session absorbed (reported as MEError while it lived), oldest first. */
  get faults(): readonly string[] {
    return this.#faults;
  }

  /** How many events the session has queued since it was created. */
  get eventsQueued(): number {
    return this.#eventsQueued;
  }

  /** Registers a BeginGetEvent callback listener; returns an unsubscribe function. */
  onCallback(listener: (invocation: CallbackInvocation) => void): () => void {
    this.#callbackListeners.add(listener);
    return () => this.#callbackListeners.delete(listener);
  }

  /** Registers a listener of session-level records; returns an unsubscribe function. */
  onRecord(listener: SessionRecordListener): () => void {
    if (this.#recordListeners.size === 0) this.#lastState = this.state; // state records start from now
    this.#recordListeners.add(listener);
    return () => this.#recordListeners.delete(listener);
  }

  /**
   * Registers a listener of {@link InspectRecord}s (the live inspector's feed); returns an
   * unsubscribe function. Nothing is computed for them while no one listens.
   */
  onInspect(listener: (record: InspectRecord) => void): () => void {
    if (this.#inspectListeners.size === 0) this.#lastValue = this.actor.getSnapshot().value as StateValue;
    this.#inspectListeners.add(listener);
    return () => this.#inspectListeners.delete(listener);
  }

  #inspect(record: InspectRecord): void {
    for (const listener of this.#inspectListeners) listener(record);
  }

  /** Sends one method call and returns its synchronous result. */
  call<T = unknown>(event: SessionCallEvent | ClockCallEvent): CallResult<T> {
    if (this.#released) throw new Error(`session ${this.id} was released; no method may be called on it`);
    // An actor stopped by an error it could not absorb answers nothing: say so instead of a stale reply.
    if (this.actor.getSnapshot().status === 'error') return { hr: HR.E_UNEXPECTED };
    if (this.#inspectListeners.size > 0) this.#inspect({ kind: 'calling', session: this.id, method: event.type, at: this.adapter.now() });
    // #dispatch inlined (no closure per call): send, then the after-send work at the outermost level.
    let reply: { hr: HResult; out?: unknown } | undefined;
    this.#depth++;
    try {
      this.#reply = undefined;
      // Object.assign, not an object spread: V8 pretenures the spread's allocation site here, and the
      // call events it then places in the old generation keep young garbage alive through scavenges.
      this.actor.send(Object.assign({}, event, { now: this.adapter.now() }) as SessionCallEvent);
      // Read before the callbacks run: one of them may call in again and overwrite it.
      reply = this.#reply as { hr: HResult; out?: unknown } | undefined;
    } finally {
      this.#depth--;
    }
    if (this.#depth === 0) this.#afterSend();
    // Every call event is answered in every state; no answer means the actor could not run it.
    const result: CallResult<T> = !reply ? { hr: HR.E_UNEXPECTED } : reply.out === undefined ? { hr: reply.hr } : { hr: reply.hr, out: reply.out as T };
    // A call's record follows the records of what the call did.
    if (this.#recordListeners.size > 0) {
      const record: Extract<SessionRecord, { kind: 'call' }> = { kind: 'call', session: this.id, method: event.type, hr: result.hr, at: this.adapter.now(), args: callArgs(event) };
      if (result.out !== undefined) record.out = result.out;
      this.#emit(record);
    }
    return result;
  }

  /** Delivers a platform event (adapters call this through the link). */
  deliver(event: PlatformEvent): void {
    if (this.#released) return;
    if (this.#inspectListeners.size > 0) this.#inspect({ kind: 'platform', session: this.id, event, at: this.adapter.now() });
    this.#dispatch(() => this.actor.send(event));
  }

  /** Runs a send, then delivers callback invocations and records once the send is complete. */
  #dispatch<T>(send: () => T): T {
    this.#depth++;
    let result: T;
    try {
      result = send();
    } finally {
      this.#depth--;
    }
    if (this.#depth === 0) this.#afterSend();
    return result;
  }

  #afterSend(): void {
    const snapshot = this.actor.getSnapshot();
    const ctx = snapshot.context;
    if (this.#inspectListeners.size > 0) {
      const value = snapshot.value as StateValue;
      if (!sameStateValue(value, this.#lastValue!)) {
        this.#lastValue = value;
        this.#inspect({ kind: 'value', session: this.id, state: publicStateOf(snapshot), value, at: this.adapter.now() });
      }
    }
    // Work out what is new and advance the bookkeeping before any listener runs: a listener may call
    // the session again, and that nested send must not see (and re-deliver) these records.
    const added = ctx.events.length - this.#eventSeqSeen;
    if (added > 0) this.#eventsQueued += added;
    this.#eventSeqSeen = ctx.events.length;
    if (this.#recordListeners.size > 0) {
      const state = this.state;
      const previous = this.#lastState;
      this.#lastState = state;
      const at = this.adapter.now();
      // New events are the queue's tail: a macrostep either appends or removes, never both.
      if (added > 0) for (const event of ctx.events.slice(-added)) this.#emit({ kind: 'event', session: this.id, event, at });
      if (state !== previous) this.#emit({ kind: 'state', session: this.id, state, at });
    }
    while (this.#pendingCallbacks.length > 0) {
      const invocation = this.#pendingCallbacks.shift()!;
      for (const listener of this.#callbackListeners) listener(invocation);
    }
  }

  #emit(record: SessionRecord): void {
    for (const listener of this.#recordListeners) listener(record);
  }

  // IMFMediaSession

  /** IMFMediaSession::SetTopology. */
  SetTopology(flags: SetTopologyFlags | number, topology: TopologySpec | null): HResult {
    const bits = typeof flags === 'number' ? flags : flags.reduce((acc, flag) => acc | SETTOPOLOGY[flag], 0);
    return this.call({ type: 'session.SetTopology', flags: bits, topology }).hr;
  }
  /** IMFMediaSession::ClearTopologies. */
  ClearTopologies(): HResult {
    return this.call({ type: 'session.ClearTopologies' }).hr;
  }
  /** IMFMediaSession::Start; `position` null passes a NULL pointer. */
  Start(position: StartPosition = { vt: 'VT_EMPTY' }, timeFormat: string | null = 'GUID_NULL'): HResult {
    return this.call({ type: 'session.Start', position, timeFormat }).hr;
  }
  /** IMFMediaSession::Pause. */
  Pause(): HResult {
    return this.call({ type: 'session.Pause' }).hr;
  }
  /** IMFMediaSession::Stop. */
  Stop(): HResult {
    return this.call({ type: 'session.Stop' }).hr;
  }
  /** IMFMediaSession::Close. */
  Close(): HResult {
    return this.call({ type: 'session.Close' }).hr;
  }
  /** IMFMediaSession::Shutdown. */
  Shutdown(): HResult {
    return this.call({ type: 'session.Shutdown' }).hr;
  }
  /** IMFMediaSession::GetClock. */
  GetClock(): HResult {
    return this.call({ type: 'session.GetClock' }).hr;
  }
  /** IMFMediaSession::GetFullTopology: `'current' | 'queued' | 'null'` on success. */
  GetFullTopology(current: boolean, topoId = 0): CallResult<'current' | 'queued' | 'null'> {
    return this.call({ type: 'session.GetFullTopology', flags: current ? GETFULLTOPOLOGY_CURRENT : 0, topoId });
  }
  /** IMFMediaSession::GetSessionCapabilities; `nullPointer` passes NULL. */
  GetSessionCapabilities(nullPointer = false): CallResult<number> {
    return this.call({ type: 'session.GetSessionCapabilities', nullPointer });
  }

  // IMFMediaEventGenerator

  /** IMFMediaEventGenerator::GetEvent. A blocking call on an empty queue answers MF_E_NO_EVENTS_AVAILABLE with `out.wouldBlock`. */
  GetEvent(noWait = true): CallResult<MediaEvent | { wouldBlock: true }> {
    return this.call({ type: 'session.GetEvent', flags: noWait ? MF_EVENT_FLAG_NO_WAIT : 0 });
  }
  /** IMFMediaEventGenerator::BeginGetEvent with a named callback and state object. */
  BeginGetEvent(callback: string | null, state: string | null = null): HResult {
    return this.call({ type: 'session.BeginGetEvent', callback, state }).hr;
  }
  /** IMFMediaEventGenerator::EndGetEvent. */
  EndGetEvent(result: 'pending' | 'foreign' = 'pending'): CallResult<MediaEvent> {
    return this.call({ type: 'session.EndGetEvent', result });
  }
  /** IMFMediaEventGenerator::QueueEvent. */
  QueueEvent(eventType: number, status: HResult = HR.S_OK): HResult {
    return this.call({ type: 'session.QueueEvent', eventType, status }).hr;
  }

  // IMFRateControl (through IMFGetService)

  /** IMFRateControl::SetRate. */
  SetRate(thin: boolean, rate: number): HResult {
    return this.call({ type: 'rate.SetRate', thin, rate }).hr;
  }
  /** IMFRateControl::GetRate. */
  GetRate(): CallResult<{ thin: boolean; rate: number }> {
    return this.call({ type: 'rate.GetRate' });
  }

  /**
   * IUnknown::Release of the last reference. Without a Shutdown first the session leaks (the
   * seeds' warning): the result says so, and the session is shut down on the way out so its
   * actor holds nothing.
   */
  Release(): { leak: boolean } {
    if (this.#released) throw new Error(`session ${this.id} was already released`);
    const snapshot = this.actor.getSnapshot();
    const leak = !snapshot.matches('shutdown');
    if (this.#inspectListeners.size > 0) this.#inspect({ kind: 'calling', session: this.id, method: 'session.Release', at: this.adapter.now() });
    if (leak && snapshot.status === 'active') this.#dispatch(() => this.actor.send({ type: 'session.Shutdown', now: this.adapter.now() }));
    this.#released = true;
    this.adapter.detach(this.key);
    this.actor.stop();
    if (this.#recordListeners.size > 0) this.#emit({ kind: 'release', session: this.id, leak, at: this.adapter.now() });
    return { leak };
  }
}

/** The public state name of a session statechart snapshot (scenario format, "Public state names"). */
export function publicStateOf(snapshot: SnapshotFrom<MediaSessionMachine>): PublicState {
  // Read from the value directly (`shutdown` and `alive.closing` are atomic): `matches()` costs
  // more than the rest of a getter call, and observers read this after every step.
  const value = snapshot.value as StateValue;
  if (value === 'shutdown') return 'shutdown';
  // A running Close is `closing`; every other transitional state reports the settled state it left.
  if (typeof value === 'object' && value.alive === 'closing') return 'closing';
  return snapshot.context.settled;
}

/** Structural equality of two state values (small trees of keys). */
function sameStateValue(a: StateValue, b: StateValue): boolean {
  if (a === b) return true;
  if (typeof a === 'string' || typeof b === 'string') return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => key in b && sameStateValue(a[key]!, b[key]!));
}

/** A call event's arguments: the event without `type` and the runtime's `now` stamp. */
export function callArgs(event: SessionCallEvent | ClockCallEvent): Record<string, unknown> {
  const { type: _type, now: _now, ...args } = event as SessionCallEvent & { now?: number };
  return args;
}

function flattenValue(value: unknown): string {
  if (typeof value === 'string') return value;
  const [key, inner] = Object.entries(value as Record<string, unknown>)[0];
  return `${key}.${flattenValue(inner)}`;
}

/** Creates a session (MFCreateMediaSession) on a platform. */
export function createSession(options: SessionOptions = {}): MediaSessionHandle {
  return new MediaSessionHandle(options);
}
