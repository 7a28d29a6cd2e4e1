/**
 * An optional bridge to Stately's own viewer (`@statelyai/inspect`): every session actor of a host
 * is registered with a `createWebSocketInspector` and its XState inspection stream forwarded to
 * `createInspectorServer` from `@statelyai/inspect/server`, whose page embeds Stately's hosted
 * viewer (https://stately.ai/inspect). Unlike mfchart's inspector it needs the network and it
 * listens on every interface (the package gives no choice of address); it is off unless asked for.
 * @module
 */
import type { Subscription } from 'xstate';
import type { MediaSessionHandle } from '../../actors/createSession.js';
import type { SessionHost } from '../../actors/createSessionHost.js';

/** Options of {@link createStatelyBridge}. */
export interface StatelyBridgeOptions {
  host: SessionHost;
  /** Port of Stately's bridge server (default 8080). */
  port?: number;
}

/** A running bridge. */
export interface StatelyBridge {
  /** The bridge page, which embeds Stately's hosted viewer. */
  readonly url: string;
  /** Watches a session that is not the host's. */
  watch(session: MediaSessionHandle): void;
  close(): void;
}

/** Starts the bridge; fails with a clear message when `@statelyai/inspect` is not installed. */
export async function createStatelyBridge(options: StatelyBridgeOptions): Promise<StatelyBridge> {
  const port = options.port ?? 8080;
  let stately: typeof import('@statelyai/inspect');
  let server: typeof import('@statelyai/inspect/server');
  try {
    stately = await import('@statelyai/inspect');
    server = await import('@statelyai/inspect/server');
  } catch (error) {
    throw new Error(`--stately needs the @statelyai/inspect package (npm install @statelyai/inspect): ${(error as Error).message}`);
  }
  const bridgeServer = server.createInspectorServer({ port, autoOpen: false });
  // Contexts hold whole topologies and event queues: Stately gets the public summary only.
  const inspector = stately.createWebSocketInspector({
    url: `ws://localhost:${port}`,
    sanitizeContext: (context) => ({ settled: (context as { settled?: unknown }).settled, events: ((context as { events?: unknown[] }).events ?? []).length }),
  });
  const subscriptions = new Map<MediaSessionHandle, { inspection: Subscription; off: () => void }>();

  const watch = (session: MediaSessionHandle) => {
    if (subscriptions.has(session) || session.released) return;
    const snapshot = session.actor.getSnapshot();
    // The actor started before the bridge knew it: register it, then forward its stream.
    inspector.actor(session.actor, { status: snapshot.status, value: snapshot.value, context: {} }, { definition: JSON.stringify(session.actor.logic.definition) });
    const inspection = session.actor.system.inspect(inspector.inspect);
    const off = session.onRecord((record) => {
      if (record.kind !== 'release') return;
      inspection.unsubscribe();
      off();
      subscriptions.delete(session);
    });
    subscriptions.set(session, { inspection, off });
  };

  for (const session of options.host.list()) watch(session);
  const offCreate = options.host.onCreate(watch);
  return {
    url: `http://localhost:${port}`,
    watch,
    close() {
      offCreate();
      for (const { inspection, off } of subscriptions.values()) {
        inspection.unsubscribe();
        off();
      }
      subscriptions.clear();
      inspector.stop();
      bridgeServer.stop();
    },
  };
}
