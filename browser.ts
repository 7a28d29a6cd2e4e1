/**
 * mfchart for browsers (subpath export `mfchart/browser`): everything the main entry exports
 * except `verify/scenario/runScenarioFiles` (reading scenario files and directories with
 * `node:fs`), so a bundler never meets a Node built-in. Scenarios still parse and run here
 * (`parseScenario`, `runScenario`); only loading them from disk is left out.
 *
 * `test/reactPlayerExample.test.ts` keeps this list in step with `index.ts` and bundles the React
 * example from it with no Node built-in reachable.
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

// Scenarios as data: parse and play them (reading them from files is Node-only, in `mfchart`).
export * from './verify/scenario/parseScenario.js';
export * from './verify/scenario/runScenario.js';
