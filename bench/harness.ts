/**
 * Measurement helpers of the benchmark: forced GC, heap deltas, and interleaved timed rounds
 * with warm-up, calibration and medians.
 * @module
 */
import { performance } from 'node:perf_hooks';

/** Runs a full (major) collection twice, so weak callbacks and finalizers are done too. */
export function fullGc(): void {
  const gc = globalThis.gc;
  if (!gc) throw new Error('the benchmark needs --expose-gc (run it with `npm run bench`)');
  gc();
  gc();
}

/** The live JS heap, in bytes. */
export function heapUsed(): number {
  return process.memoryUsage().heapUsed;
}

/** The median of a non-empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Heap retained per item: `make` is called `count` times with a full GC before and after. The
 * results are kept in a Map (as an application keeps its sessions), unless a `holder` that keeps
 * them itself (a session host) is given; its size is checked afterwards.
 */
export function heapPerItem(count: number, make: (index: number) => unknown, holder?: { readonly size: number }): number {
  const keep = new Map<number, unknown>();
  const sizeBefore = holder?.size ?? 0;
  fullGc();
  const before = heapUsed();
  if (holder) for (let i = 0; i < count; i++) make(i);
  else for (let i = 0; i < count; i++) keep.set(i, make(i));
  fullGc();
  const after = heapUsed();
  // Read the container after the second sample so it is certainly alive until then.
  if ((holder ? holder.size - sizeBefore : keep.size) !== count) throw new Error('heap measurement lost items');
  return (after - before) / count;
}

/** One side of a rate comparison. */
export interface RateSide {
  readonly name: string;
  /** Runs `iterations` units of work; returns how many operations that was. */
  run(iterations: number): number;
}

/** The outcome of one side: the median rate and every round's rate (operations per second). */
export interface RateResult {
  readonly name: string;
  readonly perSecond: number;
  readonly rounds: readonly number[];
}

/** Options of {@link compareRates}. */
export interface RateOptions {
  /** Warm-up time per side, in ms. */
  warmupMs: number;
  /** Target duration of one timed round, in ms. */
  roundMs: number;
  /** Number of timed rounds per side. */
  rounds: number;
}

/** Times one run; returns operations and elapsed ms. */
function timed(side: RateSide, iterations: number): { ops: number; ms: number } {
  const start = performance.now();
  const ops = side.run(iterations);
  return { ops, ms: performance.now() - start };
}

/** Warms a side up for about `ms` and returns the iterations that take about `roundMs`. */
function warmAndCalibrate(side: RateSide, ms: number, roundMs: number): number {
  let iterations = 1;
  let spent = 0;
  let perIterationMs = Infinity;
  while (spent < ms) {
    const { ms: took } = timed(side, iterations);
    spent += took;
    if (took > 5) perIterationMs = took / iterations;
    if (took < ms / 10) iterations *= 2;
  }
  if (!Number.isFinite(perIterationMs)) perIterationMs = spent / iterations;
  return Math.max(1, Math.round(roundMs / perIterationMs));
}

/**
 * Measures the sides against each other in the same process: each is warmed up and calibrated,
 * then the timed rounds interleave the sides (rotating their order) so that background noise hits
 * them alike. Each round starts after a full GC; GC during a round counts against that side.
 */
export function compareRates(sides: readonly RateSide[], options: RateOptions): RateResult[] {
  const iterations = sides.map((side) => warmAndCalibrate(side, options.warmupMs, options.roundMs));
  const samples: number[][] = sides.map(() => []);
  for (let round = 0; round < options.rounds; round++) {
    for (let k = 0; k < sides.length; k++) {
      const i = (round + k) % sides.length;
      fullGc();
      const { ops, ms } = timed(sides[i], iterations[i]);
      samples[i].push((ops / ms) * 1000);
    }
  }
  return sides.map((side, i) => ({ name: side.name, perSecond: median(samples[i]), rounds: samples[i] }));
}
