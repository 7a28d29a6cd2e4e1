/**
 * `mfchart/mf-native`: the real mf.dll — on Linux through the Wine bridge (`npm run setup:mf-native`
 * installs what it needs). Sessions, scenarios and the differential run against the model.
 * @packageDocumentation
 */
export * from './nativeRuntime.js';
export * from './nativeBridge.js';
export * from './createNativeSession.js';
export * from './nativeSut.js';
export * from './runNativeScenario.js';
export * from './nativeCommands.js';
