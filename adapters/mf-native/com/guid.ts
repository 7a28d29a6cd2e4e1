/**
 * GUIDs in native memory: parse the text form, keep one immortal 16-byte block per GUID (COM
 * callers hold `REFIID` pointers for as long as they like), and compare a GUID a caller passes.
 * @module
 */
import type { Koffi } from './koffi.js';

/** 16 bytes of a GUID in memory order (Data1..3 little-endian), from `xxxxxxxx-xxxx-…` with or without braces. */
export function guidBytes(text: string): Uint8Array {
  const hex = text.replace(/[{}-]/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex) || !/^\{?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}?$/.test(text)) {
    throw new Error(`not a GUID: "${text}" (expected xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)`);
  }
  const bytes = new Uint8Array(16);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, Number.parseInt(hex.slice(0, 8), 16), true);
  view.setUint16(4, Number.parseInt(hex.slice(8, 12), 16), true);
  view.setUint16(6, Number.parseInt(hex.slice(12, 16), 16), true);
  for (let i = 0; i < 8; i++) bytes[8 + i] = Number.parseInt(hex.slice(16 + 2 * i, 18 + 2 * i), 16);
  return bytes;
}

/** The text form (lower case, no braces) of 16 GUID bytes in memory order. */
export function formatGuid(bytes: Uint8Array): string {
  const view = new DataView(bytes.buffer, bytes.byteOffset, 16);
  const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
  const tail = [...bytes.slice(8)].map((b) => hex(b, 2)).join('');
  return `${hex(view.getUint32(0, true), 8)}-${hex(view.getUint16(4, true), 4)}-${hex(view.getUint16(6, true), 4)}-${tail.slice(0, 4)}-${tail.slice(4)}`;
}

/** GUID memory for one koffi instance. */
export interface GuidTable {
  /** The address of an immortal native copy of the GUID (the same address for the same GUID). */
  pointer(text: string): bigint;
  /** Reads the GUID a native caller passed (`REFIID`, `REFGUID`) as lower-case text. */
  read(pointer: bigint): string;
}

/** Creates the GUID table of one koffi instance. */
export function createGuidTable(koffi: Koffi): GuidTable {
  const blocks = new Map<string, bigint>();
  const bytesType = koffi.array('uint8', 16, 'Typed');
  return {
    pointer(text) {
      const key = formatGuid(guidBytes(text));
      let block = blocks.get(key);
      if (block === undefined) {
        block = koffi.alloc('uint8', 16);
        koffi.encode(block, bytesType, guidBytes(key));
        blocks.set(key, block);
      }
      return block;
    },
    read(pointer) {
      if (!pointer) throw new Error('NULL GUID pointer');
      return formatGuid(koffi.decode(pointer, bytesType) as Uint8Array);
    },
  };
}
