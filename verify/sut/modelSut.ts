/**
 * SUTs on the mock platform: {@link modelSut}, our session as the reference, and {@link mockSut},
 * the same with planted contract faults (`adapters/mock/contractFaults.ts`).
 * @module
 */
import { HR } from '../../machines/hresult.js';
import type { MediaEvent } from '../../machines/types.js';
import { createSession, type MediaSessionHandle } from '../../actors/createSession.js';
import { createMockPlatform, type MockPlatform, type MockPlatformSpec } from '../../adapters/mock/createMockPlatform.js';
import { createFaultySession, type ContractFault } from '../../adapters/mock/contractFaults.js';
import type { SessionUnderTest, SutFactory } from './SessionUnderTest.js';
import { GET_EVENT_NO_WAIT, toSessionCall } from './sutActions.js';

/**
 * The platform the verifier's orderings run on: two sources (`s2` cannot pause and is not
 * seekable, so failures are reachable) and two sinks. Topologies may name only these objects.
 */
export const DEFAULT_PLATFORM: MockPlatformSpec = {
  sources: { s1: {}, s2: { canPause: false, seekable: false } },
  sinks: { k1: {}, k2: {} },
};

/** Options of the mock SUTs. */
export interface MockSutOptions {
  /** The mock platform's objects (default {@link DEFAULT_PLATFORM}). */
  platform?: MockPlatformSpec;
}

/** A bound on the events one read takes. */
const MAX_EVENTS_PER_READ = 1000;

/** A session on a fresh mock platform, as a SUT. */
export interface MockSessionUnderTestOptions {
  name: string;
  platformSpec: MockPlatformSpec;
  /** Makes the session on the platform's adapter (default: `createSession`). */
  make?: (options: { adapter: MockPlatform['adapter'] }) => MediaSessionHandle;
  /** Lets the platform work before the events are read (default: `adapter.settle()`, what is due now). */
  settle?: (platform: MockPlatform, session: MediaSessionHandle) => void;
}

/** Our session on the mock platform as a {@link SessionUnderTest}: the model side of differential runs. */
export function mockSessionUnderTest({ name, platformSpec, make = createSession, settle = (platform) => platform.adapter.settle() }: MockSessionUnderTestOptions): SessionUnderTest {
  const platform = createMockPlatform(platformSpec);
  const session = make({ adapter: platform.adapter });
  return {
    name,
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
      switch (action.platform) {
        case 'advanceClock':
          return platform.clock.advanceBy(action.hns);
        case 'shutdownSource':
          return platform.shutdownSource(action.source);
        case 'endOfStream':
          return platform.endOfStream(action.source, action.stream);
      }
    },
    readEvents() {
      settle(platform, session);
      return drainEvents(session);
    },
    dispose() {
      shutdownAndRelease(session);
    },
  };
}

/** Reads every queued event with GetEvent(NO_WAIT); bounded, so a SUT that never runs dry (a fault) cannot hang the verifier. */
function drainEvents(session: MediaSessionHandle): MediaEvent[] {
  const events: MediaEvent[] = [];
  while (events.length < MAX_EVENTS_PER_READ) {
    const { hr, out } = session.call({ ...GET_EVENT_NO_WAIT });
    if (hr !== HR.S_OK || !out) break;
    events.push(out as MediaEvent);
  }
  return events;
}

/** Ends a model session as an application should: Shutdown (unless already shut down), then Release. */
function shutdownAndRelease(session: MediaSessionHandle): void {
  if (session.released) return;
  if (session.state !== 'shutdown') session.Shutdown();
  session.Release();
}

/** Our session on the mock platform: the reference every SUT is compared with. */
export function modelSut(options: MockSutOptions = {}): SutFactory {
  const spec = options.platform ?? DEFAULT_PLATFORM;
  return { name: 'model', create: () => mockSessionUnderTest({ name: 'model', platformSpec: spec }) };
}

/**
 * The mock platform with planted faults. Always the fault wrapper, even with no fault (named `mock`):
 * so `mock` against the model also checks that the wrapper itself changes nothing.
 */
export function mockSut(faults: readonly ContractFault[] = [], options: MockSutOptions = {}): SutFactory {
  const spec = options.platform ?? DEFAULT_PLATFORM;
  const name = faults.length === 0 ? 'mock' : `mock:${faults.join(',')}`;
  return { name, create: () => mockSessionUnderTest({ name, platformSpec: spec, make: (o) => createFaultySession(o, faults) }) };
}
