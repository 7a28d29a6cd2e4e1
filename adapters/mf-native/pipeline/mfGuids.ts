/**
 * GUIDs of the Media Foundation interfaces and attributes the pipeline objects use, checked against
 * Wine 8.0's `include/mfidl.idl`, `mfobjects.idl` and `mfapi.h`.
 * @module
 */

/** Interface IDs. */
export const IID = {
  IMFMediaEventGenerator: '2cd0bd52-bcd5-4b89-b62c-eadc0c031e7d',
  IMFMediaSource: '279a808d-aec7-40c8-9c6b-a6b492c78a66',
  IMFMediaStream: 'd182108f-4ec6-443f-aa42-a71106ec825f',
  IMFClockStateSink: 'f6696e82-74f7-4f3d-a178-8a5e09c3659f',
  IMFSampleGrabberSinkCallback: '8c7b80bf-ee42-4b59-b1df-55668e1bdca8',
  IMFMediaSink: '6ef2a660-47c0-4666-b13d-cbb717f2fa2c',
} as const;

/** Attribute keys and format GUIDs. */
export const MFGUID = {
  GUID_NULL: '00000000-0000-0000-0000-000000000000',
  MFMediaType_Audio: '73647561-0000-0010-8000-00aa00389b71',
  MFAudioFormat_PCM: '00000001-0000-0010-8000-00aa00389b71',
  MF_MT_MAJOR_TYPE: '48eba18e-f8c9-4687-bf11-0a74c9f96a8f',
  MF_MT_SUBTYPE: 'f7e34c9a-42e8-4714-b74b-cb29d72c35e5',
  MF_MT_AUDIO_NUM_CHANNELS: '37e48bf5-645e-4c5b-89de-ada9e29b696a',
  MF_MT_AUDIO_SAMPLES_PER_SECOND: '5faeeae7-0290-4c31-9e8a-c534f68d9dba',
  MF_MT_AUDIO_BITS_PER_SAMPLE: 'f2deb57f-40fa-4764-aa33-ed4f2d1ff669',
  MF_MT_AUDIO_BLOCK_ALIGNMENT: '322de230-9eeb-43bd-ab7a-ff412251541d',
  MF_MT_AUDIO_AVG_BYTES_PER_SECOND: '1aab75c8-cfef-451c-ab95-ac034b8e1731',
  MF_MT_ALL_SAMPLES_INDEPENDENT: 'c9173739-5e56-461c-b713-46fb995cb95f',
  MF_PD_DURATION: '6c990d33-bb8e-477a-8598-0d5d96fcd88a',
  MF_TOPONODE_SOURCE: '835c58ec-e075-4bc7-bcba-4de000df9ae6',
  MF_TOPONODE_PRESENTATION_DESCRIPTOR: '835c58ed-e075-4bc7-bcba-4de000df9ae6',
  MF_TOPONODE_STREAM_DESCRIPTOR: '835c58ee-e075-4bc7-bcba-4de000df9ae6',
  MF_TOPONODE_NOSHUTDOWN_ON_REMOVE: '14932f9c-9087-4bb4-8412-5167145cbe04',
  MF_SAMPLEGRABBERSINK_IGNORE_CLOCK: '0efda2c0-2b69-4e2e-ab8d-46dcbff7d25d',
  MFSampleExtension_Token: '8294da66-f328-4805-b551-00deb4c57a61',
} as const;
