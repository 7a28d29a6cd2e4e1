/**
 * A counterexample as a scenario file (`../shared/spec/scenario-format.md`, version 1) asserting the
 * reference's behaviour: each call with the HRESULT the reference returned, each platform action,
 * and after each step a `wait` for every event the reference delivered (with its status, timeout 0:
 * the event is due at once, as it was when the runner read it). At the divergent step, an event type
 * the SUT delivered more often is asserted absent (`TIMEOUT`). `mfchart run` then passes it on the
 * reference and fails it on the SUT: the counterexample becomes a regression test. A reference that
 * is compared settled (the platform's work run to completion after each step, as for a real
 * platform) delivers its events only once the pipeline has answered, so its waits get
 * {@link CounterexampleOrigin.waitMs} instead of 0.
 * @module
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SESSIONCAP } from '../../machines/constants.js';
import { parseScenario } from '../scenario/parseScenario.js';
import type { SutAction } from '../sut/sutActions.js';
import { describeAction, isCall } from '../sut/sutActions.js';
import type { MockPlatformSpec } from '../../adapters/mock/createMockPlatform.js';
import { formatDivergence, hrText, type ObservedEvent } from './divergence.js';
import type { Counterexample } from './runConformance.js';

/** Where a counterexample came from, for the scenario's name and description. */
export interface CounterexampleOrigin {
  sut: string;
  seed: number;
  mode: string;
  platform: MockPlatformSpec;
  /**
   * Timeout of each `wait` step, in ms: 0 (the default) when the reference delivered its events at
   * once; the settle time when the reference was settled after each step (`settledModelSut`).
   */
  waitMs?: number;
}

/** The scenario document (a plain JSON value, valid per the format). */
export function counterexampleScenario(counterexample: Counterexample, origin: CounterexampleOrigin): Record<string, unknown> {
  const { divergence } = counterexample;
  const timeoutMs = origin.waitMs ?? 0;
  const steps: Record<string, unknown>[] = [];
  counterexample.steps.forEach(({ action, ref, sut }, index) => {
    steps.push(actionStep(action, ref.hr, index === divergence.step && divergence.kind === 'out' ? ref.out : undefined));
    for (const event of ref.events) steps.push({ wait: event.type, status: event.status, timeoutMs });
    if (index === divergence.step) {
      for (const [type, count] of countByType(sut.events)) {
        const want = countByType(ref.events).get(type) ?? 0;
        if (count > want) steps.push({ wait: type, status: 'TIMEOUT', timeoutMs, note: `the reference delivers ${want} ${type} here, ${origin.sut} delivered ${count}` });
      }
    }
  });
  const scenario = {
    name: `counterexample (${origin.sut}): ${divergence.kind} at ${divergence.description}`,
    description:
      `Found by mfchart verify (${origin.mode}, seed ${origin.seed}); asserts the reference's behaviour. ` +
      `Divergence: ${formatDivergence(divergence)}. Ordering: ${counterexample.ordering.map(describeAction).join('; ')}.`,
    platform: origin.platform,
    steps,
  };
  // Never hand out a file `mfchart run` would reject.
  parseScenario(JSON.stringify(scenario), '(counterexample)');
  return scenario;
}

/** Writes the scenario into `dir` (created if needed) and returns its path. */
export function writeCounterexample(dir: string, counterexample: Counterexample, origin: CounterexampleOrigin): string {
  mkdirSync(dir, { recursive: true });
  const slug = `${origin.sut}-${origin.mode}-seed${origin.seed}`.replace(/[^A-Za-z0-9._-]+/g, '_');
  const path = join(dir, `counterexample-${slug}.json`);
  writeFileSync(path, JSON.stringify(counterexampleScenario(counterexample, origin), null, 2) + '\n');
  return path;
}

function countByType(events: readonly ObservedEvent[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const event of events) counts.set(event.type, (counts.get(event.type) ?? 0) + 1);
  return counts;
}

function actionStep(action: SutAction, hr: number | undefined, out: unknown): Record<string, unknown> {
  if (!isCall(action)) return { ...action };
  const step: Record<string, unknown> = { call: action.call };
  if ('args' in action) step.args = action.args;
  if (hr !== undefined) step.expect = hrText(hr);
  const result = out === undefined ? undefined : resultCheck(action.call, out);
  if (result) step.result = result;
  return step;
}

/** A `result` check of the reference's out value, for the getters the format can check. */
function resultCheck(method: string, out: unknown): Record<string, unknown> | undefined {
  switch (method) {
    case 'GetFullTopology':
      return { topology: out };
    case 'GetRate':
      return out as { thin: boolean; rate: number };
    case 'GetSessionCapabilities': {
      const caps = out as number;
      const names = Object.keys(SESSIONCAP) as (keyof typeof SESSIONCAP)[];
      return { caps: { has: names.filter((name) => caps & SESSIONCAP[name]), lacks: names.filter((name) => !(caps & SESSIONCAP[name])) } };
    }
    default:
      return undefined;
  }
}
