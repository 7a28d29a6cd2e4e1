/**
 * A tiny, valid ASF file assembled by hand from the structure in wmf-push-sink.md §6.1: a Header
 * Object holding a File Properties Object, one Stream Properties Object (PCM audio) and a Header
 * Extension Object, then a Data Object with N fixed-size packets. Shared by the ASF reader tests and
 * the push loopback tests, so both check against the same bytes.
 */
import { ASF_GUID, BROADCAST_FLAG, guidBytes } from '../adapters/wmf-push/asfReader.js';

const AUDIO_STREAM = 'F8699E40-5B4D-11CF-A8FD-00805F5C442B';
const NO_ERROR_CORRECTION = '20FB5700-5B55-11CF-A8FD-00805F5C442B';
const HEADER_EXTENSION_RESERVED = 'ABD3D211-A9BA-11CF-8EE6-00C00C205365';
export const FILE_ID = '01234567-89AB-CDEF-0123-4567890ABCFF';

function object(guid: string, body: Buffer): Buffer {
  const head = Buffer.alloc(24);
  guidBytes(guid).copy(head, 0);
  head.writeBigUInt64LE(BigInt(24 + body.length), 16);
  return Buffer.concat([head, body]);
}

export interface TinyAsf {
  packets?: number;
  packetSize?: number;
  broadcast?: boolean;
  /** Overrides of File Properties fields. */
  minPacket?: number;
  maxPacket?: number;
  declaredPackets?: number;
  dataSize?: number;
  trailer?: Buffer;
}

/** A minimal valid ASF file (one audio stream, PCM WAVEFORMATEX), packets filled with their index. */
export function tinyAsf(o: TinyAsf = {}): Buffer {
  const n = o.packets ?? 3;
  const size = o.packetSize ?? 64;
  const fp = Buffer.alloc(104 - 24);
  guidBytes(FILE_ID).copy(fp, 0); // File ID @24
  fp.writeBigUInt64LE(0n, 16); // File Size @40 (patched below)
  fp.writeBigUInt64LE(0n, 24); // Creation Date @48
  fp.writeBigUInt64LE(BigInt(o.declaredPackets ?? (o.broadcast ? 0 : n)), 32); // Data Packets Count @56
  fp.writeBigUInt64LE(0n, 40); // Play Duration @64
  fp.writeBigUInt64LE(0n, 48); // Send Duration @72
  fp.writeBigUInt64LE(3000n, 56); // Preroll @80
  fp.writeUInt32LE(o.broadcast ? BROADCAST_FLAG : 0x2, 64); // Flags @88
  fp.writeUInt32LE(o.minPacket ?? size, 68); // Min @92
  fp.writeUInt32LE(o.maxPacket ?? size, 72); // Max @96
  fp.writeUInt32LE(128_000, 76); // Max Bitrate @100
  const fileProperties = object(ASF_GUID.fileProperties, fp);

  const wave = Buffer.alloc(18);
  wave.writeUInt16LE(1, 0); // PCM
  wave.writeUInt16LE(1, 2); // mono
  wave.writeUInt32LE(8000, 4);
  wave.writeUInt32LE(16000, 8);
  wave.writeUInt16LE(2, 12);
  wave.writeUInt16LE(16, 14);
  const sp = Buffer.alloc(78 - 24);
  guidBytes(AUDIO_STREAM).copy(sp, 0);
  guidBytes(NO_ERROR_CORRECTION).copy(sp, 16);
  sp.writeUInt32LE(wave.length, 40); // Type-Specific Data Length @64
  sp.writeUInt32LE(0, 44); // Error Correction Data Length @68
  sp.writeUInt16LE(1, 48); // Flags @72: stream 1
  const streamProperties = object(ASF_GUID.streamProperties, Buffer.concat([sp, wave]));

  const hx = Buffer.alloc(46 - 24);
  guidBytes(HEADER_EXTENSION_RESERVED).copy(hx, 0);
  hx.writeUInt16LE(6, 16);
  hx.writeUInt32LE(0, 18);
  const headerExtension = object(ASF_GUID.headerExtension, hx);

  const children = Buffer.concat([fileProperties, streamProperties, headerExtension]);
  const fixed = Buffer.alloc(6);
  fixed.writeUInt32LE(3, 0);
  fixed[4] = 0x01;
  fixed[5] = 0x02;
  const header = object(ASF_GUID.header, Buffer.concat([fixed, children]));

  const packets = Buffer.concat(Array.from({ length: n }, (_, i) => Buffer.alloc(size, i + 1)));
  const dataFixed = Buffer.alloc(50);
  guidBytes(ASF_GUID.data).copy(dataFixed, 0);
  dataFixed.writeBigUInt64LE(BigInt(o.dataSize ?? 50 + packets.length), 16);
  guidBytes(FILE_ID).copy(dataFixed, 24);
  dataFixed.writeBigUInt64LE(BigInt(o.broadcast ? 0 : n), 40);
  dataFixed.writeUInt16LE(0x0101, 48);

  const file = Buffer.concat([header, dataFixed, packets, o.trailer ?? Buffer.alloc(0)]);
  file.writeBigUInt64LE(BigInt(file.length), 30 + 24 + 16); // File Properties File Size
  return file;
}
