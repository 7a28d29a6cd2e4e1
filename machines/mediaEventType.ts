/**
 * The MediaEventType catalog (mfobjects.idl; spec §3.2): an untyped C enum, so the values are
 * sequential within each block.
 * @module
 */

/** Every MediaEventType the session, its sources and sinks use, by name. */
export const ME = {
  MEUnknown: 0,
  MEError: 1,
  MEExtendedType: 2,
  MENonFatalError: 3,
  MESessionUnknown: 100,
  MESessionTopologySet: 101,
  MESessionTopologiesCleared: 102,
  MESessionStarted: 103,
  MESessionPaused: 104,
  MESessionStopped: 105,
  MESessionClosed: 106,
  MESessionEnded: 107,
  MESessionRateChanged: 108,
  MESessionScrubSampleComplete: 109,
  MESessionCapabilitiesChanged: 110,
  MESessionTopologyStatus: 111,
  MESessionNotifyPresentationTime: 112,
  MENewPresentation: 113,
  MELicenseAcquisitionStart: 114,
  MELicenseAcquisitionCompleted: 115,
  MEIndividualizationStart: 116,
  MEIndividualizationCompleted: 117,
  MEEnablerProgress: 118,
  MEEnablerCompleted: 119,
  MEPolicyError: 120,
  MEPolicyReport: 121,
  MEBufferingStarted: 122,
  MEBufferingStopped: 123,
  MEConnectStart: 124,
  MEConnectEnd: 125,
  MEReconnectStart: 126,
  MEReconnectEnd: 127,
  MERendererEvent: 128,
  MESessionStreamSinkFormatChanged: 129,
  MESourceUnknown: 200,
  MESourceStarted: 201,
  MEStreamStarted: 202,
  MESourceSeeked: 203,
  MEStreamSeeked: 204,
  MENewStream: 205,
  MEUpdatedStream: 206,
  MESourceStopped: 207,
  MEStreamStopped: 208,
  MESourcePaused: 209,
  MEStreamPaused: 210,
  MEEndOfPresentation: 211,
  MEEndOfStream: 212,
  MEMediaSample: 213,
  MEStreamTick: 214,
  MEStreamThinMode: 215,
  MEStreamFormatChanged: 216,
  MESourceRateChanged: 217,
  MEEndOfPresentationSegment: 218,
  MESourceCharacteristicsChanged: 219,
  MESourceRateChangeRequested: 220,
  MESourceMetadataChanged: 221,
  MESequencerSourceTopologyUpdated: 222,
  MESinkUnknown: 300,
  MEStreamSinkStarted: 301,
  MEStreamSinkStopped: 302,
  MEStreamSinkPaused: 303,
  MEStreamSinkRateChanged: 304,
  MEStreamSinkRequestSample: 305,
  MEStreamSinkMarker: 306,
  MEStreamSinkPrerolled: 307,
  MEStreamSinkScrubSampleComplete: 308,
  MEStreamSinkFormatChanged: 309,
  MEStreamSinkDeviceChanged: 310,
  MEQualityNotify: 311,
  MESinkInvalidated: 312,
  MEAudioSessionNameChanged: 313,
  MEAudioSessionVolumeChanged: 314,
  MEAudioSessionDeviceRemoved: 315,
  MEAudioSessionServerShutdown: 316,
  MEAudioSessionGroupingParamChanged: 317,
  MEAudioSessionIconChanged: 318,
  MEAudioSessionFormatChanged: 319,
  MEAudioSessionDisconnected: 320,
  MEAudioSessionExclusiveModeOverride: 321,
} as const;

/** A name from the catalog. */
export type MediaEventName = keyof typeof ME;

const byValue = new Map<number, MediaEventName>();
for (const [name, value] of Object.entries(ME)) byValue.set(value, name as MediaEventName);

/** The name of an event type value, or `ME#<n>` for a value outside the catalog. */
export function eventName(type: number): string {
  return byValue.get(type) ?? `ME#${type}`;
}

/** The value of an event name, or undefined when the name is not in the catalog. */
export function eventType(name: string): number | undefined {
  return Object.prototype.hasOwnProperty.call(ME, name) ? ME[name as MediaEventName] : undefined;
}
