// The real mf.dll through the Wine bridge: binding-level facts, batching, health checks, a crash
// reported as a failed session, and a teardown that leaves no Wine process behind.
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HR } from '../machines/hresult.js';
import { ME } from '../machines/mediaEventType.js';
import { startNativeBridge, type NativeBridge } from '../adapters/mf-native/nativeBridge.js';
import { createNativeSession, NativeSessionFailed } from '../adapters/mf-native/createNativeSession.js';
import { findNativeRuntime, MfNativeSetupError, SETUP_COMMAND } from '../adapters/mf-native/nativeRuntime.js';
import { mfNativeUnavailable, wineProcessesIn } from './mfNativeSetup.js';

describe('mf-native runtime lookup', () => {
  it('names the setup command when the Windows runtime is missing', () => {
    const env = { ...process.env, MFCHART_MF_NATIVE_HOME: '/nonexistent/mfchart-cache', PATH: process.env.PATH };
    let error: unknown;
    try {
      findNativeRuntime(env);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(MfNativeSetupError);
    expect((error as Error).message).toContain(SETUP_COMMAND);
  });

  it('names the setup command when Wine is not on PATH', () => {
    expect(() => findNativeRuntime({ ...process.env, PATH: '/nonexistent' })).toThrow(/Wine is not installed.*npm run setup:mf-native/);
  });
});

describe.skipIf(mfNativeUnavailable())('mf-native bridge (real mf.dll under Wine)', () => {
  let bridge: NativeBridge;
  beforeAll(() => {
    bridge = startNativeBridge();
  });
  afterAll(() => {
    bridge?.close();
  });

  it('starts Windows node with koffi, CoInitializeEx and MFStartup S_OK', () => {
    expect(bridge.ready).toMatchObject({ ready: true, startup: { CoInitializeEx: 0, MFStartup: 0 } });
    expect(bridge.ready?.node).toMatch(/^v2[02]\./);
  });

  it('fresh session: GetEvent(NO_WAIT) MF_E_NO_EVENTS_AVAILABLE, caps 0, clock INVALID', () => {
    const session = createNativeSession(bridge);
    expect(session.createHr).toBe(HR.S_OK);
    expect(session.getEvent().hr).toBe(HR.MF_E_NO_EVENTS_AVAILABLE);
    expect(session.session({ method: 'GetSessionCapabilities' })).toEqual({ hr: HR.S_OK, out: 0 });
    expect(session.session({ method: 'GetSessionCapabilities', nullPointer: true }).hr).toBe(HR.E_POINTER);
    expect(session.keepClock().hr).toBe(HR.S_OK);
    expect(session.clock({ method: 'GetState' })).toEqual({ hr: HR.S_OK, out: 'INVALID' });
    expect(session.clock({ method: 'GetTime' }).hr).toBe(HR.MF_E_CLOCK_NO_TIME_SOURCE);
    expect(session.session({ method: 'GetRate' })).toEqual({ hr: HR.S_OK, out: { thin: false, rate: 1 } });
    session.dispose();
  });

  it('fresh Stop: S_OK, then MESessionStopped arrives from the work queue', () => {
    const session = createNativeSession(bridge);
    expect(session.invoke({ call: 'Stop' }).hr).toBe(HR.S_OK);
    expect(session.outstanding).toBe(1);
    const events = session.settle();
    expect(events.map((event) => event.type)).toEqual([ME.MESessionStopped]);
    expect(session.outstanding).toBe(0);
    session.dispose();
  });

  it('Close then Stop: MESessionClosed(S_OK), then MESessionStopped(MF_E_INVALIDREQUEST)', () => {
    const session = createNativeSession(bridge);
    session.invoke({ call: 'Close' });
    session.invoke({ call: 'Stop' });
    const events = session.settle();
    expect(events.map((event) => [event.type, event.status])).toEqual([
      [ME.MESessionClosed, HR.S_OK],
      [ME.MESessionStopped, HR.MF_E_INVALIDREQUEST],
    ]);
    expect(session.state).toBe('closed');
    session.dispose();
  });

  it('after Shutdown every method answers MF_E_SHUTDOWN; Release after Shutdown is no leak', () => {
    const session = createNativeSession(bridge);
    expect(session.invoke({ call: 'Shutdown' }).hr).toBe(HR.S_OK);
    for (const call of ['Stop', 'Close', 'Pause', 'GetClock', 'Shutdown', 'ClearTopologies'] as const) expect(session.invoke({ call }).hr, call).toBe(HR.MF_E_SHUTDOWN);
    expect(session.getEvent().hr).toBe(HR.MF_E_SHUTDOWN);
    expect(session.release()).toEqual({ leak: false });
    expect(bridge.call1({ op: 'stats' }).handles).toEqual([]);
  });

  it('Release without Shutdown is observable as a leak, and every object is released once', () => {
    const session = createNativeSession(bridge);
    session.keepClock();
    expect(session.release()).toEqual({ leak: true });
    expect(() => session.release()).toThrow(/already released/);
    expect(bridge.call1({ op: 'stats' }).handles).toEqual([]);
    const stale = bridge.call1({ op: 'session', h: session.handle!, method: 'Stop' });
    expect(stale.error).toMatch(/already released/);
  });

  it('MFCreateMediaSession takes the creation attributes (unregistered loader, GUID_NULL quality manager)', () => {
    const session = createNativeSession(bridge, { MF_SESSION_TOPOLOADER: '{deadbeef-0000-4000-8000-000000000001}', MF_SESSION_QUALITY_MANAGER: 'GUID_NULL', MF_SESSION_GLOBAL_TIME: true, MF_LOW_LATENCY: true });
    expect(session.createHr).toBe(HR.S_OK);
    session.dispose();
  });

  it('runs a batch of many calls in one round trip', () => {
    const session = createNativeSession(bridge);
    const results = bridge.call(Array.from({ length: 500 }, () => ({ op: 'session' as const, h: session.handle!, method: 'GetSessionCapabilities' as const })));
    expect(results).toHaveLength(500);
    expect(results.every((result) => result.hr === HR.S_OK && result.caps === 0)).toBe(true);
    session.dispose();
  });

  it('BeginGetEvent with a JS callback: Invoke reaches the bridge, EndGetEvent(pending) returns the event and consumes the subscription', () => {
    const session = createNativeSession(bridge);
    const late = bridge.call1({ op: 'stats' }).lateComCalls;
    const begin = (callback: string) => session.session({ method: 'BeginGetEvent', callback, state: null }).hr;
    const end = (result: 'pending' | 'foreign') => session.session({ method: 'EndGetEvent', result, waitMs: 5_000 });
    const queue = (status: number) => session.session({ method: 'QueueEvent', type: ME.MEExtendedType, status }).hr;
    // Subscribed first, event later: the callback is invoked when the event comes.
    expect(begin('cbA')).toBe(HR.S_OK);
    expect(session.getEvent().hr).toBe(HR.MF_E_MULTIPLE_SUBSCRIBERS);
    expect(end('foreign').hr).toBe(HR.E_FAIL);
    expect(queue(HR.E_ABORT)).toBe(HR.S_OK);
    expect(end('pending')).toEqual({ hr: HR.S_OK, out: { type: ME.MEExtendedType, status: HR.E_ABORT, value: { vt: 'VT_EMPTY' } } });
    expect(end('pending').hr).toBe(HR.E_FAIL);
    // Event first, subscribed later: the callback is posted at once (here: during BeginGetEvent itself).
    expect(queue(HR.S_OK)).toBe(HR.S_OK);
    expect(begin('cbB')).toBe(HR.S_OK);
    expect(end('pending')).toMatchObject({ hr: HR.S_OK, out: { type: ME.MEExtendedType, status: HR.S_OK } });
    expect(session.observePipeline(false).invocations).toEqual(['cbA', 'cbB']);
    // A subscription no event reaches is never invoked: there is no pending result to pass.
    expect(begin('cbA')).toBe(HR.S_OK);
    expect(() => session.session({ method: 'EndGetEvent', result: 'pending', waitMs: 50 })).toThrow(/no callback of this session was invoked within 50 ms/);
    expect(session.session({ method: 'Shutdown' }).hr).toBe(HR.S_OK);
    expect(end('foreign').hr).toBe(HR.MF_E_SHUTDOWN);
    expect(session.release()).toEqual({ leak: false });
    expect(bridge.call1({ op: 'stats' })).toMatchObject({ handles: [], lateComCalls: late });
  });

  it('answers a health check within its timeout', () => {
    const health = bridge.ping(5_000);
    expect(health.ok).toBe(true);
    expect(health.handles).toBe(0);
  });

  it('a crash fails the sessions it held (never a hang) and the next call runs on a new bridge', () => {
    const session = createNativeSession(bridge);
    const generation = bridge.generation;
    const crashedPrefix = bridge.prefix;
    expect(() => bridge.call([{ op: 'crash', code: 3 }], 10_000)).toThrow(/exited \(code 3\)/);
    expect(bridge.alive).toBe(false);
    expect(() => session.invoke({ call: 'Stop' })).toThrow(NativeSessionFailed);
    expect(session.failure).toMatch(/gone/);
    session.dispose();
    const next = createNativeSession(bridge);
    expect(bridge.generation).toBe(generation + 1);
    // The crashed bridge's prefix is torn down before the new one starts (no leftover wineserver or folder).
    expect(bridge.prefix).not.toBe(crashedPrefix);
    expect(existsSync(crashedPrefix)).toBe(false);
    expect(wineProcessesIn(crashedPrefix)).toEqual([]);
    expect(next.invoke({ call: 'Stop' }).hr).toBe(HR.S_OK);
    next.dispose();
  });

  it('teardown stops the prefix wineserver and leaves no Wine process', async () => {
    const own = startNativeBridge();
    const prefix = own.prefix;
    const [{ session }] = own.call([{ op: 'MFCreateMediaSession' }]) as [{ session: number }];
    expect(wineProcessesIn(prefix).length).toBeGreaterThan(0);
    const bye = own.close();
    // The bridge releases what the caller forgot, and reports it.
    expect(bye?.leaked).toEqual([{ h: session, kind: 'session' }]);
    for (let i = 0; i < 40 && wineProcessesIn(prefix).length > 0; i++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(wineProcessesIn(prefix)).toEqual([]);
    expect(existsSync(prefix)).toBe(false);
  });
});
