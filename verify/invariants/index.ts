/**
 * The invariant library: every rule of the session contract the explorer checks on each
 * transition. Pass your own {@link Invariant}s next to (or instead of) these.
 * @module
 */
import { capabilitiesConsistent } from './capabilitiesConsistent.js';
import { clockConsistent } from './clockConsistent.js';
import { closedIsLast } from './closedIsLast.js';
import { completionFifo } from './completionFifo.js';
import { noEventAfterShutdown } from './noEventAfterShutdown.js';
import { shutdownAnswers } from './shutdownAnswers.js';
import { sinksOnlyByShutdown } from './sinksOnlyByShutdown.js';
import { sourceNeverShutDown } from './sourceNeverShutDown.js';
import type { Invariant } from './invariant.js';

export type { Invariant, Transition } from './invariant.js';
export {
  capabilitiesConsistent,
  clockConsistent,
  closedIsLast,
  completionFifo,
  noEventAfterShutdown,
  shutdownAnswers,
  sinksOnlyByShutdown,
  sourceNeverShutDown,
};

/** Every invariant of the library. */
export const INVARIANTS: readonly Invariant[] = [
  shutdownAnswers,
  completionFifo,
  noEventAfterShutdown,
  closedIsLast,
  sinksOnlyByShutdown,
  sourceNeverShutDown,
  capabilitiesConsistent,
  clockConsistent,
];
