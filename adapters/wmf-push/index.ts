/**
 * `mfchart/push`: the [MS-WMHTTP] push client over TCP, the push server, the ASF reader and writer,
 * and the broadcasting media session's platform. Node only (sockets and files).
 * @packageDocumentation
 */
export * from '../../machines/pushSinkMachine.js';
export * from '../../machines/pushEvents.js';
export * from './asfReader.js';
export * from './asfFileWriter.js';
export * from './createPushClient.js';
export * from './createPushServer.js';
export * from './pushServerProfiles.js';
export * from './createBroadcastPlatform.js';
export * from './broadcastContent.js';
export * from './pushAll.js';
