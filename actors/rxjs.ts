/**
 * RxJS views of a session (subpath export `mfchart/rxjs`): its public state, the events it
 * queues, and every session-level record. Each Observable completes when the session is
 * released, and errors (with the fault's message) when the session's actor dies on an adapter
 * error, so a subscriber never waits on a session that can no longer change.
 * @module
 */
import { Observable, distinctUntilChanged, filter, map } from 'rxjs';
import type { MediaSessionHandle, SessionRecord } from './createSession.js';
import type { MediaEvent, PublicState } from '../machines/types.js';

/** The error a view fails with when the session's actor died on an adapter error. */
export class SessionFaultError extends Error {
  /** The session's id. */
  readonly session: string;
  constructor(session: string, message: string, options?: { cause?: unknown }) {
    super(`session ${session} faulted: ${message}`, options);
    this.name = 'SessionFaultError';
    this.session = session;
  }
}

/**
 * Every record the session emits from subscription on: calls and their HRESULTs, events queued,
 * state changes, and a fault. Completes on Release; errors with {@link SessionFaultError} after
 * the `fault` record when the actor dies.
 */
export function records$(handle: MediaSessionHandle): Observable<SessionRecord> {
  return new Observable<SessionRecord>((subscriber) => {
    if (handle.released) {
      subscriber.complete();
      return undefined;
    }
    const off = handle.onRecord((record) => subscriber.next(record));
    // Release stops the actor, which completes its observers: that is the "released" signal.
    // An actor error is reported to observers (after the handle has recorded the fault); an
    // actor that already died reports it at once on subscribe.
    const actorSubscription = handle.actor.subscribe({
      complete: () => subscriber.complete(),
      error: (error) => subscriber.error(new SessionFaultError(handle.id, handle.fault ?? String(error), { cause: error })),
    });
    return () => {
      off();
      actorSubscription.unsubscribe();
    };
  });
}

/** Every MediaEvent the session queues from subscription on (whoever reads it). Completes on Release. */
export function events$(handle: MediaSessionHandle): Observable<MediaEvent> {
  return records$(handle).pipe(
    filter((record): record is Extract<SessionRecord, { kind: 'event' }> => record.kind === 'event'),
    map((record) => record.event),
  );
}

/**
 * The session's public state: the current state first, then each change (no repeats).
 * Completes on Release (a released session emits its last state, then completes).
 */
export function state$(handle: MediaSessionHandle): Observable<PublicState> {
  return new Observable<PublicState>((subscriber) => {
    // Read the current state inside subscribe, so each subscriber starts from its own present.
    subscriber.next(handle.state);
    return records$(handle)
      .pipe(
        filter((record): record is Extract<SessionRecord, { kind: 'state' }> => record.kind === 'state'),
        map((record) => record.state),
      )
      .subscribe(subscriber);
  }).pipe(distinctUntilChanged());
}
