/**
 * The reference a real platform is compared with: our session on the mock platform, except that
 * after every action it lets simulated time run until no command is pending and no platform work is
 * scheduled. A real mf.dll
 * completes commands on its own threads within milliseconds and cannot be held mid-command, so the
 * mf-native SUT also reads events only once every accepted command has completed; both sides are
 * then compared at the same points.
 * @module
 */
import type { MockPlatformSpec } from '../../adapters/mock/createMockPlatform.js';
import type { SessionUnderTest, SutFactory } from '../../verify/sut/SessionUnderTest.js';
import { DEFAULT_PLATFORM, mockSessionUnderTest } from '../../verify/sut/modelSut.js';

/** One mock pipeline step (1 ms): the unit time advances by while commands are pending. */
const STEP_HNS = 10_000;
/** Bounds the settling, so a model bug cannot hang the verifier. */
const MAX_STEPS = 10_000;

function settledSession(platformSpec: MockPlatformSpec): SessionUnderTest {
  return mockSessionUnderTest({
    name: 'model (settled)',
    platformSpec,
    settle(platform, session) {
      platform.adapter.settle();
      // Pending commands, and platform work already under way (an end of stream the sinks still have
      // to render): the real platform finishes both on its own within milliseconds.
      for (let step = 0; step < MAX_STEPS && session.state !== 'shutdown' && (session.context.commands.length > 0 || platform.clock.nextDue() !== undefined); step++) platform.clock.advanceBy(STEP_HNS);
    },
  });
}

/** The settled model on {@link DEFAULT_PLATFORM} (or `platform`). */
export function settledModelSut(platform: MockPlatformSpec = DEFAULT_PLATFORM): SutFactory {
  return { name: 'model (settled)', create: () => settledSession(platform) };
}
