/**
 * The part of koffi 3's API that the COM layer uses, typed structurally so that this code
 * compiles without koffi installed on Linux (koffi's win32-x64 build is loaded at run time, inside
 * Windows node under Wine, from a folder the caller names).
 * @module
 */
import { createRequire } from 'node:module';
import { resolve } from 'node:path';

/** A koffi type object (from `koffi.proto`, `koffi.pointer`, ...). */
export type KoffiType = { readonly name: string };

/** The koffi functions the COM layer calls. Pointers are BigInt in koffi 3. */
export interface Koffi {
  readonly version?: string;
  load(path: string): { func(definition: string): KoffiFunction };
  proto(result: string | KoffiType, parameters: (string | KoffiType)[]): KoffiType;
  pointer(type: string | KoffiType): KoffiType;
  array(type: string | KoffiType, length: number, hint?: 'Array' | 'Typed' | 'Buffer' | 'String'): KoffiType;
  out(type: string | KoffiType): KoffiType;
  register(callback: (...args: never[]) => unknown, type: KoffiType): bigint;
  unregister(callback: bigint): void;
  decode(value: unknown, offsetOrType: number | string | KoffiType, type?: string | KoffiType, length?: number): unknown;
  encode(ref: unknown, offsetOrType: number | string | KoffiType, typeOrValue?: unknown, value?: unknown, length?: number): void;
  alloc(type: string | KoffiType, length: number): bigint;
  free(value: unknown): void;
  call(pointer: unknown, type: KoffiType, ...args: unknown[]): unknown;
  address(value: unknown): bigint;
}

/** A function koffi made: callable synchronously, or on a koffi worker thread with `.async`. */
export interface KoffiFunction {
  (...args: unknown[]): unknown;
  async(...args: unknown[]): void;
}

/**
 * Loads koffi with `require` from `path` (a koffi package folder or its `index.cjs`), as the
 * Windows runtime cache holds it; a relative path is taken from the working directory. Throws a
 * message naming the path when it is not there.
 */
export function loadKoffi(path: string): Koffi {
  const require = createRequire(import.meta.url);
  try {
    return require(resolve(path)) as Koffi;
  } catch (error) {
    throw new Error(`cannot load koffi from ${path}: ${(error as Error).message}`);
  }
}
