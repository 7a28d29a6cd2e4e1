/**
 * A session command as an Observable: the call is made on subscription, and the command's
 * completion event is emitted when the session queues it. A failure is an error either way —
 * synchronous (the call's HRESULT) or asynchronous (the completion's status) — so RxJS's `retry`,
 * `timeout` and `catchError` apply to the whole command.
 * @module
 */
import { Observable, asapScheduler, filter, observeOn, take } from 'rxjs';
import { events$ } from '../../actors/rxjs.js';
import { MediaEventError } from '../../actors/promise.js';
import type { MediaSessionHandle } from '../../actors/createSession.js';
import { HResultError, failed, type HResult } from '../../machines/hresult.js';
import { ME, type MediaEventName } from '../../machines/mediaEventType.js';
import type { MediaEvent } from '../../machines/types.js';

/**
 * Calls `call(session)` (named `method` in errors) and emits the next `completion` event it queues.
 * Errors with an HResultError when the call fails, a MediaEventError when the completion does.
 */
export function command$(session: MediaSessionHandle, method: string, call: (session: MediaSessionHandle) => HResult, completion: MediaEventName): Observable<MediaEvent> {
  return new Observable<MediaEvent>((subscriber) => {
    // Watch before calling: on a fast platform the completion can be queued during the call.
    const watching = events$(session)
      .pipe(
        filter((event) => event.type === ME[completion]),
        take(1),
        // Deliver on a microtask, as a COM callback runs on a work queue: whatever the subscriber
        // calls next then runs after the session finished handing out this call's records.
        observeOn(asapScheduler),
      )
      .subscribe({
        next: (event) => (failed(event.status) ? subscriber.error(new MediaEventError(event)) : subscriber.next(event)),
        error: (error) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
    const hr = call(session);
    if (failed(hr)) subscriber.error(new HResultError(hr, method));
    return watching;
  });
}
