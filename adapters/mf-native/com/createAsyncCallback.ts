/**
 * IMFAsyncCallback implemented in JS, the callback object of BeginGetEvent and MFPutWorkItem.
 * Invoke arrives from a Media Foundation work-queue thread and runs on the JS thread (see
 * `createComObject.ts`); the MF thread waits until it returns, so `invoke` must be short and must
 * not wait for MF itself.
 * @module
 */
import { createComObject, type ComObject } from './createComObject.js';
import type { ComPtr } from './createComCaller.js';
import type { GuidTable } from './guid.js';
import type { Koffi } from './koffi.js';

/** IID_IMFAsyncCallback (mfobjects.idl). */
export const IID_IMFAsyncCallback = 'a27003cf-2354-4f2a-8d6a-ab7cff15437e';
const S_OK = 0;
const E_NOTIMPL = 0x80004001;

/** What the callback does. */
export interface AsyncCallbackSpec {
  /** For traces and errors. */
  readonly name?: string;
  /** IMFAsyncCallback::Invoke: the IMFAsyncResult pointer (valid during the call; AddRef to keep it). Return an HRESULT or nothing (S_OK). */
  readonly invoke: (result: ComPtr) => number | void;
  /** Reported when `invoke` throws (the caller then gets E_UNEXPECTED). */
  readonly onError?: (method: string, error: unknown) => void;
}

/**
 * Creates a JS IMFAsyncCallback. GetParameters answers E_NOTIMPL, which Media Foundation reads as
 * "default flags, default queue". Release it when no BeginGetEvent is pending any more.
 */
export function createAsyncCallback(koffi: Koffi, guids: GuidTable, spec: AsyncCallbackSpec): ComObject {
  return createComObject(koffi, guids, {
    name: spec.name ?? 'JsAsyncCallback',
    iids: [IID_IMFAsyncCallback],
    onError: spec.onError,
    methods: [
      { name: 'GetParameters', parameters: 'void *flags, void *queue', impl: () => E_NOTIMPL },
      { name: 'Invoke', parameters: 'void *result', impl: ((result: bigint) => spec.invoke(result) ?? S_OK) as (...args: never[]) => number },
    ],
  });
}
