// The live inspector's recorder: the presentation clock's state carried in the summary and the
// trace, and the column-wise trace ring (bounded, materialised on demand, equal records shared).
import { describe, expect, it } from 'vitest';
import { createSession } from '../actors/createSession.js';
import { createMockPlatform } from '../adapters/mock/createMockPlatform.js';
import { HR } from '../machines/hresult.js';
import { createTraceColumns, KIND } from '../inspect/live/createTraceColumns.js';
import { internFlat } from '../inspect/live/internFlat.js';
import type { TraceEntry } from '../inspect/live/protocol.js';
import { recordSession } from '../inspect/live/recordSession.js';
import { clockAtStep } from '../inspect/page/activeStates.js';

const TOPOLOGY = {
  nodes: [
    { id: 'src', type: 'source' as const, source: 'file' },
    { id: 'out', type: 'output' as const, sink: 'speaker' },
  ],
  links: [['src', 'out']] as [string, string][],
};

function startedSession(capacity?: number) {
  const platform = createMockPlatform({ sources: { file: {} }, sinks: { speaker: {} } });
  const session = createSession({ adapter: platform.adapter });
  const followed: TraceEntry[] = [];
  const recorder = recordSession(session, { ...(capacity ? { capacity } : {}), onEntry: (entry) => followed.push(entry) });
  expect(session.SetTopology([], TOPOLOGY)).toBe(HR.S_OK);
  platform.clock.advanceBy(100_000);
  expect(session.Start()).toBe(HR.S_OK);
  platform.clock.advanceBy(100_000);
  return { platform, session, recorder, followed };
}

describe('presentation clock state in the inspector', () => {
  it('follows the session clock in the summary and the trace, live and step by step', () => {
    const { platform, session, recorder } = startedSession();
    const clockOf = () => (session.actor.getSnapshot().context as { clock: { state: string } }).clock.state;
    expect(clockOf()).toBe('RUNNING');
    expect(recorder.summary.clock).toBe('RUNNING');
    const entries = recorder.entries();
    expect(entries[0]).toMatchObject({ kind: 'state', clock: 'INVALID' });
    const started = entries.find((entry) => entry.kind === 'state' && entry.state === 'started');
    expect(started).toMatchObject({ clock: 'RUNNING' });

    // A clock call that changes the clock without a session transition is marked on its call entry.
    expect(session.call({ type: 'clock.Pause' }).hr).toBe(HR.S_OK);
    expect(clockOf()).toBe('PAUSED');
    expect(recorder.summary.clock).toBe('PAUSED');
    const pause = recorder.entries().at(-1)!;
    expect(pause).toMatchObject({ kind: 'call', method: 'clock.Pause', clock: 'PAUSED' });
    // A call that leaves the clock as it is carries none.
    session.GetSessionCapabilities();
    expect(recorder.entries().at(-1)).not.toHaveProperty('clock');

    session.Stop();
    platform.clock.advanceBy(100_000);
    expect(recorder.summary.clock).toBe(clockOf());
    const all = recorder.entries();
    expect(clockAtStep(all, all.length, undefined)).toBe(clockOf());
    const pauseAt = all.findIndex((entry) => entry.kind === 'call' && entry.method === 'clock.Pause');
    expect(clockAtStep(all, pauseAt + 1, undefined)).toBe('PAUSED');
    expect(clockAtStep(all, 1, undefined)).toBe('INVALID');
    expect(clockAtStep(all, 0, 'INVALID')).toBe('INVALID');
  });
});

describe('column-wise trace ring', () => {
  it('keeps the newest entries, counts the dropped ones and numbers entries from 1', () => {
    const columns = createTraceColumns(5);
    for (let i = 1; i <= 12; i++) {
      const seq = columns.push(KIND.fault, i * 10);
      columns.setStr(seq, `m${i}`);
    }
    expect(columns.size).toBe(5);
    expect(columns.dropped).toBe(7);
    expect(columns.toArray()).toEqual([8, 9, 10, 11, 12].map((n) => ({ seq: n, at: n * 10, kind: 'fault', message: `m${n}` })));
    expect(columns.holds(7)).toBe(false);
    expect(() => columns.entry(7)).toThrow(/trace entry 7 is not held \(held: 8…12\)/);
    expect(() => createTraceColumns(0)).toThrow(/integer ≥ 1/);
  });

  it('grows past its first room without losing entries, and materialises every kind with its fields', () => {
    const columns = createTraceColumns(100);
    for (let i = 0; i < 70; i++) {
      const seq = columns.push(KIND.platform, i);
      columns.setStr(seq, 'startSources');
      columns.setNum2(seq, i % 2);
      if (i % 2 === 1) columns.setNum(seq, HR.S_OK);
    }
    const entries = columns.toArray();
    expect(entries).toHaveLength(70);
    expect(entries[0]).toEqual({ seq: 1, at: 0, kind: 'platform', op: 'startSources', phase: 'request' });
    expect(entries[69]).toEqual({ seq: 70, at: 69, kind: 'platform', op: 'startSources', phase: 'done', hr: HR.S_OK });
  });

  it('a recorder over a small ring marks its trace truncated, and the follower gets each entry once, in order, calls after their HRESULT', () => {
    const { session, recorder, followed } = startedSession(8);
    for (let i = 0; i < 5; i++) session.GetEvent();
    expect(recorder.entries()).toHaveLength(8);
    expect(recorder.truncated).toBe(true);
    expect(followed.map((entry) => entry.seq)).toEqual(followed.map((_, index) => index + 1));
    expect(followed.every((entry) => entry.kind !== 'call' || entry.hr !== 0x8000000a)).toBe(true);
    expect(recorder.entries()).toEqual(followed.slice(-8));
  });
});

describe('shared records', () => {
  it('returns one object for equal flat records and leaves the rest alone', () => {
    const first = internFlat({ flags: 1 });
    expect(internFlat({ flags: 1 })).toBe(first);
    expect(internFlat({ flags: 2 })).not.toBe(first);
    const nested = internFlat({ alive: { starting: 'sources' } });
    expect(internFlat({ alive: { starting: 'sources' } })).toBe(nested);
    // Key order and value types are part of the identity.
    expect(internFlat({ a: 1, b: '1' })).not.toBe(internFlat({ a: '1', b: 1 }));
    const list = { nodes: [1, 2] };
    expect(internFlat(list)).toBe(list);
    expect(internFlat({ nodes: [1, 2] })).not.toBe(list);
  });
});
