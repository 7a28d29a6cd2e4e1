/**
 * A Promise facade over a session handle: every method resolves with the HRESULT the session
 * answered, and {@link PromiseSession.nextEvent} waits for an event the way an application does
 * (BeginGetEvent, the callback, EndGetEvent), letting platform time pass meanwhile.
 *
 * The methods call the session at once (not on a later tick), so calls made one after another
 * reach the session in that order whether or not the caller awaits each one.
 * @module
 */
import { MediaSessionHandle, createSession, type CallResult, type SessionOptions } from './createSession.js';
import { HR, HResultError, WAIT_TIMEOUT, failed, type HResult } from '../machines/hresult.js';
import { eventName, eventType, type MediaEventName } from '../machines/mediaEventType.js';
import { HNS_PER_MS } from '../machines/constants.js';
import type { MediaEvent, SetTopologyFlags, StartPosition, TopologySpec } from '../machines/types.js';

/** The BeginGetEvent callback name the facade subscribes with. */
export const PROMISE_CALLBACK = '$promise';

/** Default of {@link NextEventOptions.timeoutMs}. */
export const DEFAULT_EVENT_TIMEOUT_MS = 5_000;

/** Options of {@link PromiseSession.nextEvent}. */
export interface NextEventOptions {
  /** How long to wait, in milliseconds of platform time (simulated time on the mock platform). Default 5000. */
  timeoutMs?: number;
}

/** The awaited event did not arrive in time. Its `hr` is `WAIT_TIMEOUT`, the sentinel Windows' tests use. */
export class EventTimeoutError extends HResultError {
  /** The MediaEventType that was awaited. */
  readonly eventType: number;
  /** The timeout, in milliseconds. */
  readonly timeoutMs: number;
  constructor(type: number, timeoutMs: number) {
    super(WAIT_TIMEOUT, `no ${eventName(type)} within ${timeoutMs} ms`);
    this.name = 'EventTimeoutError';
    this.eventType = type;
    this.timeoutMs = timeoutMs;
  }
}

/** The awaited event arrived with a failure status; `hr` is that status. */
export class MediaEventError extends HResultError {
  /** The event, as the session queued it. */
  readonly event: MediaEvent;
  constructor(event: MediaEvent) {
    super(event.status, eventName(event.type));
    this.name = 'MediaEventError';
    this.event = event;
  }
}

/**
 * The application-side event reader of one session. There is one per handle (kept in a WeakMap),
 * because the session allows one subscriber: two facades on one handle must share the
 * subscription and its "callback was invoked" flag, or one would EndGetEvent the other's event.
 */
class EventReader {
  /** The callback was invoked and EndGetEvent has not been called yet. */
  #invoked = false;
  /** The read in progress; reads run one at a time because they share the subscription. */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(readonly handle: MediaSessionHandle) {
    // Installed once and kept: a callback can arrive after a read timed out, and the next read must know.
    handle.onCallback((invocation) => {
      if (invocation.callback === PROMISE_CALLBACK) this.#invoked = true;
    });
  }

  /** Queues a read behind the ones in progress. */
  read(type: number, timeoutMs: number): Promise<MediaEvent> {
    const run = this.#queue.then(() => this.#read(type, timeoutMs));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #read(type: number, timeoutMs: number): Promise<MediaEvent> {
    const { handle } = this;
    const deadline = handle.adapter.now() + timeoutMs * HNS_PER_MS;
    for (;;) {
      this.#checkAlive();
      const wasInvoked = this.#invoked;
      // A fresh subscription may fire during BeginGetEvent itself (events already queued).
      this.#invoked = false;
      const begin = handle.BeginGetEvent(PROMISE_CALLBACK, null);
      if (begin === HR.MF_S_MULTIPLE_BEGIN) {
        // Our earlier subscription (left by a read that timed out) is still pending: keep its state.
        this.#invoked ||= wasInvoked;
      } else if (failed(begin)) {
        throw new HResultError(begin, 'BeginGetEvent');
      }
      if (!this.#invoked) await handle.adapter.waitUntil(() => this.#invoked || this.#gone(), deadline);
      if (!this.#invoked) {
        // Say why nothing came: a session that went away is not a timeout.
        this.#checkAlive();
        throw new EventTimeoutError(type, timeoutMs);
      }
      this.#invoked = false;
      const end = handle.EndGetEvent();
      if (failed(end.hr)) throw new HResultError(end.hr, 'EndGetEvent');
      const event = end.out!;
      // An application's event loop reads every event; ones it does not wait for are dropped.
      if (event.type !== type) continue;
      if (failed(event.status)) throw new MediaEventError(event);
      return event;
    }
  }

  /** Whether the session can no longer deliver events. */
  #gone(): boolean {
    const { handle } = this;
    return handle.released || handle.fault !== undefined || handle.state === 'shutdown';
  }

  #checkAlive(): void {
    const { handle } = this;
    if (handle.released) throw new HResultError(HR.MF_E_SHUTDOWN, `session ${handle.id} was released`);
    if (handle.fault !== undefined) throw new HResultError(HR.E_UNEXPECTED, `session ${handle.id} faulted (${handle.fault})`);
    if (handle.state === 'shutdown') throw new HResultError(HR.MF_E_SHUTDOWN, `session ${handle.id} is shut down`);
  }
}

const readers = new WeakMap<MediaSessionHandle, EventReader>();

function readerOf(handle: MediaSessionHandle): EventReader {
  let reader = readers.get(handle);
  if (!reader) {
    reader = new EventReader(handle);
    readers.set(handle, reader);
  }
  return reader;
}

/** Resolves an event type given by name or number; an unknown name is an E_INVALIDARG HResultError. */
export function resolveEventType(type: MediaEventName | number): number {
  if (typeof type === 'number') return type;
  const value = eventType(type);
  if (value === undefined) throw new HResultError(HR.E_INVALIDARG, `unknown MediaEventType name "${type}"`);
  return value;
}

/** A session whose methods return Promises. */
export class PromiseSession {
  /** The session the facade drives. */
  readonly handle: MediaSessionHandle;

  constructor(handle: MediaSessionHandle) {
    this.handle = handle;
  }

  /**
   * Runs a call. A faulted session's actor is stopped and its `reply` is stale, so the facade
   * answers E_UNEXPECTED rather than repeat whatever the last live call returned.
   */
  #hr(call: () => HResult): Promise<HResult> {
    return this.#result(() => ({ hr: call() })).then((result) => result.hr);
  }

  #result<T>(call: () => CallResult<T>): Promise<CallResult<T>> {
    try {
      if (this.handle.fault !== undefined) return Promise.resolve({ hr: HR.E_UNEXPECTED });
      const result = call();
      return Promise.resolve(this.handle.fault !== undefined ? { hr: HR.E_UNEXPECTED } : result);
    } catch (error) {
      // A call on a released session throws; the Promise rejects instead.
      return Promise.reject(error);
    }
  }

  /** IMFMediaSession::SetTopology. */
  SetTopology(flags: SetTopologyFlags | number, topology: TopologySpec | null): Promise<HResult> {
    return this.#hr(() => this.handle.SetTopology(flags, topology));
  }
  /** IMFMediaSession::ClearTopologies. */
  ClearTopologies(): Promise<HResult> {
    return this.#hr(() => this.handle.ClearTopologies());
  }
  /** IMFMediaSession::Start (default position: VT_EMPTY, the current position). */
  Start(position?: StartPosition, timeFormat?: string | null): Promise<HResult> {
    return this.#hr(() => this.handle.Start(position, timeFormat));
  }
  /** IMFMediaSession::Pause. */
  Pause(): Promise<HResult> {
    return this.#hr(() => this.handle.Pause());
  }
  /** IMFMediaSession::Stop. */
  Stop(): Promise<HResult> {
    return this.#hr(() => this.handle.Stop());
  }
  /** IMFMediaSession::Close. */
  Close(): Promise<HResult> {
    return this.#hr(() => this.handle.Close());
  }
  /** IMFMediaSession::Shutdown. */
  Shutdown(): Promise<HResult> {
    return this.#hr(() => this.handle.Shutdown());
  }
  /** IMFMediaSession::GetClock. */
  GetClock(): Promise<HResult> {
    return this.#hr(() => this.handle.GetClock());
  }
  /** IMFMediaSession::GetFullTopology. */
  GetFullTopology(current: boolean, topoId = 0): Promise<CallResult<'current' | 'queued' | 'null'>> {
    return this.#result(() => this.handle.GetFullTopology(current, topoId));
  }
  /** IMFMediaSession::GetSessionCapabilities. */
  GetSessionCapabilities(): Promise<CallResult<number>> {
    return this.#result(() => this.handle.GetSessionCapabilities());
  }
  /** IMFMediaEventGenerator::QueueEvent. */
  QueueEvent(type: MediaEventName | number, status: HResult = HR.S_OK): Promise<HResult> {
    return this.#hr(() => this.handle.QueueEvent(resolveEventType(type), status));
  }
  /** IMFRateControl::SetRate. */
  SetRate(thin: boolean, rate: number): Promise<HResult> {
    return this.#hr(() => this.handle.SetRate(thin, rate));
  }
  /** IMFRateControl::GetRate. */
  GetRate(): Promise<CallResult<{ thin: boolean; rate: number }>> {
    return this.#result(() => this.handle.GetRate());
  }
  /** IUnknown::Release of the last reference; `leak` when the session was not shut down. */
  Release(): Promise<{ leak: boolean }> {
    try {
      return Promise.resolve(this.handle.Release());
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Waits for the next event of a type, reading the queue as an application does: BeginGetEvent
   * with the {@link PROMISE_CALLBACK} callback, then EndGetEvent once the callback is invoked.
   * Events of other types are read and dropped. Platform time passes while it waits (the mock
   * platform advances its simulated clock). Reads on one session run one after another.
   *
   * Resolves with the event. Rejects with a {@link MediaEventError} when the event carries a
   * failure status, an {@link EventTimeoutError} when none arrives within `timeoutMs`, and an
   * {@link HResultError} when the session cannot deliver events (shut down: MF_E_SHUTDOWN;
   * faulted: E_UNEXPECTED; another subscriber: MF_E_MULTIPLE_SUBSCRIBERS; unknown type name:
   * E_INVALIDARG).
   */
  nextEvent(type: MediaEventName | number, options: NextEventOptions = {}): Promise<MediaEvent> {
    let resolved: number;
    try {
      resolved = resolveEventType(type);
    } catch (error) {
      return Promise.reject(error);
    }
    return readerOf(this.handle).read(resolved, options.timeoutMs ?? DEFAULT_EVENT_TIMEOUT_MS);
  }
}

/**
 * Wraps a session handle in the Promise facade, or creates a session from options and wraps it.
 * Facades on one handle share its event subscription, so several may coexist.
 */
export function createPromiseSession(source: MediaSessionHandle | SessionOptions = {}): PromiseSession {
  return new PromiseSession(source instanceof MediaSessionHandle ? source : createSession(source));
}
