/**
 * mfchart: executable XState v5 statecharts of the Windows Media Foundation media session, the
 * session runtime (one actor per session, a host for many, a Promise facade), and the platforms
 * it runs on (ideal and simulated).
 *
 * Subpath exports keep heavy or platform-bound parts out of this entry: `mfchart/rxjs` and
 * `mfchart/fp-ts` (facades; importing the package never loads rxjs or the optional fp-ts peer),
 * `mfchart/verify`, `mfchart/push`, `mfchart/mf-native`, `mfchart/inspect`, and `mfchart/browser`
 * (this entry without Node built-ins).
 * @packageDocumentation
 */

// Everything a browser can load: the model, the runtime, the platforms, scenarios as data.
export * from './browser.js';

// Scenarios from files: what `mfchart run` does.
export * from './verify/scenario/runScenarioFiles.js';
