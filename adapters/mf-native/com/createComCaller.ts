/**
 * Calling methods of native COM objects through their vtables, synchronously or on a koffi worker
 * thread.
 *
 * Why the asynchronous form exists: Media Foundation's work-queue threads call JS COM objects while
 * holding their own locks (the session calls IMFMediaSource::Start inside its critical section).
 * koffi runs such a callback on the JS thread, so the MF thread waits for the JS thread. If the JS
 * thread is at that moment inside a synchronous call that needs the same lock (IMFMediaSession::Stop
 * enters the session's critical section), neither moves: a deadlock, observed with Wine 8.0. Calls
 * into objects that MF threads also use while they call JS (the session, its clock, MFShutdown) must
 * therefore be made with {@link ComCaller.callAsync}: the call waits on a koffi worker thread and the
 * JS thread stays free to run the callbacks.
 * @module
 */
import type { Koffi, KoffiFunction, KoffiType } from './koffi.js';

/** A COM interface pointer (koffi 3 represents pointers as BigInt). */
export type ComPtr = bigint;

/** Vtable calls for one koffi instance. */
export interface ComCaller {
  readonly koffi: Koffi;
  /**
   * Calls vtable slot `index` of `object` on the JS thread. `parameters` is the C parameter list
   * after `this`, e.g. `'uint32_t flags, _Out_ void **event'` (empty for none). Returns the 32-bit
   * result unsigned: an HRESULT, or a count for AddRef/Release.
   */
  call(object: ComPtr, index: number, parameters: string, ...args: unknown[]): number;
  /** The same call made on a koffi worker thread; the JS thread keeps running callbacks meanwhile. */
  callAsync(object: ComPtr, index: number, parameters: string, ...args: unknown[]): Promise<number>;
  /** IUnknown::AddRef. */
  addRef(object: ComPtr): number;
  /** IUnknown::Release. */
  release(object: ComPtr): number;
  /** The koffi prototype `uint32 (void *self, <parameters>)`, made once per parameter list. */
  methodType(parameters: string): KoffiType;
}

/** Creates the vtable caller of one koffi instance. */
export function createComCaller(koffi: Koffi): ComCaller {
  const types = new Map<string, KoffiType>();
  const functions = new Map<string, KoffiFunction>();
  const methodType = (parameters: string): KoffiType => {
    let type = types.get(parameters);
    if (!type) {
      // koffi type names are global: one generated name per distinct parameter list.
      const list = parameters.trim() ? `void *self, ${parameters}` : 'void *self';
      type = (koffi as unknown as { proto(definition: string): KoffiType }).proto(`uint32_t __stdcall MfchartComMethod${types.size}(${list})`);
      types.set(parameters, type);
    }
    return type;
  };
  const method = (object: ComPtr, index: number, parameters: string): KoffiFunction => {
    if (!object) throw new Error(`COM call on a NULL object (vtable slot ${index})`);
    const vtable = koffi.decode(object, 0, 'void *') as bigint;
    const address = koffi.decode(vtable, index * 8, 'void *') as bigint;
    const key = `${address}|${parameters}`;
    let fn = functions.get(key);
    if (!fn) {
      fn = koffi.decode(address, methodType(parameters)) as KoffiFunction;
      functions.set(key, fn);
    }
    return fn;
  };
  const call: ComCaller['call'] = (object, index, parameters, ...args) =>
    (method(object, index, parameters)(object, ...args) as number) >>> 0;
  return {
    koffi,
    call,
    callAsync: (object, index, parameters, ...args) =>
      new Promise((resolve, reject) => {
        method(object, index, parameters).async(object, ...args, (error: unknown, result: number) =>
          error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve(result >>> 0),
        );
      }),
    addRef: (object) => call(object, 1, ''),
    release: (object) => call(object, 2, ''),
    methodType,
  };
}
