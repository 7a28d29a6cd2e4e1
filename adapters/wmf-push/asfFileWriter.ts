/**
 * Writes a received push stream to a valid ASF file: the `$H` payload (Header Object + the first 50
 * bytes of the Data Object), then each `$D` packet padded back to the header's fixed packet size with
 * its Padding Length saying so (asfPacket.ts), and, at the end, the sizes and counts that a live
 * stream cannot know up front fixed up in place (Data Object size and Total Data Packets; File
 * Properties File Size and Data Packets Count), so the file reads back with asfReader.ts and ffprobe
 * (wmf-push-sink.md §6).
 *
 * Synchronous file I/O, batched: packets are gathered up to {@link WRITE_BATCH_BYTES} and written in
 * one call, so the server's event loop blocks rarely, and a file is always complete when `finish()`
 * returns (decision P33).
 * @module
 */
import fs from 'node:fs';
import { ASF_GUID, AsfError, DATA_OBJECT_PREFIX, guidAt } from './asfReader.js';
import { restorePadding } from './asfPacket.js';

/** Packets gathered before one write. */
export const WRITE_BATCH_BYTES = 256 * 1024;

/** Where the fields to fix up are, found in the header. */
interface HeaderLayout {
  headerObjectSize: number;
  filePropertiesAt: number;
  packetSize: number;
}

/** Finds the File Properties Object and the packet size in a `$H` payload, or throws {@link AsfError}. */
export function headerLayout(header: Buffer): HeaderLayout {
  if (header.length < 30 || guidAt(header, 0) !== ASF_GUID.header) throw new AsfError('$H does not start with an ASF Header Object');
  const headerObjectSize = Number(header.readBigUInt64LE(16));
  if (header.length !== headerObjectSize + DATA_OBJECT_PREFIX) {
    throw new AsfError(`$H holds ${header.length} bytes, the Header Object ${headerObjectSize} + ${DATA_OBJECT_PREFIX} bytes of the Data Object`);
  }
  if (guidAt(header, headerObjectSize) !== ASF_GUID.data) throw new AsfError('$H does not end with the Data Object prefix');
  for (let at = 30; at + 24 <= headerObjectSize; ) {
    const size = Number(header.readBigUInt64LE(at + 16));
    if (size < 24) break;
    if (guidAt(header, at) === ASF_GUID.fileProperties && size >= 104) {
      const packetSize = header.readUInt32LE(at + 92);
      if (packetSize === 0 || packetSize !== header.readUInt32LE(at + 96)) throw new AsfError('$H: the packet size is not fixed');
      return { headerObjectSize, filePropertiesAt: at, packetSize };
    }
    at += size;
  }
  throw new AsfError('$H has no File Properties Object');
}

/** One ASF file being written from a push stream. */
export class AsfFileWriter {
  private readonly fd: number;
  private readonly layout: HeaderLayout;
  private packets = 0;
  private finished = false;
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(
    readonly path: string,
    header: Buffer,
  ) {
    this.layout = headerLayout(header);
    this.fd = fs.openSync(path, 'w');
    fs.writeSync(this.fd, header);
  }

  /** The header's fixed packet size. */
  get packetSize(): number {
    return this.layout.packetSize;
  }

  /** Packets written so far. */
  get packetCount(): number {
    return this.packets;
  }

  /** Appends one data packet; a `$D` stripped of its padding is padded back, Padding Length fixed (§2.5). */
  packet(payload: Buffer): void {
    if (this.finished) throw new AsfError(`${this.path}: a packet after finish()`);
    if (payload.length > this.layout.packetSize) throw new AsfError(`$D of ${payload.length} bytes exceeds the packet size ${this.layout.packetSize}`);
    const full = restorePadding(payload, this.layout.packetSize);
    this.pending.push(full);
    this.pendingBytes += full.length;
    this.packets++;
    if (this.pendingBytes >= WRITE_BATCH_BYTES) this.flush();
  }

  private flush(): void {
    if (this.pendingBytes === 0) return;
    fs.writeSync(this.fd, this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes));
    this.pending = [];
    this.pendingBytes = 0;
  }

  /** Fixes up the sizes and counts and closes the file. Idempotent. */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.flush();
    const { headerObjectSize: hos, filePropertiesAt: fp, packetSize } = this.layout;
    const dataSize = DATA_OBJECT_PREFIX + this.packets * packetSize;
    const u64 = (value: number, at: number) => {
      const b = Buffer.alloc(8);
      b.writeBigUInt64LE(BigInt(value));
      fs.writeSync(this.fd, b, 0, 8, at);
    };
    u64(dataSize, hos + 16); // Data Object Size
    u64(this.packets, hos + 40); // Data Object Total Data Packets
    u64(hos + dataSize, fp + 40); // File Properties File Size
    u64(this.packets, fp + 56); // File Properties Data Packets Count
    fs.closeSync(this.fd);
  }
}
