/**
 * `mfchart/inspect`: the live inspector (WebSocket on 127.0.0.1 with a token, the offline page, trace
 * → scenario) and the statechart diagrams (Mermaid, DOT, SCXML). Node only.
 * @packageDocumentation
 */
export * from './live/protocol.js';
export * from './live/createLiveInspector.js';
export * from './live/startInspect.js';
export * from './live/traceToScenario.js';
export * from './diagram/index.js';
