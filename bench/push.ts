/**
 * Push throughput: MB/s of PushStart body bytes through the push client (the IWMWriterPushSink
 * statechart on a real socket: every packet handed through OnDataUnits as `mfchart push` does,
 * padding stripped, Length-Remaining kept, backpressure honoured; for reference also with one
 * OnDataUnit promise per packet) against a raw socket writing the very same bytes to the same server, in
 * the same run (issue 5; target ≥ 0.8×). The server is `mfchart serve-push` in its own process, as a
 * server is in real life, so its work (parsing, writing the ASF file) does not share the client's
 * thread; both sides are timed from the TCP connect until the server reports the session's end.
 * Rounds interleave the sides, rotating their order, like `compareRates` (harness.ts); the median
 * counts.
 *
 * Run alone: `node --expose-gc dist/bench/push.js` (after `npm run build`); `npm run bench` runs it too.
 * @module
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import type { Readable } from 'node:stream';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { HR } from '../machines/hresult.js';
import { ASF_GUID, guidBytes } from '../adapters/wmf-push/asfReader.js';
import { stripPadding } from '../adapters/wmf-push/asfPacket.js';
import { createPushClient } from '../adapters/wmf-push/createPushClient.js';
import { pushAll } from '../adapters/wmf-push/pushAll.js';
import { DEFAULT_MAX_QUEUED } from '../machines/pushSinkContext.js';
import { encodeData, encodeEnd, encodeHeader } from '../adapters/wmf-push/framing.js';
import { buildPushSetup, buildPushStart, headEnd } from '../adapters/wmf-push/pushSetup.js';
import { median } from './harness.js';

/** Options of the push figure. */
export interface PushBenchOptions {
  /** Data packets per session (each side pushes one session per round). */
  packets: number;
  /** The fixed ASF packet size; each packet carries `padding` zero bytes the client strips. */
  packetSize: number;
  padding: number;
  /** Untimed sessions per side first. */
  warmupRounds: number;
  rounds: number;
}

/** One side's outcome: median MB/s (10^6 bytes of PushStart body per second) and each round's. */
export interface PushSideResult {
  readonly name: string;
  readonly mbPerSec: number;
  readonly rounds: readonly number[];
  /**
   * Median CPU time (user + system) of this process per data packet: what the side costs, whatever
   * else runs on the machine. On a busy machine the wall-clock rate of a CPU-bound side falls with
   * its share of a core; this figure does not.
   */
  readonly cpuMicrosPerPacket: number;
}

/** The figure. */
export interface PushBenchResult {
  /** The client as `mfchart push` drives it (the figure). */
  readonly client: PushSideResult;
  /** The client driven with one OnDataUnit promise per packet (for reference). */
  readonly perUnit: PushSideResult;
  readonly raw: PushSideResult;
  /** client / raw. */
  readonly ratio: number;
  /** perUnit / raw. */
  readonly perUnitRatio: number;
  /** PushStart body bytes of one session (the same on both sides). */
  readonly bodyBytes: number;
  readonly options: PushBenchOptions;
}

export const PUSH_TARGET = 0.8;
/** OnDataUnit calls awaiting acknowledgement (as `mfchart push`): twice the sink's bound. */
const PUSH_WINDOW = 2 * DEFAULT_MAX_QUEUED;
export const PUSH_OPTIONS: PushBenchOptions = { packets: 8000, packetSize: 3200, padding: 200, warmupRounds: 3, rounds: 31 };

/** A minimal ASF header payload (Header Object with a File Properties Object, then 50 bytes of the Data Object). */
function asfHeader(packetSize: number): Buffer {
  const object = (guid: string, body: Buffer) => {
    const head = Buffer.alloc(24);
    guidBytes(guid).copy(head);
    head.writeBigUInt64LE(BigInt(24 + body.length), 16);
    return Buffer.concat([head, body]);
  };
  const fp = Buffer.alloc(80);
  fp.writeUInt32LE(1, 64); // Broadcast
  fp.writeUInt32LE(packetSize, 68);
  fp.writeUInt32LE(packetSize, 72);
  const fixed = Buffer.from([1, 0, 0, 0, 1, 2]);
  const header = object(ASF_GUID.header, Buffer.concat([fixed, object(ASF_GUID.fileProperties, fp)]));
  const data = Buffer.alloc(50);
  guidBytes(ASF_GUID.data).copy(data);
  data.writeUInt16LE(0x0101, 48);
  return Buffer.concat([header, data]);
}

/** One ASF data packet: single payload, a byte Padding Length field, `padding` zero bytes at the end. */
function asfPacket(size: number, padding: number, index: number): Buffer {
  const p = Buffer.alloc(size);
  p.set([0x82, 0, 0, 0x08, 0x5d, padding], 0); // error correction, Length Type Flags (byte padding), Property Flags, Padding Length
  p.writeUInt32LE(index * 10, 6); // Send Time
  p.fill(index & 0xff, 12, size - padding);
  return p;
}

/** The content, and the exact PushStart body the client sends for it. */
function content(o: PushBenchOptions) {
  if (o.padding > 255) throw new Error('the bench packets use a byte Padding Length: padding ≤ 255');
  const header = asfHeader(o.packetSize);
  const packets = Array.from({ length: o.packets }, (_, i) => asfPacket(o.packetSize, o.padding, i));
  const body = Buffer.concat([encodeHeader(header), ...packets.map((p) => encodeData(stripPadding(p))), encodeEnd()]);
  return { header, packets, body };
}

/** What `mfchart serve-push` prints when a session ends. */
interface ServedSession {
  units: number;
  bodyBytes: number;
  files: string[];
}

/** `mfchart serve-push` in a child process: its URL, and the sessions it reports, in order. */
interface ServerProcess {
  url: string;
  address: { host: string; port: number };
  nextSessionEnd(): Promise<ServedSession>;
  close(): Promise<void>;
}

async function startServerProcess(outDir: string): Promise<ServerProcess> {
  const cli = new URL('../cli/mfchart.js', import.meta.url);
  const child: ChildProcessByStdio<null, Readable, Readable> = spawn(process.execPath, [cli.pathname, 'serve-push', '--host', '127.0.0.1', '--port', '0', '--out', outDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const sessions: ServedSession[] = [];
  const waiters: ((s: ServedSession) => void)[] = [];
  let text = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`bench: serve-push exited with ${code}: ${text}`)));
    child.stdout.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const listening = /listening on (http:\/\/\S+)/.exec(text);
      if (listening) resolve(listening[1]!);
      for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n')) {
        const line = text.slice(0, nl);
        text = text.slice(nl + 1);
        const m = /^session \S+ \/\S+: \w+, (\d+) units, \d+ data bytes, (\d+) body bytes(?: -> (.*))?$/.exec(line);
        if (!m) continue;
        const session = { units: Number(m[1]), bodyBytes: Number(m[2]), files: m[3] ? m[3].split(', ') : [] };
        const waiter = waiters.shift();
        if (waiter) waiter(session);
        else sessions.push(session);
      }
    });
  });
  const { hostname, port } = new URL(url);
  return {
    url,
    address: { host: hostname, port: Number(port) },
    nextSessionEnd: () => (sessions.length > 0 ? Promise.resolve(sessions.shift()!) : new Promise((resolve) => waiters.push(resolve))),
    close: async () => {
      child.removeAllListeners('exit');
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * A client side: Connect, OnHeader, the packets, EndSession. `perUnit` false: as `mfchart push`
 * drives it (`pushAll`: OnDataUnits calls of 64 packets, 512 awaiting acknowledgement); true: one
 * OnDataUnit promise per packet with the same window.
 */
async function pushWithClient(server: ServerProcess, header: Buffer, packets: Buffer[], perUnit: boolean): Promise<number> {
  const c = createPushClient();
  try {
    if ((await c.connect(`${server.url}/bench`)) !== HR.S_OK) throw new Error('bench: Connect failed');
    if ((await c.onHeader(header)) !== HR.S_OK) throw new Error('bench: OnHeader failed');
    if (perUnit) {
      const window: Promise<number>[] = [];
      for (const p of packets) {
        window.push(c.onDataUnit(p));
        if (window.length >= PUSH_WINDOW && (await window.shift()!) !== HR.S_OK) throw new Error('bench: OnDataUnit failed');
      }
      for (const hr of await Promise.all(window)) if (hr !== HR.S_OK) throw new Error('bench: OnDataUnit failed');
    } else if ((await pushAll(c, packets, { window: PUSH_WINDOW })).some((hr) => hr !== HR.S_OK)) throw new Error('bench: OnDataUnits failed');
    if ((await c.endSession()) !== HR.S_OK) throw new Error('bench: EndSession failed');
    return c.stats().bodyBytes;
  } finally {
    c.dispose();
  }
}

/** The raw side: PushSetup, then PushStart and the same body bytes in one write, honouring 'drain'. */
async function pushRaw(server: ServerProcess, body: Buffer): Promise<number> {
  const { host, port } = server.address;
  const socket = net.connect({ host, port });
  socket.setNoDelay(true);
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const setup = buildPushSetup({ host, port, path: '/bench', autoDestroy: false });
  socket.write(Buffer.concat([Buffer.from(setup.head, 'latin1'), setup.body]));
  const answer = await new Promise<string>((resolve, reject) => {
    let got = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      got = Buffer.concat([got, chunk]);
      const end = headEnd(got);
      if (end >= 0) {
        socket.off('data', onData);
        resolve(got.subarray(0, end).toString('latin1'));
      }
    };
    socket.on('data', onData).once('error', reject);
  });
  const pushId = /push-id=([^;\s]+)/.exec(answer)?.[1] ?? '0';
  socket.write(buildPushStart({ host, port, path: '/bench', pushId }));
  if (!socket.write(body)) await new Promise((resolve) => socket.once('drain', resolve));
  await new Promise<void>((resolve) => socket.end(resolve));
  return body.length;
}

/** Measures the figure against `mfchart serve-push` on 127.0.0.1 (a child process; needs the build in dist/). */
export async function measurePush(options: PushBenchOptions = PUSH_OPTIONS): Promise<PushBenchResult> {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfchart-bench-push-'));
  const server = await startServerProcess(outDir);
  const { header, packets, body } = content(options);
  const sides = [
    { name: 'push client, as `mfchart push` (OnDataUnits of 64 packets)', run: () => pushWithClient(server, header, packets, false) },
    { name: 'push client, one OnDataUnit promise per packet', run: () => pushWithClient(server, header, packets, true) },
    { name: 'raw socket write of the same bytes', run: () => pushRaw(server, body) },
  ];
  /** One session, timed until the server has ended it; its file is removed afterwards. MB/s and CPU µs per packet. */
  const session = async (side: (typeof sides)[number]): Promise<[number, number]> => {
    const cpu = process.cpuUsage();
    const start = performance.now();
    const [sent, summary] = await Promise.all([side.run(), server.nextSessionEnd()]);
    const seconds = (performance.now() - start) / 1000;
    const used = process.cpuUsage(cpu);
    if (sent !== body.length || summary.bodyBytes !== body.length || summary.units !== packets.length) {
      throw new Error(`bench: ${side.name} sent ${sent} bytes, the server got ${summary.bodyBytes} in ${summary.units} units; expected ${body.length} in ${packets.length}`);
    }
    for (const file of summary.files) fs.rmSync(file, { force: true });
    return [body.length / seconds / 1e6, (used.user + used.system) / packets.length];
  };
  try {
    for (let i = 0; i < options.warmupRounds; i++) for (const side of sides) await session(side);
    const samples: number[][] = sides.map(() => []);
    const cpu: number[][] = sides.map(() => []);
    for (let round = 0; round < options.rounds; round++) {
      for (let k = 0; k < sides.length; k++) {
        const i = (round + k) % sides.length;
        // No forced GC between rounds (unlike compareRates): V8 drops optimized code at a forced full
        // GC — with --trace-opt the client's hot functions were recompiled every round, doubling its
        // CPU per packet — a warm-up per round that a running push never pays. Each side pays for
        // its own garbage instead.
        const [rate, micros] = await session(sides[i]!);
        samples[i]!.push(rate);
        cpu[i]!.push(micros);
      }
    }
    const [client, perUnit, raw] = sides.map((side, i) => ({ name: side.name, mbPerSec: median(samples[i]!), rounds: samples[i]!, cpuMicrosPerPacket: median(cpu[i]!) }));
    return { client: client!, perUnit: perUnit!, raw: raw!, ratio: client!.mbPerSec / raw!.mbPerSec, perUnitRatio: perUnit!.mbPerSec / raw!.mbPerSec, bodyBytes: body.length, options };
  } finally {
    await server.close();
    fs.rmSync(outDir, { recursive: true, force: true });
  }
}

/** A few lines for the console (the lead turns them into a BENCHMARKS.md section). */
export function renderPushSummary(r: PushBenchResult): string {
  const mb = (r.bodyBytes / 1e6).toFixed(1);
  return [
    `push throughput (${r.options.packets} packets of ${r.options.packetSize} B, ${mb} MB of body per session, median of ${r.options.rounds} rounds):`,
    `  client ${r.client.mbPerSec.toFixed(1)} MB/s, raw socket ${r.raw.mbPerSec.toFixed(1)} MB/s → ${r.ratio.toFixed(2)}x (target ≥ ${PUSH_TARGET}x) ${r.ratio >= PUSH_TARGET ? 'met' : 'NOT met'}`,
    `  one OnDataUnit promise per packet: ${r.perUnit.mbPerSec.toFixed(1)} MB/s → ${r.perUnitRatio.toFixed(2)}x`,
    `  CPU of this process per packet: client ${r.client.cpuMicrosPerPacket.toFixed(1)} µs, per-unit promises ${r.perUnit.cpuMicrosPerPacket.toFixed(1)} µs, raw ${r.raw.cpuMicrosPerPacket.toFixed(1)} µs (the server runs in its own process)`,
    `  client rounds: ${r.client.rounds.map((v) => v.toFixed(1)).join(', ')}`,
    `  raw rounds:    ${r.raw.rounds.map((v) => v.toFixed(1)).join(', ')}`,
  ].join('\n');
}

/**
 * Measures the figure in a fresh Node process (`node --expose-gc push.js --json`), as a push client
 * runs in real life: the benchmarks run before it leave a heap whose major GCs would otherwise land
 * in the client's rounds (seen as rounds from 170 to 560 MB/s in one `npm run bench`).
 */
export async function measurePushInFreshProcess(): Promise<PushBenchResult> {
  const child = spawn(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), '--json'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  const code = await new Promise<number | null>((resolve, reject) => child.once('error', reject).once('exit', resolve));
  if (code !== 0) throw new Error(`bench: the push benchmark process exited with ${code}`);
  return JSON.parse(out) as PushBenchResult;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  measurePush()
    .then((r) => console.log(process.argv.includes('--json') ? JSON.stringify(r) : renderPushSummary(r)))
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
}
