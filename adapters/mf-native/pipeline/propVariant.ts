/**
 * PROPVARIANTs in native memory: the few shapes the pipeline writes (VT_EMPTY, VT_I8, VT_UNKNOWN)
 * and a plain-data reading of what an event or a Start call carries.
 * @module
 */
import type { ComPtr } from '../com/createComCaller.js';
import type { MfRuntime } from './createMfRuntime.js';
import { PROPVARIANT_SIZE, VT_TYPE } from './mfVtables.js';

/** A PROPVARIANT read into plain data (an interface pointer is given as its address, not kept). */
export type PropVariantValue =
  | { vt: 'VT_EMPTY' }
  | { vt: 'VT_I8'; value: bigint }
  | { vt: 'VT_UI8'; value: bigint }
  | { vt: 'VT_UI4'; value: number }
  | { vt: 'VT_R4'; value: number }
  | { vt: 'VT_UNKNOWN'; pointer: ComPtr }
  | { vt: 'other'; code: number };

/** Reads the PROPVARIANT at `pv` (NULL reads as VT_EMPTY). */
export function readPropVariant(rt: MfRuntime, pv: ComPtr | null): PropVariantValue {
  if (!pv) return { vt: 'VT_EMPTY' };
  const { koffi } = rt;
  const vt = koffi.decode(pv, 0, 'uint16') as number;
  switch (vt) {
    case VT_TYPE.VT_EMPTY:
      return { vt: 'VT_EMPTY' };
    case VT_TYPE.VT_I8:
      return { vt: 'VT_I8', value: BigInt(koffi.decode(pv, 8, 'int64') as number | bigint) };
    case VT_TYPE.VT_UI8:
      return { vt: 'VT_UI8', value: BigInt(koffi.decode(pv, 8, 'uint64') as number | bigint) };
    case VT_TYPE.VT_UI4:
      return { vt: 'VT_UI4', value: koffi.decode(pv, 8, 'uint32') as number };
    case VT_TYPE.VT_R4:
      return { vt: 'VT_R4', value: koffi.decode(pv, 8, 'float') as number };
    case VT_TYPE.VT_UNKNOWN:
      return { vt: 'VT_UNKNOWN', pointer: BigInt(koffi.decode(pv, 8, 'uint64') as number | bigint) };
    default:
      return { vt: 'other', code: vt };
  }
}

/** A zeroed native PROPVARIANT (VT_EMPTY); free it with `koffi.free` (after PropVariantClear if it was filled). */
export function allocPropVariant(rt: MfRuntime): ComPtr {
  const pv = rt.koffi.alloc('uint8', PROPVARIANT_SIZE);
  rt.koffi.encode(pv, rt.koffi.array('uint8', PROPVARIANT_SIZE, 'Typed'), new Uint8Array(PROPVARIANT_SIZE));
  return pv;
}

/** A native PROPVARIANT holding VT_I8 `value` (no reference to clear). */
export function allocI8PropVariant(rt: MfRuntime, value: bigint): ComPtr {
  const pv = allocPropVariant(rt);
  rt.koffi.encode(pv, 0, 'uint16', VT_TYPE.VT_I8);
  rt.koffi.encode(pv, 8, 'int64', value);
  return pv;
}
