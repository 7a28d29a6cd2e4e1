/**
 * The benchmark: `npm run bench` builds, then runs this with `node --expose-gc`. It measures the
 * three figures against same-run XState baselines, writes BENCHMARKS.md at the project root and
 * prints a short summary.
 * @module
 */
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import os from 'node:os';
import v8 from 'node:v8';
import { fullGc } from './harness.js';
import { measureHeap } from './heap.js';
import { measureLifecycle } from './lifecycle.js';
import { measureThroughput } from './throughput.js';
import { renderMarkdown, renderSummary, type Environment } from './report.js';
import { measureExplorer } from './explore.js';
import { formatInspectorResult, measureInspector } from './inspector.js';
import { measurePushInFreshProcess, renderPushSummary } from './push.js';
import { measureMfNative, renderMfNativeSummary } from './mfNative.js';
import { runConformance } from '../verify/conformance/runConformance.js';
import { mockSut } from '../verify/sut/modelSut.js';

/** Sessions (and baseline actors) per heap row. */
const HEAP_COUNT = 100_000;
const THROUGHPUT = { warmupMs: 1000, roundMs: 400, rounds: 7 };
const LIFECYCLE = { warmupMs: 750, roundMs: 300, rounds: 7 };

/** Output file, at the project root (this file runs from dist/bench/). */
const OUTPUT = new URL('../../BENCHMARKS.md', import.meta.url);

function environment(): Environment {
  const require = createRequire(import.meta.url);
  const xstate = (require('xstate/package.json') as { version: string }).version;
  const cpus = os.cpus();
  return {
    date: new Date().toISOString(),
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    totalMemory: os.totalmem(),
    heapLimit: v8.getHeapStatistics().heap_size_limit,
    node: process.version,
    xstate,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
  };
}

/** fast-check orderings/s of the differential run (the mock through the fault wrapper against the model). */
async function measureConformance(): Promise<{ mode: string; orderingsPerSec: number; orderings: number; actions: number }[]> {
  const rows = [];
  for (const mode of ['async', 'scheduled'] as const) {
    const result = await runConformance({ sut: mockSut(), runs: 1000, seed: 42, mode });
    if (result.counterexample) throw new Error(`the mock diverged from the model (${mode}): the bench measures a correct run`);
    rows.push({ mode, orderingsPerSec: result.orderings / (result.durationMs / 1000), orderings: result.orderings, actions: result.actions });
  }
  return rows;
}

async function main(): Promise<void> {
  const started = performance.now();
  fullGc(); // fails early without --expose-gc
  const env = environment();
  const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);

  // Heap first, while the process holds nothing else.
  log(`heap: ${HEAP_COUNT.toLocaleString('en-US')} items per row…`);
  const heap = measureHeap(HEAP_COUNT);
  log('method-call throughput…');
  const throughput = measureThroughput(THROUGHPUT);
  log('create / shutdown / release…');
  const lifecycle = measureLifecycle(LIFECYCLE);
  log('exhaustive explorer (table vs XState transition(), depth 8)…');
  const explorer = measureExplorer();
  log('fast-check differential orderings…');
  const conformance = await measureConformance();
  log('sessions with the live inspector attached vs without…');
  const inspector = await measureInspector({ sessions: 100, warmupMs: 1000, roundMs: 300, rounds: 11 });
  log('push throughput (client vs a raw socket write of the same bytes, same server)…');
  const push = await measurePushInFreshProcess();
  log('mf-native bridge (start time, calls/s through the bridge)…');
  const mfNative = measureMfNative();

  const results = {
    env,
    heap,
    throughput,
    throughputOptions: THROUGHPUT,
    lifecycle,
    lifecycleOptions: LIFECYCLE,
    explorer,
    conformance,
    inspector,
    push,
    mfNative,
    seconds: (performance.now() - started) / 1000,
  };
  writeFileSync(OUTPUT, renderMarkdown(results));
  console.log(renderSummary(results));
  console.log(formatInspectorResult(inspector));
  console.log(renderPushSummary(push));
  console.log(renderMfNativeSummary(mfNative));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
