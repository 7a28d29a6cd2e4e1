/**
 * The Media Foundation entry points the pipeline objects need, loaded once per koffi instance
 * (inside Windows node: on Windows, or under Wine), with the vtable caller and the GUID table.
 * @module
 */
import { createComCaller, type ComCaller, type ComPtr } from '../com/createComCaller.js';
import { createGuidTable, type GuidTable } from '../com/guid.js';
import type { Koffi, KoffiFunction } from '../com/koffi.js';

/** MF_VERSION for MFStartup (MF_SDK_VERSION 2 << 16 | MF_API_VERSION 0x70). */
export const MF_VERSION = 0x20070;

/** Exported functions, each returning its HRESULT unsigned; `out` is a one-element array koffi fills. */
export interface MfFunctions {
  CoInitializeEx(): number;
  MFStartup(): number;
  MFShutdown(): Promise<number>;
  PropVariantClear(propvariant: ComPtr): number;
  MFCreateMediaSession(config: ComPtr | null, out: unknown[]): number;
  MFCreateEventQueue(out: unknown[]): number;
  MFCreateMediaType(out: unknown[]): number;
  MFCreateMemoryBuffer(maxLength: number, out: unknown[]): number;
  MFCreateSample(out: unknown[]): number;
  MFCreateStreamDescriptor(id: number, mediaType: ComPtr, out: unknown[]): number;
  MFCreatePresentationDescriptor(streamDescriptor: ComPtr, out: unknown[]): number;
  MFCreateTopology(out: unknown[]): number;
  MFCreateTopologyNode(type: number, out: unknown[]): number;
  MFCreateSampleGrabberSinkActivate(mediaType: ComPtr, callback: ComPtr, out: unknown[]): number;
}

/** What the pipeline objects share. */
export interface MfRuntime {
  readonly koffi: Koffi;
  readonly com: ComCaller;
  readonly guids: GuidTable;
  readonly fn: MfFunctions;
  /** Throws with the call's name and HRESULT when `hr` is a failure; returns `hr` otherwise. */
  check(what: string, hr: number): number;
}

/** Formats an HRESULT as 0x%08X. */
export function hex(hr: number): string {
  return `0x${(hr >>> 0).toString(16).toUpperCase().padStart(8, '0')}`;
}

/** Loads ole32/mfplat/mf through `koffi` (the win32-x64 build) and declares the functions. */
export function createMfRuntime(koffi: Koffi): MfRuntime {
  const ole32 = koffi.load('ole32.dll');
  const mfplat = koffi.load('mfplat.dll');
  const mf = koffi.load('mf.dll');
  const f = (lib: { func(d: string): KoffiFunction }, definition: string) => lib.func(definition);
  const raw = {
    CoInitializeEx: f(ole32, 'uint32_t __stdcall CoInitializeEx(void *reserved, uint32_t flags)'),
    PropVariantClear: f(ole32, 'uint32_t __stdcall PropVariantClear(void *pv)'),
    MFStartup: f(mfplat, 'uint32_t __stdcall MFStartup(uint32_t version, uint32_t flags)'),
    MFShutdown: f(mfplat, 'uint32_t __stdcall MFShutdown()'),
    MFCreateEventQueue: f(mfplat, 'uint32_t __stdcall MFCreateEventQueue(_Out_ void **queue)'),
    MFCreateMediaType: f(mfplat, 'uint32_t __stdcall MFCreateMediaType(_Out_ void **type)'),
    MFCreateMemoryBuffer: f(mfplat, 'uint32_t __stdcall MFCreateMemoryBuffer(uint32_t maxLength, _Out_ void **buffer)'),
    MFCreateSample: f(mfplat, 'uint32_t __stdcall MFCreateSample(_Out_ void **sample)'),
    MFCreateStreamDescriptor: f(mfplat, 'uint32_t __stdcall MFCreateStreamDescriptor(uint32_t id, uint32_t count, void *types, _Out_ void **sd)'),
    MFCreatePresentationDescriptor: f(mfplat, 'uint32_t __stdcall MFCreatePresentationDescriptor(uint32_t count, void *sds, _Out_ void **pd)'),
    MFCreateMediaSession: f(mf, 'uint32_t __stdcall MFCreateMediaSession(void *config, _Out_ void **session)'),
    MFCreateTopology: f(mf, 'uint32_t __stdcall MFCreateTopology(_Out_ void **topology)'),
    MFCreateTopologyNode: f(mf, 'uint32_t __stdcall MFCreateTopologyNode(uint32_t type, _Out_ void **node)'),
    MFCreateSampleGrabberSinkActivate: f(mf, 'uint32_t __stdcall MFCreateSampleGrabberSinkActivate(void *type, void *callback, _Out_ void **activate)'),
  };
  const u = (value: unknown) => (value as number) >>> 0;
  /** A one-pointer native array for the `count, T **array` parameters. */
  const pointerArray = (pointer: ComPtr) => {
    const block = koffi.alloc('uint64', 1);
    koffi.encode(block, 0, 'uint64', pointer);
    return block;
  };
  const withArray = (pointer: ComPtr, use: (array: ComPtr) => number) => {
    const array = pointerArray(pointer);
    try {
      return use(array);
    } finally {
      koffi.free(array);
    }
  };
  const fn: MfFunctions = {
    CoInitializeEx: () => u(raw.CoInitializeEx(null, 0 /* COINIT_MULTITHREADED */)),
    MFStartup: () => u(raw.MFStartup(MF_VERSION, 0)),
    // MFShutdown waits for the work queues, whose threads may be waiting for JS callbacks.
    MFShutdown: () => new Promise((resolve, reject) => raw.MFShutdown.async((e: unknown, r: number) => (e ? reject(e) : resolve(r >>> 0)))),
    PropVariantClear: (pv) => u(raw.PropVariantClear(pv)),
    MFCreateMediaSession: (config, out) => u(raw.MFCreateMediaSession(config, out)),
    MFCreateEventQueue: (out) => u(raw.MFCreateEventQueue(out)),
    MFCreateMediaType: (out) => u(raw.MFCreateMediaType(out)),
    MFCreateMemoryBuffer: (maxLength, out) => u(raw.MFCreateMemoryBuffer(maxLength, out)),
    MFCreateSample: (out) => u(raw.MFCreateSample(out)),
    MFCreateStreamDescriptor: (id, type, out) => withArray(type, (array) => u(raw.MFCreateStreamDescriptor(id, 1, array, out))),
    MFCreatePresentationDescriptor: (sd, out) => withArray(sd, (array) => u(raw.MFCreatePresentationDescriptor(1, array, out))),
    MFCreateTopology: (out) => u(raw.MFCreateTopology(out)),
    MFCreateTopologyNode: (type, out) => u(raw.MFCreateTopologyNode(type, out)),
    MFCreateSampleGrabberSinkActivate: (type, callback, out) => u(raw.MFCreateSampleGrabberSinkActivate(type, callback, out)),
  };
  return {
    koffi,
    com: createComCaller(koffi),
    guids: createGuidTable(koffi),
    fn,
    check(what, hr) {
      if (hr >= 0x80000000) throw new Error(`${what} failed: ${hex(hr)}`);
      return hr;
    },
  };
}
