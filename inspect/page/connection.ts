/**
 * The page's WebSocket to the runtime: `ws://<the page's own host>/live?token=<the page's token>`.
 * The token comes from the page's own URL (the runtime prints `http://127.0.0.1:PORT/?token=…`),
 * so the page never names a host of its own. Reconnects after a drop; the server's `hello`
 * then resets the store.
 * @module
 */
import type { ClientMessage, ServerMessage } from '../live/protocol.js';
import type { InspectorStore } from './inspectorStore.js';

/** The socket URL for a page loaded from `location` (exported for the test of the rule above). */
export function liveUrl(location: Pick<Location, 'protocol' | 'host' | 'search'>): string {
  const token = new URLSearchParams(location.search).get('token') ?? '';
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/live?token=${encodeURIComponent(token)}`;
}

const RETRY_MS = 1000;

/** Connects the store to the runtime; returns a function that closes the connection for good. */
export function connectStore(store: InspectorStore, url: string): () => void {
  let socket: WebSocket | undefined;
  let stopped = false;
  let retry: ReturnType<typeof setTimeout> | undefined;

  const open = () => {
    store.setConnection('connecting');
    const ws = new WebSocket(url);
    socket = ws;
    ws.onopen = () => {
      store.attach((message: ClientMessage) => {
        if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(message));
      });
      store.setConnection('open');
    };
    ws.onmessage = (event) => {
      let message: ServerMessage;
      try {
        message = JSON.parse(String(event.data)) as ServerMessage;
      } catch {
        store.reportError('the runtime sent a message that is not JSON');
        return;
      }
      store.receive(message);
    };
    ws.onclose = () => {
      store.setConnection('closed');
      if (!stopped) retry = setTimeout(open, RETRY_MS);
    };
  };
  open();
  return () => {
    stopped = true;
    clearTimeout(retry);
    socket?.close();
  };
}
