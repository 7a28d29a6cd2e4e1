/**
 * The reference a real platform is compared with: our session on the mock platform, except that
 * after every action it lets simulated time run until no command is pending and no platform work is
 * scheduled. A real mf.dll
 * completes commands on its own threads within milliseconds and cannot be held mid-command, so the
 * mf-native SUT also reads events only once every accepted command has completed; both sides are
 * then compared at the same points.
 * @module
 */
import { createSession } from '../../actors/createSession.js';
import { createMockPlatform, type MockPlatformSpec } from '../../adapters/mock/createMockPlatform.js';
import type { SessionUnderTest, SutFactory } from '../../verify/sut/SessionUnderTest.js';
import { DEFAULT_PLATFORM, drainEvents, shutdownAndRelease } from '../../verify/sut/modelSut.js';
import { toSessionCall } from '../../verify/sut/sutActions.js';

/** One mock pipeline step (1 ms): the unit time advances by while commands are pending. */
const STEP_HNS = 10_000;
/** Bounds the settling, so a model bug cannot hang the verifier. */
const MAX_STEPS = 10_000;

function settledSession(platformSpec: MockPlatformSpec): SessionUnderTest {
  const platform = createMockPlatform(platformSpec);
  const session = createSession({ adapter: platform.adapter });
  return {
    name: 'model (settled)',
    session,
    platformSpec,
    get state() {
      return session.state;
    },
    invoke(call) {
      const { hr, out } = session.call(toSessionCall(call));
      return out === undefined ? { hr } : { hr, out };
    },
    platform(action) {
      if (action.platform === 'advanceClock') return platform.clock.advanceBy(action.hns);
      if (action.platform === 'shutdownSource') return platform.shutdownSource(action.source);
      return platform.endOfStream(action.source, action.stream);
    },
    readEvents() {
      platform.adapter.settle();
      // Pending commands, and platform work already under way (an end of stream the sinks still have
      // to render): the real platform finishes both on its own within milliseconds.
      for (let step = 0; step < MAX_STEPS && session.state !== 'shutdown' && (session.context.commands.length > 0 || platform.clock.nextDue() !== undefined); step++) platform.clock.advanceBy(STEP_HNS);
      return drainEvents(session);
    },
    dispose() {
      shutdownAndRelease(session);
    },
  };
}

/** The settled model on {@link DEFAULT_PLATFORM} (or `platform`). */
export function settledModelSut(platform: MockPlatformSpec = DEFAULT_PLATFORM): SutFactory {
  return { name: 'model (settled)', create: () => settledSession(platform) };
}
