// Topologies on the real mf.dll (Wine 8.0): scenario topologies are built from a JS media source and
// Media Foundation's sample grabber inside the bridge; the same scenario files pass on the mock and on
// mf-native, platform steps reach the JS source, a source Start failure ends as a timed-out wait, and
// the verifier explores past SetTopology and finds Wine 8.0's seek-while-started divergence by itself.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNativeBridge, type NativeBridge } from '../adapters/mf-native/nativeBridge.js';
import { defaultNativeAccepted, runNativeScenarios, runNativeVerify } from '../adapters/mf-native/nativeCommands.js';
import { nativeUnsupportedReason, type NativeScenarioResult } from '../adapters/mf-native/runNativeScenario.js';
import { toWireTopology, topologyUnsupportedReason } from '../adapters/mf-native/wireTopology.js';
import { parseScenario, type Scenario } from '../verify/scenario/parseScenario.js';
import { runScenario } from '../verify/scenario/runScenario.js';
import type { TopologySpec } from '../machines/types.js';
import { mfNativeUnavailable } from './mfNativeSetup.js';

const load = (path: string) => parseScenario(readFileSync(path, 'utf8'), path);

/** One scenario on mf-native, run again on a fresh bridge if Wine 8.0's mf.dll crashed under it (once: a second crash fails). */
async function runWithCrashRetry(scenario: Scenario, bridge: NativeBridge): Promise<NativeScenarioResult> {
  const outcome = await runNativeScenarios([scenario], bridge);
  for (const crash of outcome.bridgeCrashes) console.warn(`bridge crash under ${crash.file}${crash.rerun ? ', rerun' : ''}: ${crash.message}`);
  return outcome.results[0]!;
}
const twoNode = (source: string, sink: string | null): TopologySpec => ({
  nodes: [
    { id: 'src', type: 'source', source },
    { id: 'out', type: 'output', sink },
  ],
  links: [['src', 'out']],
});

describe('scenario topologies as the bridge builds them', () => {
  it('maps a source → sink topology with its knobs, NOSHUTDOWN_ON_REMOVE, activate and missing attributes', () => {
    const topology = twoNode('s', 'k');
    (topology.nodes[0] as { missing?: string[] }).missing = ['MF_TOPONODE_SOURCE'];
    const wire = toWireTopology(topology, { sources: { s: { seekable: false, startResult: 0x80004001 } }, sinks: { k: { noShutdownOnRemove: 1, activate: true } } });
    expect(wire).toEqual({ source: 's', sourceKnobs: { seekable: false, startResult: 0x80004001 }, sink: 'k', noShutdownOnRemove: 1, sinkActivate: true, missing: ['MF_TOPONODE_SOURCE'] });
    expect(toWireTopology(twoNode('s', null), {})).toEqual({ source: 's', sourceKnobs: {}, sink: null });
  });

  it('names what the JS pipeline cannot build: transforms, several streams, sink knobs, resolved topologies', () => {
    const transform: TopologySpec = { nodes: [{ id: 's', type: 'source', source: 's' }, { id: 'm', type: 'transform', transform: 't' }, { id: 'o', type: 'output', sink: 'k' }] };
    expect(topologyUnsupportedReason(transform, {})).toMatch(/transform/);
    expect(topologyUnsupportedReason(twoNode('s', 'k'), { sources: { s: { streams: 2 } } })).toMatch(/2 streams/);
    expect(topologyUnsupportedReason(twoNode('s', 'k'), { sinks: { k: { prerollCapable: true } } })).toMatch(/prerollCapable/);
    expect(topologyUnsupportedReason({ ...twoNode('s', 'k'), resolved: true }, {})).toMatch(/resolved/);
    expect(() => toWireTopology(transform, {})).toThrow(/mf-native cannot build this topology: .*transform/);
  });

  it('skips shipped scenarios the JS pipeline cannot run and says why', () => {
    expect(nativeUnsupportedReason(load('examples/scenarios/115-end-of-stream-two-streams.json'))).toMatch(/source and 2 output nodes|streams/);
    expect(nativeUnsupportedReason(load('examples/scenarios/217-transform-topology-calls.json'))).toMatch(/resolved|transform/);
    expect(nativeUnsupportedReason(load('examples/scenarios/114-end-of-stream-ended.json'))).toMatch(/simulated time/);
    expect(nativeUnsupportedReason(load('examples/scenarios/609-rate-before-first-start-call-order.json'))).toMatch(/IMFRateSupport/);
    expect(nativeUnsupportedReason(load('examples/scenarios/101-ready-start.json'))).toBeUndefined();
  });

  it('runs BeginGetEvent/EndGetEvent scenarios, except a pending result no event can have reached', () => {
    for (const file of ['301-begingetevent-matrix-fresh.json', '304-shutdown-with-pending-subscription.json', '305-event-api-ready-and-started.json', '308-begingetevent-with-events-queued.json']) {
      expect(nativeUnsupportedReason(load(`examples/scenarios/${file}`))).toBeUndefined();
    }
    expect(nativeUnsupportedReason(load('examples/scenarios/303-endgetevent-on-empty-queue.json'))).toMatch(/only handed out by Invoke/);
  });
});

describe.skipIf(mfNativeUnavailable())('mf-native topologies (JS pipeline objects in real mf.dll under Wine)', () => {
  let bridge: NativeBridge;
  beforeAll(() => {
    bridge = startNativeBridge();
  });
  afterAll(() => {
    bridge?.close();
  });

  it.each(['101-ready-start.json', '113-stop-then-close-back-to-back.json', '212-shutdown-ignores-noshutdown-on-remove.json', '220-activate-sink.json', '404-shutdown-paused.json'])(
    'topology scenario %s passes on the mock and on mf-native',
    async (file) => {
      const scenario = load(`examples/scenarios/${file}`);
      expect(nativeUnsupportedReason(scenario)).toBeUndefined();
      expect((await runScenario(scenario)).pass).toBe(true);
      const native = await runWithCrashRetry(scenario, bridge);
      expect(native.steps.filter((step) => !step.pass)).toEqual([]);
    },
    60_000,
  );

  it('platform steps reach the JS source: samples reach the grabber, endOfStream ends the presentation, Shutdown shuts the sink down', async () => {
    const scenario = parseScenario(
      JSON.stringify({
        name: 'JS source plays into the sample grabber until an end of stream',
        platform: { sources: { s: {} }, sinks: { k: {} } },
        steps: [
          { call: 'SetTopology', args: { flags: [], topology: twoNode('s', 'k') }, expect: 'S_OK' },
          { wait: 'MESessionTopologyStatus', status: 'S_OK', attributes: { MF_EVENT_TOPOLOGY_STATUS: 100 } },
          { call: 'Start', expect: 'S_OK' },
          { wait: 'MESessionStarted', status: 'S_OK' },
          { observe: 'samples', sink: 'k', atLeast: 3 },
          { observe: 'calls', only: ['SourceStart', 'OnClockStart'], expect: ['SourceStart', 'OnClockStart'] },
          { platform: 'endOfStream', source: 's', stream: 0 },
          { wait: 'MESessionEnded', status: 'S_OK' },
          { call: 'Shutdown', expect: 'S_OK' },
          { observe: 'sinkShutdown', sink: 'k', expect: true },
          { observe: 'sourceShutdown', source: 's', expect: false },
        ],
      }),
      '(inline)',
    );
    const result = await runWithCrashRetry(scenario, bridge);
    expect(result.steps.filter((step) => !step.pass)).toEqual([]);
    expect(bridge.call1({ op: 'stats' }).handles).toEqual([]);
  });

  it('a source Start failure (Wine 8.0 never completes the Start) ends as a timed-out wait, and the bridge stays healthy', async () => {
    const began = Date.now();
    const result = await runWithCrashRetry(load('examples/divergences/wine8-source-start-failure.json'), bridge);
    expect(result.pass).toBe(false);
    expect(result.steps.find((step) => !step.pass)).toMatchObject({ index: 3, actual: 'TIMEOUT' });
    expect(Date.now() - began).toBeLessThan(15_000);
    expect(bridge.ping().ok).toBe(true);
    expect(bridge.call1({ op: 'stats' }).handles).toEqual([]);
  });

  it('verify explores past SetTopology and finds Wine 8.0 seek-while-started (spec §8) by itself', async () => {
    const accepted = defaultNativeAccepted().filter((entry) => !(entry.match.action === 'Start' && entry.match.state === 'started'));
    const [mode] = await runNativeVerify({ runs: 20, seed: 7, modes: ['async'], accepted, bridge });
    const ce = mode!.result.counterexample;
    expect(ce?.divergence).toMatchObject({ action: 'Start', state: 'started', kind: 'event', eventType: 'MESessionStarted', expected: '[MESessionStarted(S_OK)]', actual: '[]' });
    expect(ce?.ordering.some((action) => 'call' in action && action.call === 'SetTopology' && action.args.topology !== null)).toBe(true);
    // The written scenario is a regression test: it passes on the model and fails on Wine.
    expect(mode!.replay).toEqual({ reference: true, adapter: false });
  }, 120_000);

  it('verify with source events finds Wine 8.0 ignoring a source shut down from outside (spec §8) by itself', async () => {
    const deadSource = (entry: { match: { action?: string; expected?: string } }) => entry.match.action === 'shutdownSource' || entry.match.expected === '[MESessionStarted(MF_E_INVALIDREQUEST)]';
    const accepted = defaultNativeAccepted().filter((entry) => !deadSource(entry));
    const [mode] = await runNativeVerify({ runs: 40, seed: 7, modes: ['async'], accepted, bridge });
    const ce = mode!.result.counterexample;
    expect(ce?.ordering.some((action) => 'platform' in action && action.platform === 'shutdownSource')).toBe(true);
    expect(deadSource({ match: ce!.divergence })).toBe(true);
    expect(mode!.replay).toEqual({ reference: true, adapter: false });
  }, 180_000);

  it('verify with the Wine 8.0 list reports the topology divergences as known and finds nothing else', async () => {
    const [mode] = await runNativeVerify({ runs: 30, seed: 5, modes: ['async'], bridge });
    expect(mode!.result.counterexample).toBeUndefined();
    expect(mode!.result.known.map((known) => known.description).join('\n')).toMatch(/seek|CLEAR_CURRENT/);
  }, 120_000);
});
