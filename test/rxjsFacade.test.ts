import { describe, expect, it } from 'vitest';
import { firstValueFrom, lastValueFrom, toArray, type Observable } from 'rxjs';
import { SessionFaultError, events$, records$, state$ } from '../actors/rxjs.js';
import { createSession, type MediaSessionHandle, type SessionRecord } from '../actors/createSession.js';
import { createMockPlatform } from '../adapters/mock/createMockPlatform.js';
import { HR } from '../machines/hresult.js';
import { ME } from '../machines/mediaEventType.js';
import type { MediaEvent, PublicState } from '../machines/types.js';
import { sourceToSink, faultingAdapter } from './fixtures.js';

const topology = sourceToSink;

function mockSession() {
  const platform = createMockPlatform();
  return { platform, handle: createSession({ adapter: platform.adapter }) };
}

/** Collects an Observable's values and whether (and how) it ended. */
function collect<T>(source: Observable<T>) {
  const seen = { values: [] as T[], completed: false, error: undefined as unknown };
  const subscription = source.subscribe({
    next: (value) => seen.values.push(value),
    complete: () => (seen.completed = true),
    error: (error) => (seen.error = error),
  });
  return { seen, subscription };
}

async function playToStarted(platform: ReturnType<typeof createMockPlatform>, handle: MediaSessionHandle) {
  handle.SetTopology([], topology);
  handle.Start();
  expect(await platform.adapter.waitUntil(() => handle.state === 'started', 10_000_000)).toBe(true);
}


describe('rxjs facade: state$', () => {
  it('emits the current state first, then each change as Start runs through the pipeline', async () => {
    const { platform, handle } = mockSession();
    const { seen } = collect(state$(handle));
    expect(seen.values).toEqual(['fresh']);
    await playToStarted(platform, handle);
    expect(seen.values).toEqual(['fresh', 'ready', 'started']);
    expect(seen.completed).toBe(false);
  });

  it('starts a late subscriber from the state the session is in', async () => {
    const { platform, handle } = mockSession();
    await playToStarted(platform, handle);
    await expect(firstValueFrom(state$(handle))).resolves.toBe('started');
  });

  it('never emits the same state twice in a row', async () => {
    const { platform, handle } = mockSession();
    const { seen } = collect(state$(handle));
    handle.SetTopology([], topology);
    // Calls that do not change the state (getters, a pending command) emit nothing.
    handle.GetSessionCapabilities();
    handle.QueueEvent(ME.MEExtendedType);
    await platform.adapter.waitUntil(() => handle.state === 'ready', 10_000_000);
    handle.GetClock();
    expect(seen.values).toEqual(['fresh', 'ready']);
  });

  it('completes on Release, after the shutdown a leaking Release performs', async () => {
    const { platform, handle } = mockSession();
    const all = lastValueFrom(state$(handle).pipe(toArray()));
    await playToStarted(platform, handle);
    expect(handle.Release()).toEqual({ leak: true });
    await expect(all).resolves.toEqual(['fresh', 'ready', 'started', 'shutdown'] satisfies PublicState[]);
  });

  it('emits the final state and completes at once for a session already released', async () => {
    const { handle } = mockSession();
    handle.Shutdown();
    handle.Release();
    const { seen } = collect(state$(handle));
    expect(seen.values).toEqual(['shutdown']);
    expect(seen.completed).toBe(true);
  });

  it('errors with SessionFaultError when the actor dies on an adapter error', () => {
    const handle = createSession({ adapter: faultingAdapter });
    const { seen } = collect(state$(handle));
    handle.Shutdown();
    expect(seen.error).toBeInstanceOf(SessionFaultError);
    expect((seen.error as SessionFaultError).message).toMatch(/boom/);
    expect((seen.error as SessionFaultError).session).toBe(handle.id);
    // A subscriber that comes after the fault hears of it too.
    const late = collect(state$(handle));
    expect(late.seen.error).toBeInstanceOf(SessionFaultError);
  });

  it('stops listening to the session once unsubscribed', async () => {
    const { platform, handle } = mockSession();
    const { seen, subscription } = collect(state$(handle));
    subscription.unsubscribe();
    await playToStarted(platform, handle);
    expect(seen.values).toEqual(['fresh']);
  });
});

describe('rxjs facade: events$', () => {
  it('emits every event the session queues, in order, and completes on Release', async () => {
    const { platform, handle } = mockSession();
    const all = lastValueFrom(events$(handle).pipe(toArray()));
    await playToStarted(platform, handle);
    const queued = [...handle.context.events];
    handle.Shutdown();
    handle.Release();
    const events = await all;
    expect(events).toEqual<MediaEvent[]>(queued);
    expect(events.map((event) => event.type)).toContain(ME.MESessionTopologySet);
    expect(events.at(-1)?.type).toBe(ME.MESessionStarted);
  });

  it('emits events even when the application has already read them from the queue', async () => {
    const { platform, handle } = mockSession();
    const { seen } = collect(events$(handle));
    handle.SetTopology([], topology);
    await platform.adapter.waitUntil(() => handle.state === 'ready', 10_000_000);
    while (handle.GetEvent(true).hr === HR.S_OK);
    expect(handle.context.events).toEqual([]);
    expect(seen.values.map((event) => event.type)).toContain(ME.MESessionTopologySet);
  });
});

describe('rxjs facade: records$', () => {
  it('emits calls with their HRESULTs, events and state changes, and completes on Release', async () => {
    const { platform, handle } = mockSession();
    const all = lastValueFrom(records$(handle).pipe(toArray()));
    handle.Start(null);
    await playToStarted(platform, handle);
    handle.Shutdown();
    handle.Release();
    const records = await all;
    const kinds = new Set(records.map((record) => record.kind));
    expect(kinds).toEqual(new Set(['call', 'event', 'state']));
    expect(records[0]).toMatchObject<Partial<SessionRecord>>({ kind: 'call', method: 'session.Start', hr: HR.E_POINTER });
    // A call's record follows the records of what the call did.
    expect(records.slice(-2)).toMatchObject([
      { kind: 'state', state: 'shutdown' },
      { kind: 'call', method: 'session.Shutdown', hr: HR.S_OK },
    ]);
  });

  it('emits the fault record, then errors', () => {
    const handle = createSession({ adapter: faultingAdapter });
    const { seen } = collect(records$(handle));
    handle.Shutdown();
    expect(seen.values.some((record) => record.kind === 'fault' && record.message === 'boom')).toBe(true);
    expect(seen.error).toBeInstanceOf(SessionFaultError);
  });
});
