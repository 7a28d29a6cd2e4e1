/**
 * The fast-check commands of a differential run. The "real system" is a {@link Lockstep} pair, so
 * each command plays on the reference and on the SUT at once; the fast-check model is unused (the
 * reference is the model). An {@link ApplyCommand} acts at once; a {@link RaceCommand} hands its
 * platform action to the `fc.scheduler`, which fires it at a point of its choosing between later
 * commands — a source dying during Start, Stop, Pause or Close, time passing mid-command.
 * @module
 */
import fc from 'fast-check';
import { describeAction, type SutAction, type SutPlatformAction } from '../sut/sutActions.js';
import type { Lockstep } from './lockstep.js';
import { formatDivergence, type Divergence } from './divergence.js';
import { advanceArb, callArb, sourceEventArb } from './orderingArbitraries.js';

/** fast-check's model: nothing (the reference session is the model). */
export type NoModel = Record<string, never>;

/** The real system of a run: the pair, and the scheduler of a scheduled run. */
export interface ConformanceReal {
  pair: Lockstep;
  scheduler?: fc.Scheduler;
}

/** A divergence no accepted entry covers: fails the property. */
export class DivergenceError extends Error {
  constructor(readonly divergence: Divergence) {
    super(formatDivergence(divergence));
    this.name = 'DivergenceError';
  }
}

/** Throws if the pair diverged in a way no accepted entry covers. */
export function assertNoDivergence(pair: Lockstep): void {
  if (pair.failed) throw new DivergenceError(pair.divergence!);
}

/** Plays one action on both sides now. */
export class ApplyCommand implements fc.AsyncCommand<NoModel, ConformanceReal> {
  constructor(readonly action: SutAction) {}
  check(): boolean {
    return true;
  }
  async run(_model: NoModel, real: ConformanceReal): Promise<void> {
    real.pair.apply(this.action);
    assertNoDivergence(real.pair);
  }
  toString(): string {
    return describeAction(this.action);
  }
}

/** Schedules a platform action; the scheduler decides which later commands it lands between. */
export class RaceCommand implements fc.AsyncCommand<NoModel, ConformanceReal> {
  constructor(readonly action: SutPlatformAction) {}
  check(): boolean {
    return true;
  }
  async run(_model: NoModel, real: ConformanceReal): Promise<void> {
    const scheduler = real.scheduler;
    if (!scheduler) return real.pair.apply(this.action);
    const label = describeAction(this.action);
    // Not awaited: the race resolves later. `apply` never throws; the divergence is checked after the run.
    void scheduler.schedule(Promise.resolve(label), label).then(() => real.pair.apply(this.action));
  }
  toString(): string {
    return `race(${describeAction(this.action)})`;
  }
}

/**
 * Commands of an async run: calls, time and source events, all applied at once. A platform that
 * cannot make sources die or streams end from outside passes `sourceEvents: false`: such orderings
 * then never include them (their consequences would diverge at later steps, beyond what an accepted
 * divergence can name).
 */
export function asyncCommandArbs(sourceEvents = true): fc.Arbitrary<fc.AsyncCommand<NoModel, ConformanceReal>>[] {
  return [
    callArb.map((action) => new ApplyCommand(action)),
    callArb.map((action) => new ApplyCommand(action)),
    advanceArb.map((action) => new ApplyCommand(action)),
    advanceArb.map((action) => new ApplyCommand(action)),
    ...(sourceEvents ? [sourceEventArb.map((action) => new ApplyCommand(action))] : []),
  ];
}

/** Commands of a scheduled run: as {@link asyncCommandArbs}, plus time and source events raced by the scheduler. */
export function scheduledCommandArbs(sourceEvents = true): fc.Arbitrary<fc.AsyncCommand<NoModel, ConformanceReal>>[] {
  return [
    ...asyncCommandArbs(sourceEvents),
    advanceArb.map((action) => new RaceCommand(action)),
    ...(sourceEvents ? [sourceEventArb.map((action) => new RaceCommand(action))] : []),
  ];
}
