/**
 * Plays one fixed ordering on a reference and a SUT: the deterministic replay behind every
 * counterexample (a fast-check run records the order in which its actions, scheduled ones included,
 * were applied; replaying that order reproduces the divergence without fast-check).
 * @module
 */
import type { SutFactory } from '../sut/SessionUnderTest.js';
import type { SutAction } from '../sut/sutActions.js';
import { Lockstep } from './lockstep.js';
import type { AcceptedDivergence } from './acceptedDivergences.js';

/** Plays `ordering` in lockstep and returns the pair (already disposed) with its steps and divergence. */
export function playOrdering(ordering: readonly SutAction[], reference: SutFactory, sut: SutFactory, accepted: readonly AcceptedDivergence[] = []): Lockstep {
  const pair = new Lockstep(reference.create(), sut.create(), accepted);
  try {
    for (const action of ordering) {
      pair.apply(action);
      if (pair.divergence) break;
    }
  } finally {
    pair.dispose();
  }
  return pair;
}
