/**
 * mfchart: executable XState v5 statecharts of the Windows Media Foundation media session, the
 * session runtime (one actor per session, a host for many, a Promise facade), and the platforms
 * it runs on (ideal and simulated).
 *
 * The RxJS and fp-ts facades are not re-exported here: they are the subpath exports
 * `mfchart/rxjs` and `mfchart/fp-ts`, so that importing the package never loads rxjs or the
 * optional fp-ts peer.
 * @packageDocumentation
 */

// The model: catalogs, data types and the statecharts.
export * from './machines/hresult.js';
export * from './machines/mediaEventType.js';
export * from './machines/constants.js';
export * from './machines/types.js';
export * from './machines/mediaSessionMachine.js';
export * from './machines/presentationClockMachine.js';
export * from './machines/clockTable.js';
export * from './machines/sessionEvents.js';
export * from './machines/capabilities.js';

// The runtime: sessions, the host, the Promise facade.
export * from './actors/createSession.js';
export * from './actors/createSessionHost.js';
export * from './actors/promise.js';

// Platforms.
export * from './adapters/PlatformAdapter.js';
export * from './adapters/idealAdapter.js';
export * from './adapters/mock/createMockPlatform.js';
export * from './adapters/mock/SimulatedClock.js';
export * from './adapters/providePlatform.js';
export * from './machines/idealPlatform.js';
export * from './machines/clockCalls.js';

// Scenarios as a library: what `mfchart run` does.
export * from './verify/scenario/parseScenario.js';
export * from './verify/scenario/runScenario.js';
export * from './verify/scenario/runScenarioFiles.js';
