/**
 * SUTs on the mock platform: {@link modelSut}, our session as the reference, and {@link mockSut},
 * the same with planted contract faults (`adapters/mock/contractFaults.ts`).
 * @module
 */
import { HR } from '../../machines/hresult.js';
import type { MediaEvent } from '../../machines/types.js';
import { createSession, type MediaSessionHandle } from '../../actors/createSession.js';
import { createMockPlatform, type MockPlatformSpec } from '../../adapters/mock/createMockPlatform.js';
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

function mockSessionUnderTest(name: string, platformSpec: MockPlatformSpec, make: (options: { adapter: ReturnType<typeof createMockPlatform>['adapter'] }) => MediaSessionHandle): SessionUnderTest {
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
      platform.adapter.settle();
      return drainEvents(session);
    },
    dispose() {
      shutdownAndRelease(session);
    },
  };
}

/** Reads every queued event with GetEvent(NO_WAIT); bounded, so a SUT that never runs dry (a fault) cannot hang the verifier. */
export function drainEvents(session: MediaSessionHandle): MediaEvent[] {
  const events: MediaEvent[] = [];
  while (events.length < MAX_EVENTS_PER_READ) {
    const { hr, out } = session.call({ ...GET_EVENT_NO_WAIT });
    if (hr !== HR.S_OK || !out) break;
    events.push(out as MediaEvent);
  }
  return events;
}

/** Ends a model session as an application should: Shutdown (unless already shut down), then Release. */
export function shutdownAndRelease(session: MediaSessionHandle): void {
  if (session.released) return;
  if (session.state !== 'shutdown') session.Shutdown();
  session.Release();
}

/** Our session on the mock platform: the reference every SUT is compared with. */
export function modelSut(options: MockSutOptions = {}): SutFactory {
  const spec = options.platform ?? DEFAULT_PLATFORM;
  return { name: 'model', create: () => mockSessionUnderTest('model', spec, (o) => createSession(o)) };
}

/**
 * The mock platform with planted faults. Always the fault wrapper, even with no fault (named `mock`):
 * so `mock` against the model also checks that the wrapper itself changes nothing.
 */
export function mockSut(faults: readonly ContractFault[] = [], options: MockSutOptions = {}): SutFactory {
  const spec = options.platform ?? DEFAULT_PLATFORM;
  const name = faults.length === 0 ? 'mock' : `mock:${faults.join(',')}`;
  return { name, create: () => mockSessionUnderTest(name, spec, (o) => createFaultySession(o, faults)) };
}
