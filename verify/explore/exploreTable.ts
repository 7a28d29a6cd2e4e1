/**
 * Exhaustive bounded exploration on a compiled transition table: every ordering of every input up
 * to depth N, breadth first over state ids. Orderings that meet in the same state are explored
 * once, yet counted: each state carries how many input sequences reach it (a BigInt), so the
 * result says how many orderings the explored graph stands for.
 *
 * Invariants are local to one transition, so each compiled transition reached is checked once and
 * its verdict holds for every ordering through it; a violation is reported with a shortest
 * ordering that reaches it (BFS parents).
 * @module
 */
import { performance } from 'node:perf_hooks';
import { INVARIANTS, type Invariant, type Transition } from '../invariants/index.js';
import type { TransitionTable } from './compileTable.js';

/** Options of {@link exploreTable}. */
export interface ExploreOptions {
  /** Inputs per ordering (default 8; at most the table's `maxDepth` to be exhaustive). */
  readonly depth?: number;
  /** Invariants checked on every transition (default the library's {@link INVARIANTS}). */
  readonly invariants?: readonly Invariant[];
  /** Stop collecting after this many violations (default 100). */
  readonly maxViolations?: number;
  /** Called with every transition reached (for coverage or custom statistics), once per transition. */
  readonly onTransition?: (transition: Transition) => void;
}

/** A transition that breaks an invariant. */
export interface Violation {
  readonly invariant: string;
  readonly source: string;
  readonly message: string;
  /** A shortest ordering of input labels that ends with the violating transition. */
  readonly path: readonly string[];
}

/** What an exploration found. */
export interface ExploreResult {
  readonly depth: number;
  /** Distinct states reached (within `depth`). */
  readonly states: number;
  /** Distinct transitions reached and checked. */
  readonly transitions: number;
  /** Table steps followed by the level-by-level sweep (one per state × enabled input per level). */
  readonly steps: number;
  /** Input orderings of length 1..depth the explored graph stands for (enabled inputs only). */
  readonly orderings: bigint;
  /** Orderings of exactly `depth` inputs. */
  readonly orderingsAtDepth: bigint;
  /** Orderings that ran into the table's bounds (an input cut at a queue bound, or an unexpanded state). */
  readonly orderingsCut: bigint;
  readonly violations: readonly Violation[];
  readonly ms: number;
}

/** Explores the table to `depth`, checking invariants on each transition reached. */
export function exploreTable(table: TransitionTable, options: ExploreOptions = {}): ExploreResult {
  const started = performance.now();
  const depth = options.depth ?? 8;
  const invariants = options.invariants ?? INVARIANTS;
  const maxViolations = options.maxViolations ?? 100;
  const n = table.alphabet.length;
  const stateCount = table.states.length;
  const next = table.next;

  // Parent pointers of the BFS: (state, input) that first reached each state.
  const parentState = new Int32Array(stateCount).fill(-1);
  const parentInput = new Int32Array(stateCount).fill(-1);
  const seen = new Uint8Array(stateCount);
  const checked = new Uint8Array(stateCount * n);
  const violations: Violation[] = [];
  let transitions = 0;
  let steps = 0;

  let counts = new Map<number, bigint>([[0, 1n]]);
  seen[0] = 1;
  let orderings = 0n;
  let orderingsCut = 0n;
  let atDepth = 0n;

  const pathTo = (state: number): string[] => {
    const labels: string[] = [];
    for (let s = state; s > 0; s = parentState[s]) labels.push(table.alphabet[parentInput[s]].label);
    return labels.reverse();
  };

  const check = (from: number, input: number) => {
    const step = table.steps[from][input]!;
    const transition: Transition = { from: table.states[from], input: table.alphabet[input], step, to: table.states[step.to] };
    options.onTransition?.(transition);
    for (const invariant of invariants) {
      if (violations.length >= maxViolations) return;
      const message = invariant.check(transition);
      if (message !== undefined) {
        violations.push({ invariant: invariant.name, source: invariant.source, message, path: [...pathTo(from), transition.input.label] });
      }
    }
  };

  for (let level = 0; level < depth; level++) {
    const following = new Map<number, bigint>();
    for (const [state, count] of counts) {
      const row = state * n;
      for (let input = 0; input < n; input++) {
        const to = next[row + input];
        if (to === -1) continue; // not enabled: not an ordering
        if (to < 0) {
          orderingsCut += count;
          continue;
        }
        steps++;
        if (checked[row + input] === 0) {
          checked[row + input] = 1;
          transitions++;
          check(state, input);
        }
        if (seen[to] === 0) {
          seen[to] = 1;
          parentState[to] = state;
          parentInput[to] = input;
        }
        following.set(to, (following.get(to) ?? 0n) + count);
      }
    }
    counts = following;
    let levelTotal = 0n;
    for (const count of counts.values()) levelTotal += count;
    orderings += levelTotal;
    if (level === depth - 1) atDepth = levelTotal;
  }
  let states = 0;
  for (let s = 0; s < stateCount; s++) states += seen[s];
  return {
    depth,
    states,
    transitions,
    steps,
    orderings,
    orderingsAtDepth: atDepth,
    orderingsCut,
    violations,
    ms: performance.now() - started,
  };
}

/** The steps of an ordering on the table (labels → transitions), for replay and reports. */
export function transitionsOf(table: TransitionTable, labels: readonly string[]): Transition[] {
  const n = table.alphabet.length;
  const out: Transition[] = [];
  let state = 0;
  for (const label of labels) {
    const input = table.alphabet.findIndex((candidate) => candidate.label === label);
    const to = input < 0 ? -1 : table.next[state * n + input];
    if (to < 0) throw new Error(`${label} has no compiled step in state ${state}`);
    const step = table.steps[state][input]!;
    out.push({ from: table.states[state], input: table.alphabet[input], step, to: table.states[to] });
    state = to;
  }
  return out;
}
