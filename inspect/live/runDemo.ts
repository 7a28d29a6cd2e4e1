/**
 * The inspector's demo: N sessions on the mock platform, each making random calls from the
 * exhaustive explorer's alphabet (`verify/explore/alphabet.ts`: every method with representative
 * arguments) at a modest pace, now and then with the outside world shutting its source down or
 * ending its stream. A session that reaches `shutdown` is released and replaced, so the demo runs
 * forever with N sessions.
 *
 * Each session has its own source and sink (named after it), so sessions never disturb each other
 * and a session's recorded trace replays alone as a scenario (`traceToScenario`). Before each call
 * the platform finishes the work due now, as the scenario runner does.
 * @module
 */
import type { SessionHost } from '../../actors/createSessionHost.js';
import type { MediaSessionHandle } from '../../actors/createSession.js';
import type { MockPlatform, PipelineCall } from '../../adapters/mock/createMockPlatform.js';
import { HNS_PER_MS } from '../../machines/constants.js';
import type { SessionCallEvent } from '../../machines/sessionEvents.js';
import type { TopologySpec } from '../../machines/types.js';
import { CALL_INPUTS } from '../../verify/explore/alphabet.js';
import type { TraceEntryBody } from './recordSession.js';

/** Options of {@link runDemo}. */
export interface DemoOptions {
  /** The host the demo's sessions live in; its adapter must be `platform.adapter`. */
  host: SessionHost;
  /** The mock platform under the host. */
  platform: MockPlatform;
  /** Sessions kept alive. */
  sessions: number;
  /** Real time between ticks, in ms (default 100). */
  tickMs?: number;
  /** Simulated time each tick lets pass, in ms (default: `tickMs`, so simulated time follows the wall clock). */
  simulatedMsPerTick?: number;
  /** Average actions per session per simulated second (default 2). */
  actionsPerSecond?: number;
  /** Share of actions that are the outside world's (source shut down, end of stream); default 0.03. */
  outsideShare?: number;
  /** Seed of the random orderings (default: from the clock). */
  seed?: number;
  /** Told before the demo does something to a session's pipeline from outside (the inspector records it). */
  onOutsideAction?: (sessionId: string, entry: TraceEntryBody) => void;
  /** Ticks only when {@link Demo.tick} is called (tests); default false: a timer ticks. */
  manual?: boolean;
}

/** A running demo. */
export interface Demo {
  /** Sessions created so far (replacements included). */
  readonly created: number;
  /** Sessions released after reaching shutdown. */
  readonly released: number;
  /** Runs one tick now. */
  tick(): void;
  /** Stops ticking and shuts every demo session down. */
  stop(): void;
}

/** mulberry32: a small seeded generator, so a demo run can be repeated. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The session's own objects in place of the alphabet's shared `s1` / `k1`. */
function ownTopology(topology: TopologySpec, id: string): TopologySpec {
  return {
    ...topology,
    nodes: topology.nodes.map((node) => {
      if (node.type === 'source') return { ...node, source: `${id}.src` };
      if (node.type === 'output' && node.sink !== null) return { ...node, sink: `${id}.sink` };
      return node;
    }),
  };
}

/** Starts the demo. */
export function runDemo(options: DemoOptions): Demo {
  const { host, platform } = options;
  if (host.adapter !== platform.adapter) throw new Error('the demo host must run on the demo platform (host.adapter === platform.adapter)');
  if (!Number.isInteger(options.sessions) || options.sessions < 0) throw new Error(`--demo needs a session count ≥ 0, got ${options.sessions}`);
  const tickMs = options.tickMs ?? 100;
  const simulatedHns = Math.round((options.simulatedMsPerTick ?? tickMs) * HNS_PER_MS);
  const chance = Math.min(1, ((options.actionsPerSecond ?? 2) * simulatedHns) / (1000 * HNS_PER_MS));
  const outsideShare = options.outsideShare ?? 0.03;
  const rng = random(options.seed ?? Date.now());
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rng() * list.length)];
  const live = new Set<MediaSessionHandle>();
  let created = 0;
  let released = 0;
  let stopped = false;

  const forgetObjects = (id: string) => {
    // The mock keeps every object it was told about; a replaced session's objects are dropped so
    // a demo that runs for hours holds only its live sessions' objects. (The maps are the mock's own.)
    (platform.sources as Map<string, unknown>).delete(`${id}.src`);
    (platform.sinks as Map<string, unknown>).delete(`${id}.sink`);
  };

  const spawn = () => {
    const session = host.create();
    live.add(session);
    created++;
  };

  const outside = (session: MediaSessionHandle) => {
    const source = `${session.id}.src`;
    // Only a source that exists (a topology named it) can be shut down or end its stream.
    if (!platform.sources.has(source)) return;
    const ending = rng() < 0.5;
    const entry: TraceEntryBody = ending
      ? { kind: 'platform', op: 'endOfStream', phase: 'done', external: true, source, stream: 0 }
      : { kind: 'platform', op: 'shutdownSource', phase: 'done', external: true, source };
    options.onOutsideAction?.(session.id, entry);
    if (ending) platform.endOfStream(source, 0);
    else platform.shutdownSource(source);
  };

  const act = (session: MediaSessionHandle) => {
    platform.adapter.settle();
    if (rng() < outsideShare) return outside(session);
    const input = pick(CALL_INPUTS);
    let event = input.event({ context: session.context, path: session.statePath, pending: undefined }) as SessionCallEvent;
    if (event.type === 'session.SetTopology' && event.topology) event = { ...event, topology: ownTopology(event.topology, session.id) };
    session.call(event);
  };

  const tick = () => {
    if (stopped) return;
    platform.clock.advanceBy(simulatedHns);
    for (const session of [...live]) {
      if (session.state === 'shutdown' || session.fault !== undefined) {
        live.delete(session);
        host.release(session.id);
        forgetObjects(session.id);
        released++;
        continue;
      }
      if (rng() < chance) act(session);
    }
    while (live.size < options.sessions) spawn();
    // The mock logs every pipeline call for `observe` steps; the demo reads none, so keep the log empty.
    platform.takeCalls();
    (platform.calls as PipelineCall[]).length = 0;
  };

  for (let i = 0; i < options.sessions; i++) spawn();
  const timer = options.manual ? undefined : setInterval(tick, tickMs);

  return {
    get created() {
      return created;
    },
    get released() {
      return released;
    },
    tick,
    stop() {
      if (stopped) return;
      stopped = true;
      if (timer) clearInterval(timer);
      for (const session of live) {
        if (!session.released) {
          if (session.fault === undefined && session.state !== 'shutdown') session.Shutdown();
          host.release(session.id);
        }
        forgetObjects(session.id);
      }
      live.clear();
    },
  };
}
