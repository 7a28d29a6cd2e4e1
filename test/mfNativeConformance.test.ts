// Scenarios and the differential verifier on the real mf.dll (Wine 8.0): every scenario mf-native can
// run (with JS pipeline objects for topologies) passes or is a listed Wine divergence, and the verifier finds Wine's fresh-session
// Stop divergence by itself, shrinks it to one call and writes a scenario that fails only on Wine.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { basename } from 'node:path';
import { NativeBridge, startNativeBridge } from '../adapters/mf-native/nativeBridge.js';
import type { WireCall, WireResult } from '../adapters/mf-native/protocol.js';
import { defaultNativeAccepted, formatNativeRun, knownWineScenarios, nativeRunExitCode, runNativeScenarios, runNativeVerify } from '../adapters/mf-native/nativeCommands.js';
import { expandScenarioPaths, loadScenarios } from '../verify/scenario/runScenarioFiles.js';
import { mfNativeUnavailable } from './mfNativeSetup.js';

/** A bridge whose process dies (exit code 5, no reply) on its next `crashes` event waits. */
class CrashingBridge extends NativeBridge {
  crashes = 0;
  override call(calls: WireCall[], timeoutMs?: number): WireResult[] {
    if (this.crashes > 0 && calls[0]?.op === 'waitEvent') {
      this.crashes--;
      super.call([{ op: 'crash', code: 5 }], 10_000);
    }
    return super.call(calls, timeoutMs);
  }
}

describe.skipIf(mfNativeUnavailable())('mf-native conformance (real mf.dll under Wine)', () => {
  let bridge: NativeBridge;
  beforeAll(() => {
    bridge = startNativeBridge();
  });
  afterAll(() => {
    bridge?.close();
  });

  it('runs every shipped scenario mf-native can run (topologies included): each passes or is a listed Wine divergence', async () => {
    const scenarios = loadScenarios(expandScenarioPaths(['examples/scenarios', 'examples/divergences']));
    const outcome = await runNativeScenarios(scenarios, bridge);
    expect(outcome.results.length).toBeGreaterThanOrEqual(15);
    // Reruns after a Wine crash are allowed (and printed for the CI log); a crash the retry did not cure is a failure below.
    for (const crash of outcome.bridgeCrashes) console.warn(`bridge crash under ${basename(crash.file)}${crash.rerun ? ', rerun' : ''}: ${crash.message}`);
    const known = new Set(knownWineScenarios().map((entry) => entry.file));
    // Each unexpected outcome with its first failing step, so that a CI failure says what went wrong.
    const unexpected = outcome.results
      .filter((result) => result.pass === known.has(basename(result.file)))
      .map((result) => {
        const step = result.steps.find((candidate) => !candidate.pass);
        return `${basename(result.file)}: ${result.pass ? 'passes' : `step ${step?.index} ${step?.step}: ${step?.message ?? JSON.stringify(step?.actual)}`}`;
      });
    expect(unexpected).toEqual([]);
    expect(outcome.results.map((result) => basename(result.file))).toEqual(expect.arrayContaining([...known]));
    expect(outcome.unexpectedPasses).toEqual([]);
    expect(nativeRunExitCode(outcome)).toBe(0);
    expect(bridge.call1({ op: 'stats' }).handles).toEqual([]);
  }, 300_000);

  it('a scenario the bridge crashes under is rerun on a fresh bridge and reported; a crash that repeats fails it, listed or not', async () => {
    const scenarios = loadScenarios(['examples/scenarios/101-ready-start.json', 'examples/scenarios/001-fresh-stop-invalidrequest.json']);
    // The crash comes the way Wine's does: the bridge process dies during a wait, with no reply.
    const crashing = new CrashingBridge();
    try {
      crashing.crashes = 1;
      const once = await runNativeScenarios(scenarios.slice(0, 1), crashing);
      expect(once.results.map((result) => result.pass)).toEqual([true]);
      expect(once.bridgeCrashes).toEqual([expect.objectContaining({ file: scenarios[0]!.file, rerun: true, message: expect.stringMatching(/exited \(code 5\)/) })]);
      expect(nativeRunExitCode(once)).toBe(0);

      crashing.crashes = Infinity;
      const always = await runNativeScenarios(scenarios, crashing);
      expect(always.results.map((result) => [result.pass, result.bridgeFailure !== undefined])).toEqual([
        [false, true],
        [false, true],
      ]);
      expect(always.bridgeCrashes.map((crash) => [basename(crash.file), crash.rerun])).toEqual([
        ['101-ready-start.json', true],
        ['101-ready-start.json', false],
        ['001-fresh-stop-invalidrequest.json', true],
        ['001-fresh-stop-invalidrequest.json', false],
      ]);
      // 001 is a listed Wine divergence, but a crashed run is not that divergence.
      expect(always.known).toEqual([]);
      expect(nativeRunExitCode(always)).toBe(1);
      expect(formatNativeRun(always)).toMatch(/BRIDGE CRASH .*no retry left/);
    } finally {
      crashing.close();
    }
  });

  it('verify finds Wine 8.0 fresh-session Stop by itself and shrinks it to one call', async () => {
    const accepted = defaultNativeAccepted().filter((entry) => entry.match.action !== 'Stop');
    const [mode] = await runNativeVerify({ runs: 30, seed: 3, modes: ['async'], accepted, bridge });
    const ce = mode!.result.counterexample;
    expect(ce?.calls).toBe(1);
    expect(ce?.divergence).toMatchObject({ action: 'Stop', state: 'fresh', kind: 'event', expected: '[MESessionStopped(MF_E_INVALIDREQUEST)]', actual: '[MESessionStopped(S_OK)]' });
    expect(mode!.replay).toEqual({ reference: true, adapter: false });
  });

  it('verify with the Wine 8.0 list reports only known divergences', async () => {
    const [mode] = await runNativeVerify({ runs: 40, seed: 7, modes: ['async'], bridge });
    expect(mode!.result.counterexample).toBeUndefined();
    expect(mode!.result.known.map((known) => known.description).join('\n')).toMatch(/Wine 8\.0: Stop on a fresh session/);
  });

  it('mfchart run --adapter mf-native exits 0 with the known divergences reported', () => {
    const run = spawnSync(process.execPath, ['dist/cli/mfchart.js', 'run', '--adapter', 'mf-native', 'examples/scenarios/001-fresh-stop-invalidrequest.json', 'examples/scenarios/004-fresh-cleartopologies-twice.json'], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/KNOWN \(Wine 8\.0\) fresh session: Stop/);
    expect(run.stdout).toMatch(/PASS fresh session: ClearTopologies twice/);
  });
});
