/**
 * A session's BeginGetEvent subscriptions as a scenario makes them: JS IMFAsyncCallback objects
 * and IUnknown state objects by name (same name, same object), and the IMFAsyncResult the session
 * hands to a callback's Invoke, kept so that a later EndGetEvent("pending") can pass it back.
 *
 * Invoke comes from a Media Foundation work-queue thread and runs on the bridge's JS thread (see
 * `com/createComObject.ts`): it only takes a reference to the result and wakes whoever waits for it.
 * EndGetEvent is called by the bridge afterwards, never from inside Invoke, so the scenario decides
 * when the event is taken, as an application's callback would.
 * @module
 */
import { createAsyncCallback } from '../com/createAsyncCallback.js';
import { createComObject, type ComObject } from '../com/createComObject.js';
import type { ComPtr } from '../com/createComCaller.js';
import type { MfRuntime } from '../pipeline/createMfRuntime.js';

const S_OK = 0;

/** One session's named callbacks and states, and the result its callbacks were invoked with. */
export class SessionSubscriptions {
  readonly #rt: MfRuntime;
  readonly #callbacks = new Map<string, ComObject>();
  readonly #states = new Map<string, ComObject>();
  /** The result of the latest Invoke, with a reference of ours. */
  #lastResult: ComPtr | undefined;
  /** A BeginGetEvent answered S_OK and its Invoke has not come yet. */
  #awaitingInvoke = false;
  readonly #waiters = new Set<() => void>();
  #foreign: { callback: ComObject; result: ComPtr } | undefined;
  /** Names of the callbacks invoked, in order (for `observe`-style reports and tests). */
  readonly invocations: string[] = [];

  /** Exceptions inside the JS objects' methods (they answer E_UNEXPECTED). */
  readonly errors: string[] = [];

  constructor(rt: MfRuntime) {
    this.#rt = rt;
  }

  readonly #onError = (method: string, error: unknown) => {
    this.errors.push(`${method}: ${(error as Error)?.message ?? String(error)}`);
  };

  /** The callback named `name` (made on first mention). */
  callback(name: string): ComPtr {
    let callback = this.#callbacks.get(name);
    if (!callback) {
      callback = createAsyncCallback(this.#rt.koffi, this.#rt.guids, {
        name: `ScenarioCallback ${name}`,
        onError: this.#onError,
        invoke: (result) => {
          // The session releases its reference once EndGetEvent (or Shutdown) clears the subscription.
          this.#rt.com.addRef(result);
          if (this.#lastResult !== undefined) this.#rt.com.release(this.#lastResult);
          this.#lastResult = result;
          this.#awaitingInvoke = false;
          this.invocations.push(name);
          for (const wake of [...this.#waiters]) wake();
        },
      });
      this.#callbacks.set(name, callback);
    }
    return callback.ptr;
  }

  /** The state object named `name` (a bare IUnknown, made on first mention), or NULL. */
  state(name: string | null | undefined): ComPtr | null {
    if (name === null || name === undefined) return null;
    let state = this.#states.get(name);
    if (!state) {
      state = createComObject(this.#rt.koffi, this.#rt.guids, { name: `ScenarioState ${name}`, iids: [], methods: [], onError: this.#onError });
      this.#states.set(name, state);
    }
    return state.ptr;
  }

  /**
   * Notes BeginGetEvent's answer: S_OK is a new subscription whose Invoke is still to come
   * (MF_S_MULTIPLE_BEGIN is not), unless the Invoke already came while BeginGetEvent ran (events
   * were queued: the callback is posted at once). `invokedBefore`: {@link invocations}' length before the call.
   */
  begun(hr: number, invokedBefore: number): void {
    if (hr === S_OK && this.invocations.length === invokedBefore) this.#awaitingInvoke = true;
  }

  /**
   * The result handed to the latest subscription's callback, waiting up to `waitMs` for the Invoke
   * when it has not come yet; undefined when no Invoke came (nothing reached the subscription).
   */
  async pendingResult(waitMs: number): Promise<ComPtr | undefined> {
    if (this.#awaitingInvoke) {
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.#waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, waitMs);
        this.#waiters.add(wake);
      });
      if (this.#awaitingInvoke) return undefined;
    }
    return this.#lastResult;
  }

  /** An IMFAsyncResult no event queue made (MFCreateAsyncResult), made once. */
  foreignResult(create: (callback: ComPtr, out: unknown[]) => number): ComPtr {
    if (!this.#foreign) {
      const callback = createAsyncCallback(this.#rt.koffi, this.#rt.guids, { name: 'ForeignResultCallback', onError: this.#onError, invoke: () => {} });
      const out: unknown[] = [null];
      const hr = create(callback.ptr, out);
      if (hr !== S_OK || !out[0]) {
        callback.release();
        throw new Error(`MFCreateAsyncResult failed: 0x${(hr >>> 0).toString(16)}`);
      }
      this.#foreign = { callback, result: BigInt(out[0] as bigint) };
    }
    return this.#foreign.result;
  }

  /** Releases our references (after the session released its own). */
  release(): void {
    if (this.#lastResult !== undefined) this.#rt.com.release(this.#lastResult);
    this.#lastResult = undefined;
    if (this.#foreign) {
      this.#rt.com.release(this.#foreign.result);
      this.#foreign.callback.release();
      this.#foreign = undefined;
    }
    for (const callback of this.#callbacks.values()) callback.release();
    for (const state of this.#states.values()) state.release();
    this.#callbacks.clear();
    this.#states.clear();
    for (const wake of [...this.#waiters]) wake();
  }
}
