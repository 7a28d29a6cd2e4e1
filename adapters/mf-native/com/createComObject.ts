/**
 * COM objects implemented in JS: a native object block whose first field points at a vtable of
 * koffi registered callbacks, with QueryInterface (IID comparison), AddRef and Release keeping a
 * real reference count. When the count reaches 0 the object is marked destroyed and onFinalRelease
 * runs; its vtable and callbacks stay registered (see `release` for why), so a late call is answered
 * with E_UNEXPECTED instead of running freed memory.
 *
 * Threads: Media Foundation calls these methods from its work-queue threads. koffi queues every such
 * call to the JS thread and the calling thread waits for the result, so the methods always run on
 * the JS thread (the count needs no lock), and they run only while the JS thread is free. See
 * `createComCaller.ts` for the rule that keeps it free.
 * @module
 */
import type { ComPtr } from './createComCaller.js';
import type { GuidTable } from './guid.js';
import type { Koffi, KoffiType } from './koffi.js';

const S_OK = 0;
const E_NOINTERFACE = 0x80004002;
const E_POINTER = 0x80004003;
const E_UNEXPECTED = 0x8000ffff;
/** IID_IUnknown, answered by every object. */
export const IID_IUnknown = '00000000-0000-0000-c000-000000000046';

/** One method after IUnknown's three, in vtable order. */
export interface ComMethodSpec {
  /** Method name, for errors and traces. */
  readonly name: string;
  /** C parameters after `this`, e.g. `'void *result'` or `'int64_t time, float rate'`. */
  readonly parameters: string;
  /** The implementation: receives the parameters (pointers as BigInt) and returns an HRESULT (unsigned). */
  readonly impl: (...args: never[]) => number;
}

/** What {@link createComObject} builds. */
export interface ComObjectSpec {
  /** A name for traces and errors (e.g. `"JsMediaSource"`). */
  readonly name: string;
  /** Interfaces the single vtable implements, most derived last or first (IUnknown is implied). */
  readonly iids: readonly string[];
  /** Methods after IUnknown, in vtable order of the most derived interface. */
  readonly methods: readonly ComMethodSpec[];
  /** Called once when the reference count reaches 0, before the callbacks are unregistered. */
  readonly onFinalRelease?: () => void;
  /** Called when a method throws; the caller then receives E_UNEXPECTED. */
  readonly onError?: (method: string, error: unknown) => void;
}

/** A live JS COM object. */
export interface ComObject {
  /** The interface pointer native code uses (the object's address). */
  readonly ptr: ComPtr;
  readonly name: string;
  /** The current reference count (1 after creation: the creator's reference). */
  readonly refCount: number;
  /** True once the count reached 0 (the pointer is then invalid). */
  readonly destroyed: boolean;
  /** AddRef from JS. */
  addRef(): number;
  /** Release from JS (the creator releases its reference this way). */
  release(): number;
}

/** Calls that reached a JS COM object after its last Release (a caller's reference-counting bug). */
let lateCalls = 0;
/** How many calls reached JS COM objects after their last Release, process-wide. */
export function lateComCalls(): number {
  return lateCalls;
}

/** Process-wide count of live JS COM objects, for leak checks in tests and diagnostics. */
let liveObjects = 0;
/** How many JS COM objects are alive (created and not yet released to 0). */
export function liveComObjects(): number {
  return liveObjects;
}

/** Per-koffi state: callback prototypes by parameter list (koffi type names are global). */
const prototypes = new WeakMap<Koffi, Map<string, KoffiType>>();

function callbackType(koffi: Koffi, parameters: string): KoffiType {
  let byParameters = prototypes.get(koffi);
  if (!byParameters) prototypes.set(koffi, (byParameters = new Map()));
  let type = byParameters.get(parameters);
  if (!type) {
    const list = parameters.trim() ? `void *self, ${parameters}` : 'void *self';
    const proto = (koffi as unknown as { proto(definition: string): KoffiType }).proto(
      `uint32_t __stdcall MfchartComCallback${byParameters.size}(${list})`,
    );
    type = koffi.pointer(proto);
    byParameters.set(parameters, type);
  }
  return type;
}

/**
 * Builds a JS COM object. The returned object holds one reference (the creator's); hand
 * `ptr` to native code, then `release()` when JS no longer needs it.
 */
export function createComObject(koffi: Koffi, guids: GuidTable, spec: ComObjectSpec): ComObject {
  const iids = new Set([IID_IUnknown, ...spec.iids.map((iid) => guids.read(guids.pointer(iid)))]);
  let count = 1;
  let destroyed = false;
  const slots = 3 + spec.methods.length;
  // Object block: [vtable pointer, spare]; vtable: one pointer per slot.
  const block = koffi.alloc('uint64', 2);
  const vtable = koffi.alloc('uint64', slots);
  const registered: bigint[] = [];

  const guard = (name: string, impl: (...args: never[]) => number) =>
    (...args: never[]): number => {
      if (destroyed) lateCalls++;
      try {
        return impl(...args) >>> 0;
      } catch (error) {
        spec.onError?.(name, error);
        return E_UNEXPECTED;
      }
    };

  const addRef = () => {
    if (destroyed) throw new Error(`${spec.name}: AddRef after the last Release`);
    return ++count;
  };
  const release = () => {
    if (destroyed) throw new Error(`${spec.name}: Release after the last Release`);
    count--;
    if (count === 0) {
      destroyed = true;
      liveObjects--;
      try {
        spec.onFinalRelease?.();
      } finally {
        // The vtable and its callbacks are kept for the life of the process (a few hundred bytes per
        // object). Freeing them a tick after the last Release crashed Wine 8.0 now and then (an
        // execute fault at address 0 on a Media Foundation thread) when that Release came from a
        // Media Foundation thread still returning through koffi's trampoline. A call after the last
        // Release lands in `guard` (counted by lateComCalls) and answers E_UNEXPECTED.
      }
    }
    return count;
  };

  const queryInterface = (_self: bigint, riid: bigint, out: bigint): number => {
    if (!out) return E_POINTER;
    if (riid && iids.has(guids.read(riid))) {
      addRef();
      koffi.encode(out, 0, 'void *', block);
      return S_OK;
    }
    koffi.encode(out, 0, 'void *', null);
    return E_NOINTERFACE;
  };

  const entries: { parameters: string; impl: (...args: never[]) => number }[] = [
    { parameters: 'void *riid, void *out', impl: guard('QueryInterface', queryInterface as (...args: never[]) => number) },
    { parameters: '', impl: guard('AddRef', addRef) },
    { parameters: '', impl: guard('Release', release) },
    // Native callers pass `this` first; the JS implementations receive only the parameters after it.
    ...spec.methods.map((m) => ({
      parameters: m.parameters,
      impl: guard(m.name, ((_self: bigint, ...args: never[]) => m.impl(...args)) as (...args: never[]) => number),
    })),
  ];
  for (const entry of entries) registered.push(koffi.register(entry.impl, callbackType(koffi, entry.parameters)));
  koffi.encode(vtable, koffi.array('uint64', slots), registered);
  koffi.encode(block, 0, 'uint64', vtable);
  liveObjects++;

  return {
    ptr: block,
    name: spec.name,
    get refCount() {
      return count;
    },
    get destroyed() {
      return destroyed;
    },
    addRef,
    release,
  };
}
