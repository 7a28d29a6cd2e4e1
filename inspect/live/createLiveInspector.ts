/**
 * The live inspector's server: records every session of a host (and any session handed to
 * `watch`), serves the built inspector page and speaks `protocol.ts` over a WebSocket.
 *
 * Bound to a loopback address only; the WebSocket (`/live?token=…`) needs the random token, a
 * missing or wrong one is answered 401 without an upgrade. The session list goes out as one
 * coalesced `sessions` message per tick per client, whatever the number of sessions; a client
 * whose socket buffer is full is skipped and its pending changes keep coalescing (sets of ids,
 * bounded by the number of sessions), so nothing grows without bound.
 * @module
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import type { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { WebSocketServer, WebSocket, type RawData } from 'ws';
import type { MediaSessionHandle } from '../../actors/createSession.js';
import type { SessionHost } from '../../actors/createSessionHost.js';
import { presentationClockMachine } from '../../machines/presentationClockMachine.js';
import { readChart } from '../diagram/readChart.js';
import type { Chart } from '../diagram/model.js';
import { INSPECTOR_PROTOCOL, type ClientMessage, type ServerMessage, type SessionSummary, type TraceEntry } from './protocol.js';
import { DEFAULT_TRACE_CAPACITY, recordSession, type SessionRecorder, type TraceEntryBody } from './recordSession.js';
import { serveStatic } from './serveStatic.js';

/** Options of {@link createLiveInspector}. */
export interface LiveInspectorOptions {
  /** The sessions to inspect: every session the host holds now and creates later. */
  host: SessionHost;
  /** TCP port (default 0: any free port). */
  port?: number;
  /** Loopback address to bind (default `127.0.0.1`); anything else is refused. */
  address?: string;
  /** The WebSocket token (default: 24 random bytes, hex). */
  token?: string;
  /** The built page (default: `dist/inspect/page/` of this package). */
  pageDir?: string;
  /** Shown in the page header (default: `<adapter> sessions`). */
  title?: string;
  /** Interval of the coalesced updates, in ms (default 100). */
  tickMs?: number;
  /** Entries kept per session (default 1000, the newest). */
  traceCapacity?: number;
  /** Released sessions kept in the list (default 0: a released session leaves the list). */
  keepReleased?: number;
  /** A client whose socket holds more than this many unsent bytes is skipped for the tick (default 1 MiB). */
  maxBufferedBytes?: number;
}

/** A running inspector. */
export interface LiveInspector {
  /** The page's address with the token: `http://127.0.0.1:<port>/?token=<token>`. */
  readonly url: string;
  readonly token: string;
  readonly port: number;
  /** Records a session that is not the host's (a scenario's, an application's own). */
  watch(session: MediaSessionHandle): void;
  /** Adds an entry to a session's trace for something the outside world did to its pipeline. */
  note(sessionId: string, entry: TraceEntryBody): void;
  /** The recorder of a session in the list, if any. */
  recorder(sessionId: string): SessionRecorder | undefined;
  /** How many WebSocket clients are connected. */
  readonly clients: number;
  /** Stops recording, closes every connection and the server. */
  close(): Promise<void>;
}

/** The package root: the nearest folder above this module holding package.json (works from source and from dist/). */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the mfchart package root above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
  return dir;
}

/** Where the Vite build of the page lands. */
export function defaultPageDir(): string {
  return join(packageRoot(), 'dist', 'inspect', 'page');
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/** One connected page. */
interface Client {
  readonly ws: WebSocket;
  /** Ids the page has been told about (and not told removed). */
  readonly known: Set<string>;
  readonly added: Set<string>;
  readonly updated: Set<string>;
  readonly removed: Set<string>;
  selected: string | null;
  entries: TraceEntry[];
  /** The entries overflowed while the client was slow: send the whole trace again instead. */
  resendTrace: boolean;
}

/** Starts the inspector server; resolves once it listens. */
export async function createLiveInspector(options: LiveInspectorOptions): Promise<LiveInspector> {
  const address = options.address ?? '127.0.0.1';
  if (!LOOPBACK.has(address)) throw new Error(`the live inspector binds a loopback address only (127.0.0.1, ::1, localhost), not ${JSON.stringify(address)}`);
  const token = options.token ?? randomBytes(24).toString('hex');
  if (token.length < 16) throw new Error('the inspector token must be at least 16 characters');
  const pageDir = options.pageDir ?? defaultPageDir();
  const tickMs = options.tickMs ?? 100;
  const capacity = options.traceCapacity ?? DEFAULT_TRACE_CAPACITY;
  const keepReleased = options.keepReleased ?? 0;
  const maxBuffered = options.maxBufferedBytes ?? 1 << 20;
  const { host } = options;
  const title = options.title ?? `${host.adapter.name} sessions`;
  const charts: Record<string, Chart> = { session: readChart(host.adapter.machine), clock: readChart(presentationClockMachine) };

  const recorders = new Map<string, SessionRecorder>();
  /** Sessions whose summary changed since the last tick. */
  const dirty = new Set<string>();
  const releasedOrder: string[] = [];
  const clients = new Set<Client>();
  const watchers = new Map<string, Set<Client>>();

  const forClients = (each: (client: Client) => void) => clients.forEach(each);
  const changed = (id: string) =>
    forClients((client) => {
      if (client.known.has(id) && !client.added.has(id)) client.updated.add(id);
    });
  const added = (id: string) =>
    forClients((client) => {
      client.removed.delete(id);
      // A reused id the page still knows: its summary changes, the row stays.
      if (client.known.has(id)) client.updated.add(id);
      else client.added.add(id);
    });
  const removed = (id: string) =>
    forClients((client) => {
      client.updated.delete(id);
      if (client.added.delete(id)) return; // never told: nothing to take back
      if (client.known.has(id)) client.removed.add(id);
    });

  /** The entries of a followed session go to the pages that follow it. */
  const follow = (id: string) => {
    const recorder = recorders.get(id);
    const list = watchers.get(id);
    if (!recorder) return;
    if (!list || list.size === 0) return recorder.follow(undefined);
    recorder.follow((entry) => {
      for (const client of list) pushEntry(client, entry);
    });
  };

  const forget = (id: string, recorder: SessionRecorder) => {
    if (recorders.get(id) !== recorder) return;
    recorders.delete(id);
    dirty.delete(id);
    // Pages that follow it keep what they have; nothing more will come for it.
    watchers.delete(id);
    removed(id);
  };

  const watch = (session: MediaSessionHandle, lateAttach: boolean) => {
    if (session.released) return;
    const previous = recorders.get(session.id);
    if (previous) {
      if (previous.session === session) return;
      previous.stop();
    }
    const recorder: SessionRecorder = recordSession(session, {
      capacity,
      lateAttach,
      onChange: () => dirty.add(session.id),
      onRelease: () => {
        if (keepReleased === 0) return forget(session.id, recorder);
        releasedOrder.push(session.id);
        while (releasedOrder.length > keepReleased) {
          const id = releasedOrder.shift()!;
          const old = recorders.get(id);
          if (old?.summary.released) forget(id, old);
        }
      },
    });
    recorders.set(session.id, recorder);
    if (watchers.has(session.id)) follow(session.id);
    added(session.id);
  };

  const pushEntry = (client: Client, entry: TraceEntry) => {
    if (client.resendTrace) return;
    client.entries.push(entry);
    // A client too slow to take its entries gets the (bounded) trace again once it catches up.
    if (client.entries.length > capacity) {
      client.entries = [];
      client.resendTrace = true;
    }
  };

  const send = (client: Client, message: ServerMessage) => {
    if (client.ws.readyState === WebSocket.OPEN) client.ws.send(JSON.stringify(message));
  };

  const traceMessage = (recorder: SessionRecorder): ServerMessage => ({
    type: 'trace',
    session: recorder.id,
    summary: recorder.summary,
    entries: recorder.entries(),
    truncated: recorder.truncated,
  });

  const select = (client: Client, id: string | null) => {
    if (client.selected !== null) {
      watchers.get(client.selected)?.delete(client);
      follow(client.selected);
    }
    client.selected = null;
    client.entries = [];
    client.resendTrace = false;
    if (id === null) return;
    const recorder = recorders.get(id);
    if (!recorder) return send(client, { type: 'error', message: `no session with id ${JSON.stringify(id)}` });
    client.selected = id;
    let list = watchers.get(id);
    if (!list) watchers.set(id, (list = new Set()));
    list.add(client);
    follow(id);
    send(client, traceMessage(recorder));
  };

  const onMessage = (client: Client, data: RawData) => {
    let message: ClientMessage;
    try {
      message = JSON.parse(data.toString()) as ClientMessage;
    } catch {
      return send(client, { type: 'error', message: 'a message must be JSON' });
    }
    if (message?.type === 'select' && (message.session === null || typeof message.session === 'string')) return select(client, message.session);
    send(client, { type: 'error', message: `unknown message ${JSON.stringify(data.toString().slice(0, 200))} (expected {"type":"select","session":id|null})` });
  };

  const summaries = (ids: Iterable<string>): SessionSummary[] => {
    const out: SessionSummary[] = [];
    for (const id of ids) {
      const recorder = recorders.get(id);
      if (recorder) out.push(recorder.summary);
    }
    return out;
  };

  const flush = (client: Client) => {
    if (client.ws.readyState !== WebSocket.OPEN) return;
    if (client.ws.bufferedAmount > maxBuffered) return; // behind: keep coalescing
    if (client.added.size + client.updated.size + client.removed.size > 0) {
      const message: ServerMessage = { type: 'sessions', added: summaries(client.added), updated: summaries(client.updated), removed: [...client.removed] };
      for (const summary of message.added) client.known.add(summary.id);
      for (const id of client.removed) client.known.delete(id);
      client.added.clear();
      client.updated.clear();
      client.removed.clear();
      send(client, message);
    }
    if (client.selected === null) return;
    const recorder = recorders.get(client.selected);
    if (client.resendTrace) {
      client.resendTrace = false;
      if (recorder) send(client, traceMessage(recorder));
    } else if (client.entries.length > 0) {
      send(client, { type: 'entries', session: client.selected, entries: client.entries });
      client.entries = [];
    }
  };

  const tick = setInterval(() => {
    for (const id of dirty) {
      recorders.get(id)?.clean();
      changed(id);
    }
    dirty.clear();
    clients.forEach(flush);
  }, tickMs);
  tick.unref();

  for (const session of host.list()) watch(session, true);
  const offCreate = host.onCreate((session) => watch(session, false));

  const tokenBytes = Buffer.from(token);
  const authorized = (req: IncomingMessage): boolean => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/live') return false;
    const given = Buffer.from(url.searchParams.get('token') ?? '');
    return given.length === tokenBytes.length && timingSafeEqual(given, tokenBytes);
  };

  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  let port = 0;
  const server: Server = createServer((req, res) => {
    if (new URL(req.url ?? '/', 'http://127.0.0.1').pathname === '/live') {
      res.writeHead(426, { 'Content-Type': 'text/plain; charset=utf-8' });
      return void res.end('/live is the inspector WebSocket: connect with ws://…/live?token=…\n');
    }
    serveStatic(req, res, pageDir, port);
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (!authorized(req)) {
      const body = 'a valid token is required: ws://127.0.0.1:<port>/live?token=<token>\n';
      socket.end(`HTTP/1.1 401 Unauthorized\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const client: Client = { ws, known: new Set(), added: new Set(), updated: new Set(), removed: new Set(), selected: null, entries: [], resendTrace: false };
      clients.add(client);
      const all = [...recorders.values()].map((recorder) => recorder.summary);
      for (const summary of all) client.known.add(summary.id);
      send(client, { type: 'hello', protocol: INSPECTOR_PROTOCOL, charts, sessions: all, title });
      ws.on('message', (data) => onMessage(client, data));
      ws.on('close', () => {
        select(client, null);
        clients.delete(client);
      });
      ws.on('error', () => ws.terminate());
    });
  });

  await new Promise<void>((resolveListen, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(options.port ?? 0, address, () => {
      server.off('error', rejectListen);
      resolveListen();
    });
  });
  port = (server.address() as AddressInfo).port;
  const shownHost = address.includes(':') ? `[${address}]` : address;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${shownHost}:${port}/?token=${token}`,
    token,
    port,
    get clients() {
      return clients.size;
    },
    watch: (session) => watch(session, false),
    note(sessionId, entry) {
      recorders.get(sessionId)?.note(entry);
    },
    recorder: (sessionId) => recorders.get(sessionId),
    close() {
      closing ??= (async () => {
        clearInterval(tick);
        offCreate();
        for (const recorder of recorders.values()) recorder.stop();
        recorders.clear();
        for (const client of clients) client.ws.terminate();
        clients.clear();
        await new Promise<void>((done) => wss.close(() => done()));
        server.closeAllConnections();
        await new Promise<void>((done) => server.close(() => done()));
      })();
      return closing;
    },
  };
}
