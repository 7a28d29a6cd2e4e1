/**
 * Turns the measurements into BENCHMARKS.md and a short stdout summary.
 * @module
 */
import type { HeapLayer, HeapResult } from './heap.js';
import type { LifecycleResult } from './lifecycle.js';
import type { RateOptions, RateResult } from './harness.js';
import type { Step, ThroughputResult } from './throughput.js';
import type { ExplorerMeasurement } from './explore.js';
import { INSPECTOR_TARGET, type InspectorBenchResult } from './inspector.js';
import { PUSH_TARGET, type PushBenchResult } from './push.js';
import type { MfNativeBench } from './mfNative.js';

/** Where and with what the run happened. */
export interface Environment {
  readonly date: string;
  readonly cpu: string;
  readonly cores: number;
  readonly totalMemory: number;
  /** V8's old-space limit for this process (heap_size_limit). */
  readonly heapLimit: number;
  readonly node: string;
  readonly xstate: string;
  readonly os: string;
}

/** Everything the run measured. */
export interface Results {
  readonly env: Environment;
  readonly throughput: ThroughputResult;
  readonly throughputOptions: RateOptions;
  readonly heap: HeapResult;
  readonly lifecycle: LifecycleResult;
  readonly lifecycleOptions: RateOptions;
  readonly explorer: ExplorerMeasurement;
  readonly conformance: readonly { mode: string; orderingsPerSec: number; orderings: number; actions: number }[];
  readonly inspector: InspectorBenchResult;
  readonly push: PushBenchResult;
  readonly mfNative: MfNativeBench;
  readonly seconds: number;
}

/** Targets of the figures (ratios against the same-run baseline). */
export const TARGETS = {
  throughputMin: 0.5,
  heapMax: 2,
  explorerMin: 100,
  depth8MaxMs: 10_000,
  inspectorMin: INSPECTOR_TARGET,
  pushMin: PUSH_TARGET,
  bridgeCallsMin: 2000,
} as const;

const GIB = 2 ** 30;
const int = (n: number) => Math.round(n).toLocaleString('en-US');
const fixed = (n: number, digits = 2) => n.toFixed(digits);
const gib = (bytes: number) => `${fixed(bytes / GIB)} GiB`;
const bytesText = (bytes: number) => `${int(bytes)} B`;
const us = (rate: RateResult) => `${fixed(1e6 / rate.perSecond, 2)} µs`;
/** Extra time per operation of `slower` over `faster`, in percent (signed). */
const pct = (faster: RateResult, slower: RateResult) => `${(faster.perSecond / slower.perSecond - 1) * 100 >= 0 ? '+' : ''}${fixed((faster.perSecond / slower.perSecond - 1) * 100, 0)} %`;
const verdict = (ok: boolean) => (ok ? '**PASS**' : '**FAIL**');

/** The derived numbers both outputs use. */
function derive(r: Results) {
  const throughputRatio = r.throughput.session.perSecond / r.throughput.bare.perSecond;
  const heapRatio = r.heap.session / r.heap.bare;
  const lifecycleRatio = r.lifecycle.session.perSecond / r.lifecycle.bare.perSecond;
  const million = r.heap.session * 1e6;
  return {
    throughputRatio,
    throughputPass: throughputRatio >= TARGETS.throughputMin,
    heapRatio,
    heapPass: heapRatio <= TARGETS.heapMax,
    lifecycleRatio,
    million,
    fitsMemory: million < r.env.totalMemory,
    fitsHeapLimit: million < r.env.heapLimit,
  };
}

/** "Start, GetSessionCapabilities, GetEvent ×3" style text of one script cycle. */
function describeScript(script: readonly Step[]): string {
  const parts: string[] = [];
  for (let i = 0; i < script.length; ) {
    let j = i;
    while (j < script.length && script[j].call === script[i].call) j++;
    const run = j - i;
    parts.push(`${script[i].call}${run > 1 ? ` ×${run}` : ''}${script[j - 1].settle ? ' (settle)' : ''}`);
    i = j;
  }
  return parts.join(', ');
}

/** Ratios of the same round (the sides ran back to back), as "min–max". */
function pairedRange(side: { rounds: readonly number[] }, baseline: { rounds: readonly number[] }, digits = 3): string {
  const ratios = side.rounds.map((value, i) => value / baseline.rounds[i]!);
  return `${fixed(Math.min(...ratios), digits)}–${fixed(Math.max(...ratios), digits)}`;
}

function rateTable(rows: readonly RateResult[], baseline: RateResult, unit: string): string[] {
  return [
    `| Side | Median ${unit}/s | Ratio to bare (of medians) | Same-round ratios | Rounds (${unit}/s) |`,
    '|---|---:|---:|---:|---|',
    ...rows.map(
      (row) =>
        `| ${row.name} | ${int(row.perSecond)} | ${fixed(row.perSecond / baseline.perSecond, 3)}× | ${pairedRange(row, baseline)} | ${row.rounds.map(int).join(', ')} |`,
    ),
  ];
}

/** Where a hosted session's bytes go: differences of successive measured layers (they sum to the figure). */
function heapAttribution(heap: HeapResult): { part: string; bytes: number }[] {
  const at = (layer: HeapLayer) => heap.rows.find((row) => row.layer === layer)?.bytes ?? NaN;
  return [
    { part: 'container slot (a Map entry; the host\'s own map for the figure)', bytes: at('mapSlot') },
    { part: 'XState Actor object (mailbox, observer Set, listener Map, actor scope and its closures, bound methods) — empty child − slot', bytes: at('emptyChild') - at('mapSlot') },
    { part: 'the root\'s private actor system (`createSystem`: Maps, WeakMap, Set, scheduler, closures) — empty root − empty child', bytes: at('emptyRoot') - at('emptyChild') },
    { part: 'session statechart snapshot and context — statechart actor − empty root', bytes: at('machineActor') - at('emptyRoot') },
    { part: 'MediaSessionHandle (object, private fields, Sets/arrays, id, attributes, and its `on` listeners and error observer) — createSession − statechart actor', bytes: at('handle') - at('machineActor') },
    { part: 'host bookkeeping (HostedSession field, its extra error observer, the host map entry by id instead of the harness map) — hosted − createSession', bytes: at('hosted') - at('handle') },
  ];
}

/** The markdown of BENCHMARKS.md. */
export function renderMarkdown(r: Results): string {
  const d = derive(r);
  const { env, throughput: t, heap: h, lifecycle: l } = r;
  const to = r.throughputOptions;
  const lo = r.lifecycleOptions;
  const attribution = heapAttribution(h);
  const xstateShare = attribution[1].bytes + attribution[2].bytes;
  const at = (layer: HeapLayer) => h.rows.find((row) => row.layer === layer)?.bytes ?? NaN;
  const lines: string[] = [
    '# Benchmarks',
    '',
    `Written by \`npm run bench\` (\`bench/run.ts\`) on ${env.date}; the whole run took ${fixed(r.seconds, 1)} s.`,
    'Every baseline was measured in the same process as its figure; timed rounds of the sides are interleaved',
    '(rotating order, a full GC before each round) so background load hits them alike. Do not edit by hand: rerun the bench.',
    '',
    '## Machine',
    '',
    '| | |',
    '|---|---|',
    `| CPU | ${env.cpu} |`,
    `| Cores | ${env.cores} |`,
    `| Total memory | ${gib(env.totalMemory)} |`,
    `| V8 heap limit (this process) | ${gib(env.heapLimit)} |`,
    `| OS | ${env.os} |`,
    `| Node | ${env.node} |`,
    `| xstate | ${env.xstate} |`,
    '',
    '## Summary',
    '',
    '| # | Figure | Value | Baseline (same run) | Ratio | Target | Result |',
    '|---|---|---:|---:|---:|---|---|',
    `| 1 | Method calls/s through a session (mock adapter) | ${int(t.session.perSecond)} | ${int(t.bare.perSecond)} (bare actor, same transitions) | ${fixed(d.throughputRatio, 3)}× | ≥ ${TARGETS.throughputMin}× | ${verdict(d.throughputPass)} |`,
    `| 2 | Heap per idle session (session host) | ${bytesText(h.session)} | ${bytesText(h.bare)} (bare actor) | ${fixed(d.heapRatio)}× | ≤ ${TARGETS.heapMax}× | ${verdict(d.heapPass)} |`,
    `| 3 | Sessions created + shut down + released /s (session host) | ${int(l.session.perSecond)} | ${int(l.bare.perSecond)} (bare create/start/stop) | ${fixed(d.lifecycleRatio, 3)}× | none set | — (informational) |`,
    `| 4 | Table-explorer transitions/s | ${int(r.explorer.tableTransitionsPerSec)} | ${int(r.explorer.xstateTransitionsPerSec)} (XState \`transition()\` per step) | ${int(r.explorer.ratio)}× | ≥ ${TARGETS.explorerMin}× | ${verdict(r.explorer.ratio >= TARGETS.explorerMin)} |`,
    `| 5 | Depth-8 exploration over the whole alphabet | ${fixed(r.explorer.depth8Ms / 1000, 2)} s | — | — | < ${TARGETS.depth8MaxMs / 1000} s | ${verdict(r.explorer.depth8Ms < TARGETS.depth8MaxMs)} |`,
    ...r.conformance.map((c) => `| 6 | fast-check orderings/s (${c.mode}, mock vs model) | ${int(c.orderingsPerSec)} | — | — | none set | — (informational) |`),
    `| 7 | Method calls/s with the live inspector attached (${r.inspector.sessions} sessions, a client following one) | ${int(r.inspector.inspected.perSecond)} | ${int(r.inspector.without.perSecond)} (same sessions, no inspector) | ${fixed(r.inspector.ratio)}× | ≥ ${TARGETS.inspectorMin}× | ${verdict(r.inspector.ratio >= TARGETS.inspectorMin)} |`,
    `| 8 | Push throughput, MB/s of PushStart body (client → our server) | ${fixed(r.push.client.mbPerSec, 1)} | ${fixed(r.push.raw.mbPerSec, 1)} (raw socket write, same bytes, same server) | ${fixed(r.push.ratio)}× | ≥ ${TARGETS.pushMin}× | ${verdict(r.push.ratio >= TARGETS.pushMin)} |`,
    ...mfNativeRows(r.mfNative),
    '',
    `Projection: **1 M idle sessions need ${gib(d.million)} of JS heap** — ${d.fitsMemory ? 'fits in' : 'does NOT fit in'} this machine's ${gib(env.totalMemory)} of memory,`,
    `and ${d.fitsHeapLimit ? 'fits under' : `exceeds`} V8's default heap limit here (${gib(env.heapLimit)})${d.fitsHeapLimit ? '' : ': such a process needs `node --max-old-space-size=…`'}.`,
    '',
    '## 1. Method calls per second',
    '',
    'One session on the mock platform (one source, one sink, default knobs: each pipeline step takes 1 ms of simulated time).',
    'SetTopology once, then repeated cycles of Start / Pause / Start / Stop; after each command the simulated platform is',
    'settled (simulated time runs until no platform work is pending, so the command completes), then GetSessionCapabilities,',
    'then GetEvent (no-wait) until the queue is empty — the call that finds it empty counts too. The steady-state cycle is',
    'recorded once and replayed by every side, each call checked against the HRESULT recorded for it:',
    '',
    `> ${describeScript(t.script)} — **${t.script.length} method calls per cycle**`,
    '',
    'A "method call" is one entry of that script on every side. **The baseline makes the same transitions**: the session',
    `actor processes ${t.eventsPerCycle} events per cycle (the calls and the platform's \`platform.done\` answers); they are recorded once and`,
    'replayed into `bareTransitionMachine` of `bench/bareMachine.ts` — the session statechart\'s own state nodes (settled and',
    'transitional: `starting.sources` → `starting.sinks`, `pausing`, `stopping`, ...) with no context, no guards, no actions —',
    'reading its snapshot after each send; it counts the same calls per cycle. So the ratio is what the model\'s own work',
    '(HRESULTs, events, command queue, clock, capabilities) and the mock platform cost over bare XState doing the same state',
    'changes. For reference, the last row sends only the call events to the smaller `bareMachine` (fresh/ready/started/',
    'paused/stopped): it makes fewer transitions than the session does. The second row drives the same statechart actor the',
    'handle wraps directly (`actor.send` + the `mf.reply` it emits), to split the cost between the statechart and the handle.',
    '',
    `Warm-up ${to.warmupMs} ms per side, then ${to.rounds} rounds of about ${to.roundMs} ms per side; the figure is the median.`,
    '',
    ...rateTable([t.session, t.machineActor, t.idealSession, t.bare, t.bareCallsOnly], t.bare, 'calls'),
    '',
    `Mean time per call (including the settles): bare ${us(t.bare)}, statechart actor ${us(t.machineActor)},`,
    `handle on the mock ${us(t.session)}, handle on the ideal adapter ${us(t.idealSession)}.`,
    `Time per call, handle over raw statechart actor: ${pct(t.machineActor, t.session)}; mock platform over ideal adapter: ${pct(t.idealSession, t.session)};`,
    `statechart actor over bare actor: ${pct(t.bare, t.machineActor)}. Each command is a call (on an idle session, straight into its`,
    'transitional state, whose entry action asks the platform for the pipeline step; behind a running command, the FIFO) and one',
    '`platform.done` per step — two for Start — landing in the settled state: the same microsteps as the bare side.',
    '',
    'Diagnostic — one getter repeated on an idle `ready` session (no command, no pipeline), against the bare actor:',
    '',
    ...rateTable([t.getter.session, t.getter.bare], t.getter.bare, 'calls'),
    '',
    '## 2. Heap per idle session',
    '',
    `${int(h.count)} items per row. The heap (\`process.memoryUsage().heapUsed\`) is read after two forced full GCs before and`,
    'after creating them, and the delta divided by the count. Each item is kept in a `Map` (the harness\'s, or for the figure',
    'the session host\'s own map), and left idle: sessions stay `fresh`, on the ideal adapter. The figure is a session as',
    '`createSessionHost().create()` makes it (`actors/createSessionHost.ts`); the other rows isolate its layers.',
    '',
    '| Layer | Bytes per item | Ratio to bare |',
    '|---|---:|---:|',
    ...h.rows.map((row) => {
      const label = row.layer === 'hosted' || row.layer === 'bare' ? `**${row.label}**` : row.label;
      return `| ${label} | ${int(row.bytes)} | ${fixed(row.bytes / h.bare)}× |`;
    }),
    '',
    'Where a hosted session\'s bytes go (differences of the rows above, each ±50 B of measurement noise; they sum to the figure):',
    '',
    '| Part | Bytes | Share |',
    '|---|---:|---:|',
    ...attribution.map((a) => `| ${a.part} | ${int(a.bytes)} | ${fixed((a.bytes / h.session) * 100, 0)} % |`),
    '',
    `XState's own per-actor cost (the Actor object and its private actor system) is ${int(xstateShare)} B, ${fixed((xstateShare / h.session) * 100, 0)} % of a session.`,
    'Every `createActor` without a `parent` builds its own actor system; the "child" rows show what an actor costs when it',
    `shares one: ${int(at('machineChild'))} B for the session statechart, against ${int(at('machineActor'))} B as a root.`,
    `The \`on\` listener and \`subscribe\` observer pair alone costs ${int(at('listeners') - at('machineActor'))} B on an actor.`,
    '',
    '## 3. Sessions created and shut down per second',
    '',
    'Figure: a session host on the ideal adapter, `host.create()` → `Shutdown()` (checked S_OK) → `Release()` (checked: no',
    'leak; the host forgets the session). Baseline: `createActor(bareMachine).start().stop()`. Diagnostics: the same without',
    'the host (`createSession()`), and the statechart actor without the handle (create → start → `session.Shutdown` → stop).',
    'No target was set for this figure.',
    '',
    `Warm-up ${lo.warmupMs} ms per side, then ${lo.rounds} rounds of about ${lo.roundMs} ms per side; the figure is the median.`,
    '',
    ...rateTable([l.session, l.plain, l.machineActor, l.bare], l.bare, 'sessions'),
    '',
    '## 4–5. Exhaustive explorer',
    '',
    'The statechart compiled into a transition table (one command at a time, up to 10 queued events, expanded to depth 8:',
    `${int(r.explorer.states)} states), then a seeded walk of the same (state, input) pairs run on the table and through XState\'s pure`,
    '`transition()` (`bench/explore.ts`). The depth-8 figure is `exploreTable` over every ordering of the whole alphabet on that',
    `table: ${r.explorer.orderings.toLocaleString('en-US')} orderings, invariants checked on every transition; the table\'s compile time is not in it`,
    '(`mfchart verify` prints it; about 5 s for this setting).',
    '',
    '## 6. fast-check differential orderings',
    '',
    '`runConformance` with the mock (through the contract-fault wrapper, no fault selected) against the model: 1000 random',
    'orderings per mode (seed 42), each played on both, synchronous HRESULTs and events compared.',
    '',
    '| mode | orderings | actions | orderings/s |',
    '|---|---:|---:|---:|',
    ...r.conformance.map((c) => `| ${c.mode} | ${int(c.orderings)} | ${int(c.actions)} | ${int(c.orderingsPerSec)} |`),
    '',
    ...inspectorSection(r.inspector),
    ...pushSection(r.push),
    ...mfNativeSection(r.mfNative),
  ];
  return lines.join('\n');
}

function mfNativeRows(m: MfNativeBench): string[] {
  if (m.skipped || !m.batched || !m.single || !m.startMs) return [`| 9 | mf-native bridge | skipped: ${m.skipped ?? 'no figures'} | — | — | — | — |`];
  return [
    `| 9 | Calls/s through the mf-native bridge (batched, real mf.dll under Wine) | ${int(m.batched.callsPerSec)} | ${int(m.single.callsPerSec)} (one call per round trip) | ${fixed(m.batched.callsPerSec / m.single.callsPerSec, 1)}× | ≥ ${int(TARGETS.bridgeCallsMin)} calls/s | ${verdict(m.batched.callsPerSec >= TARGETS.bridgeCallsMin)} |`,
    `| 10 | mf-native bridge start (spawn → ready) | ${int(m.startMs.median)} ms | — | — | none set | — (informational) |`,
  ];
}

function inspectorSection(i: InspectorBenchResult): string[] {
  return [
    '## 7. Live inspector attached',
    '',
    `${i.sessions} sessions on the mock platform run the same command cycles with and without the live inspector (\`bench/inspector.ts\`):`,
    'with it, every session is recorded (bounded trace ring per session), the list is batched per tick, and a WebSocket',
    'client in a child process follows one session in detail. Rounds of the two sides are interleaved. Because the client',
    'runs in another process, the ratio in calls per CPU second of this process is also given: it is steadier on a busy machine.',
    '',
    '| Side | Median calls/s | Rounds |',
    '|---|---:|---|',
    `| without inspector | ${int(i.without.perSecond)} | ${i.without.rounds.map(int).join(', ')} |`,
    `| inspector attached | ${int(i.inspected.perSecond)} | ${i.inspected.rounds.map(int).join(', ')} |`,
    '',
    `Ratio ${fixed(i.ratio)}× (wall clock), ${fixed(i.cpuRatio)}× per CPU second. The client received ${int(i.client.messages)} messages,`,
    `${int(i.client.bytes / 1024)} KiB, ${int(i.client.entries)} trace entries of the followed session.`,
    '',
  ];
}

function pushSection(p: PushBenchResult): string[] {
  return [
    '## 8. Push throughput',
    '',
    `One push session per round and side to our push server (\`mfchart serve-push\`'s code, in its own process, on 127.0.0.1), both sides`,
    'in a fresh Node process of their own (as `mfchart push` runs; not in the process that ran the other benchmarks):',
    `${int(p.options.packets)} ASF data packets of ${int(p.options.packetSize)} B (${int(p.options.padding)} B of padding each, stripped by the client),`,
    `${fixed(p.bodyBytes / 1e6, 1)} MB of PushStart body. The client side is \`createPushClient\` (the push-sink statechart, framing,`,
    'backpressure), driven as `mfchart push` drives it (`pushAll`: OnDataUnits calls of 64 packets, 512 packets awaiting',
    'acknowledgement); for reference also with one OnDataUnit promise per packet (same window); the raw side writes the',
    'same framed bytes to a socket with no statechart. Median of',
    `${p.options.rounds} rounds after ${p.options.warmupRounds} warm-up sessions per side; no forced GC between rounds (it makes V8`,
    'recompile the client\'s hot code every round). The CPU column is this process\'s user + system time per packet.',
    '',
    '| Side | Median MB/s | CPU of this process per packet | Rounds (MB/s) |',
    '|---|---:|---:|---|',
    ...[p.client, p.perUnit, p.raw].map((side) => `| ${side.name} | ${fixed(side.mbPerSec, 1)} | ${fixed(side.cpuMicrosPerPacket, 1)} µs | ${side.rounds.map((v) => fixed(v, 1)).join(', ')} |`),
    '',
    `Ratio ${fixed(p.ratio)}× (target ≥ ${TARGETS.pushMin}×); one OnDataUnit promise per packet: ${fixed(p.perUnitRatio)}×.`,
    `Same-round ratios (client round / raw round): ${pairedRange(p.client, p.raw, 2)}×; one promise per packet: ${pairedRange(p.perUnit, p.raw, 2)}×.`,
    '',
  ];
}

function mfNativeSection(m: MfNativeBench): string[] {
  if (m.skipped || !m.batched || !m.single || !m.startMs) return ['## 9–10. mf-native bridge', '', `Skipped: ${m.skipped ?? 'no figures'}.`, ''];
  return [
    '## 9–10. mf-native bridge',
    '',
    `The Linux side spawns \`wine node.exe\` (Windows Node ${m.node ?? '?'} + koffi) running the bridge, which calls Wine 8.0's real`,
    '`mf.dll` (`bench/mfNative.ts`). Start: spawn of a bridge with a new linked prefix until its first answer.',
    `Calls: ${int(m.batched.batches)} batches of ${int(m.batched.batch)} session calls per round trip, against one call per round trip (${int(m.single.calls)} calls).`,
    '',
    '| Figure | Value |',
    '|---|---:|',
    `| bridge start, median (runs) | ${int(m.startMs.median)} ms (${m.startMs.runs.map(int).join(', ')}) |`,
    `| batched calls/s | ${int(m.batched.callsPerSec)} |`,
    `| calls/s, one call per round trip | ${int(m.single.callsPerSec)} |`,
    `| ping round trip | ${fixed(m.pingMs ?? NaN)} ms |`,
    '',
  ];
}

/** The short stdout summary. */
export function renderSummary(r: Results): string {
  const d = derive(r);
  const { throughput: t, heap: h, lifecycle: l, env } = r;
  return [
    `mfchart bench — ${env.cpu}, ${env.cores} cores, Node ${env.node}, xstate ${env.xstate} (${fixed(r.seconds, 1)} s)`,
    `1. calls/s via session: ${int(t.session.perSecond)} vs bare ${int(t.bare.perSecond)} = ${fixed(d.throughputRatio, 3)}× (target ≥ ${TARGETS.throughputMin}×) ${d.throughputPass ? 'PASS' : 'FAIL'}`,
    `2. heap/idle session:   ${int(h.session)} B vs bare ${int(h.bare)} B = ${fixed(d.heapRatio)}× (target ≤ ${TARGETS.heapMax}×) ${d.heapPass ? 'PASS' : 'FAIL'}`,
    `   1 M idle sessions: ${gib(d.million)} (${d.fitsMemory ? 'fits' : 'does not fit'} in ${gib(env.totalMemory)} RAM; ${d.fitsHeapLimit ? 'under' : 'over'} the ${gib(env.heapLimit)} heap limit)`,
    `3. create/shutdown/release per s: ${int(l.session.perSecond)} vs bare ${int(l.bare.perSecond)} = ${fixed(d.lifecycleRatio, 3)}× (no target)`,
    `4. table explorer: ${int(r.explorer.tableTransitionsPerSec)} vs XState transition() ${int(r.explorer.xstateTransitionsPerSec)} transitions/s = ${int(r.explorer.ratio)}× (target ≥ ${TARGETS.explorerMin}×) ${r.explorer.ratio >= TARGETS.explorerMin ? 'PASS' : 'FAIL'}`,
    `5. depth-8 exploration: ${fixed(r.explorer.depth8Ms / 1000, 2)} s (target < ${TARGETS.depth8MaxMs / 1000} s) ${r.explorer.depth8Ms < TARGETS.depth8MaxMs ? 'PASS' : 'FAIL'}`,
    `6. fast-check orderings/s: ${r.conformance.map((c) => `${c.mode} ${int(c.orderingsPerSec)}`).join(', ')}`,
    `7. inspector attached: ${fixed(r.inspector.ratio)}× of without (per CPU s ${fixed(r.inspector.cpuRatio)}×; target ≥ ${TARGETS.inspectorMin}×) ${r.inspector.ratio >= TARGETS.inspectorMin ? 'PASS' : 'FAIL'}`,
    `8. push: client ${fixed(r.push.client.mbPerSec, 1)} MB/s vs raw socket ${fixed(r.push.raw.mbPerSec, 1)} MB/s = ${fixed(r.push.ratio)}× (target ≥ ${TARGETS.pushMin}×) ${r.push.ratio >= TARGETS.pushMin ? 'PASS' : 'FAIL'}`,
    r.mfNative.batched && r.mfNative.startMs
      ? `9–10. mf-native bridge: ${int(r.mfNative.batched.callsPerSec)} calls/s batched (target ≥ ${int(TARGETS.bridgeCallsMin)}) ${r.mfNative.batched.callsPerSec >= TARGETS.bridgeCallsMin ? 'PASS' : 'FAIL'}; start ${int(r.mfNative.startMs.median)} ms`
      : `9–10. mf-native bridge: skipped (${r.mfNative.skipped ?? 'no figures'})`,
    'Details: BENCHMARKS.md',
  ].join('\n');
}
