/**
 * The real mf.dll as a session under test: each ordering gets a fresh IMFMediaSession on one shared
 * bridge. After every action the SUT reads events until every accepted command has its completion
 * event (or a timeout: a completion that never comes is then a divergence, not a hang); compare it
 * with {@link settledModelSut}, which settles the same way.
 * @module
 */
import type { SessionUnderTest, SutFactory } from '../../verify/sut/SessionUnderTest.js';
import { DEFAULT_PLATFORM } from '../../verify/sut/modelSut.js';
import type { MockPlatformSpec } from '../mock/createMockPlatform.js';
import { createNativeSession, type SettleOptions } from './createNativeSession.js';
import { toWireSourceKnobs } from './wireTopology.js';

/**
 * The verifier's platform with what the JS pipeline objects really offer: {@link DEFAULT_PLATFORM}'s
 * sources without IMFRateSupport (the JS source has none). The settled model runs on the same spec.
 */
export const NATIVE_PLATFORM: MockPlatformSpec = {
  ...DEFAULT_PLATFORM,
  sources: Object.fromEntries(Object.entries(DEFAULT_PLATFORM.sources ?? {}).map(([id, knobs]) => [id, { ...knobs, fastestRate: 0 }])),
};
import type { NativeBridge } from './nativeBridge.js';

/** Options of {@link nativeSut}. */
export interface NativeSutOptions extends SettleOptions {
  /** Name in reports (default `mf-native`). */
  name?: string;
}

/**
 * A SUT factory over `bridge`, on {@link NATIVE_PLATFORM}: topologies are built from JS sources and
 * sample grabbers; platform actions reach the JS source (shutdownSource, endOfStream).
 */
export function nativeSut(bridge: NativeBridge, options: NativeSutOptions = {}): SutFactory {
  const name = options.name ?? 'mf-native';
  return {
    name,
    create(): SessionUnderTest {
      const session = createNativeSession(bridge);
      session.platform = NATIVE_PLATFORM;
      return {
        name,
        platformSpec: NATIVE_PLATFORM,
        get state() {
          return session.state;
        },
        invoke: (call) => session.invoke(call),
        platform(action) {
          // Real time passes on its own; settling after each step already waited for the work due.
          if (action.platform === 'advanceClock') return;
          // A source no topology named yet exists on the mock too: the bridge makes it with the same knobs.
          session.pipeline({ action: action.platform, source: action.source, knobs: toWireSourceKnobs(NATIVE_PLATFORM.sources?.[action.source]) });
        },
        readEvents: () => session.settle(options),
        dispose: () => session.dispose(),
      };
    },
  };
}
