import { describe, expect, it } from 'vitest';
import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import * as mf from '../actors/fp-ts.js';
import { EventTimeoutError, MediaEventError } from '../actors/promise.js';
import { createSession } from '../actors/createSession.js';
import { createMockPlatform, type MockPlatformSpec } from '../adapters/mock/createMockPlatform.js';
import { HR, HResultError, WAIT_TIMEOUT } from '../machines/hresult.js';
import { ME } from '../machines/mediaEventType.js';
import { sourceToSink, faultingAdapter } from './fixtures.js';

const topology = sourceToSink;

function mockSession(spec: MockPlatformSpec = {}) {
  const platform = createMockPlatform(spec);
  return { platform, handle: createSession({ adapter: platform.adapter }) };
}

/** The Left of an Either, failing the test on a Right. */
function leftOf<L, R>(either: E.Either<L, R>): L {
  if (E.isRight(either)) throw new Error(`expected a Left, got Right ${JSON.stringify(either.right)}`);
  return either.left;
}

describe('fp-ts facade: calls', () => {
  it('is Right with the HRESULT when the call succeeds', async () => {
    const { handle } = mockSession();
    await expect(mf.setTopology(handle, [], topology)()).resolves.toEqual(E.right(HR.S_OK));
    await expect(mf.start(handle, { vt: 'VT_EMPTY' })()).resolves.toEqual(E.right(HR.S_OK));
  });

  it('is Left with an HResultError for a failure HRESULT', async () => {
    const { handle } = mockSession();
    const error = leftOf(await mf.start(handle, null)());
    expect(error).toBeInstanceOf(HResultError);
    expect(error.hr).toBe(HR.E_POINTER);
    expect(error.message).toMatch(/^Start: E_POINTER/);
  });

  it('is Left with MF_E_SHUTDOWN for calls after Shutdown', async () => {
    const { handle } = mockSession();
    expect(await mf.shutdown(handle)()).toEqual(E.right(HR.S_OK));
    for (const task of [mf.pause(handle), mf.stop(handle), mf.close(handle), mf.clearTopologies(handle), mf.setRate(handle, false, 1)]) {
      expect(leftOf(await task()).hr).toBe(HR.MF_E_SHUTDOWN);
    }
  });

  it('does not call the session until the task runs', async () => {
    const { handle } = mockSession();
    const task = mf.setTopology(handle, [], topology);
    expect(handle.context.commands).toEqual([]);
    await task();
    expect(handle.context.commands.map((command) => command.kind)).toEqual(['SetTopology']);
  });

  it('is Left (not a rejected Promise) when the session was released', async () => {
    const { handle } = mockSession();
    handle.Shutdown();
    handle.Release();
    const error = leftOf(await mf.start(handle)());
    expect(error).toBeInstanceOf(HResultError);
    expect(error.hr).toBe(HR.E_UNEXPECTED);
    expect(error.message).toMatch(/released/);
  });

  it('is Left with E_UNEXPECTED when the call faults the session actor', async () => {
    const handle = createSession({ adapter: faultingAdapter });
    expect(leftOf(await mf.shutdown(handle)()).hr).toBe(HR.E_UNEXPECTED);
  });
});

describe('fp-ts facade: nextEvent', () => {
  it('composes a play sequence that waits on simulated time for each completion', async () => {
    const { platform, handle } = mockSession();
    const play = pipe(
      mf.setTopology(handle, [], topology),
      TE.chain(() => mf.nextEvent(handle, 'MESessionTopologySet')),
      TE.chain(() => mf.start(handle)),
      TE.chain(() => mf.nextEvent(handle, 'MESessionStarted')),
    );
    const result = await play();
    expect(E.isRight(result) && result.right.type).toBe(ME.MESessionStarted);
    expect(handle.state).toBe('started');
    expect(platform.clock.now).toBeGreaterThan(0);
  });

  it('short-circuits a sequence at the first Left', async () => {
    const { handle } = mockSession();
    const sequence = pipe(
      mf.start(handle, null),
      TE.chain(() => mf.setTopology(handle, [], topology)),
    );
    expect(leftOf(await sequence()).hr).toBe(HR.E_POINTER);
    expect(handle.context.commands).toEqual([]);
  });

  it('is Left with a MediaEventError when the event carries a failure status', async () => {
    const { handle } = mockSession({ sources: { s1: { startResult: HR.E_FAIL } } });
    handle.SetTopology([], topology);
    handle.Start();
    const error = leftOf(await mf.nextEvent(handle, ME.MESessionStarted)());
    expect(error).toBeInstanceOf(MediaEventError);
    expect(error.hr).toBe(HR.E_FAIL);
  });

  it('is Left with WAIT_TIMEOUT when no such event arrives in time', async () => {
    const { platform, handle } = mockSession();
    const error = leftOf(await mf.nextEvent(handle, 'MESessionStarted', { timeoutMs: 20 })());
    expect(error).toBeInstanceOf(EventTimeoutError);
    expect(error.hr).toBe(WAIT_TIMEOUT);
    expect(platform.clock.now).toBe(20 * 10_000);
  });

  it('reads an event an application queued with QueueEvent', async () => {
    const { handle } = mockSession();
    expect(await mf.queueEvent(handle, 'MEExtendedType', HR.S_FALSE)()).toEqual(E.right(HR.S_OK));
    const event = await mf.nextEvent(handle, 'MEExtendedType')();
    expect(event).toEqual(E.right(expect.objectContaining({ type: ME.MEExtendedType, status: HR.S_FALSE })));
  });
});
