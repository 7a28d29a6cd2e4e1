/**
 * `mfchart run --adapter mf-native` and `mfchart verify --adapter mf-native`: the scenario runner
 * and the differential verifier on the real mf.dll (under Wine on Linux), with the known Wine 8.0
 * divergences listed in `adapters/mf-native/*.json` reported as known instead of failing.
 * @module
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { formatRunReport, toRunReport } from '../../verify/scenario/runScenarioFiles.js';
import { parseScenario, type Scenario } from '../../verify/scenario/parseScenario.js';
import { runConformance, type ConformanceMode, type ConformanceResult } from '../../verify/conformance/runConformance.js';
import { frontierOrderings } from '../../verify/conformance/frontierOrderings.js';
import { loadAcceptedDivergences, type AcceptedDivergence } from '../../verify/conformance/acceptedDivergences.js';
import { formatDivergence } from '../../verify/conformance/divergence.js';
import { counterexampleScenario, writeCounterexample } from '../../verify/conformance/counterexampleScenario.js';
import { describeAction } from '../../verify/sut/sutActions.js';
import { runScenario } from '../../verify/scenario/runScenario.js';
import { distDir } from './nativeRuntime.js';
import { startNativeBridge, type NativeBridge } from './nativeBridge.js';
import { NATIVE_PLATFORM, nativeSut } from './nativeSut.js';
import { settledModelSut } from './settledModelSut.js';
import { nativeUnsupportedReason, runNativeScenario, type NativeScenarioResult } from './runNativeScenario.js';

/** Where the Wine 8.0 lists live (adapters/mf-native/ in the repository; JSON is not copied to dist/). */
export function knownListsDir(): string {
  return join(distDir(), '..', 'adapters', 'mf-native');
}

/** The accepted-divergence list of Wine 8.0 (adapters/mf-native/accepted-wine-8.0.json) that `verify --adapter mf-native` uses by default. */
export function defaultNativeAccepted(): AcceptedDivergence[] {
  const file = join(knownListsDir(), 'accepted-wine-8.0.json');
  return existsSync(file) ? loadAcceptedDivergences(file) : [];
}

/** A shipped scenario that fails on Wine 8.0 for a known reason. */
export interface KnownScenario {
  file: string;
  reason: string;
}

/** The scenarios known to fail on Wine 8.0 (by file name). */
export function knownWineScenarios(): KnownScenario[] {
  const file = join(knownListsDir(), 'known-wine-8.0-scenarios.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as KnownScenario[]) : [];
}

/** The outcome of a native run: results, skipped scenarios, known Wine failures. */
export interface NativeRunOutcome {
  results: NativeScenarioResult[];
  skipped: { file: string; name: string; reason: string }[];
  /** Failing scenarios listed as known Wine divergences. */
  known: { file: string; name: string; reason: string }[];
  /** Scenarios listed as known that passed (the list is out of date). */
  unexpectedPasses: string[];
  /**
   * Runs the bridge process failed under (Wine 8.0's mf.dll faults now and then, see
   * docs/platform-divergences.md): `rerun` is true when the scenario was run again on a fresh bridge
   * process and that run is the result; false when the retries were used up, so the result is the
   * failed run and counts as a failure even for a listed scenario.
   */
  bridgeCrashes: { file: string; name: string; message: string; rerun: boolean }[];
  /** Bridge start time, ms. */
  startMs: number;
}

/** Options of {@link runNativeScenarios}. */
export interface NativeRunOptions {
  /**
   * How many times a scenario is run again, on a fresh bridge process, after the bridge failed under
   * it (default 1: a scenario that takes the bridge down twice in a row fails, with both crashes reported).
   */
  crashRetries?: number;
}

/**
 * Plays scenarios on one bridge (`bridge`, or one started here and closed at the end). A scenario the
 * bridge process failed under (crashed or stopped answering) is run again on a fresh bridge process,
 * at most `crashRetries` times; each failure is reported in {@link NativeRunOutcome.bridgeCrashes}.
 */
export async function runNativeScenarios(scenarios: readonly Scenario[], given?: NativeBridge, options: NativeRunOptions = {}): Promise<NativeRunOutcome> {
  const bridge = given ?? startNativeBridge();
  const crashRetries = options.crashRetries ?? 1;
  const knownList = new Map(knownWineScenarios().map((entry) => [entry.file, entry.reason]));
  const outcome: NativeRunOutcome = { results: [], skipped: [], known: [], unexpectedPasses: [], bridgeCrashes: [], startMs: bridge.startMs };
  try {
    for (const scenario of scenarios) {
      const reason = nativeUnsupportedReason(scenario);
      if (reason) {
        outcome.skipped.push({ file: scenario.file, name: scenario.name, reason });
        continue;
      }
      const result = await runNativeScenarioWithRetries(scenario, bridge, crashRetries, (message, rerun) => outcome.bridgeCrashes.push({ file: scenario.file, name: scenario.name, message, rerun }));
      outcome.results.push(result);
      const known = knownList.get(basename(scenario.file));
      // A run the bridge failed under says nothing about the listed divergence: it is no known failure.
      if (known && !result.pass && result.bridgeFailure === undefined) outcome.known.push({ file: scenario.file, name: scenario.name, reason: known });
      if (known && result.pass) outcome.unexpectedPasses.push(scenario.file);
    }
  } finally {
    if (!given) bridge.close();
  }
  return outcome;
}

/**
 * Runs `scenario` (see {@link runNativeScenario}); while the bridge failed under the run and retries
 * are left, runs it again on a fresh bridge process. `onCrash` hears each failure's first line, with
 * `rerun` false for the last one when no retry was left (the result is then that failed run).
 */
export async function runNativeScenarioWithRetries(scenario: Scenario, bridge: NativeBridge, crashRetries: number, onCrash: (message: string, rerun: boolean) => void): Promise<NativeScenarioResult> {
  let result = await runNativeScenario(scenario, bridge);
  for (let retry = 0; result.bridgeFailure !== undefined; retry++) {
    const rerun = retry < crashRetries;
    onCrash(result.bridgeFailure.split('\n')[0]!, rerun);
    if (!rerun) break;
    // A dead bridge (NativeBridge also kills a hung one) is restarted by the next call; a live one was restarted under the run: start afresh.
    if (bridge.alive) bridge.kill();
    result = await runNativeScenario(scenario, bridge);
  }
  return result;
}

/** Exit code of a native run: 0 when every failure is a known Wine divergence and no known one passed. */
export function nativeRunExitCode(outcome: NativeRunOutcome): number {
  const knownFiles = new Set(outcome.known.map((entry) => entry.file));
  const unknownFailures = outcome.results.filter((result) => !result.pass && !knownFiles.has(result.file));
  return unknownFailures.length > 0 || outcome.unexpectedPasses.length > 0 ? 1 : 0;
}

/** The text report: the usual one, then the skipped scenarios and the known Wine divergences. */
export function formatNativeRun(outcome: NativeRunOutcome): string {
  const lines = [formatRunReport(outcome.results)];
  for (const entry of outcome.known) lines.push(`KNOWN (Wine 8.0) ${entry.name}: ${entry.reason}`);
  for (const file of outcome.unexpectedPasses) lines.push(`UNEXPECTED PASS ${file}: listed in adapters/mf-native/known-wine-8.0-scenarios.json but passes`);
  for (const crash of outcome.bridgeCrashes) lines.push(`BRIDGE CRASH ${crash.name}${crash.rerun ? ' (rerun on a fresh bridge)' : ' (no retry left: the scenario fails)'}: ${crash.message}`);
  for (const entry of outcome.skipped) lines.push(`SKIP ${entry.name}: ${entry.reason}`);
  lines.push(`mf-native: ${outcome.results.length} run, ${outcome.known.length} known Wine divergences, ${outcome.skipped.length} skipped, ${outcome.bridgeCrashes.length} bridge crashes (bridge started in ${Math.round(outcome.startMs)} ms)`);
  return lines.join('\n');
}

/** The JSON report: the usual one plus `skipped`, `known`, `unexpectedPasses`, `bridgeCrashes`. */
export function nativeRunJson(outcome: NativeRunOutcome): unknown {
  return { ...toRunReport(outcome.results), skipped: outcome.skipped, known: outcome.known, unexpectedPasses: outcome.unexpectedPasses, bridgeCrashes: outcome.bridgeCrashes };
}

/** Options of {@link runNativeVerify}. */
export interface NativeVerifyOptions {
  runs: number;
  seed: number;
  modes: ConformanceMode[];
  /** Known divergences (default: adapters/mf-native/accepted-wine-8.0.json). */
  accepted?: AcceptedDivergence[];
  /** Where to write counterexample scenarios. */
  out?: string;
  /** Depth of the model table the frontier orderings come from (default 6). */
  depth?: number;
  /**
   * Whether orderings include the outside world's source events, external source shutdown and end of
   * stream, on the JS sources (default true: the bridge makes a source on first mention, as the mock does).
   */
  sourceEvents?: boolean;
  /**
   * How many times a mode is run again after the bridge process crashed under it (default 2). Wine 8.0's
   * mf.dll now and then faults on one of its own threads (see docs/platform-divergences.md); the crash is
   * reported in {@link NativeVerifyMode.bridgeCrashes}, and the mode is rerun on a fresh bridge process.
   */
  crashRetries?: number;
  bridge?: NativeBridge;
}

/** One mode's outcome. */
export interface NativeVerifyMode {
  result: ConformanceResult;
  scenario?: string;
  /** The counterexample scenario replayed: passes on the model, fails on mf-native. */
  replay?: { reference: boolean; adapter: boolean };
  /** Bridge crashes the mode was rerun after (the first line of each crash's message). */
  bridgeCrashes: string[];
}

/** Whether `error` is a run aborted by the bridge process dying (not a divergence, not an adapter bug). */
function isBridgeCrash(error: unknown): boolean {
  return error instanceof Error && /NativeSessionFailed: the bridge (failed|process this session lived in is gone)/.test(error.message);
}

/**
 * The differential run on the real mf.dll: frontier orderings of the model (with the outside
 * world's source events unless `sourceEvents` is false), then random ones, against the settled model.
 */
export async function runNativeVerify(options: NativeVerifyOptions): Promise<NativeVerifyMode[]> {
  const bridge = options.bridge ?? startNativeBridge();
  const accepted = options.accepted ?? defaultNativeAccepted();
  const sourceEvents = options.sourceEvents ?? true;
  const examples = frontierOrderings({ depth: options.depth ?? 6, sourceEvents });
  const reports: NativeVerifyMode[] = [];
  try {
    for (const mode of options.modes) {
      const sut = nativeSut(bridge);
      const bridgeCrashes: string[] = [];
      let result: ConformanceResult | undefined;
      while (!result) {
        try {
          result = await runConformance({ sut, reference: settledModelSut(NATIVE_PLATFORM), runs: options.runs, seed: options.seed, mode, accepted, sourceEvents, replayAttempts: 3, examples: mode === 'async' ? examples : [] });
        } catch (error) {
          // The next call starts a new bridge process (NativeBridge restarts a dead one).
          if (!isBridgeCrash(error) || bridgeCrashes.length >= (options.crashRetries ?? 2)) throw error;
          bridgeCrashes.push((error as Error).message.split('\n')[0]!);
        }
      }
      const report: NativeVerifyMode = { result, bridgeCrashes };
      if (result.counterexample) {
        // The reference is settled after each step, so the scenario's waits leave the pipeline time to answer.
        const origin = { sut: sut.name, seed: options.seed, mode, platform: NATIVE_PLATFORM, waitMs: 1000 };
        if (options.out !== undefined) report.scenario = writeCounterexample(options.out, result.counterexample, origin);
        const parsed = parseScenario(JSON.stringify(counterexampleScenario(result.counterexample, origin)), '(counterexample)');
        // The replay on mf-native is rerun on a fresh bridge if Wine crashes under it, like any scenario run.
        const native = await runNativeScenarioWithRetries(parsed, bridge, 1, (message, rerun) => bridgeCrashes.push(`${rerun ? '' : '(no retry left) '}scenario replay: ${message}`));
        report.replay = { reference: (await runScenario(parsed)).pass, adapter: native.pass };
      }
      reports.push(report);
    }
  } finally {
    if (!options.bridge) bridge.close();
  }
  return reports;
}

/** The text summary of a native verify run. */
export function formatNativeVerify(reports: readonly NativeVerifyMode[], seed: number, runs: number): string {
  const lines = [`mfchart verify: mf-native (real mf.dll) against the model settled after each step, seed ${seed}`];
  for (const { result, scenario, replay, bridgeCrashes } of reports) {
    for (const crash of bridgeCrashes) lines.push(`  ${result.mode.padEnd(9)} rerun after a bridge crash: ${crash}`);
    const head = `  ${result.mode.padEnd(9)} ${result.orderings} orderings (${result.actions} actions), ${(result.durationMs / 1000).toFixed(2)} s`;
    const ce = result.counterexample;
    if (!ce) lines.push(`${head}: no divergence`);
    else {
      lines.push(`${head}: DIVERGENCE, shrunk in ${result.shrinkOrderings} orderings to ${ce.calls} call${ce.calls === 1 ? '' : 's'}`);
      lines.push(`    ${formatDivergence(ce.divergence)}`);
      lines.push(`    ordering: ${ce.ordering.map(describeAction).join('; ')}`);
      lines.push(`    replay:   mfchart verify --adapter mf-native --seed ${seed} --mode ${result.mode} --runs ${runs}`);
      if (scenario) lines.push(`    scenario: ${scenario}`);
      if (replay) lines.push(`    scenario replay: ${replay.reference ? 'passes' : 'FAILS'} on the model, ${replay.adapter ? 'PASSES' : 'fails'} on mf-native`);
    }
    for (const known of result.known) lines.push(`    known (accepted): ${known.count} × ${known.description} — e.g. ${formatDivergence(known.example)}`);
  }
  const divergences = reports.filter(({ result }) => result.counterexample).length;
  lines.push(`orderings run: ${reports.reduce((sum, { result }) => sum + result.orderings, 0)}, divergences: ${divergences}, known: ${reports.reduce((sum, { result }) => sum + result.known.reduce((n, k) => n + k.count, 0), 0)}`);
  return lines.join('\n');
}
