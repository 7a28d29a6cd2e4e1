/**
 * What an invariant is: a named, documented check of one transition of the session model. Each
 * invariant is local (it reads one step: the state before, the input, what happened, the state
 * after), so a verdict holds for every ordering that takes that step, and an explorer checks each
 * compiled transition once.
 * @module
 */
import type { AlphabetInput } from '../explore/alphabet.js';
import type { TableState, TableStep } from '../explore/compileTable.js';

/** One transition, as an invariant sees it. */
export interface Transition {
  readonly from: TableState;
  readonly input: AlphabetInput;
  readonly step: TableStep;
  readonly to: TableState;
}

/** A named check with its source in the spec. Users can write their own and pass them in. */
export interface Invariant {
  /** Short stable name (kebab case). */
  readonly name: string;
  /** Where the rule comes from (spec section, decision row, test lines). */
  readonly source: string;
  readonly description: string;
  /** A violation message, or undefined when the transition keeps the invariant. */
  check(transition: Transition): string | undefined;
}

/** Whether the state is the terminal `shutdown`. */
export function isShutDown(state: TableState): boolean {
  return state.path === 'shutdown';
}
