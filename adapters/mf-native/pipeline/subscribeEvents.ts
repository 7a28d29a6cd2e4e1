/**
 * Reading an IMFMediaEventGenerator's events without polling: BeginGetEvent with a JS
 * IMFAsyncCallback, EndGetEvent inside Invoke (on the JS thread), then BeginGetEvent again.
 * BeginGetEvent is issued from a koffi worker thread so that the JS thread never waits on an MF lock.
 * @module
 */
import { createAsyncCallback } from '../com/createAsyncCallback.js';
import type { ComPtr } from '../com/createComCaller.js';
import { hex, type MfRuntime } from './createMfRuntime.js';
import { VT } from './mfVtables.js';
import { readMediaEvent, type MediaEventData } from './readMediaEvent.js';

/** A running subscription. */
export interface EventSubscription {
  /** Every event read so far, in order. */
  readonly events: readonly MediaEventData[];
  /** Why the subscription ended (a failed BeginGetEvent/EndGetEvent, e.g. MF_E_SHUTDOWN), if it did. */
  readonly endedWith: number | undefined;
  /** Resolves with the first event (already read or future) that `match` accepts, or undefined after `timeoutMs`. */
  next(match: (event: MediaEventData) => boolean, timeoutMs: number): Promise<MediaEventData | undefined>;
  /** Stops re-arming; the callback object goes away when Media Foundation drops its reference. */
  stop(): void;
}

/**
 * Subscribes to `generator` (a session, a source, any IMFMediaEventGenerator). `onEvent` sees each
 * event as it is read. Resolves once the first BeginGetEvent was accepted; rejects with its HRESULT otherwise.
 */
export async function subscribeEvents(
  rt: MfRuntime,
  generator: ComPtr,
  onEvent: (event: MediaEventData) => void = () => {},
): Promise<EventSubscription> {
  const events: MediaEventData[] = [];
  const waiters = new Set<{ match: (e: MediaEventData) => boolean; resolve: (e: MediaEventData | undefined) => void }>();
  let stopped = false;
  let endedWith: number | undefined;
  const end = (hr: number) => {
    endedWith ??= hr;
    stopped = true;
  };
  const begin = () =>
    rt.com.callAsync(generator, VT.IMFMediaEventGenerator.BeginGetEvent, 'void *callback, void *state', callback.ptr, null);
  const callback = createAsyncCallback(rt.koffi, rt.guids, {
    name: 'EventSubscription',
    invoke: (result) => {
      const out: unknown[] = [null];
      const hr = rt.com.call(generator, VT.IMFMediaEventGenerator.EndGetEvent, 'void *result, _Out_ void **event', result, out);
      if (hr >= 0x80000000) return void end(hr);
      const event = BigInt(out[0] as bigint);
      const data = readMediaEvent(rt, event);
      rt.com.release(event);
      events.push(data);
      onEvent(data);
      for (const waiter of [...waiters]) {
        if (waiter.match(data)) {
          waiters.delete(waiter);
          waiter.resolve(data);
        }
      }
      if (!stopped) void begin().then((next) => next >= 0x80000000 && end(next), () => end(0x8000ffff));
    },
  });
  const first = await begin();
  if (first >= 0x80000000) {
    callback.release();
    throw new Error(`BeginGetEvent failed: ${hex(first)}`);
  }
  let released = false;
  return {
    events,
    get endedWith() {
      return endedWith;
    },
    next(match, timeoutMs) {
      const already = events.find(match);
      if (already) return Promise.resolve(already);
      return new Promise((resolve) => {
        const waiter = { match, resolve };
        waiters.add(waiter);
        setTimeout(() => {
          if (waiters.delete(waiter)) resolve(undefined);
        }, timeoutMs);
      });
    },
    stop() {
      stopped = true;
      if (!released) {
        released = true;
        callback.release();
      }
    },
  };
}
