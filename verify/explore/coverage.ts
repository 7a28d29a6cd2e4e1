/**
 * Coverage of an exploration: the matrix public state × method × outcome that the explored
 * transitions reached. A call's outcome is its synchronous HRESULT; a control command's completion
 * is recorded too, as `Kind → EventStatus`, in the public state the step began in (where a
 * command that ran at once or whose pipeline step finished was evaluated, spec §1.3). Cells never
 * reached are listed: every call is enabled in every state, so a reached public state with a call
 * column left empty means the exploration missed it.
 * @module
 */
import { formatHr, hrName } from '../../machines/hresult.js';
import { COMPLETION_EVENT } from '../../machines/sessionContext.js';
import type { PublicState } from '../../machines/types.js';
import type { Transition } from '../invariants/index.js';
import type { AlphabetInput } from './alphabet.js';

/** The public states of the scenario format, in lifecycle order. */
export const PUBLIC_STATES: readonly PublicState[] = ['fresh', 'ready', 'started', 'paused', 'stopped', 'closing', 'closed', 'shutdown'];

const COMPLETION_KIND = new Map<number, string>(Object.entries(COMPLETION_EVENT).map(([kind, type]) => [type, kind]));

/** The coverage matrix. */
export interface CoverageReport {
  /** `state → method → outcomes` (HRESULT names; completions as `completion:<EventStatus>`). */
  readonly cells: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;
  /** Public states reached. */
  readonly statesReached: readonly PublicState[];
  /** Public states never reached. */
  readonly statesMissed: readonly PublicState[];
  /** `state × method` cells of reached states that no transition covered (calls of the alphabet). */
  readonly missed: readonly { readonly state: PublicState; readonly method: string }[];
  /** How many state × method × outcome cells were reached. */
  readonly outcomes: number;
}

const name = (hr: number) => hrName(hr) ?? formatHr(hr);

/** Collects coverage: pass `add` as the explorer's `onTransition`, then call `report()`. */
export function createCoverage(alphabet: readonly AlphabetInput[]) {
  const cells = new Map<string, Map<string, Set<string>>>();
  const cell = (state: string, method: string) => {
    let methods = cells.get(state);
    if (!methods) cells.set(state, (methods = new Map()));
    let outcomes = methods.get(method);
    if (!outcomes) methods.set(method, (outcomes = new Set()));
    return outcomes;
  };
  const callMethods = [...new Set(alphabet.filter((input) => input.kind === 'call').map((input) => input.method))];
  return {
    add({ from, input, step }: Transition): void {
      const state = from.publicState;
      cell(state, input.method).add(step.reply === undefined ? 'done' : name(step.reply));
      for (const event of step.events) {
        const kind = COMPLETION_KIND.get(event.type);
        if (kind !== undefined && input.method !== 'QueueEvent') cell(state, kind).add(`completion:${name(event.status)}`);
      }
    },
    report(): CoverageReport {
      const statesReached = PUBLIC_STATES.filter((state) => cells.has(state));
      const missed: { state: PublicState; method: string }[] = [];
      for (const state of statesReached) for (const method of callMethods) if (!cells.get(state)!.has(method)) missed.push({ state, method });
      const out: Record<string, Record<string, string[]>> = {};
      let outcomes = 0;
      for (const state of PUBLIC_STATES) {
        const methods = cells.get(state);
        if (!methods) continue;
        out[state] = {};
        for (const [method, set] of [...methods].sort(([a], [b]) => a.localeCompare(b))) {
          out[state][method] = [...set].sort();
          outcomes += set.size;
        }
      }
      return { cells: out, statesReached, statesMissed: PUBLIC_STATES.filter((s) => !cells.has(s)), missed, outcomes };
    },
  };
}

/** The coverage report as text: one block per public state, one line per method, then what was missed. */
export function coverageText(report: CoverageReport): string {
  const lines: string[] = [];
  for (const [state, methods] of Object.entries(report.cells)) {
    lines.push(`${state}:`);
    for (const [method, outcomes] of Object.entries(methods)) lines.push(`  ${method.padEnd(28)} ${outcomes.join(', ')}`);
  }
  lines.push(`${report.outcomes} state × method × outcome cells reached`);
  lines.push(`states never reached: ${report.statesMissed.length ? report.statesMissed.join(', ') : 'none'}`);
  lines.push(`state × method cells never reached: ${report.missed.length ? report.missed.map((c) => `${c.state}×${c.method}`).join(', ') : 'none'}`);
  return lines.join('\n');
}

/** The coverage report as JSON. */
export function coverageJson(report: CoverageReport): string {
  return JSON.stringify(report, null, 2);
}
