/**
 * Figure 3: sessions created, shut down and released per second, against bare actors created,
 * started and stopped.
 * @module
 */
import { createActor } from 'xstate';
import { createSession } from '../actors/createSession.js';
import { createSessionHost } from '../actors/createSessionHost.js';
import { idealAdapter } from '../adapters/idealAdapter.js';
import { HR } from '../machines/hresult.js';
import type { MediaSessionHandle } from '../actors/createSession.js';
import { bareMachine } from './bareMachine.js';
import { compareRates, type RateOptions, type RateResult, type RateSide } from './harness.js';

/** The figure's outcome. */
export interface LifecycleResult {
  /** Through the session host: the figure. */
  readonly session: RateResult;
  /** Diagnostic: createSession() without a host. */
  readonly plain: RateResult;
  /** Diagnostic: the session statechart's actor created, sent Shutdown and stopped, without the handle. */
  readonly machineActor: RateResult;
  readonly bare: RateResult;
}

/** Shutdown (checked S_OK), then Release (checked: no leak). */
function shutDownAndRelease(session: MediaSessionHandle): void {
  if (session.Shutdown() !== HR.S_OK) throw new Error('Shutdown failed');
  if (session.Release().leak) throw new Error('Release reported a leak after Shutdown');
}

/** host.create → Shutdown → Release, on the ideal adapter; the host forgets each released session. */
function hostSide(): RateSide {
  const host = createSessionHost();
  return {
    name: 'session host: host.create → Shutdown → Release (figure)',
    run(count) {
      for (let i = 0; i < count; i++) shutDownAndRelease(host.create());
      if (host.size !== 0) throw new Error('the host kept released sessions');
      return count;
    },
  };
}

/** Diagnostic: createSession without a host. */
const plainSide: RateSide = {
  name: 'createSession → Shutdown → Release',
  run(count) {
    for (let i = 0; i < count; i++) shutDownAndRelease(createSession());
    return count;
  },
};

/** Diagnostic: the statechart actor without the handle. */
const machineActorSide: RateSide = {
  name: 'session statechart actor: create → start → Shutdown event → stop',
  run(count) {
    for (let i = 0; i < count; i++) {
      const actor = createActor(idealAdapter.machine, { input: { key: i + 1 } }).start();
      actor.send({ type: 'session.Shutdown', now: 0 });
      actor.stop();
    }
    return count;
  },
};

/** The baseline: a bare actor created, started and stopped. */
const bareSide: RateSide = {
  name: 'bare XState actor: create → start → stop (baseline)',
  run(count) {
    for (let i = 0; i < count; i++) createActor(bareMachine).start().stop();
    return count;
  },
};

/** Measures figure 3. */
export function measureLifecycle(options: RateOptions): LifecycleResult {
  const [session, plain, machineActor, bare] = compareRates([hostSide(), plainSide, machineActorSide, bareSide], options);
  return { session, plain, machineActor, bare };
}
