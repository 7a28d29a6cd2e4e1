/**
 * The mock platform's log of pipeline calls stays bounded on a long-running platform: it keeps the
 * most recent calls, in order, and `takeCalls` still returns exactly the calls not yet taken.
 */
import { describe, expect, it } from 'vitest';
import { createSession } from '../actors/createSession.js';
import { createMockPlatform, type MockPlatform } from '../adapters/mock/createMockPlatform.js';
import { sourceToSink } from './fixtures.js';

const settle = (p: MockPlatform) => {
  for (let due = p.clock.nextDue(); due !== undefined; due = p.clock.nextDue()) p.clock.advanceTo(due);
};

describe('mock platform call log', () => {
  it('keeps at most twice callLogLimit calls, the most recent ones in order, however long the platform runs', () => {
    const platform = createMockPlatform({ sources: { s1: {} }, sinks: { k1: {} } }, { callLogLimit: 50 });
    const session = createSession({ adapter: platform.adapter });
    session.SetTopology([], sourceToSink);
    settle(platform);
    let recorded = 0;
    let last = -Infinity;
    for (let cycle = 0; cycle < 200; cycle++) {
      for (const command of [() => session.Start(), () => session.Pause(), () => session.Stop()]) {
        command();
        settle(platform);
      }
      recorded += platform.takeCalls().length;
      expect(platform.calls.length).toBeLessThanOrEqual(100);
      // In order: the simulated time of the calls never goes back.
      for (const call of platform.calls) {
        expect(call.at).toBeGreaterThanOrEqual(platform.calls[0]!.at);
      }
      last = Math.max(last, platform.calls.at(-1)!.at);
    }
    expect(recorded).toBeGreaterThan(1000); // far more calls than the log keeps
    expect(platform.calls.length).toBeGreaterThanOrEqual(50);
    expect(platform.calls.at(-1)!.at).toBe(last);
    session.Shutdown();
  });

  it('takeCalls returns the calls not yet taken, even when more were made than the log keeps', () => {
    const platform = createMockPlatform({ sources: { s1: {} }, sinks: { k1: {} } }, { callLogLimit: 5 });
    const session = createSession({ adapter: platform.adapter });
    session.SetTopology([], sourceToSink);
    settle(platform);
    platform.takeCalls();
    for (let i = 0; i < 20; i++) {
      session.Start();
      settle(platform);
      session.Stop();
      settle(platform);
    }
    const taken = platform.takeCalls();
    expect(taken.length).toBeGreaterThanOrEqual(5);
    expect(taken.length).toBeLessThanOrEqual(10);
    expect(taken).toEqual(platform.calls.slice(platform.calls.length - taken.length));
    expect(platform.takeCalls()).toEqual([]);
    session.Shutdown();
  });
});
