/**
 * A small ASF reader for the push sink: an ASF file in, the `$H` payload (the whole Header Object
 * plus the first 50 bytes of the Data Object) and the fixed-size data packets out
 * (wmf-push-sink.md §6). It reads only what pushing needs — the Header Object, its File Properties
 * Object (packet size and count, Broadcast flag), the Data Object — and checks each, with errors
 * that name the object, the offset and what is wrong.
 * @module
 */
import { MAX_H_PAYLOAD } from './framing.js';

/** The GUIDs the reader knows, in text form. */
export const ASF_GUID = {
  header: '75B22630-668E-11CF-A6D9-00AA0062CE6C',
  fileProperties: '8CABDCA1-A947-11CF-8EE4-00C00C205365',
  streamProperties: 'B7DC0791-A9B7-11CF-8EE6-00C00C205365',
  headerExtension: '5FBF03B5-A92E-11CF-8EE3-00C00C205365',
  data: '75B22636-668E-11CF-A6D9-00AA0062CE6C',
} as const;

/** The fixed part of the Data Object that goes into `$H`. */
export const DATA_OBJECT_PREFIX = 50;
/** Header Object: ID, Size, NumberOfHeaderObjects, Reserved1, Reserved2. */
export const HEADER_OBJECT_FIXED = 30;
/** File Properties Object, up to MaxBitrate. */
export const FILE_PROPERTIES_SIZE = 104;
/** Every object starts with a GUID and a u64 size. */
const OBJECT_HEADER = 24;
/** File Properties Flags bit 0. */
export const BROADCAST_FLAG = 0x1;

/** An ASF file the reader cannot use. */
export class AsfError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AsfError';
  }
}

/** A GUID's 16 on-wire bytes: Data1 LE u32, Data2 LE u16, Data3 LE u16, then 8 bytes as written. */
export function guidBytes(guid: string): Buffer {
  const m = /^([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})$/i.exec(guid);
  if (!m) throw new Error(`not a GUID: ${guid}`);
  const out = Buffer.alloc(16);
  out.writeUInt32LE(Number.parseInt(m[1]!, 16), 0);
  out.writeUInt16LE(Number.parseInt(m[2]!, 16), 4);
  out.writeUInt16LE(Number.parseInt(m[3]!, 16), 6);
  Buffer.from(m[4]! + m[5]!, 'hex').copy(out, 8);
  return out;
}

/** The text form of the GUID at `offset`. */
export function guidAt(bytes: Uint8Array, offset: number): string {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset + offset, 16);
  const hex = (n: number, w: number) => n.toString(16).toUpperCase().padStart(w, '0');
  const tail = b.subarray(8).toString('hex').toUpperCase();
  return `${hex(b.readUInt32LE(0), 8)}-${hex(b.readUInt16LE(4), 4)}-${hex(b.readUInt16LE(6), 4)}-${tail.slice(0, 4)}-${tail.slice(4)}`;
}

/** A u64 that must fit a JavaScript number. */
function u64(bytes: Buffer, offset: number, what: string): number {
  const value = bytes.readBigUInt64LE(offset);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new AsfError(`${what} at byte ${offset} is ${value}, too large`);
  return Number(value);
}

/** What the reader found. */
export interface AsfFile {
  /** The `$H` payload: the Header Object and the first 50 bytes of the Data Object. */
  header: Buffer;
  headerObjectSize: number;
  /** The fixed data packet size (File Properties Min = Max Data Packet Size). */
  packetSize: number;
  /** The data packets, in order (views into the input). */
  packets: Buffer[];
  /** File Properties File ID. */
  fileId: string;
  /** File Properties Broadcast flag. */
  broadcast: boolean;
  /** File Properties Data Packets Count (not meaningful for broadcast). */
  declaredPackets: number;
  /** Stream Properties Objects in the header. */
  streams: number;
  /** Objects that follow the Data Object (e.g. indexes), ignored: their total size. */
  trailingBytes: number;
}

/** Reads an ASF file into the header payload and data packets, or throws {@link AsfError}. */
export function readAsf(input: Uint8Array): AsfFile {
  const file = Buffer.from(input.buffer, input.byteOffset, input.length);
  if (file.length < HEADER_OBJECT_FIXED) {
    throw new AsfError(`truncated: ${file.length} bytes, the ASF Header Object alone needs ${HEADER_OBJECT_FIXED}`);
  }
  const first = guidAt(file, 0);
  if (first !== ASF_GUID.header) throw new AsfError(`not an ASF file: it starts with GUID ${first}, not the Header Object ${ASF_GUID.header}`);
  const headerSize = u64(file, 16, 'Header Object size');
  if (headerSize < HEADER_OBJECT_FIXED) throw new AsfError(`Header Object size ${headerSize} is smaller than its ${HEADER_OBJECT_FIXED}-byte fixed part`);
  if (headerSize > file.length) throw new AsfError(`truncated: the Header Object declares ${headerSize} bytes, the file holds ${file.length}`);
  const declaredChildren = file.readUInt32LE(24);
  if (file[29] !== 0x02) throw new AsfError(`Header Object Reserved2 is 0x${file[29]!.toString(16).padStart(2, '0')}, must be 0x02`);

  let fileProperties: number | undefined;
  let streams = 0;
  let children = 0;
  for (let at = HEADER_OBJECT_FIXED; at < headerSize; children++) {
    if (headerSize - at < OBJECT_HEADER) {
      throw new AsfError(`header object #${children + 1} at byte ${at}: only ${headerSize - at} bytes left in the Header Object, an object needs ${OBJECT_HEADER}`);
    }
    const id = guidAt(file, at);
    const size = u64(file, at + 16, `size of header object #${children + 1} (${id})`);
    if (size < OBJECT_HEADER || at + size > headerSize) {
      throw new AsfError(`header object #${children + 1} (${id}) at byte ${at} declares ${size} bytes, which does not fit the Header Object (${headerSize - at} bytes left)`);
    }
    if (id === ASF_GUID.fileProperties) {
      if (fileProperties !== undefined) throw new AsfError(`a second File Properties Object at byte ${at}`);
      if (size < FILE_PROPERTIES_SIZE) throw new AsfError(`File Properties Object at byte ${at} is ${size} bytes, it needs ${FILE_PROPERTIES_SIZE}`);
      fileProperties = at;
    } else if (id === ASF_GUID.streamProperties) {
      streams++;
    }
    at += size;
  }
  if (children !== declaredChildren) {
    throw new AsfError(`Header Object declares ${declaredChildren} header objects, it holds ${children}`);
  }
  if (fileProperties === undefined) throw new AsfError('no File Properties Object in the Header Object (it is mandatory)');

  const fp = fileProperties;
  const fileId = guidAt(file, fp + 24);
  const declaredPackets = u64(file, fp + 56, 'File Properties Data Packets Count');
  const flags = file.readUInt32LE(fp + 88);
  const minPacket = file.readUInt32LE(fp + 92);
  const maxPacket = file.readUInt32LE(fp + 96);
  if (minPacket !== maxPacket) {
    throw new AsfError(`File Properties Minimum Data Packet Size ${minPacket} differs from Maximum ${maxPacket}: packets must have one fixed size`);
  }
  if (minPacket === 0) throw new AsfError('File Properties Data Packet Size is 0');
  const broadcast = (flags & BROADCAST_FLAG) !== 0;

  const dataAt = headerSize;
  if (file.length - dataAt < DATA_OBJECT_PREFIX) {
    throw new AsfError(`truncated: the Data Object at byte ${dataAt} needs ${DATA_OBJECT_PREFIX} bytes, ${file.length - dataAt} remain`);
  }
  const dataId = guidAt(file, dataAt);
  if (dataId !== ASF_GUID.data) throw new AsfError(`the object after the Header Object (byte ${dataAt}) is ${dataId}, not the Data Object ${ASF_GUID.data}`);
  const dataSize = u64(file, dataAt + 16, 'Data Object size');
  const dataFileId = guidAt(file, dataAt + 24);
  if (dataFileId !== fileId) throw new AsfError(`Data Object File ID ${dataFileId} differs from the File Properties File ID ${fileId}`);
  const totalPackets = u64(file, dataAt + 40, 'Data Object Total Data Packets');
  const reserved = file.readUInt16LE(dataAt + 48);
  if (reserved !== 0x0101) throw new AsfError(`Data Object Reserved is 0x${reserved.toString(16).padStart(4, '0')}, must be 0x0101`);

  // Broadcast: the Data Object's size is not meaningful; used when it is plausible, else the packets run to the end.
  // Otherwise a size of 0 (a file still being written) also means "to the end".
  let dataEnd: number;
  if (broadcast || dataSize === 0) {
    dataEnd = dataSize >= DATA_OBJECT_PREFIX && dataAt + dataSize <= file.length ? dataAt + dataSize : file.length;
  } else {
    if (dataSize < DATA_OBJECT_PREFIX) throw new AsfError(`Data Object size ${dataSize} is smaller than its ${DATA_OBJECT_PREFIX}-byte fixed part`);
    if (dataAt + dataSize > file.length) {
      throw new AsfError(`truncated: the Data Object declares ${dataSize} bytes, the file holds ${file.length - dataAt} from byte ${dataAt}`);
    }
    dataEnd = dataAt + dataSize;
  }
  const packetBytes = dataEnd - dataAt - DATA_OBJECT_PREFIX;
  if (packetBytes % minPacket !== 0) {
    throw new AsfError(
      `the Data Object holds ${packetBytes} bytes of packets, not a whole number of ${minPacket}-byte packets (${packetBytes % minPacket} bytes left over: truncated?)`,
    );
  }
  const count = packetBytes / minPacket;
  if (!broadcast && totalPackets !== 0 && totalPackets !== count) {
    throw new AsfError(`the Data Object declares ${totalPackets} packets, it holds ${count}`);
  }
  if (!broadcast && declaredPackets !== 0 && declaredPackets !== count) {
    throw new AsfError(`File Properties declares ${declaredPackets} data packets, the Data Object holds ${count}`);
  }

  const headerPayloadSize = headerSize + DATA_OBJECT_PREFIX;
  if (headerPayloadSize > MAX_H_PAYLOAD) {
    throw new AsfError(`the header (Header Object ${headerSize} + ${DATA_OBJECT_PREFIX} bytes of the Data Object) is ${headerPayloadSize} bytes; $H allows ${MAX_H_PAYLOAD}`);
  }
  const packets: Buffer[] = [];
  for (let i = 0, at = dataAt + DATA_OBJECT_PREFIX; i < count; i++, at += minPacket) packets.push(file.subarray(at, at + minPacket));
  return {
    header: file.subarray(0, headerPayloadSize),
    headerObjectSize: headerSize,
    packetSize: minPacket,
    packets,
    fileId,
    broadcast,
    declaredPackets,
    streams,
    trailingBytes: file.length - dataEnd,
  };
}
