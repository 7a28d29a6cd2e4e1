import { describe, expect, it } from 'vitest';
import { HR } from '../machines/hresult.js';
import { ME } from '../machines/mediaEventType.js';
import { idealPlatformOps } from '../machines/idealPlatform.js';
import { providePlatform } from '../adapters/providePlatform.js';
import { idealAdapter } from '../adapters/idealAdapter.js';
import { createSession, type SessionRecord } from '../actors/createSession.js';
import type { PlatformAdapter } from '../adapters/PlatformAdapter.js';

const topology = { nodes: [{ id: 's', type: 'source' as const, source: 'src' }, { id: 'o', type: 'output' as const, sink: 'out' }] };

function adapterWith(overrides: Partial<typeof idealPlatformOps>, shutdownPipeline: () => void = () => {}): PlatformAdapter {
  return { ...idealAdapter, name: 'faulty', machine: providePlatform({ ops: { ...idealPlatformOps, ...overrides }, shutdownPipeline }) };
}

const drain = (session: ReturnType<typeof createSession>) => {
  const events = [];
  for (;;) {
    const { hr, out } = session.GetEvent(true);
    if (hr !== HR.S_OK) return events;
    events.push(out as { type: number; status: number });
  }
};

describe('adapter faults', () => {
  it('turns an operation that throws into MEError and the command failing with E_UNEXPECTED', () => {
    const session = createSession({
      adapter: adapterWith({ startSources: () => { throw new Error('driver exploded'); } }),
    });
    session.SetTopology([], topology);
    expect(session.Start()).toBe(HR.S_OK);
    const events = drain(session).map((e) => [e.type, e.status]);
    expect(events.slice(-2)).toEqual([
      [ME.MEError, HR.E_UNEXPECTED],
      [ME.MESessionStarted, HR.E_UNEXPECTED],
    ]);
    expect(session.state).toBe('ready');
    expect(session.Shutdown()).toBe(HR.S_OK);
  });

  it('turns an operation that rejects into the same events, once the promise settles', async () => {
    const session = createSession({
      adapter: adapterWith({ pausePipeline: async () => { throw new Error('late failure'); } }),
    });
    session.SetTopology([], topology);
    session.Start();
    drain(session);
    session.Pause();
    await new Promise((resolve) => setTimeout(resolve, 0));
    const types = drain(session).map((e) => e.type);
    expect(types).toContain(ME.MEError);
    expect(types).toContain(ME.MESessionPaused);
  });

  it('keeps a session whose shutdown action throws in the shutdown state and reports the fault', () => {
    const session = createSession({ adapter: adapterWith({}, () => { throw new Error('sink refused'); }) });
    const records: SessionRecord[] = [];
    session.onRecord((record) => records.push(record));
    session.SetTopology([], topology);
    expect(session.Shutdown()).toBe(HR.S_OK);
    expect(session.state).toBe('shutdown');
    expect(session.actor.getSnapshot().status).toBe('active');
    expect(session.faults).toEqual(['shutdownPipeline: sink refused']);
    expect(records.filter((r) => r.kind === 'fault')).toHaveLength(1);
    expect(session.GetEvent(true).hr).toBe(HR.MF_E_SHUTDOWN);
    expect(session.Shutdown()).toBe(HR.MF_E_SHUTDOWN);
  });
});
