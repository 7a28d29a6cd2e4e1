/**
 * IMFMediaEvent read into plain data, then released.
 * @module
 */
import type { ComPtr } from '../com/createComCaller.js';
import type { MfRuntime } from './createMfRuntime.js';
import { VT } from './mfVtables.js';
import { allocPropVariant, readPropVariant, type PropVariantValue } from './propVariant.js';

/** An event as plain data. */
export interface MediaEventData {
  /** MediaEventType. */
  readonly type: number;
  /** The event's status HRESULT, unsigned. */
  readonly status: number;
  /** The value; an interface pointer is reported by address only (it is no longer held). */
  readonly value: PropVariantValue;
}

/** Reads type, status and value of `event`. Does not release it. */
export function readMediaEvent(rt: MfRuntime, event: ComPtr): MediaEventData {
  const type = [0];
  const status = [0];
  rt.check('IMFMediaEvent::GetType', rt.com.call(event, VT.IMFMediaEvent.GetType, '_Out_ uint32_t *type', type));
  rt.check('IMFMediaEvent::GetStatus', rt.com.call(event, VT.IMFMediaEvent.GetStatus, '_Out_ uint32_t *status', status));
  const pv = allocPropVariant(rt);
  try {
    rt.check('IMFMediaEvent::GetValue', rt.com.call(event, VT.IMFMediaEvent.GetValue, 'void *value', pv));
    const value = readPropVariant(rt, pv);
    rt.fn.PropVariantClear(pv);
    return { type: type[0], status: status[0] >>> 0, value };
  } finally {
    rt.koffi.free(pv);
  }
}
