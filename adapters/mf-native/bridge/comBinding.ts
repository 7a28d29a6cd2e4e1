/**
 * The koffi layer of the bridge (runs in Windows node under Wine, or on Windows): the Win32 entry
 * points of ole32/mfplat/mf, GUIDs and PROPVARIANTs as buffers, and COM calls through an object's
 * vtable. Vtable indices follow Wine's `include/mfidl.idl` / `mfobjects.idl` (and Windows' SDK).
 * @module
 */

/** The part of koffi 3's API the bridge uses (koffi is loaded at run time from the runtime cache). */
export interface KoffiApi {
  version?: string;
  load(path: string): { func(definition: string): (...args: unknown[]) => unknown };
  proto(definition: string): unknown;
  call(pointer: unknown, type: unknown, ...args: unknown[]): unknown;
  decode(value: unknown, offset: number, type: string): unknown;
}

/** A COM interface pointer (koffi 3 represents pointers as BigInt). */
export type ComPtr = bigint;

/** 16 bytes of a GUID in memory order, from `{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}` text. */
export function guid(text: string): Buffer {
  const hex = text.replace(/[{}-]/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new Error(`not a GUID: ${text}`);
  const bytes = Buffer.alloc(16);
  bytes.writeUInt32LE(Number.parseInt(hex.slice(0, 8), 16), 0);
  bytes.writeUInt16LE(Number.parseInt(hex.slice(8, 12), 16), 4);
  bytes.writeUInt16LE(Number.parseInt(hex.slice(12, 16), 16), 6);
  Buffer.from(hex.slice(16), 'hex').copy(bytes, 8);
  return bytes;
}

/** GUIDs the bridge needs. */
export const GUIDS = {
  GUID_NULL: guid('00000000-0000-0000-0000-000000000000'),
  IID_IMFPresentationClock: guid('868ce85c-8ea9-4f55-ab82-b009a910a805'),
  IID_IMFShutdown: guid('97ec2ea4-0e42-4937-97ac-9d6d328824e1'),
  IID_IMFRateControl: guid('88ddcd21-03c3-4275-91ed-55ee3929328f'),
  MF_RATE_CONTROL_SERVICE: guid('866fa297-b802-4bf8-9dc9-5e3b6a9f53c9'),
};

/** MFCreateMediaSession creation attributes (spec §5) and their types. */
export const SESSION_ATTRIBUTES: Readonly<Record<string, { guid: Buffer; type: 'guid' | 'uint32' }>> = {
  MF_SESSION_TOPOLOADER: { guid: guid('1e83d482-1f1c-4571-8405-88f4b2181f71'), type: 'guid' },
  MF_SESSION_GLOBAL_TIME: { guid: guid('1e83d482-1f1c-4571-8405-88f4b2181f72'), type: 'uint32' },
  MF_SESSION_QUALITY_MANAGER: { guid: guid('1e83d482-1f1c-4571-8405-88f4b2181f73'), type: 'guid' },
  MF_LOW_LATENCY: { guid: guid('9c27891a-ed7a-40e1-88e8-b22727a024ee'), type: 'uint32' },
};

/** Event attributes the model reads, with the width IMFAttributes stores them in. */
export const EVENT_ATTRIBUTES: readonly { name: string; guid: Buffer; type: 'uint32' | 'uint64' }[] = [
  { name: 'MF_EVENT_TOPOLOGY_STATUS', guid: guid('30c5018d-9a53-454b-ad9e-6d5f8fa7c43b'), type: 'uint32' },
  { name: 'MF_EVENT_SESSIONCAPS', guid: guid('7e5ebcd0-11b8-4abe-afad-10f6599a7f42'), type: 'uint32' },
  { name: 'MF_EVENT_SESSIONCAPS_DELTA', guid: guid('7e5ebcd1-11b8-4abe-afad-10f6599a7f42'), type: 'uint32' },
  { name: 'MF_SESSION_APPROX_EVENT_OCCURRENCE_TIME', guid: guid('190e852f-6238-42d1-b5af-69ea338ef850'), type: 'uint64' },
  { name: 'MF_EVENT_PRESENTATION_TIME_OFFSET', guid: guid('5ad914d1-9b45-4a8d-a2c0-81d1e50bfb07'), type: 'uint64' },
  { name: 'MF_EVENT_START_PRESENTATION_TIME', guid: guid('5ad914d0-9b45-4a8d-a2c0-81d1e50bfb07'), type: 'uint64' },
  { name: 'MF_EVENT_START_PRESENTATION_TIME_AT_OUTPUT', guid: guid('5ad914d2-9b45-4a8d-a2c0-81d1e50bfb07'), type: 'uint64' },
];

/** Vtable indices (IUnknown 0-2 first in each). */
export const VT = {
  IUnknown: { QueryInterface: 0, AddRef: 1, Release: 2 },
  /** IMFMediaSession : IMFMediaEventGenerator */
  IMFMediaSession: {
    GetEvent: 3,
    BeginGetEvent: 4,
    EndGetEvent: 5,
    QueueEvent: 6,
    SetTopology: 7,
    ClearTopologies: 8,
    Start: 9,
    Pause: 10,
    Stop: 11,
    Close: 12,
    Shutdown: 13,
    GetClock: 14,
    GetSessionCapabilities: 15,
    GetFullTopology: 16,
  },
  /** IMFAttributes methods used on events (IMFMediaEvent : IMFAttributes, 30 methods from 3). */
  IMFAttributes: { GetUINT32: 7, GetUINT64: 8, SetUINT32: 21, SetGUID: 24 },
  IMFMediaEvent: { GetType: 33, GetExtendedType: 34, GetStatus: 35, GetValue: 36 },
  /** IMFPresentationClock : IMFClock */
  IMFPresentationClock: {
    GetClockCharacteristics: 3,
    GetCorrelatedTime: 4,
    GetContinuityKey: 5,
    GetState: 6,
    GetProperties: 7,
    SetTimeSource: 8,
    GetTimeSource: 9,
    GetTime: 10,
    AddClockStateSink: 11,
    RemoveClockStateSink: 12,
    Start: 13,
    Stop: 14,
    Pause: 15,
  },
  IMFShutdown: { Shutdown: 3, GetShutdownStatus: 4 },
  IMFRateControl: { SetRate: 3, GetRate: 4 },
} as const;

/** VARTYPE values read from PROPVARIANTs. */
export const VARTYPE = { VT_EMPTY: 0, VT_R4: 4, VT_UNKNOWN: 13, VT_UI4: 19, VT_I8: 20, VT_UI8: 21 } as const;

/** sizeof(PROPVARIANT) on x64. */
export const PROPVARIANT_SIZE = 24;

/** The Win32 functions and COM calling of one loaded koffi. */
export interface ComBinding {
  readonly koffi: KoffiApi;
  CoInitializeEx(): number;
  MFStartup(): number;
  MFShutdown(): number;
  MFCreateAttributes(out: unknown[], size: number): number;
  MFCreateMediaSession(config: ComPtr | null, out: unknown[]): number;
  MFCreatePresentationClock(out: unknown[]): number;
  MFCreateSystemTimeSource(out: unknown[]): number;
  /** MFCreateAsyncResult(NULL, callback, state, &result): an IMFAsyncResult no event queue made (EndGetEvent's "foreign" result). */
  MFCreateAsyncResult(callback: ComPtr | null, state: ComPtr | null, out: unknown[]): number;
  MFGetService(object: ComPtr, service: Buffer, iid: Buffer, out: unknown[]): number;
  PropVariantClear(pv: Buffer): number;
  /**
   * Calls vtable slot `index` of `object`; `parameters` is the C parameter list, `(void *self, ...)`.
   * Returns the method's 32-bit result unsigned (an HRESULT, or a reference count for AddRef/Release).
   */
  invoke(object: ComPtr, index: number, parameters: string, ...args: unknown[]): number;
}

/** MF_VERSION for MFStartup (MF_SDK_VERSION 0x2 << 16 | MF_API_VERSION 0x70). */
export const MF_VERSION = 0x20070;
/** COINIT_MULTITHREADED. */
const COINIT_MULTITHREADED = 0;

/** Loads the DLLs and declares the functions. */
export function createComBinding(koffi: KoffiApi): ComBinding {
  const ole32 = koffi.load('ole32.dll');
  const mfplat = koffi.load('mfplat.dll');
  const mf = koffi.load('mf.dll');
  const fn = {
    CoInitializeEx: ole32.func('long __stdcall CoInitializeEx(void *reserved, uint32_t flags)'),
    PropVariantClear: ole32.func('long __stdcall PropVariantClear(void *pv)'),
    MFStartup: mfplat.func('long __stdcall MFStartup(uint32_t version, uint32_t flags)'),
    MFShutdown: mfplat.func('long __stdcall MFShutdown()'),
    MFCreateAttributes: mfplat.func('long __stdcall MFCreateAttributes(_Out_ void **attributes, uint32_t size)'),
    MFCreateSystemTimeSource: mfplat.func('long __stdcall MFCreateSystemTimeSource(_Out_ void **source)'),
    MFCreateAsyncResult: mfplat.func('long __stdcall MFCreateAsyncResult(void *object, void *callback, void *state, _Out_ void **result)'),
    MFCreateMediaSession: mf.func('long __stdcall MFCreateMediaSession(void *config, _Out_ void **session)'),
    MFCreatePresentationClock: mf.func('long __stdcall MFCreatePresentationClock(_Out_ void **clock)'),
    MFGetService: mf.func('long __stdcall MFGetService(void *object, void *service, void *riid, _Out_ void **out)'),
  };
  // One prototype per distinct parameter list, parsed once; koffi type names must be unique.
  const protos = new Map<string, unknown>();
  const proto = (parameters: string) => {
    let type = protos.get(parameters);
    if (!type) {
      type = koffi.proto(`long __stdcall ComMethod${protos.size}${parameters}`);
      protos.set(parameters, type);
    }
    return type;
  };
  const hr = (value: unknown) => (value as number) >>> 0;
  return {
    koffi,
    CoInitializeEx: () => hr(fn.CoInitializeEx(null, COINIT_MULTITHREADED)),
    MFStartup: () => hr(fn.MFStartup(MF_VERSION, 0)),
    MFShutdown: () => hr(fn.MFShutdown()),
    MFCreateAttributes: (out, size) => hr(fn.MFCreateAttributes(out, size)),
    MFCreateMediaSession: (config, out) => hr(fn.MFCreateMediaSession(config, out)),
    MFCreatePresentationClock: (out) => hr(fn.MFCreatePresentationClock(out)),
    MFCreateSystemTimeSource: (out) => hr(fn.MFCreateSystemTimeSource(out)),
    MFCreateAsyncResult: (callback, state, out) => hr(fn.MFCreateAsyncResult(null, callback, state, out)),
    MFGetService: (object, service, iid, out) => hr(fn.MFGetService(object, service, iid, out)),
    PropVariantClear: (pv) => hr(fn.PropVariantClear(pv)),
    invoke(object, index, parameters, ...args) {
      const vtable = koffi.decode(object, 0, 'void *');
      const method = koffi.decode(vtable, index * 8, 'void *');
      return hr(koffi.call(method, proto(parameters), object, ...args));
    },
  };
}
