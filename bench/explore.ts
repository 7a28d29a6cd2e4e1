/**
 * Benchmark of the exhaustive explorer: transitions per second on the compiled table against XState's
 * `transition()` per step on the same (state, input) pairs in the same run, and the time of a
 * depth-8 exploration over the whole alphabet. `bench/run.ts` wires it into BENCHMARKS.md.
 * @module
 */
import { performance } from 'node:perf_hooks';
import { initialTransition } from 'xstate';
import { mediaSessionMachine } from '../machines/mediaSessionMachine.js';
import type { SessionMachineEvent } from '../machines/sessionEvents.js';
import { compileTable, step, type TransitionTable } from '../verify/explore/compileTable.js';
import { exploreTable } from '../verify/explore/exploreTable.js';
import type { SessionSnapshot } from '../verify/explore/alphabet.js';

/** What {@link measureExplorer} reports. */
export interface ExplorerMeasurement {
  tableTransitionsPerSec: number;
  xstateTransitionsPerSec: number;
  ratio: number;
  depth8Ms: number;
  states: number;
  orderings: bigint;
}

/** A seeded walk over the table: the same (state, input) pairs for both sides. */
function samplePairs(table: TransitionTable, count: number): { states: Int32Array; inputs: Int32Array } {
  const n = table.alphabet.length;
  const states = new Int32Array(count);
  const inputs = new Int32Array(count);
  let seed = 12345;
  let state = 0;
  for (let k = 0; k < count; k++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    let input = seed % n;
    for (let tries = 0; tries < n && table.next[state * n + input] < 0; tries++) input = (input + 1) % n;
    if (table.next[state * n + input] < 0 || !table.states[table.next[state * n + input]].expanded) {
      state = 0;
      input = table.alphabet.findIndex((candidate) => candidate.label === 'Stop');
    }
    states[k] = state;
    inputs[k] = input;
    state = table.next[state * n + input];
  }
  return { states, inputs };
}

/** Measures the table explorer against XState `transition()` per step, and the depth-8 exploration. */
export function measureExplorer(): ExplorerMeasurement {
  const table = compileTable({ maxDepth: 8 });
  const n = table.alphabet.length;
  const { states, inputs } = samplePairs(table, 2_000);

  // XState side: the representative snapshot of each state, the same input events.
  const snapshots: SessionSnapshot[] = [];
  const [initial] = initialTransition(mediaSessionMachine, { key: 0 });
  snapshots[0] = initial;
  for (let k = 0; k < states.length; k++) {
    const to = table.next[states[k] * n + inputs[k]];
    if (snapshots[to] === undefined) {
      const from = table.states[states[k]];
      const event = table.alphabet[inputs[k]].event(from)!;
      snapshots[to] = step(mediaSessionMachine, snapshots[states[k]], { ...event, now: 0 } as SessionMachineEvent).snapshot;
    }
  }
  const events = Array.from(states, (s, k) => ({ ...table.alphabet[inputs[k]].event(table.states[s])!, now: 0 }) as SessionMachineEvent);
  let t0 = performance.now();
  for (let k = 0; k < states.length; k++) step(mediaSessionMachine, snapshots[states[k]], events[k]);
  const xstateTransitionsPerSec = states.length / ((performance.now() - t0) / 1000);

  // Table side: the same pairs, many rounds (a lookup is too fast to time once).
  const rounds = 2_000;
  let sink = 0;
  t0 = performance.now();
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < states.length; k++) {
      const row = states[k] * n + inputs[k];
      sink += table.next[row] + table.steps[states[k]][inputs[k]]!.events.length;
    }
  }
  const tableTransitionsPerSec = (rounds * states.length) / ((performance.now() - t0) / 1000);
  if (sink === -1) throw new Error('unreachable');

  const result = exploreTable(table, { depth: 8 });
  return {
    tableTransitionsPerSec,
    xstateTransitionsPerSec,
    ratio: tableTransitionsPerSec / xstateTransitionsPerSec,
    depth8Ms: result.ms,
    states: table.states.length,
    orderings: result.orderings,
  };
}
