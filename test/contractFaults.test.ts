/**
 * The planted contract faults of the mock (adapters/mock/contractFaults.ts): each one breaks the
 * contract as named, the differential runner finds it in both modes and shrinks it to at most 3
 * calls, and the counterexample it writes replays with `mfchart run` — failing on the faulty
 * adapter, passing on the model. Without this, a verifier that finds nothing proves nothing.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HR } from '../machines/hresult.js';
import { ME } from '../machines/mediaEventType.js';
import { createMockPlatform } from '../adapters/mock/createMockPlatform.js';
import { CONTRACT_FAULT_NAMES, createFaultySession, type ContractFault } from '../adapters/mock/contractFaults.js';
import { mockSut } from '../verify/sut/modelSut.js';
import { DEFAULT_PLATFORM } from '../verify/sut/modelSut.js';
import { runConformance } from '../verify/conformance/runConformance.js';
import { writeCounterexample } from '../verify/conformance/counterexampleScenario.js';
import { sourceToSink } from './fixtures.js';

const cli = (args: string[]) => spawnSync(process.execPath, ['dist/cli/mfchart.js', ...args], { encoding: 'utf8' });

function faulty(fault: ContractFault) {
  const platform = createMockPlatform();
  return { platform, session: createFaultySession({ adapter: platform.adapter }, [fault]) };
}

const drain = (session: ReturnType<typeof createFaultySession>) => {
  const events: [number, number][] = [];
  for (;;) {
    const { hr, out } = session.GetEvent(true);
    if (hr !== HR.S_OK || !out || !('type' in out)) return events;
    events.push([out.type, out.status]);
  }
};

describe('each planted fault breaks the contract as named', () => {
  it('second-shutdown-ok: a second Shutdown returns S_OK', () => {
    const { session } = faulty('second-shutdown-ok');
    expect(session.Shutdown()).toBe(HR.S_OK);
    expect(session.Shutdown()).toBe(HR.S_OK);
    expect(session.Stop()).toBe(HR.MF_E_SHUTDOWN);
  });

  it('stop-after-close-ok: Stop after Close completes with S_OK', () => {
    const { session, platform } = faulty('stop-after-close-ok');
    session.Close();
    platform.clock.advanceBy(100_000);
    drain(session);
    expect(session.state).toBe('closed');
    session.Stop();
    expect(drain(session)).toEqual([[ME.MESessionStopped, HR.S_OK]]);
  });

  it('event-after-shutdown: one event arrives after Shutdown, through GetEvent and through BeginGetEvent', () => {
    const a = faulty('event-after-shutdown').session;
    a.Shutdown();
    expect(a.GetEvent(true).out).toMatchObject({ type: ME.MESessionClosed, status: HR.S_OK });
    expect(a.GetEvent(true).hr).toBe(HR.MF_E_SHUTDOWN);
    const b = faulty('event-after-shutdown').session;
    const invoked: string[] = [];
    b.onCallback((invocation) => invoked.push(invocation.callback));
    b.Shutdown();
    expect(b.BeginGetEvent('app')).toBe(HR.S_OK);
    expect(invoked).toEqual(['app']);
    expect(b.EndGetEvent().out).toMatchObject({ type: ME.MESessionClosed });
  });

  it('lost-completion: the first completion never reaches GetEvent nor a BeginGetEvent callback', () => {
    const a = faulty('lost-completion').session;
    a.Start();
    expect(drain(a)).toEqual([]);
    const b = faulty('lost-completion').session;
    const invoked: string[] = [];
    b.onCallback((invocation) => invoked.push(invocation.callback));
    b.BeginGetEvent('app');
    b.Start();
    expect(invoked).toEqual([]);
    b.Stop();
    expect(invoked).toEqual(['app']);
    expect(b.EndGetEvent().out).toMatchObject({ type: ME.MESessionStopped });
  });

  it('swapped-completions: a completion queued behind another overtakes it', () => {
    const { session, platform } = faulty('swapped-completions');
    session.SetTopology([], sourceToSink);
    session.Start();
    platform.clock.advanceBy(100_000);
    const types = drain(session).map(([type]) => type).filter((type) => type === ME.MESessionTopologySet || type === ME.MESessionStarted);
    expect(types).toEqual([ME.MESessionStarted, ME.MESessionTopologySet]);
  });
});

describe.each(CONTRACT_FAULT_NAMES)('the differential runner finds %s', (fault) => {
  it.each(['async', 'scheduled'] as const)('in a %s run, shrunk to at most 3 calls, and its scenario replays with mfchart run', async (mode) => {
    const seed = 20_240_603;
    const result = await runConformance({ sut: mockSut([fault]), runs: 500, seed, mode });
    const ce = result.counterexample;
    expect(ce, `seed ${seed}: ${fault} not found`).toBeDefined();
    expect(ce!.calls).toBeLessThanOrEqual(3);
    const dir = mkdtempSync(join(tmpdir(), 'mfchart-ce-'));
    const file = writeCounterexample(dir, ce!, { sut: `mock:${fault}`, seed, mode, platform: DEFAULT_PLATFORM });
    const onFaulty = cli(['run', file, '--adapter', `mock:${fault}`]);
    expect(onFaulty.status, onFaulty.stdout + onFaulty.stderr).toBe(1);
    expect(onFaulty.stdout).toContain('FAIL counterexample');
    const viaFaultFlag = cli(['run', file, '--adapter', 'mock', '--fault', fault]);
    expect(viaFaultFlag.status).toBe(1);
    const onModel = cli(['run', file, '--adapter', 'mock']);
    expect(onModel.status, onModel.stdout + onModel.stderr).toBe(0);
  });
});
