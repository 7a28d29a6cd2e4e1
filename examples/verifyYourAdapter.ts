/**
 * Worked example: verifying your own platform adapter against the model.
 *
 * "My platform" below is written from scratch the way an adapter author would write one: pipeline
 * operations as plain functions answering after 1 ms on their own clock, handed to
 * `providePlatform`. It has a realistic bug: closing a session that is running tears the media
 * source down before the session has finished closing, so the close reports MF_E_SHUTDOWN.
 * `runConformance` plays random orderings on it and on the model, finds the divergence, shrinks it
 * to a minimal ordering and turns it into a scenario file that `mfchart run` replays. What the
 * platform cannot do at all (kill a source, end a stream from outside) is left out of the
 * orderings with `sourceEvents: false`.
 */
import { HR } from '../machines/hresult.js';
import { defaultSinkInfo, defaultSourceInfo, describeTopology, unresolvableNode, type PlatformOps } from '../machines/idealPlatform.js';
import type { MediaEvent } from '../machines/types.js';
import { createSession } from '../actors/createSession.js';
import { providePlatform } from '../adapters/providePlatform.js';
import { SimulatedClock } from '../adapters/mock/SimulatedClock.js';
import type { PlatformAdapter, SessionLink } from '../adapters/PlatformAdapter.js';
import type { SessionUnderTest, SutFactory } from '../verify/sut/SessionUnderTest.js';
import { toSessionCall } from '../verify/sut/sutActions.js';
import { modelSut } from '../verify/sut/modelSut.js';
import type { MockPlatformSpec } from '../adapters/mock/createMockPlatform.js';
import { runConformance, type ConformanceResult } from '../verify/conformance/runConformance.js';
import { frontierOrderings } from '../verify/conformance/frontierOrderings.js';
import { counterexampleScenario } from '../verify/conformance/counterexampleScenario.js';

/**
 * My platform's objects: two plain file sources (seekable, pausable, up to 2× forward, no thinning)
 * and two sinks. The reference must hold the same objects, or the comparison measures the objects.
 */
export const MY_OBJECTS: MockPlatformSpec = { sources: { s1: {}, s2: {} }, sinks: { k1: {}, k2: {} } };

/** My sources' IMFRateSupport: rate 0 (scrub) always; else forward up to 2×, no thinning, no reverse. */
function myRateCheck(rate: number, thin: boolean): number {
  if (rate === 0) return HR.S_OK;
  if (thin) return HR.MF_E_THINNING_UNSUPPORTED;
  if (rate < 0) return HR.MF_E_REVERSE_UNSUPPORTED;
  return rate > 2 ? HR.MF_E_UNSUPPORTED_RATE : HR.S_OK;
}

/** My platform: every pipeline step answers after 1 ms; closing a running session kills the source. */
function myPlatform(): PlatformAdapter {
  const clock = new SimulatedClock();
  const links = new Map<number, SessionLink>();
  // Answer through the session's link, so what the answer causes is delivered like a call's effects.
  const later = (session: number, answer: () => void) =>
    clock.schedule(10_000, () => {
      const link = links.get(session);
      if (link) link.run(answer);
    });
  const ops: PlatformOps = {
    // An output node with no sink object cannot be resolved (unless the caller said NORESOLUTION).
    resolveTopology: (input, reply) =>
      later(input.session, () =>
        !input.noResolution && unresolvableNode(input.topology) !== undefined
          ? reply(HR.E_FAIL)
          : reply(HR.S_OK, describeTopology(input, { source: defaultSourceInfo, sink: defaultSinkInfo, transform: (id) => ({ id, async: false }) })),
      ),
    startSources: (input, reply) => later(input.session, () => reply(HR.S_OK)),
    startSinks: (input, reply) => later(input.session, () => reply(HR.S_OK)),
    pausePipeline: (input, reply) => later(input.session, () => reply(HR.S_OK)),
    stopPipeline: (input, reply) => later(input.session, () => reply(HR.S_OK)),
    // The bug: the source is shut down before the session finishes closing a running pipeline.
    closePipeline: (input, reply) => later(input.session, () => reply(input.running ? HR.MF_E_SHUTDOWN : HR.S_OK)),
    changeRate: (input, reply) => later(input.session, () => reply(myRateCheck(input.rate ?? 1, input.thin ?? false))),
  };
  return {
    name: 'my-platform',
    machine: providePlatform({ ops, now: () => clock.now, shutdownPipeline: () => {} }),
    now: () => clock.now,
    attach: (link) => void links.set(link.key, link),
    detach: (key) => void links.delete(key),
    settle: () => clock.runDue(),
    waitUntil: async (until, deadline) => {
      while (!until() && clock.nextDue() !== undefined && clock.nextDue()! <= deadline) clock.advanceTo(clock.nextDue()!);
      if (!until() && clock.now < deadline) clock.advanceTo(deadline);
      return until();
    },
  };
}

/** My platform as a session under test: the verifier's calls, time, and event reads. */
export const myPlatformSut: SutFactory = {
  name: 'my-platform',
  create(): SessionUnderTest {
    const adapter = myPlatform();
    const session = createSession({ adapter });
    return {
      name: 'my-platform',
      session,
      platformSpec: MY_OBJECTS,
      get state() {
        return session.state;
      },
      invoke: (call) => session.call(toSessionCall(call)),
      platform(action) {
        // My platform has no way to kill a source or end a stream from outside: time is all it models.
        if (action.platform === 'advanceClock') adapter.waitUntil(() => false, adapter.now() + action.hns);
      },
      readEvents() {
        adapter.settle();
        const events: MediaEvent[] = [];
        for (let { hr, out } = session.GetEvent(true); hr === HR.S_OK; { hr, out } = session.GetEvent(true)) events.push(out as MediaEvent);
        return events;
      },
      dispose() {
        if (session.state !== 'shutdown') session.Shutdown();
        session.Release();
      },
    };
  },
};

/** Runs the verification; returns the result and the counterexample as a scenario (when found). */
export async function verifyMyPlatform(seed = 7): Promise<{ result: ConformanceResult; scenario?: Record<string, unknown> }> {
  // My platform cannot shut a source down or end a stream from outside: orderings leave them out.
  const reference = modelSut({ platform: MY_OBJECTS });
  // First a shortest ordering to every kind of state the model reaches (the explorer's frontier), then random ones.
  const examples = frontierOrderings({ depth: 6, sourceEvents: false });
  const result = await runConformance({ sut: myPlatformSut, reference, runs: 300, seed, mode: 'async', sourceEvents: false, examples });
  const scenario = result.counterexample
    ? counterexampleScenario(result.counterexample, { sut: myPlatformSut.name, seed, mode: 'async', platform: MY_OBJECTS })
    : undefined;
  return { result, scenario };
}
