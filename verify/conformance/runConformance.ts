/**
 * Differential testing with fast-check: random orderings of calls and platform actions are played
 * in lockstep on the reference (our session on the mock) and on a SUT, and the first divergence an
 * accepted entry does not cover is shrunk by fast-check to a minimal ordering. `async` runs use
 * `fc.asyncModelRun`; `scheduled` runs use `fc.scheduledModelRun` with an `fc.scheduler` that races
 * time and source events against later commands. A run is replayable from its seed.
 * @module
 */
import fc from 'fast-check';
import type { SutFactory } from '../sut/SessionUnderTest.js';
import { isCall, type SutAction } from '../sut/sutActions.js';
import { modelSut } from '../sut/modelSut.js';
import type { AcceptedDivergence } from './acceptedDivergences.js';
import { Lockstep, type LockstepStep } from './lockstep.js';
import { playOrdering } from './playOrdering.js';
import type { Divergence } from './divergence.js';
import { ApplyCommand, asyncCommandArbs, assertNoDivergence, DivergenceError, scheduledCommandArbs, type ConformanceReal, type NoModel } from './conformanceCommands.js';

/** How orderings are generated and played. */
export type ConformanceMode = 'async' | 'scheduled';

/** Options of {@link runConformance}. */
export interface ConformanceOptions {
  /** The SUT. */
  sut: SutFactory;
  /** The reference (default {@link modelSut}). */
  reference?: SutFactory;
  /** Orderings to try (default 100). */
  runs?: number;
  /** fast-check seed (default: a fresh one, reported so the run can be replayed). */
  seed?: number;
  /** Default `async`. */
  mode?: ConformanceMode;
  /** Known platform differences, reported as known. */
  accepted?: readonly AcceptedDivergence[];
  /**
   * Orderings played first, before any random one (async mode): typically the exhaustive explorer's
   * frontier ({@link frontierOrderings}), so every state the model reaches is visited on the SUT.
   */
  examples?: readonly (readonly SutAction[])[];
  /** Whether orderings may shut sources down and end streams from outside (default true). */
  sourceEvents?: boolean;
  /**
   * How many times the shrunk ordering is replayed to reproduce its divergence (default 1). A real
   * platform answers on its own threads, so a divergence that hinges on timing may need a few tries;
   * a deterministic SUT reproduces on the first.
   */
  replayAttempts?: number;
  /** Longest ordering, in commands (default 25). */
  maxCommands?: number;
  /** Called after each ordering; `phase` is `shrink` once a divergence is being minimised. */
  onProgress?: (progress: { phase: 'run' | 'shrink'; done: number; total: number }) => void;
}

/** A minimal ordering on which the SUT diverges, replayed without fast-check. */
export interface Counterexample {
  /** The actions in the order they were applied (scheduled races at the point they fired). */
  ordering: SutAction[];
  /** Method calls in {@link ordering} (platform actions are not counted). */
  calls: number;
  divergence: Divergence;
  /** Both sides' observations, step by step, up to the divergence. */
  steps: LockstepStep[];
  /** fast-check's own print of the shrunk commands (and the scheduler's report in a scheduled run). */
  fastCheck: string;
}

/** A known divergence and how often it was met. */
export interface KnownDivergence {
  description: string;
  count: number;
  example: Divergence;
}

/** The outcome of one differential run. */
export interface ConformanceResult {
  sut: string;
  reference: string;
  mode: ConformanceMode;
  seed: number;
  /** Orderings played until the verdict (before shrinking). */
  orderings: number;
  /** Orderings played while shrinking. */
  shrinkOrderings: number;
  /** Actions applied over all orderings. */
  actions: number;
  durationMs: number;
  /** The shrunk divergence, if one was found. */
  counterexample?: Counterexample;
  known: KnownDivergence[];
}

/** A fresh random seed (printed by the CLI so that the run can be replayed with `--seed`). */
export function freshSeed(): number {
  return (Date.now() ^ Math.floor(Math.random() * 0x7fffffff)) | 0;
}

/** Runs the differential test. Throws only for a failure that is not a divergence (a bug in a SUT's harness). */
export async function runConformance(options: ConformanceOptions): Promise<ConformanceResult> {
  const reference = options.reference ?? modelSut();
  const runs = options.runs ?? 100;
  const seed = options.seed ?? freshSeed();
  const mode = options.mode ?? 'async';
  const accepted = options.accepted ?? [];
  const maxCommands = options.maxCommands ?? 25;
  const known = new Map<string, KnownDivergence>();
  let orderings = 0;
  let shrinkOrderings = 0;
  let actions = 0;
  let failing = false;
  let lastFailure: { ordering: SutAction[]; divergence: Divergence } | undefined;

  const newPair = () => new Lockstep(reference.create(), options.sut.create(), accepted);
  const settle = (pair: Lockstep) => {
    pair.dispose();
    actions += pair.trace.length;
    if (failing) shrinkOrderings++;
    else orderings++;
    options.onProgress?.({ phase: failing ? 'shrink' : 'run', done: failing ? shrinkOrderings : orderings, total: runs });
    if (pair.divergence && pair.known) {
      const entry = known.get(pair.known.description) ?? { description: pair.known.description, count: 0, example: pair.divergence };
      entry.count++;
      known.set(pair.known.description, entry);
    }
    if (pair.failed) {
      // fast-check's last failing execution is its final (most shrunk) counterexample.
      failing = true;
      lastFailure = { ordering: [...pair.trace], divergence: pair.divergence! };
    }
  };

  const started = performance.now();
  const sourceEvents = options.sourceEvents ?? true;
  const commands = fc.commands(mode === 'async' ? asyncCommandArbs(sourceEvents) : scheduledCommandArbs(sourceEvents), { maxCommands });
  const details =
    mode === 'async'
      ? await fc.check(
          fc.asyncProperty(commands, async (cmds) => {
            const pair = newPair();
            try {
              await fc.asyncModelRun(() => ({ model: {} as NoModel, real: { pair } }), cmds);
            } finally {
              settle(pair);
            }
          }),
          // fast-check counts examples within numRuns: the random orderings come on top of them.
          { numRuns: runs + (options.examples?.length ?? 0), seed, examples: (options.examples ?? []).map((ordering): [Iterable<fc.AsyncCommand<NoModel, ConformanceReal>>] => [ordering.map((action) => new ApplyCommand(action))]) },
        )
      : await fc.check(
          fc.asyncProperty(fc.scheduler(), commands, async (scheduler, cmds) => {
            const pair = newPair();
            try {
              await fc.scheduledModelRun(scheduler, () => ({ model: {} as NoModel, real: { pair, scheduler } }), cmds);
              assertNoDivergence(pair);
            } finally {
              settle(pair);
            }
          }),
          { numRuns: runs, seed },
        );
  const durationMs = performance.now() - started;
  const base: ConformanceResult = { sut: options.sut.name, reference: reference.name, mode, seed, orderings, shrinkOrderings, actions, durationMs, known: [...known.values()] };
  if (!details.failed) return base;
  if (!lastFailure || !(details.errorInstance instanceof DivergenceError)) {
    throw new Error(`differential run failed without a divergence (seed ${seed}): ${String(details.errorInstance ?? 'unknown error')}`);
  }
  // Replay the recorded order without fast-check: the counterexample must stand on its own.
  const attempts = Math.max(1, options.replayAttempts ?? 1);
  let replay = playOrdering(lastFailure.ordering, reference, options.sut, accepted);
  for (let attempt = 1; !replay.failed && attempt < attempts; attempt++) replay = playOrdering(lastFailure.ordering, reference, options.sut, accepted);
  if (!replay.failed) {
    throw new Error(`the shrunk ordering did not reproduce its divergence in ${attempts} replay${attempts === 1 ? '' : 's'} (seed ${seed}): the SUT's answers depend on timing`);
  }
  const counterexample: Counterexample = {
    ordering: replay.trace,
    calls: replay.trace.filter(isCall).length,
    divergence: replay.divergence!,
    steps: replay.steps,
    fastCheck: fc.stringify(details.counterexample),
  };
  return { ...base, counterexample };
}
