import { describe, expect, it } from 'vitest';
import { createSessionHost, type SessionFault, type SessionLeak } from '../actors/createSessionHost.js';
import { createMockPlatform } from '../adapters/mock/createMockPlatform.js';
import { HR } from '../machines/hresult.js';
import { sourceToSink, faultingAdapter } from './fixtures.js';

const topology = sourceToSink;

/** An ideal platform whose Shutdown action throws, as a buggy adapter would. */

describe('session host: create, find, list', () => {
  it('gives sessions unique ids and finds them by id', () => {
    const host = createSessionHost();
    const a = host.create();
    const b = host.create({ id: 'player' });
    const c = host.create();
    expect(new Set([a.id, b.id, c.id]).size).toBe(3);
    expect(host.size).toBe(3);
    expect(host.get('player')).toBe(b);
    expect(host.get(a.id)).toBe(a);
    expect(host.has(c.id)).toBe(true);
    expect(host.get('nobody')).toBeUndefined();
    expect(host.list()).toEqual([a, b, c]);
  });

  it('rejects a duplicate id with an error naming the id', () => {
    const host = createSessionHost();
    host.create({ id: 'dup' });
    expect(() => host.create({ id: 'dup' })).toThrowError(/"dup"/);
    expect(host.size).toBe(1);
  });

  it('skips automatic ids that an explicit id already took', () => {
    const host = createSessionHost();
    host.create({ id: 's1' });
    const auto = host.create();
    expect(auto.id).not.toBe('s1');
    expect(host.size).toBe(2);
  });

  it('lets an id be reused once its session is released', () => {
    const host = createSessionHost();
    const first = host.create({ id: 'again' });
    first.Shutdown();
    host.release('again');
    const second = host.create({ id: 'again' });
    expect(second).not.toBe(first);
    expect(host.get('again')).toBe(second);
  });

  it('keeps the attributes a session was created with', () => {
    const host = createSessionHost();
    const session = host.create({ attributes: { MF_SESSION_GLOBAL_TIME: 1 } });
    expect(session.attributes).toEqual({ MF_SESSION_GLOBAL_TIME: 1 });
  });

  it('runs its sessions on its platform: Start goes through the simulated pipeline', async () => {
    const platform = createMockPlatform();
    const host = createSessionHost({ adapter: platform.adapter });
    const one = host.create();
    const two = host.create();
    for (const session of [one, two]) {
      expect(session.SetTopology([], topology)).toBe(HR.S_OK);
      expect(session.Start()).toBe(HR.S_OK);
    }
    expect(one.state).toBe('fresh');
    const reached = await platform.adapter.waitUntil(() => one.state === 'started' && two.state === 'started', 10_000_000);
    expect(reached).toBe(true);
    expect(platform.clock.now).toBeGreaterThan(0);
    const starts = platform.calls.filter((call) => call.name === 'SourceStart').map((call) => call.session);
    expect(starts.sort()).toEqual([one.key, two.key].sort());
  });
});

describe('session host: release and leak detection', () => {
  it('does not report a session shut down before release', () => {
    const host = createSessionHost();
    const leaks: SessionLeak[] = [];
    host.onLeak((leak) => leaks.push(leak));
    const session = host.create({ id: 'clean' });
    expect(session.Shutdown()).toBe(HR.S_OK);
    expect(host.release('clean')).toEqual({ leak: false });
    expect(leaks).toEqual([]);
    expect(host.leaks()).toEqual([]);
    expect(host.size).toBe(0);
    expect(session.released).toBe(true);
  });

  it('reports a session released without Shutdown to onLeak listeners and in leaks()', () => {
    const host = createSessionHost();
    const heard: SessionLeak[] = [];
    host.onLeak((leak) => heard.push(leak));
    const session = host.create({ id: 'leaky' });
    session.SetTopology([], topology);
    expect(host.release('leaky')).toEqual({ leak: true });
    expect(heard).toEqual([{ id: 'leaky', state: 'ready', at: 0 }]);
    expect(host.leaks().map((leak) => leak.id)).toEqual(['leaky']);
    expect(host.has('leaky')).toBe(false);
  });

  it('sees a Release called on the handle itself, not only host.release', () => {
    const host = createSessionHost();
    const heard: string[] = [];
    host.onLeak((leak) => heard.push(leak.id));
    const session = host.create({ id: 'direct' });
    expect(session.Release()).toEqual({ leak: true });
    expect(heard).toEqual(['direct']);
    expect(host.get('direct')).toBeUndefined();
    expect(host.size).toBe(0);
  });

  it('stops notifying a leak listener once it unsubscribes', () => {
    const host = createSessionHost();
    const heard: string[] = [];
    const off = host.onLeak((leak) => heard.push(leak.id));
    host.create({ id: 'a' }).Release();
    off();
    host.create({ id: 'b' }).Release();
    expect(heard).toEqual(['a']);
    expect(host.leaks().map((leak) => leak.id)).toEqual(['a', 'b']);
  });

  it('refuses to release an id it does not hold, naming the id', () => {
    const host = createSessionHost();
    expect(() => host.release('ghost')).toThrowError(/"ghost"/);
  });

  it('shutdownAll shuts every session down before releasing it, so none leaks', () => {
    const host = createSessionHost();
    const sessions = [host.create(), host.create(), host.create()];
    sessions[0].SetTopology([], topology);
    sessions[1].Shutdown();
    const report = host.shutdownAll();
    expect(report).toEqual({ released: 3, faulted: [] });
    expect(host.size).toBe(0);
    expect(host.leaks()).toEqual([]);
    for (const session of sessions) {
      expect(session.released).toBe(true);
      expect(session.state).toBe('shutdown');
    }
    // The host stays usable.
    expect(host.create({ id: 'after' }).state).toBe('fresh');
  });
});

describe('session host: supervision', () => {
  it('reports an actor error to onFault with the session id and message, and keeps working', () => {
    const host = createSessionHost({ adapter: faultingAdapter });
    const faults: SessionFault[] = [];
    host.onFault((fault) => faults.push(fault));
    const doomed = host.create({ id: 'doomed' });
    const healthy = host.create({ id: 'healthy' });
    expect(healthy.SetTopology([], topology)).toBe(HR.S_OK);

    expect(() => doomed.Shutdown()).not.toThrow();

    expect(faults).toHaveLength(1);
    expect(faults[0]).toMatchObject({ id: 'doomed', message: 'boom' });
    expect(host.faults().map((fault) => fault.id)).toEqual(['doomed']);
    expect(doomed.actor.getSnapshot().status).toBe('error');

    // The other session is untouched and still runs.
    expect(healthy.actor.getSnapshot().status).toBe('active');
    expect(healthy.state).toBe('ready');
    expect(healthy.Start()).toBe(HR.S_OK);
    expect(healthy.state).toBe('started');

    // The host still creates, finds and lists.
    const fresh = host.create({ id: 'fresh' });
    expect(host.get('fresh')).toBe(fresh);
    expect(host.list().map((session) => session.id)).toEqual(['doomed', 'healthy', 'fresh']);
  });

  it('shutdownAll releases a faulted session, reports it as faulted and carries on', () => {
    const host = createSessionHost({ adapter: faultingAdapter });
    const faults: string[] = [];
    host.onFault((fault) => faults.push(fault.id));
    host.create({ id: 'a' });
    host.create({ id: 'b' });
    const report = host.shutdownAll();
    // Every Shutdown throws in this adapter: each session faults, and each is still released.
    expect(report.released).toBe(2);
    expect(report.faulted).toEqual(['a', 'b']);
    expect(faults).toEqual(['a', 'b']);
    expect(host.size).toBe(0);
    // Their pipelines were never shut down, so releasing them is a leak, marked with the fault.
    expect(host.leaks()).toEqual([
      { id: 'a', state: 'fresh', fault: 'boom', at: 0 },
      { id: 'b', state: 'fresh', fault: 'boom', at: 0 },
    ]);
  });
});

describe('session host: scale', () => {
  it('creates 10 000 sessions, finds each by id, and shuts them all down', () => {
    const platform = createMockPlatform();
    const host = createSessionHost({ adapter: platform.adapter });
    const count = 10_000;
    for (let i = 0; i < count; i++) host.create({ id: `session-${i}` });
    expect(host.size).toBe(count);
    for (let i = 0; i < count; i++) {
      const session = host.get(`session-${i}`);
      expect(session?.id).toBe(`session-${i}`);
    }
    // A few of them do real work on the simulated platform.
    for (const i of [0, 4_999, 9_999]) host.get(`session-${i}`)!.SetTopology([], topology);
    platform.adapter.settle();
    platform.clock.advanceBy(10_000_000);
    expect(host.get('session-4999')!.state).toBe('ready');

    const report = host.shutdownAll();
    expect(report).toEqual({ released: count, faulted: [] });
    expect(host.size).toBe(0);
    expect(host.leaks()).toEqual([]);
    expect(host.get('session-0')).toBeUndefined();
  });
});
