import { describe, expect, it } from 'vitest';
import {
  EventTimeoutError,
  MediaEventError,
  PROMISE_CALLBACK,
  createPromiseSession,
} from '../actors/promise.js';
import { createSession } from '../actors/createSession.js';
import { createMockPlatform, type MockPlatformSpec } from '../adapters/mock/createMockPlatform.js';
import { HR, HResultError, WAIT_TIMEOUT } from '../machines/hresult.js';
import { ME, type MediaEventName } from '../machines/mediaEventType.js';
import { sourceToSink, faultingAdapter } from './fixtures.js';

const topology = sourceToSink;

function mockSession(spec: MockPlatformSpec = {}) {
  const platform = createMockPlatform(spec);
  const session = createPromiseSession({ adapter: platform.adapter });
  return { platform, session, handle: session.handle };
}

describe('promise facade: methods', () => {
  it('resolves each method with the HRESULT the session answered', async () => {
    const { session } = mockSession();
    await expect(session.SetTopology([], topology)).resolves.toBe(HR.S_OK);
    await expect(session.Start()).resolves.toBe(HR.S_OK);
    await expect(session.SetRate(false, 1)).resolves.toBe(HR.S_OK);
    await expect(session.Pause()).resolves.toBe(HR.S_OK);
    await expect(session.Stop()).resolves.toBe(HR.S_OK);
    await expect(session.Close()).resolves.toBe(HR.S_OK);
    await expect(session.ClearTopologies()).resolves.toBe(HR.S_OK);
    await expect(session.GetClock()).resolves.toBe(HR.S_OK);
    await expect(session.Shutdown()).resolves.toBe(HR.S_OK);
  });

  it('resolves (does not reject) with a failure HRESULT', async () => {
    const { session } = mockSession();
    await expect(session.Start(null)).resolves.toBe(HR.E_POINTER);
    await session.Shutdown();
    await expect(session.Start()).resolves.toBe(HR.MF_E_SHUTDOWN);
    await expect(session.GetSessionCapabilities()).resolves.toEqual({ hr: HR.MF_E_SHUTDOWN });
  });

  it('calls the session at once, so unawaited calls keep their order', () => {
    const { session, handle } = mockSession();
    void session.SetTopology([], topology);
    void session.Start();
    void session.Pause();
    expect(handle.context.commands.map((command) => command.kind)).toEqual(['SetTopology', 'Start', 'Pause']);
  });

  it('rejects a call on a released session', async () => {
    const { session } = mockSession();
    await session.Shutdown();
    await expect(session.Release()).resolves.toEqual({ leak: false });
    await expect(session.Start()).rejects.toThrow(/released/);
  });

  it('answers E_UNEXPECTED from a faulted session instead of its stale reply', async () => {
    const session = createPromiseSession(createSession({ adapter: faultingAdapter }));
    await expect(session.Shutdown()).resolves.toBe(HR.E_UNEXPECTED);
    expect(session.handle.fault).toBe('boom');
    await expect(session.Start()).resolves.toBe(HR.E_UNEXPECTED);
    await expect(session.nextEvent('MESessionStarted')).rejects.toMatchObject({ hr: HR.E_UNEXPECTED });
  });
});

describe('promise facade: nextEvent', () => {
  it('waits on simulated time for the event Start completes with', async () => {
    const { session, platform } = mockSession();
    await session.SetTopology([], topology);
    await session.Start();
    const event = await session.nextEvent('MESessionStarted');
    expect(event.type).toBe(ME.MESessionStarted);
    expect(event.status).toBe(HR.S_OK);
    expect(session.handle.state).toBe('started');
    // Resolving and starting the pipeline took simulated time, which the wait let pass.
    expect(platform.clock.now).toBeGreaterThan(0);
    expect(platform.calls.some((call) => call.name === 'SourceStart')).toBe(true);
  });

  it('reads with BeginGetEvent/EndGetEvent under its own callback name', async () => {
    const { session, handle } = mockSession();
    const methods: string[] = [];
    handle.onRecord((record) => {
      if (record.kind === 'call') methods.push(record.method);
    });
    const callbacks: string[] = [];
    handle.onCallback((invocation) => callbacks.push(invocation.callback));
    await session.SetTopology([], topology);
    await session.nextEvent('MESessionTopologySet');
    expect(methods).toContain('session.BeginGetEvent');
    expect(methods).toContain('session.EndGetEvent');
    expect(methods).not.toContain('session.GetEvent');
    expect(callbacks[0]).toBe(PROMISE_CALLBACK);
  });

  it('reads and drops events of other types on the way', async () => {
    const { session, handle } = mockSession();
    await session.SetTopology([], topology);
    await session.Start();
    await session.nextEvent(ME.MESessionStarted);
    // TopologySet, NotifyPresentationTime, CapabilitiesChanged, TopologyStatus... were read before it.
    expect(handle.context.events).toEqual([]);
    expect(handle.eventsQueued).toBeGreaterThan(1);
  });

  it('accepts the event type as a number', async () => {
    const { session } = mockSession();
    await session.SetTopology([], topology);
    const event = await session.nextEvent(ME.MESessionTopologySet);
    expect(event.type).toBe(ME.MESessionTopologySet);
  });

  it('rejects with EventTimeoutError (WAIT_TIMEOUT) once timeoutMs of platform time has passed', async () => {
    const { session, platform } = mockSession();
    await session.SetTopology([], topology);
    const before = platform.clock.now;
    const error = await session.nextEvent('MESessionPaused', { timeoutMs: 250 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EventTimeoutError);
    expect(error).toBeInstanceOf(HResultError);
    expect((error as EventTimeoutError).hr).toBe(WAIT_TIMEOUT);
    expect(platform.clock.now).toBe(before + 250 * 10_000);
  });

  it('rejects with MediaEventError when the event carries a failure status', async () => {
    const { session } = mockSession({ sources: { s1: { startResult: HR.E_FAIL } } });
    await session.SetTopology([], topology);
    await session.Start();
    const error = await session.nextEvent('MESessionStarted').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MediaEventError);
    expect((error as MediaEventError).hr).toBe(HR.E_FAIL);
    expect((error as MediaEventError).event.type).toBe(ME.MESessionStarted);
  });

  it('after a timeout, still sees an event that fired the pending subscription between reads', async () => {
    const { session, platform } = mockSession();
    await expect(session.nextEvent('MEExtendedType', { timeoutMs: 10 })).rejects.toBeInstanceOf(EventTimeoutError);
    // The timed-out read left its subscription pending; this event invokes it with no read running.
    await session.QueueEvent('MEExtendedType');
    const at = platform.clock.now;
    const event = await session.nextEvent('MEExtendedType', { timeoutMs: 10 });
    expect(event.type).toBe(ME.MEExtendedType);
    expect(platform.clock.now).toBe(at);
  });

  it('serializes concurrent reads so both resolve', async () => {
    const { session } = mockSession();
    await session.SetTopology([], topology);
    await session.Start();
    const [set, started] = await Promise.all([session.nextEvent('MESessionTopologySet'), session.nextEvent('MESessionStarted')]);
    expect(set.type).toBe(ME.MESessionTopologySet);
    expect(started.type).toBe(ME.MESessionStarted);
  });

  it('shares the subscription between two facades on one handle', async () => {
    const { session, handle } = mockSession();
    const other = createPromiseSession(handle);
    await session.SetTopology([], topology);
    await session.Start();
    await expect(session.nextEvent('MESessionTopologySet')).resolves.toMatchObject({ type: ME.MESessionTopologySet });
    await expect(other.nextEvent('MESessionStarted')).resolves.toMatchObject({ type: ME.MESessionStarted });
  });

  it('rejects with MF_E_SHUTDOWN when the session is shut down', async () => {
    const { session } = mockSession();
    await session.Shutdown();
    await expect(session.nextEvent('MESessionStarted')).rejects.toMatchObject({ hr: HR.MF_E_SHUTDOWN });
  });

  it('rejects at once, not at the timeout, when the session shuts down while it waits', async () => {
    const { session, platform, handle } = mockSession();
    platform.clock.schedule(5 * 10_000, () => handle.Shutdown());
    const error = await session.nextEvent('MESessionStarted', { timeoutMs: 1_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HResultError);
    expect((error as HResultError).hr).toBe(HR.MF_E_SHUTDOWN);
    expect(platform.clock.now).toBe(5 * 10_000);
  });

  it('rejects with MF_E_MULTIPLE_SUBSCRIBERS when the application holds the subscription', async () => {
    const { session, handle } = mockSession();
    expect(handle.BeginGetEvent('app')).toBe(HR.S_OK);
    await expect(session.nextEvent('MESessionStarted')).rejects.toMatchObject({ hr: HR.MF_E_MULTIPLE_SUBSCRIBERS });
  });

  it('rejects an unknown event name with E_INVALIDARG', async () => {
    const { session } = mockSession();
    await expect(session.nextEvent('MENoSuchEvent' as MediaEventName)).rejects.toMatchObject({ hr: HR.E_INVALIDARG });
  });

  it('works on the ideal platform, where everything completes at once', async () => {
    const session = createPromiseSession();
    await session.SetTopology([], topology);
    await session.Start();
    await expect(session.nextEvent('MESessionStarted', { timeoutMs: 1 })).resolves.toMatchObject({ status: HR.S_OK });
  });
});
