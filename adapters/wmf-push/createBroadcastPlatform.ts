/**
 * A platform whose media session broadcasts: the session's sink is a push sink — an actor running
 * the IWMWriterPushSink statechart (machines/pushSinkMachine.ts) on real TCP sockets through the
 * push client — and its source hands the data units of an ASF file to that sink at a paced rate.
 * Same contract as the mock platform (`PlatformAdapter`, built with `providePlatform`), so
 * `createSession`, `createSessionHost` and the Promise facade run sessions on it unchanged.
 *
 * The pipeline operations, as decided in docs/decisions.md (B1–B13):
 *   SetTopology — the topology must name this platform's source and sink (B1).
 *   Start       — Connect (PushSetup) when the sink has no connection, OnHeader (`$H`, or `$C` after a
 *                 Stop), then the source flows; a seek is refused, the source is live (B2, B3).
 *   Pause       — the flow stops, nothing is sent (B4).
 *   Stop, end   — the flow stops and rewinds, OnEndWriting sends `$E(1)` (B5).
 *   Close       — EndSession: queued units, `$E(0)`, FIN, and the server's close; MESessionClosed(S_OK)
 *                 only then (B6).
 *   Shutdown    — Disconnect (no `$E`), units not yet written fail with NS_E_SHUTDOWN (B7).
 * A connection failure queues MEError(NS_E_CONNECTION_FAILURE) once, stops the flow, and fails the
 * command it happened in with the same status (B8, B9).
 * @module
 */
import { HR, type HResult } from '../../machines/hresult.js';
import { ME } from '../../machines/mediaEventType.js';
import { HNS_PER_MS, MEDIASOURCE } from '../../machines/constants.js';
import { describeTopology, unresolvableNode, type PlatformOps } from '../../machines/idealPlatform.js';
import { topologyObjects } from '../../machines/topologyCheck.js';
import type { PlatformEvent } from '../../machines/sessionEvents.js';
import type { PushSinkState } from '../../machines/pushSinkContext.js';
import { MAX_DATA_UNIT_BYTES } from '../../machines/pushSinkSteps.js';
import type { SessionTopology, TopologySpec } from '../../machines/types.js';
import type { PlatformAdapter, SessionLink } from '../PlatformAdapter.js';
import { providePlatform } from '../providePlatform.js';
import { createPushClient, type PushClient, type PushClientStats } from './createPushClient.js';
import type { PushCredentials } from './pushConnection.js';
import type { BroadcastContent } from './broadcastContent.js';
import { BroadcastSource, type BroadcastUnitCounts } from './broadcastSource.js';

/** Options of {@link createBroadcastPlatform}. */
export interface BroadcastPlatformOptions {
  /** The publishing point, `http://host[:port]/point` (IWMWriterPushSink::Connect's URL). */
  url: string;
  /** What to broadcast (see `broadcastContentFromFile`). */
  content: BroadcastContent;
  /** Connect's template publishing point (a URL or a path), or null. */
  templateUrl?: string | null;
  /** Connect's fAutoDestroy: the server removes the point when the session ends. */
  autoDestroy?: boolean;
  /** Credentials for a 401 challenge. */
  credentials?: PushCredentials;
  /** Time between two data units in ms (default 10); 0 sends as fast as the server takes them. */
  unitIntervalMs?: number;
  /** Start again at the first packet after the last (an endless broadcast); default false. */
  loop?: boolean;
  /** The push sink's backpressure bound, and the source's window of unsettled units (default 32). */
  maxQueued?: number;
  /** Each PushStart's Content-Length (default 2147483647). */
  contentLength?: number;
  /** No TCP connection within this time is a failure (default 10 s). */
  connectTimeoutMs?: number;
  /** How long Close waits for the server to close after `$E(0)` (default 5 s; B6). */
  endAckTimeoutMs?: number;
  /** The source's id in topologies (default `asf`). */
  sourceId?: string;
  /** The sink's id in topologies (default `push`). */
  sinkId?: string;
}

/** A connection failure, with the cause the push sink reported (docs/decisions.md P26). */
export interface BroadcastFailure {
  /** The session's runtime key. */
  session: number;
  /** The sink's own HRESULT: NS_E_PUSH_CANNOTCONNECT, NS_E_RESET_SOCKET_CONNECTION, ... */
  cause: HResult;
  /** Where it happened: during Start's connect and header, during Close's end of stream, or while streaming. */
  during: 'Start' | 'Close' | 'streaming';
  /** Platform time (100-ns units). */
  at: number;
}

/** One session's broadcast, as both ends of the sink see it. */
export interface BroadcastStats {
  /** The source's side: units handed to the sink, and each one's outcome. */
  units: BroadcastUnitCounts;
  /**
   * The push sink's side (its statechart's accounting and what went over the wire), summed over the
   * sinks this session used (B10); null before the first Start.
   */
  sink: PushClientStats | null;
  /** The push sink's state, null before the first Start. */
  sinkState: PushSinkState | null;
  /** Whether the sink was shut down (session Shutdown). */
  sinkShutdown: boolean;
  /** Connection failures, oldest first. */
  failures: readonly BroadcastFailure[];
}

/** A broadcasting platform. */
export interface BroadcastPlatform {
  /** The adapter to run sessions on. */
  readonly adapter: PlatformAdapter;
  /** The topology to hand to SetTopology: this platform's source linked to its push sink. */
  readonly topology: TopologySpec;
  /** One session's broadcast (default: the only or the last attached session). */
  stats(session?: number): BroadcastStats;
  /** Every connection failure on this platform, oldest first. */
  readonly failures: readonly BroadcastFailure[];
  /** Disposes every session's sink and source (sockets closed, timers cleared). */
  dispose(): void;
}

/** What one session holds on this platform. */
interface SessionPipeline {
  link: SessionLink;
  client: PushClient | null;
  source: BroadcastSource;
  sinkShutdown: boolean;
  /** The connection this pipeline already reported a failure for (one MEError per failure). */
  reportedConnection: number;
  /** The command whose pipeline step is talking to the sink now, if any. */
  inCommand: 'Start' | 'Close' | null;
  /** The platform was disposed: sockets closed, actors stopped. */
  disposed: boolean;
  /** The summed counts of the sinks replaced after a failure (B10). */
  retired: PushClientStats | null;
  connection: number;
  failures: BroadcastFailure[];
}

const DEFAULT_INTERVAL_MS = 10;
const DEFAULT_WINDOW = 32;
const DEFAULT_END_ACK_MS = 5_000;
/** setTimeout's largest delay (a longer one fires at once). */
const MAX_TIMER_MS = 2_147_483_647;

/** Creates a platform whose sessions broadcast `content` to the push server at `url`. */
export function createBroadcastPlatform(options: BroadcastPlatformOptions): BroadcastPlatform {
  if (options.content.packets.length === 0) throw new Error('createBroadcastPlatform: the content has no packets');
  const sourceId = options.sourceId ?? 'asf';
  const sinkId = options.sinkId ?? 'push';
  const interval = options.unitIntervalMs ?? DEFAULT_INTERVAL_MS;
  if (!(interval >= 0)) throw new Error(`createBroadcastPlatform: unitIntervalMs ${interval} is not a duration`);
  const window = Math.max(1, options.maxQueued ?? DEFAULT_WINDOW);
  const origin = performance.now();
  const now = () => Math.round((performance.now() - origin) * HNS_PER_MS);
  const pipelines = new Map<number, SessionPipeline>();
  const failures: BroadcastFailure[] = [];
  let lastAttached: number | undefined;
  const waiters = new Set<() => void>();
  const wake = () => [...waiters].forEach((check) => check());

  /** Runs work that may answer an operation or reach the session, the way a method call's effects are delivered. */
  const inSession = (p: SessionPipeline, work: () => void) => {
    p.link.run(work);
    wake();
  };

  /** Queues MEError on the session's queue, the way the session forwards a pipeline object's error (spec §3.2). */
  const queueError = (p: SessionPipeline, status: HResult) =>
    // QueueEvent is how the session's own queue takes an event; after Shutdown it queues nothing.
    p.link.send({ type: 'session.QueueEvent', eventType: ME.MEError, status, now: now() } as unknown as PlatformEvent);

  /** A connection failure: recorded with its cause, MEError once per connection, the flow stops (B8). */
  const connectionFailed = (p: SessionPipeline, cause: HResult, during: BroadcastFailure['during']) => {
    p.source.pause();
    if (p.reportedConnection === p.connection) return;
    p.reportedConnection = p.connection;
    const failure: BroadcastFailure = { session: p.link.key, cause: cause >>> 0, during, at: now() };
    p.failures.push(failure);
    failures.push(failure);
    inSession(p, () => queueError(p, HR.NS_E_CONNECTION_FAILURE));
  };

  const pipelineOf = (session: number): SessionPipeline => {
    const p = pipelines.get(session);
    if (!p) throw new Error(`broadcast platform: session ${session} is not attached`);
    return p;
  };

  const clientOf = (p: SessionPipeline): PushClient => {
    if (p.client) return p.client;
    const client = createPushClient({
      maxQueued: window,
      // The source's window is counted in units (B11): no byte bound that could block below it (P41).
      maxQueuedBytes: window * MAX_DATA_UNIT_BYTES,
      awaitServerCloseMs: options.endAckTimeoutMs ?? DEFAULT_END_ACK_MS,
      ...(options.contentLength !== undefined ? { contentLength: options.contentLength } : {}),
      ...(options.connectTimeoutMs !== undefined ? { connectTimeoutMs: options.connectTimeoutMs } : {}),
    });
    // IWMStatusCallback::OnStatus(WMT_ERROR): the connection broke under a running or idle session.
    // Reported after the sink's transition (never re-enter one actor from another's actions), and
    // still before the blocked call it also fails returns.
    client.onStatus((hr) => queueMicrotask(() => connectionFailed(p, hr, p.inCommand ?? 'streaming')));
    p.client = client;
    return client;
  };

  /** Answers an operation from async work, inside the session; the answer is dropped once cancelled. */
  const answerLater = (
    session: number,
    reply: (hr: HResult, topology?: SessionTopology) => void,
    work: (p: SessionPipeline, cancelled: () => boolean) => Promise<{ hr: HResult; topology?: SessionTopology } | HResult>,
  ) => {
    let cancelled = false;
    const p = pipelineOf(session);
    void Promise.resolve()
      .then(() => work(p, () => cancelled))
      .then(
        (result) => {
          if (cancelled || !pipelines.has(session)) return;
          const { hr, topology } = typeof result === 'number' ? { hr: result, topology: undefined } : result;
          inSession(p, () => reply(hr, topology));
        },
        (error: unknown) => {
          if (cancelled || !pipelines.has(session)) return;
          // An adapter bug: reported as the runtime reports any adapter fault, and the step fails.
          inSession(p, () => {
            p.link.send({ type: 'platform.fault', message: `broadcast: ${error instanceof Error ? error.message : String(error)}`, now: now() });
            reply(HR.E_UNEXPECTED);
          });
        },
      );
    return () => {
      cancelled = true;
    };
  };

  /** Puts a broken sink aside: its counts are kept, its actor and socket are gone. */
  const retire = (p: SessionPipeline) => {
    const client = p.client!;
    p.retired = addStats(p.retired, client.stats());
    client.dispose();
    p.client = null;
  };

  const isStreaming = (state: PushSinkState) => state === 'streaming.afterHeader' || state === 'streaming.afterEndOfEntry';

  const ops: PlatformOps = {
    resolveTopology: (input, reply) =>
      answerLater(input.session, reply, async () => {
        if (!input.noResolution && unresolvableNode(input.topology) !== undefined) return HR.E_FAIL;
        const objects = topologyObjects(input.topology);
        // B1: this platform has one source and one sink; a topology naming others cannot be built here.
        if (objects.sources.some((id) => id !== sourceId) || objects.sinks.some((id) => id !== sinkId) || objects.transforms.length > 0) {
          return HR.MF_E_TOPO_UNSUPPORTED;
        }
        const durationHns = options.loop ? Number.MAX_SAFE_INTEGER : options.content.packets.length * interval * HNS_PER_MS;
        return {
          hr: HR.S_OK,
          topology: describeTopology(input, {
            // B2: a live source that can pause and cannot seek; it reads a file, not the network.
            source: (id) => ({ id, characteristics: MEDIASOURCE.IS_LIVE | MEDIASOURCE.CAN_PAUSE | MEDIASOURCE.DOES_NOT_USE_NETWORK, durationHns, fastestForward: 0, fastestReverse: 0, thinnable: false, streams: 1 }),
            sink: (id) => ({ id, characteristics: 0, finalizable: false, fastestForward: 0, fastestReverse: 0 }),
            transform: (id) => ({ id, async: false }),
          }),
        };
      }),
    startSources: (input, reply) =>
      answerLater(input.session, reply, async (p) => {
        // B3: a live broadcast cannot seek or start elsewhere than where it is (as an unseekable source: E_FAIL).
        if (input.seek || (input.position !== null && input.position !== undefined && input.position !== 0)) return HR.E_FAIL;
        if (!input.resume) p.source.stop(); // from ready or stopped the broadcast starts at its first packet
        return HR.S_OK;
      }),
    startSinks: (input, reply) =>
      answerLater(input.session, reply, async (p, cancelled) => {
        if (p.sinkShutdown) return HR.MF_E_SHUTDOWN;
        // B10: a broken sink is replaced by a new one (a new IWMWriterPushSink, a new push-id session).
        if (p.client?.state === 'broken') retire(p);
        const client = clientOf(p);
        if (!isStreaming(client.state) && client.state !== 'connected') {
          // B3: Start connects when the sink has no connection (first Start, or after a failure: P2).
          p.connection++;
          const connected = await client.connect(options.url, {
            templateUrl: options.templateUrl ?? null,
            autoDestroy: options.autoDestroy ?? false,
            ...(options.credentials ? { credentials: options.credentials } : {}),
          });
          if (cancelled()) return HR.MF_E_SHUTDOWN;
          if (connected !== HR.S_OK) {
            connectionFailed(p, connected, 'Start');
            return HR.NS_E_CONNECTION_FAILURE;
          }
        }
        if (client.state === 'connected' || client.state === 'streaming.afterEndOfEntry') {
          // PushStart + `$H` on a new connection, `$C` after `$E(1)` (P15).
          const header = await client.onHeader(options.content.header);
          if (header !== HR.S_OK) {
            connectionFailed(p, header, 'Start');
            return HR.NS_E_CONNECTION_FAILURE;
          }
        }
        if (cancelled()) return HR.MF_E_SHUTDOWN;
        p.source.start();
        return HR.S_OK;
      }),
    pausePipeline: (input, reply) =>
      answerLater(input.session, reply, async (p) => {
        p.source.pause(); // B4: the flow stops; nothing is sent
        return HR.S_OK;
      }),
    stopPipeline: (input, reply) =>
      answerLater(input.session, reply, async (p) => {
        p.source.stop();
        // B5: `$E(1)` ends the entry; a broken sink has nothing to end (its failure was reported).
        if (p.client && isStreaming(p.client.state)) await p.client.onEndWriting();
        return HR.S_OK;
      }),
    closePipeline: (input, reply) =>
      answerLater(input.session, reply, async (p) => {
        p.source.stop();
        const client = p.client;
        if (!client || client.state === 'created' || client.state === 'ended') return HR.S_OK; // nothing to end
        if (client.state === 'broken') return HR.NS_E_CONNECTION_FAILURE;
        // B6: queued units, `$E(0)`, our FIN, then the server's close: it has the end of stream.
        p.inCommand = 'Close';
        const ended = await client.endSession().finally(() => (p.inCommand = null));
        if (ended === HR.S_OK) return HR.S_OK;
        connectionFailed(p, ended, 'Close');
        return HR.NS_E_CONNECTION_FAILURE;
      }),
    changeRate: (input, reply) =>
      // The source has no IMFRateSupport (a live broadcast runs at 1.0): E_NOINTERFACE, as the mock's source without one.
      answerLater(input.session, reply, async () => (input.rate === 1 ? HR.S_OK : HR.E_NOINTERFACE)),
  };

  /** Shutdown, or a session going away: the flow stops, Disconnect (no `$E`), the sink is gone (B7). */
  const shutDownSink = (p: SessionPipeline) => {
    p.source.stop();
    if (!p.client || p.sinkShutdown) {
      p.sinkShutdown = true;
      return;
    }
    p.sinkShutdown = true;
    const client = p.client;
    // Disconnect reports every unit not yet written as failed (NS_E_SHUTDOWN); the actor goes once they
    // settle. Not from inside the session's transition: the sink is another actor.
    queueMicrotask(() => {
      if (p.disposed) return; // the platform was disposed meanwhile: the sink is already gone
      void client.disconnect().then(() => p.source.settled().then(() => client.dispose()));
    });
  };

  const machine = providePlatform({
    ops,
    now,
    shutdownPipeline: (session, params) => {
      const p = pipelines.get(session.key);
      if (p && params.sinks.includes(sinkId)) shutDownSink(p);
    },
  });

  const adapter: PlatformAdapter = {
    name: 'wmf-push-broadcast',
    machine,
    now,
    attach(link) {
      lastAttached = link.key;
      const p: SessionPipeline = {
        link,
        client: null,
        sinkShutdown: false,
        reportedConnection: -1,
        retired: null,
        disposed: false,
        inCommand: null,
        connection: 0,
        failures: [],
        source: new BroadcastSource(options.content, {
          unitIntervalMs: interval,
          loop: options.loop ?? false,
          window,
          hand: (unit) => (p.client ? p.client.onDataUnit(unit) : Promise.resolve(HR.NS_E_NOCONNECTION)),
          // The source's last unit: MEEndOfPresentation now, the sinks' end once every unit is settled.
          onLastHanded: () => inSession(p, () => link.send({ type: 'platform.endOfPresentation', source: sourceId, now: now() })),
          onDrained: () => inSession(p, () => link.send({ type: 'platform.presentationEnded', now: now() })),
        }),
      };
      pipelines.set(link.key, p);
    },
    detach(key) {
      const p = pipelines.get(key);
      if (!p) return;
      shutDownSink(p);
      pipelines.delete(key);
      // Stats stay readable after the session is gone.
      detached.set(key, p);
    },
    settle: () => {},
    waitUntil: (until, deadline) =>
      new Promise<boolean>((resolve) => {
        if (until()) return resolve(true);
        // Real time: checked after every platform event, and every few ms for what the application did meanwhile.
        const check = () => {
          if (until()) finish(true);
        };
        const poll = setInterval(check, 5);
        const timer = setTimeout(() => finish(until()), Math.min(MAX_TIMER_MS, Math.max(0, (deadline - now()) / HNS_PER_MS)));
        waiters.add(check);
        function finish(value: boolean) {
          clearInterval(poll);
          clearTimeout(timer);
          waiters.delete(check);
          resolve(value);
        }
      }),
  };
  const detached = new Map<number, SessionPipeline>();

  return {
    adapter,
    topology: {
      nodes: [
        { id: 'src', type: 'source', source: sourceId },
        { id: 'out', type: 'output', sink: sinkId },
      ],
      links: [['src', 'out']],
    },
    stats(session) {
      const key = session ?? lastAttached;
      const p = key === undefined ? undefined : (pipelines.get(key) ?? detached.get(key));
      if (!p) throw new Error(`broadcast platform: no session ${key ?? '(none attached yet)'}`);
      return {
        units: { ...p.source.counts },
        sink: p.client ? addStats(p.retired, p.client.stats()) : p.retired,
        sinkState: p.client ? p.client.state : null,
        sinkShutdown: p.sinkShutdown,
        failures: [...p.failures],
      };
    },
    failures,
    dispose() {
      for (const p of [...pipelines.values(), ...detached.values()]) {
        p.disposed = true;
        p.source.stop();
        p.client?.dispose();
      }
    },
  };
}

/** Counts of two sinks together: sums, except the `max*` high-water marks. */
function addStats(a: PushClientStats | null, b: PushClientStats): PushClientStats {
  if (a === null) return { ...b };
  const sum: Record<string, number> = { ...a };
  for (const [key, value] of Object.entries(b)) {
    if (typeof value !== 'number') continue;
    sum[key] = key.startsWith('max') ? Math.max(sum[key] ?? 0, value) : (sum[key] ?? 0) + value;
  }
  return sum as unknown as PushClientStats;
}
