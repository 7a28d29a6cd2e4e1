// Scenarios and the differential verifier on the real mf.dll (Wine 8.0): every scenario mf-native can
// run (with JS pipeline objects for topologies) passes or is a listed Wine divergence, and the verifier finds Wine's fresh-session
// Stop divergence by itself, shrinks it to one call and writes a scenario that fails only on Wine.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { basename } from 'node:path';
import { startNativeBridge, type NativeBridge } from '../adapters/mf-native/nativeBridge.js';
import { defaultNativeAccepted, knownWineScenarios, nativeRunExitCode, runNativeScenarios, runNativeVerify } from '../adapters/mf-native/nativeCommands.js';
import { expandScenarioPaths, loadScenarios } from '../verify/scenario/runScenarioFiles.js';
import { mfNativeUnavailable } from './mfNativeSetup.js';

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
    const failing = outcome.results.filter((result) => !result.pass).map((result) => basename(result.file)).sort();
    expect(failing).toEqual(knownWineScenarios().map((entry) => entry.file).sort());
    expect(outcome.unexpectedPasses).toEqual([]);
    expect(nativeRunExitCode(outcome)).toBe(0);
    expect(bridge.call1({ op: 'stats' }).handles).toEqual([]);
  }, 300_000);

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
