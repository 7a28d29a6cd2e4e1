/**
 * `mfchart verify`: differential testing of an adapter against the model (issue 3, items 2, 5, 7).
 *
 *   mfchart verify [--adapter mock[:fault,...]] [--fault NAME]... [--runs N] [--seed S]
 *                  [--mode async|scheduled|both] [--json] [--out DIR] [--accept FILE] [--depth N]
 *
 * First explores the model exhaustively to `--depth` (default 8; 0 skips it): every ordering of the
 * input alphabet under bounds, the invariant library checked on each transition, coverage of
 * state × method × outcome. Then plays `--runs` random orderings per mode on the model and on the
 * adapter, shrinks the first divergence to a minimal ordering, writes it as a scenario into `--out`,
 * and checks that the scenario passes on the model and fails on the adapter. Exit codes: 0 nothing
 * found, 1 an invariant violation or a divergence, 2 invalid input.
 * @module
 */
import { parseArgs } from 'node:util';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { verifyModel, verifyModelJson, verifyModelText, type VerifyModelResult } from '../verify/explore/verifyModel.js';
import { coverageJson, coverageText } from '../verify/explore/coverage.js';
import { frontierOrderings, orderingsFromTable } from '../verify/conformance/frontierOrderings.js';
import cliProgress from 'cli-progress';
import { parseScenario } from '../verify/scenario/parseScenario.js';
import { runScenario } from '../verify/scenario/runScenario.js';
import { parseAdapterSpec, sessionFactoryFor, sutFactoryFor, type AdapterSpec } from '../verify/sut/adapterSpec.js';
import { DEFAULT_PLATFORM } from '../verify/sut/modelSut.js';
import { describeAction } from '../verify/sut/sutActions.js';
import { loadAcceptedDivergences, type AcceptedDivergence } from '../verify/conformance/acceptedDivergences.js';
import { formatDivergence } from '../verify/conformance/divergence.js';
import { counterexampleScenario, writeCounterexample } from '../verify/conformance/counterexampleScenario.js';
import { freshSeed, runConformance, type ConformanceMode, type ConformanceResult } from '../verify/conformance/runConformance.js';

/** One line of usage. */
export const VERIFY_USAGE = `mfchart verify [--adapter mock[:fault,...]|mf-native] [--fault NAME]... [--runs N] [--seed S] [--mode async|scheduled|both] [--json] [--out DIR] [--accept FILE] [--depth N]`;

/** A counterexample's scenario replayed with the scenario runner on both sides. */
interface Replay {
  /** Passes on the model. */
  reference: boolean;
  /** Passes on the adapter (false: the regression test catches the divergence). */
  adapter: boolean;
}

/** One mode's outcome, as reported. */
interface ModeReport {
  result: ConformanceResult;
  scenario?: string;
  replay?: Replay;
}

/** Runs `mfchart verify` with its arguments; resolves with the exit code. */
export async function runVerifyCommand(argv: string[]): Promise<number> {
  const fail = (message: string) => (process.stderr.write(`mfchart verify: ${message}\n${VERIFY_USAGE}\n`), 2);
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        adapter: { type: 'string', default: 'mock' },
        fault: { type: 'string', multiple: true },
        runs: { type: 'string', default: '100' },
        seed: { type: 'string' },
        mode: { type: 'string', default: 'both' },
        json: { type: 'boolean', default: false },
        out: { type: 'string' },
        accept: { type: 'string' },
        depth: { type: 'string', default: '8' },
      },
    }));
  } catch (error) {
    return fail((error as Error).message);
  }
  let adapter: AdapterSpec;
  try {
    adapter = parseAdapterSpec(values.adapter!, values.fault ?? []);
  } catch (error) {
    return fail((error as Error).message);
  }
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) return fail(`--runs must be a positive integer, not ${JSON.stringify(values.runs)}`);
  const seed = values.seed === undefined ? freshSeed() : Number(values.seed);
  if (!Number.isInteger(seed)) return fail(`--seed must be an integer, not ${JSON.stringify(values.seed)}`);
  const modes: ConformanceMode[] = values.mode === 'both' ? ['async', 'scheduled'] : values.mode === 'async' || values.mode === 'scheduled' ? [values.mode] : [];
  if (modes.length === 0) return fail(`--mode must be async, scheduled or both, not ${JSON.stringify(values.mode)}`);
  let accepted: AcceptedDivergence[] = [];
  if (values.accept !== undefined) {
    try {
      accepted = loadAcceptedDivergences(values.accept);
    } catch (error) {
      return fail((error as Error).message);
    }
  }
  const depth = Number(values.depth);
  if (!Number.isInteger(depth) || depth < 0) return fail(`--depth must be a whole number (0 skips the exhaustive exploration), not ${JSON.stringify(values.depth)}`);
  if (adapter.adapter === 'mf-native') {
    // The real mf.dll: frontier + random orderings against the settled model, Wine 8.0's known
    // divergences accepted by default (adapters/mf-native/nativeCommands.ts). Scheduled races need
    // control over time that a real platform does not give, so `both` means async here.
    const native = await import('../adapters/mf-native/nativeCommands.js');
    const nativeModes: ConformanceMode[] = values.mode === 'both' ? ['async'] : modes;
    const reports = await native.runNativeVerify({ runs, seed, modes: nativeModes, accepted: values.accept === undefined ? undefined : accepted, out: values.out, depth: Math.min(depth || 6, 6) });
    process.stdout.write(values.json ? JSON.stringify({ adapter: 'mf-native', seed, runs, modes: reports.map(({ result, scenario, replay }) => ({ ...result, scenario: scenario ?? null, replay: replay ?? null })) }, null, 2) + '\n' : native.formatNativeVerify(reports, seed, runs) + '\n');
    return reports.some((report) => report.result.counterexample) ? 1 : 0;
  }

  // The exhaustive half checks the model itself: every ordering to the depth, invariants, coverage.
  let explored: VerifyModelResult | undefined;
  if (depth > 0) {
    const note = !values.json && process.stderr.isTTY ? (text: string) => process.stderr.write(`\r\x1b[K${text}`) : undefined;
    explored = verifyModel({ depth, onPhase: (phase, setting) => note?.(`exhaustive: ${phase === 'compile' ? 'compiling' : 'exploring'} (${setting.label})…`) });
    note?.('');
    if (!values.json) process.stdout.write(verifyModelText(explored) + '\n');
  }

  const sut = sutFactoryFor(adapter);
  // The exhaustive frontier goes first: a shortest ordering to every kind of state the model reaches.
  const examples = explored ? orderingsFromTable(explored.tables[0]) : frontierOrderings();
  const started = performance.now();
  const reports: ModeReport[] = [];
  // A progress bar only where someone watches: a terminal, and not when the output is JSON.
  const bar = !values.json && process.stderr.isTTY ? new cliProgress.SingleBar({ format: '{mode} [{bar}] {value}/{total} orderings {phase}', stream: process.stderr }, cliProgress.Presets.shades_classic) : undefined;
  for (const mode of modes) {
    bar?.start(runs + (mode === 'async' ? examples.length : 0), 0, { mode, phase: '' });
    const result = await runConformance({
      sut,
      runs,
      seed,
      mode,
      accepted,
      examples: mode === 'async' ? examples : [],
      onProgress: ({ phase, done }) => (phase === 'run' ? bar?.update(done, { phase: '' }) : bar?.update({ phase: `shrinking (${done})` })),
    });
    bar?.stop();
    const report: ModeReport = { result };
    if (result.counterexample) {
      const origin = { sut: sut.name, seed, mode, platform: DEFAULT_PLATFORM };
      if (values.out !== undefined) report.scenario = writeCounterexample(values.out, result.counterexample, origin);
      report.replay = await replayCounterexample(counterexampleScenario(result.counterexample, origin), adapter);
    }
    reports.push(report);
  }
  const durationMs = performance.now() - started;
  if (values.json) {
    const json = { ...toJson(adapter, sut.name, seed, runs, reports, durationMs), frontierOrderings: examples.length, exhaustive: explored ? verifyModelJson(explored) : null };
    process.stdout.write(JSON.stringify(json, null, 2) + '\n');
  } else {
    process.stdout.write(formatSummary(sut.name, seed, runs, reports, durationMs, examples.length) + '\n');
  }
  if (values.out !== undefined && explored) {
    mkdirSync(values.out, { recursive: true });
    writeFileSync(join(values.out, 'coverage.json'), coverageJson(explored.coverage) + '\n');
    writeFileSync(join(values.out, 'coverage.txt'), coverageText(explored.coverage) + '\n');
  }
  const violated = (explored?.violations.length ?? 0) > 0;
  return violated || reports.some((report) => report.result.counterexample) ? 1 : 0;
}

/** Plays the written scenario on the model and on the adapter: it must pass on the first and fail on the second. */
async function replayCounterexample(scenario: Record<string, unknown>, adapter: AdapterSpec): Promise<Replay> {
  const parsed = parseScenario(JSON.stringify(scenario), '(counterexample)');
  const reference = await runScenario(parsed);
  const onAdapter = await runScenario(parsed, { createSession: sessionFactoryFor(adapter) });
  return { reference: reference.pass, adapter: onAdapter.pass };
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const rate = (result: ConformanceResult) => Math.round((result.orderings + result.shrinkOrderings) / Math.max(result.durationMs / 1000, 1e-9));

function formatSummary(sutName: string, seed: number, runs: number, reports: readonly ModeReport[], durationMs: number, frontier: number): string {
  const lines = [`mfchart verify: ${sutName} against the model, seed ${seed} (async runs first play ${frontier} frontier orderings from the exhaustive table)`];
  for (const { result, scenario, replay } of reports) {
    const head = `  ${result.mode.padEnd(9)} ${result.orderings} orderings (${result.actions} actions), ${seconds(result.durationMs)}, ${rate(result)} orderings/s`;
    const ce = result.counterexample;
    if (!ce) {
      lines.push(`${head}: no divergence`);
    } else {
      lines.push(`${head}: DIVERGENCE, shrunk in ${result.shrinkOrderings} orderings to ${ce.calls} call${ce.calls === 1 ? '' : 's'}`);
      lines.push(`    ${formatDivergence(ce.divergence)}`);
      lines.push(`    ordering: ${ce.ordering.map(describeAction).join('; ')}`);
      lines.push(`    replay:   mfchart verify --adapter ${sutName} --seed ${seed} --mode ${result.mode} --runs ${runs}`);
      if (scenario) lines.push(`    scenario: ${scenario}`);
      if (replay) lines.push(`    scenario replay: ${replay.reference ? 'passes' : 'FAILS'} on the model, ${replay.adapter ? 'PASSES' : 'fails'} on ${sutName}`);
    }
    for (const known of result.known) lines.push(`    known (accepted): ${known.count} × ${known.description} — e.g. ${formatDivergence(known.example)}`);
  }
  const orderings = reports.reduce((sum, { result }) => sum + result.orderings, 0);
  const divergences = reports.filter(({ result }) => result.counterexample).length;
  const known = reports.reduce((sum, { result }) => sum + result.known.reduce((n, k) => n + k.count, 0), 0);
  lines.push(`orderings run: ${orderings}, divergences: ${divergences}, known: ${known}, time: ${seconds(durationMs)}`);
  return lines.join('\n');
}

function toJson(adapter: AdapterSpec, sutName: string, seed: number, runs: number, reports: readonly ModeReport[], durationMs: number) {
  return {
    adapter: sutName,
    faults: adapter.faults,
    reference: 'model',
    seed,
    runs,
    modes: reports.map(({ result, scenario, replay }) => ({
      mode: result.mode,
      orderings: result.orderings,
      shrinkOrderings: result.shrinkOrderings,
      actions: result.actions,
      durationMs: Math.round(result.durationMs),
      orderingsPerSecond: rate(result),
      divergence: result.counterexample
        ? { ...result.counterexample.divergence, calls: result.counterexample.calls, ordering: result.counterexample.ordering, fastCheck: result.counterexample.fastCheck, scenario: scenario ?? null, replay: replay ?? null }
        : null,
      known: result.known,
    })),
    orderings: reports.reduce((sum, { result }) => sum + result.orderings, 0),
    divergences: reports.filter(({ result }) => result.counterexample).length,
    durationMs: Math.round(durationMs),
  };
}
