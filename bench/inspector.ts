/**
 * Session throughput with the live inspector attached against without, in the same run: method
 * calls per second through sessions of a host on the mock platform. On the inspected side every
 * session is recorded, the inspector server runs, and a WebSocket client (in a child process, as a
 * browser is) receives the session list and follows one session's entries.
 *
 * Rounds are asynchronous: the work yields to the event loop every few milliseconds, so the
 * inspector's ticks (building and sending its messages) run inside the timed rounds and count
 * against the inspected side. Both sides yield alike. Target: inspected ≥ 0.8 × not inspected.
 *
 * Run alone: `npm run build && node --expose-gc dist/bench/inspector.js`.
 * @module
 */
import { performance } from 'node:perf_hooks';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { createSessionHost } from '../actors/createSessionHost.js';
import type { MediaSessionHandle } from '../actors/createSession.js';
import { createMockPlatform, type MockPlatform } from '../adapters/mock/createMockPlatform.js';
import { HR, type HResult } from '../machines/hresult.js';
import type { TopologySpec } from '../machines/types.js';
import { createLiveInspector, type LiveInspector } from '../inspect/live/createLiveInspector.js';
import { fullGc, median, type RateResult } from './harness.js';

/** Options of {@link measureInspector}. */
export interface InspectorBenchOptions {
  /** Sessions per side, driven in turn. */
  sessions: number;
  warmupMs: number;
  roundMs: number;
  rounds: number;
}

/** The figure. */
export interface InspectorBenchResult {
  readonly without: RateResult;
  readonly inspected: RateResult;
  /** inspected / without (median wall-clock rates). */
  readonly ratio: number;
  /**
   * inspected / without, in calls per CPU second of this process (the client runs in its own
   * process): steadier than wall time on a machine busy with other work.
   */
  readonly cpuRatio: number;
  readonly sessions: number;
  /** What the client received during the run. */
  readonly client: { readonly messages: number; readonly bytes: number; readonly entries: number };
}

/** The target ratio of the issue: throughput with the inspector ≥ 0.8 × without. */
export const INSPECTOR_TARGET = 0.8;

const TOPOLOGY: TopologySpec = {
  nodes: [
    { id: 'in', type: 'source', source: 'camera' },
    { id: 'out', type: 'output', sink: 'renderer' },
  ],
  links: [['in', 'out']],
};

/** Lets simulated time run until no platform work is pending. */
function settle(platform: MockPlatform): void {
  for (let due = platform.clock.nextDue(); due !== undefined; due = platform.clock.nextDue()) platform.clock.advanceTo(due);
}

function expectHr(actual: HResult, what: string): void {
  if (actual !== HR.S_OK) throw new Error(`${what} answered 0x${(actual >>> 0).toString(16)}, expected S_OK`);
}

/** One side: a host of ready sessions on its own mock platform. */
function makeSide(sessions: number) {
  const platform = createMockPlatform({ sources: { camera: {} }, sinks: { renderer: {} } });
  const host = createSessionHost({ adapter: platform.adapter });
  const list: MediaSessionHandle[] = [];
  const ready = () => {
    for (let i = 0; i < sessions; i++) {
      const session = host.create();
      expectHr(session.SetTopology([], TOPOLOGY), 'SetTopology');
      settle(platform);
      while (session.GetEvent().hr === HR.S_OK);
      list.push(session);
    }
  };
  /** One application cycle on one session: Start, Pause, Start, Stop, each settled, queried and drained. */
  const cycle = (session: MediaSessionHandle): number => {
    let calls = 0;
    for (const command of ['Start', 'Pause', 'Start', 'Stop'] as const) {
      expectHr(session[command](), command);
      settle(platform);
      session.GetSessionCapabilities();
      calls += 2;
      while (session.GetEvent().hr === HR.S_OK) calls++;
      calls++;
    }
    return calls;
  };
  let next = 0;
  return {
    platform,
    host,
    ready,
    /** Runs `cycles` session cycles round-robin; returns the calls made. */
    run(cycles: number): number {
      let calls = 0;
      for (let i = 0; i < cycles; i++) {
        calls += cycle(list[next]);
        next = (next + 1) % list.length;
      }
      return calls;
    },
  };
}

/** The page stand-in, in a child process (a browser is another process): connects, follows `s1`, counts what it receives. */
const CLIENT_SOURCE = `
const [url, select, wsPath] = process.argv.slice(1);
const WebSocket = require(wsPath);
const ws = new WebSocket(url);
const stats = { messages: 0, bytes: 0, entries: 0 };
ws.on('message', (data) => {
  stats.messages++;
  stats.bytes += data.length;
  const message = JSON.parse(data.toString());
  if (message.type === 'hello') { ws.send(JSON.stringify({ type: 'select', session: select })); process.send({ ready: true }); }
  if (message.type === 'entries' || message.type === 'trace') stats.entries += message.entries.length;
});
ws.on('error', (error) => process.send({ error: error.message }));
process.on('message', () => { process.send({ stats }, () => { ws.close(); process.disconnect(); }); });
`;

async function startClient(inspector: LiveInspector, select: string): Promise<{ stop(): Promise<InspectorBenchResult['client']> }> {
  const require = createRequire(import.meta.url);
  const url = `ws://127.0.0.1:${inspector.port}/live?token=${inspector.token}`;
  const child = spawn(process.execPath, ['-e', CLIENT_SOURCE, url, select, require.resolve('ws')], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  await new Promise<void>((resolve, reject) => {
    child.once('message', (message: { ready?: boolean; error?: string }) => (message.ready ? resolve() : reject(new Error(message.error))));
    child.once('error', reject);
  });
  return {
    async stop() {
      const stats = await new Promise<InspectorBenchResult['client']>((resolve) => {
        child.on('message', (message: { stats?: InspectorBenchResult['client'] }) => message.stats && resolve(message.stats));
        child.send('stop');
      });
      await new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)));
      return stats;
    },
  };
}

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Runs a side for about `ms`, yielding to the event loop every 4 ms; returns calls, elapsed ms and this process's CPU ms. */
async function timedAsync(run: (cycles: number) => number, ms: number): Promise<{ calls: number; ms: number; cpuMs: number }> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  let calls = 0;
  let lastYield = start;
  for (;;) {
    calls += run(8);
    const now = performance.now();
    if (now - start >= ms) {
      const used = process.cpuUsage(cpu);
      return { calls, ms: now - start, cpuMs: (used.user + used.system) / 1000 };
    }
    if (now - lastYield >= 4) {
      await yieldToLoop();
      lastYield = performance.now();
    }
  }
}

/** Measures throughput with and without the inspector, rounds interleaved. */
export async function measureInspector(options: InspectorBenchOptions): Promise<InspectorBenchResult> {
  const plain = makeSide(options.sessions);
  plain.ready();
  const watched = makeSide(options.sessions);
  // Attached before the sessions exist, as `mfchart inspect` does: every trace is whole.
  const inspector = await createLiveInspector({ host: watched.host, title: 'bench' });
  watched.ready();
  const client = await startClient(inspector, 's1');
  try {
    const sides = [
      { name: `${options.sessions} sessions on the mock, no inspector`, run: (n: number) => plain.run(n) },
      { name: `${options.sessions} sessions on the mock, inspector attached, a client following one`, run: (n: number) => watched.run(n) },
    ];
    for (const side of sides) await timedAsync(side.run, options.warmupMs);
    const samples: number[][] = sides.map(() => []);
    const cpuSamples: number[][] = sides.map(() => []);
    for (let round = 0; round < options.rounds; round++) {
      for (let k = 0; k < sides.length; k++) {
        const i = (round + k) % sides.length;
        fullGc();
        const { calls, ms, cpuMs } = await timedAsync(sides[i].run, options.roundMs);
        samples[i].push((calls / ms) * 1000);
        cpuSamples[i].push((calls / cpuMs) * 1000);
      }
    }
    const [without, inspected] = sides.map((side, i): RateResult => ({ name: side.name, perSecond: median(samples[i]), rounds: samples[i] }));
    const [withoutCpu, inspectedCpu] = cpuSamples.map((rounds) => median(rounds));
    // Let the last tick reach the client before counting what it got.
    await new Promise((resolve) => setTimeout(resolve, 250));
    const received = await client.stop();
    return {
      without,
      inspected,
      ratio: inspected.perSecond / without.perSecond,
      cpuRatio: inspectedCpu / withoutCpu,
      sessions: options.sessions,
      client: received,
    };
  } finally {
    await inspector.close();
    watched.host.shutdownAll();
    plain.host.shutdownAll();
  }
}

/** One line for the console. */
export function formatInspectorResult(result: InspectorBenchResult): string {
  const rate = (r: RateResult) => `${Math.round(r.perSecond).toLocaleString('en-US')} calls/s`;
  return (
    `inspector attached: ${rate(result.inspected)} vs ${rate(result.without)} without = ${result.ratio.toFixed(2)}× ` +
    `(per CPU second: ${result.cpuRatio.toFixed(2)}×) ` +
    `(target ≥ ${INSPECTOR_TARGET}×: ${result.ratio >= INSPECTOR_TARGET ? 'PASS' : 'FAIL'}); ` +
    `client got ${result.client.messages} messages, ${Math.round(result.client.bytes / 1024)} KiB, ${result.client.entries} entries of s1`
  );
}

// Run alone: node --expose-gc dist/bench/inspector.js
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  measureInspector({ sessions: 100, warmupMs: 1000, roundMs: 300, rounds: 11 }).then(
    (result) => console.log(formatInspectorResult(result)),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
