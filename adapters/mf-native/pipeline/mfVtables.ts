/**
 * Vtable slots of the Media Foundation interfaces the pipeline calls or implements (IUnknown is
 * 0-2 everywhere; IMFAttributes adds 30 methods, 3-32). Checked against Wine 8.0's IDL; `[call_as]`
 * remote methods take no slot.
 * @module
 */
export const VT = {
  IMFAttributes: { GetUINT32: 7, GetUINT64: 8, GetUnknown: 17, SetUINT32: 21, SetUINT64: 22, SetGUID: 24, SetUnknown: 27 },
  IMFMediaEventGenerator: { GetEvent: 3, BeginGetEvent: 4, EndGetEvent: 5, QueueEvent: 6 },
  IMFMediaEventQueue: { GetEvent: 3, BeginGetEvent: 4, EndGetEvent: 5, QueueEvent: 6, QueueEventParamVar: 7, QueueEventParamUnk: 8, Shutdown: 9 },
  IMFMediaEvent: { GetType: 33, GetExtendedType: 34, GetStatus: 35, GetValue: 36 },
  IMFMediaSource: { GetCharacteristics: 7, CreatePresentationDescriptor: 8, Start: 9, Stop: 10, Pause: 11, Shutdown: 12 },
  IMFMediaStream: { GetMediaSource: 7, GetStreamDescriptor: 8, RequestSample: 9 },
  IMFPresentationDescriptor: { GetStreamDescriptorCount: 33, GetStreamDescriptorByIndex: 34, SelectStream: 35, DeselectStream: 36, Clone: 37 },
  IMFStreamDescriptor: { GetStreamIdentifier: 33, GetMediaTypeHandler: 34 },
  IMFMediaTypeHandler: { SetCurrentMediaType: 6 },
  IMFTopology: { GetTopologyID: 33, AddNode: 34 },
  IMFTopologyNode: { SetObject: 33, GetObject: 34, ConnectOutput: 40 },
  IMFSample: { SetSampleTime: 36, SetSampleDuration: 38, AddBuffer: 42 },
  IMFMediaBuffer: { Lock: 3, Unlock: 4, SetCurrentLength: 6 },
  IMFAsyncResult: { GetState: 3, GetStatus: 4 },
  IMFActivate: { ActivateObject: 33, ShutdownObject: 34 },
  IMFMediaSink: { GetStreamSinkByIndex: 7, Shutdown: 11 },
  IMFMediaSession: { BeginGetEvent: 4, EndGetEvent: 5, SetTopology: 7, Start: 9, Pause: 10, Stop: 11, Close: 12, Shutdown: 13, GetSessionCapabilities: 15 },
} as const;

/** MF_TOPOLOGY_TYPE. */
export const TOPOLOGY_NODE = { OUTPUT: 0, SOURCESTREAM: 1, TRANSFORM: 2, TEE: 3 } as const;
/** VARTYPE values used in PROPVARIANTs. */
export const VT_TYPE = { VT_EMPTY: 0, VT_R4: 4, VT_UNKNOWN: 13, VT_UI4: 19, VT_I8: 20, VT_UI8: 21 } as const;
/** sizeof(PROPVARIANT) on x64: vt, three reserved WORDs, a 16-byte union. */
export const PROPVARIANT_SIZE = 24;
