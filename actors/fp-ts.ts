/**
 * fp-ts views of a session (subpath export `mfchart/fp-ts`; fp-ts is an optional peer
 * dependency): each method is a `TaskEither<HResultError, A>` that is Left for a failure HRESULT.
 * A TaskEither is lazy: the session is called when the task runs, not when it is built, so tasks
 * can be composed first and run in sequence.
 *
 * fp-ts is imported through its `lib/*.js` CommonJS modules: fp-ts 2 has no `exports` map, so a
 * bare `fp-ts/TaskEither` is a directory import that Node's ESM loader refuses in the built code.
 * @module
 */
import * as E from 'fp-ts/lib/Either.js';
import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import type { MediaSessionHandle } from './createSession.js';
import { createPromiseSession, type NextEventOptions, type PromiseSession } from './promise.js';
import { HR, HResultError, failed, type HResult } from '../machines/hresult.js';
import type { MediaEventName } from '../machines/mediaEventType.js';
import type { MediaEvent, SetTopologyFlags, StartPosition, TopologySpec } from '../machines/types.js';

/** fp-ts's TaskEither type, re-exported so callers can name the results without importing fp-ts. */
export type { TaskEither };

/** Any thrown value as an HResultError (a non-HRESULT error becomes E_UNEXPECTED with its message). */
export function toHResultError(error: unknown): HResultError {
  if (error instanceof HResultError) return error;
  const wrapped = new HResultError(HR.E_UNEXPECTED, error instanceof Error ? error.message : String(error));
  (wrapped as { cause?: unknown }).cause = error;
  return wrapped;
}

/**
 * A TaskEither of one session call made through the Promise facade: Right with the HRESULT when
 * it succeeded (S_OK, S_FALSE, ...), Left with an HResultError naming the method when it failed
 * or threw. Going through the facade means a faulted session answers E_UNEXPECTED, not the stale
 * reply its stopped actor still holds.
 */
export function call(handle: MediaSessionHandle, method: string, run: (session: PromiseSession) => Promise<HResult>): TaskEither<HResultError, HResult> {
  return async () => {
    try {
      const hr = await run(createPromiseSession(handle));
      return failed(hr) ? E.left(new HResultError(hr, method)) : E.right(hr);
    } catch (error) {
      return E.left(toHResultError(error));
    }
  };
}

/** IMFMediaSession::SetTopology. */
export const setTopology = (handle: MediaSessionHandle, flags: SetTopologyFlags | number, topology: TopologySpec | null): TaskEither<HResultError, HResult> =>
  call(handle, 'SetTopology', (s) => s.SetTopology(flags, topology));
/** IMFMediaSession::ClearTopologies. */
export const clearTopologies = (handle: MediaSessionHandle): TaskEither<HResultError, HResult> =>
  call(handle, 'ClearTopologies', (s) => s.ClearTopologies());
/** IMFMediaSession::Start (default position: VT_EMPTY, the current position). */
export const start = (handle: MediaSessionHandle, position?: StartPosition): TaskEither<HResultError, HResult> =>
  call(handle, 'Start', (s) => s.Start(position));
/** IMFMediaSession::Pause. */
export const pause = (handle: MediaSessionHandle): TaskEither<HResultError, HResult> => call(handle, 'Pause', (s) => s.Pause());
/** IMFMediaSession::Stop. */
export const stop = (handle: MediaSessionHandle): TaskEither<HResultError, HResult> => call(handle, 'Stop', (s) => s.Stop());
/** IMFMediaSession::Close. */
export const close = (handle: MediaSessionHandle): TaskEither<HResultError, HResult> => call(handle, 'Close', (s) => s.Close());
/** IMFMediaSession::Shutdown. */
export const shutdown = (handle: MediaSessionHandle): TaskEither<HResultError, HResult> => call(handle, 'Shutdown', (s) => s.Shutdown());
/** IMFRateControl::SetRate. */
export const setRate = (handle: MediaSessionHandle, thin: boolean, rate: number): TaskEither<HResultError, HResult> =>
  call(handle, 'SetRate', (s) => s.SetRate(thin, rate));
/** IMFMediaEventGenerator::QueueEvent. */
export const queueEvent = (handle: MediaSessionHandle, type: MediaEventName | number, status: HResult = HR.S_OK): TaskEither<HResultError, HResult> =>
  call(handle, 'QueueEvent', (s) => s.QueueEvent(type, status));

/**
 * The next event of a type, read as an application reads it (see `PromiseSession.nextEvent`):
 * Right with the event; Left with a `MediaEventError` when its status is a failure, an
 * `EventTimeoutError` (hr WAIT_TIMEOUT) when none arrives within `timeoutMs`, or an HResultError
 * when the session cannot deliver events.
 */
export const nextEvent = (
  handle: MediaSessionHandle,
  type: MediaEventName | number,
  options: NextEventOptions = {},
): TaskEither<HResultError, MediaEvent> => {
  const session = createPromiseSession(handle);
  return () => session.nextEvent(type, options).then(E.right, (error: unknown) => E.left(toHResultError(error)));
};
