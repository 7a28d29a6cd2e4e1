/**
 * A media session as an RxJS resource: created when subscribed, emitted once, and shut down and
 * released when the subscription ends (complete, error or unsubscribe), so no pipeline can leak a
 * session by forgetting its Shutdown.
 * @module
 */
import { Observable } from 'rxjs';
import { createSession, type MediaSessionHandle } from '../../actors/createSession.js';
import type { PlatformAdapter } from '../../adapters/PlatformAdapter.js';
import type { HResult } from '../../machines/hresult.js';

/** What the teardown of a {@link session$} did. */
export interface SessionTeardown {
  readonly id: string;
  /** Shutdown's HRESULT (MF_E_SHUTDOWN when the pipeline already shut the session down). */
  readonly shutdown: HResult;
  /** Release's verdict: true only if the session was released without being shut down. */
  readonly leak: boolean;
}

/** A session on `adapter` named `id`, alive while subscribed; `onTeardown` hears how it ended. */
export function session$(adapter: PlatformAdapter, id: string, onTeardown?: (teardown: SessionTeardown) => void): Observable<MediaSessionHandle> {
  return new Observable<MediaSessionHandle>((subscriber) => {
    const session = createSession({ adapter, id });
    subscriber.next(session);
    return () => {
      const shutdown = session.Shutdown();
      const { leak } = session.Release();
      onTeardown?.({ id, shutdown, leak });
    };
  });
}
