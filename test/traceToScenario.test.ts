// A session recorded by the live inspector's recorder, turned into a scenario file by
// traceToScenario, must be a valid scenario (parseScenario) that passes when replayed on the
// same adapter (runScenario on the mock) — for random orderings of every method, with the outside
// world shutting sources down and ending streams, and with the application reading events itself.
import { describe, expect, it } from 'vitest';
import { createSession, type MediaSessionHandle } from '../actors/createSession.js';
import { createSessionHost } from '../actors/createSessionHost.js';
import { createMockPlatform } from '../adapters/mock/createMockPlatform.js';
import { HR } from '../machines/hresult.js';
import { recordSession, type SessionRecorder } from '../inspect/live/recordSession.js';
import { runDemo } from '../inspect/live/runDemo.js';
import { TraceConversionError, traceToScenario, traceToScenarioDocument } from '../inspect/live/traceToScenario.js';
import type { TraceEntry } from '../inspect/live/protocol.js';
import { parseScenario } from '../verify/scenario/parseScenario.js';
import { runScenario } from '../verify/scenario/runScenario.js';

const TOPOLOGY = {
  nodes: [
    { id: 'src', type: 'source' as const, source: 'file' },
    { id: 'out', type: 'output' as const, sink: 'speaker' },
  ],
  links: [['src', 'out']] as [string, string][],
};

async function replay(entries: TraceEntry[], name: string) {
  const text = traceToScenario(entries, { name });
  const scenario = parseScenario(text, `${name}.json`);
  const result = await runScenario(scenario);
  const failures = result.steps.filter((step) => !step.pass).map((step) => `step ${step.index} ${step.step}: ${step.message}`);
  return { scenario, result, failures, text };
}

/** Demo sessions (random calls from the explorer's alphabet, outside actions) with every trace recorded. */
function recordDemo(seed: number, sessions: number, ticks: number) {
  const platform = createMockPlatform();
  const host = createSessionHost({ adapter: platform.adapter });
  const recorders = new Map<string, SessionRecorder>();
  host.onCreate((session) => recorders.set(session.id, recordSession(session, { capacity: 100_000 })));
  const demo = runDemo({
    host,
    platform,
    sessions,
    seed,
    manual: true,
    tickMs: 50,
    actionsPerSecond: 12,
    outsideShare: 0.08,
    onOutsideAction: (id, entry) => recorders.get(id)!.note(entry),
  });
  for (let i = 0; i < ticks; i++) demo.tick();
  demo.stop();
  return { recorders, demo };
}

describe('traceToScenario', () => {
  it('turns every recorded demo session into a scenario that passes on the mock', async () => {
    let replayed = 0;
    let steps = 0;
    const kinds = new Set<string>();
    for (const seed of [1, 2, 3]) {
      const { recorders, demo } = recordDemo(seed, 12, 150);
      expect(demo.released).toBeGreaterThan(0); // sessions reached shutdown and were replaced
      for (const recorder of recorders.values()) {
        const entries = recorder.entries();
        const { failures, scenario } = await replay(entries, `seed ${seed} ${recorder.id}`);
        expect(failures, `seed ${seed}, ${recorder.id}`).toEqual([]);
        replayed++;
        steps += scenario.steps.length;
        for (const step of scenario.steps) kinds.add(step.kind === 'call' ? `call ${step.method}` : step.kind === 'platform' ? `platform ${step.action}` : step.kind);
      }
    }
    expect(replayed).toBeGreaterThan(40);
    expect(steps).toBeGreaterThan(1000);
    // The orderings covered what the conversion has to get right.
    for (const kind of ['wait', 'observe', 'platform advanceClock', 'platform shutdownSource', 'platform endOfStream', 'call SetTopology', 'call GetEvent', 'call EndGetEvent', 'call Release']) {
      expect(kinds, kind).toContain(kind);
    }
  });

  it('checks events the application reads with result checks, and waits for the events it never reads', async () => {
    const platform = createMockPlatform({ sources: { file: {} }, sinks: { speaker: {} } });
    const session = createSession({ adapter: platform.adapter });
    const recorder = recordSession(session);
    session.SetTopology([], TOPOLOGY);
    platform.clock.advanceBy(100_000);
    expect(session.GetEvent().hr).toBe(HR.S_OK); // the application reads the first event itself
    session.Start();
    platform.clock.advanceBy(100_000);
    session.Shutdown();
    session.Release();
    const document = traceToScenarioDocument(recorder.entries(), { name: 'mixed reads' });
    const steps = document.steps;
    expect(steps.find((step) => step.call === 'GetEvent')).toMatchObject({ expect: 'S_OK', result: { event: 'MESessionTopologySet', status: 'S_OK' } });
    expect(steps.filter((step) => step.wait !== undefined).map((step) => step.wait)).toContain('MESessionStarted');
    expect(steps.find((step) => step.call === 'Release')).toEqual({ call: 'Release', result: { leak: false } });
    expect(steps.at(-1)).toEqual({ observe: 'state', expect: 'shutdown' });
    const { failures } = await replay(recorder.entries(), 'mixed reads');
    expect(failures).toEqual([]);
  });

  it('keeps the arguments of each call', () => {
    const platform = createMockPlatform();
    const session = createSession({ adapter: platform.adapter });
    const recorder = recordSession(session);
    session.SetTopology(['IMMEDIATE'], TOPOLOGY);
    session.Start({ vt: 'VT_I8', value: 1234 }, null);
    session.SetRate(true, 2);
    session.BeginGetEvent('cb', 'st');
    const steps = traceToScenarioDocument(recorder.entries(), { name: 'args' }).steps;
    expect(steps.filter((step) => step.call !== undefined)).toEqual([
      { call: 'SetTopology', args: { flags: ['IMMEDIATE'], topology: TOPOLOGY }, expect: 'S_OK' },
      { call: 'Start', args: { position: { vt: 'VT_I8', value: 1234 }, timeFormat: null }, expect: 'S_OK' },
      { call: 'SetRate', args: { thin: true, rate: 2 }, expect: 'S_OK' },
      { call: 'BeginGetEvent', args: { callback: 'cb', state: 'st' }, expect: 'S_OK' },
    ]);
  });

  it('produces a scenario that fails when the session behaved differently from the recording', async () => {
    const platform = createMockPlatform();
    const session = createSession({ adapter: platform.adapter });
    const recorder = recordSession(session);
    session.SetTopology([], TOPOLOGY);
    platform.clock.advanceBy(100_000);
    session.Start();
    platform.clock.advanceBy(100_000);
    session.Shutdown();
    // Pretend Start had returned MF_E_INVALIDREQUEST: the replay must notice.
    const entries = recorder.entries().map((entry) => (entry.kind === 'call' && entry.method === 'session.Start' ? { ...entry, hr: HR.MF_E_INVALIDREQUEST } : entry));
    const { failures } = await replay(entries, 'tampered');
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatch(/call Start: returned S_OK .*expected MF_E_INVALIDREQUEST/);
  });

  it('refuses a partial trace and a platform event whose cause was not recorded', () => {
    const platform = createMockPlatform();
    const session: MediaSessionHandle = createSession({ adapter: platform.adapter });
    const recorder = recordSession(session);
    session.SetTopology([], TOPOLOGY);
    platform.clock.advanceBy(100_000);
    session.Start();
    platform.clock.advanceBy(100_000);
    const entries = recorder.entries();
    expect(() => traceToScenario(entries.slice(2), { name: 'partial' })).toThrow(/does not start at the session's creation \(first entry: seq 3\)/);
    expect(() => traceToScenario(entries, { name: 'marked', truncated: true })).toThrow(TraceConversionError);
    expect(() => traceToScenario([...entries.slice(0, 3), ...entries.slice(4)], { name: 'gap' })).toThrow(/entries are missing/);
    platform.shutdownSource('file'); // not noted as an outside action
    expect(() => traceToScenario(recorder.entries(), { name: 'uncaused' })).toThrow(/received sourceShutdown but the trace does not record/);
  });
});
