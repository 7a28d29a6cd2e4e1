/**
 * A reference and a SUT driven in lockstep: every action is applied to both, each side's answer and
 * the events it then delivers are observed and compared, and the first divergence freezes the pair
 * (later actions are ignored: past a divergence the two sides no longer share a state).
 * @module
 */
import type { SessionUnderTest } from '../sut/SessionUnderTest.js';
import { applyAction } from '../sut/SessionUnderTest.js';
import type { SutAction } from '../sut/sutActions.js';
import { compareStep, observeEvent, type Divergence, type StepObservation, type TypeView } from './divergence.js';
import { findAccepted, type AcceptedDivergence } from './acceptedDivergences.js';

/** One step as both sides played it. */
export interface LockstepStep {
  action: SutAction;
  ref: StepObservation;
  sut: StepObservation;
}

/** The pair. */
export class Lockstep {
  readonly ref: SessionUnderTest;
  readonly sut: SessionUnderTest;
  /** The actions applied, in the order they were applied (scheduled races included). */
  readonly trace: SutAction[] = [];
  readonly steps: LockstepStep[] = [];
  /** The first divergence, once there is one. */
  divergence: Divergence | undefined;
  /** The accepted-divergence entry that matched {@link divergence}, if any. */
  known: AcceptedDivergence | undefined;
  readonly #accepted: readonly AcceptedDivergence[];
  readonly #refView: TypeView = new Map();
  readonly #sutView: TypeView = new Map();

  constructor(ref: SessionUnderTest, sut: SessionUnderTest, accepted: readonly AcceptedDivergence[] = []) {
    this.ref = ref;
    this.sut = sut;
    this.#accepted = accepted;
  }

  /** Whether a divergence that no accepted entry covers was found. */
  get failed(): boolean {
    return this.divergence !== undefined && this.known === undefined;
  }

  /** Applies `action` to both sides and compares; never throws for a divergence. */
  apply(action: SutAction): void {
    if (this.divergence) return;
    const state = this.ref.state;
    const ref = observe(this.ref, action);
    const sut = observe(this.sut, action);
    this.trace.push(action);
    this.steps.push({ action, ref, sut });
    this.divergence = compareStep(this.steps.length - 1, action, state, ref, sut, this.#refView, this.#sutView);
    if (this.divergence) this.known = findAccepted(this.divergence, this.#accepted);
  }

  /** Releases both sessions. */
  dispose(): void {
    this.ref.dispose();
    this.sut.dispose();
  }
}

function observe(side: SessionUnderTest, action: SutAction): StepObservation {
  const outcome = applyAction(side, action);
  const events = side.readEvents().map(observeEvent);
  if (!outcome) return { events };
  return outcome.out === undefined ? { hr: outcome.hr, events } : { hr: outcome.hr, out: outcome.out, events };
}
