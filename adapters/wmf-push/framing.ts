/**
 * The push framing of [MS-WMHTTP] (wmf-push-sink.md §2.5, §2.6), as pure functions: `$H`, `$D`,
 * `$C`, `$E` (with its Reason) and `$F` padding, encoded and decoded; and the Length-Remaining
 * accounting of a PushStart body — when a packet fits, when `$F` pads the body to its
 * Content-Length, and when a new PushStart is needed.
 *
 * Wire form: `0x24`, the type letter, a little-endian u16 PacketLength (the bytes after it), then a
 * 4-byte little-endian Reason for `$C` and `$E` only, then the payload. Push mode has no 8-byte
 * MMS pre-header.
 * @module
 */
import { strippablePadding, writeField, type AsfPacketInfo } from './asfPacket.js';

/** The packet type letters. */
export const PACKET_ID = { C: 0x43, D: 0x44, E: 0x45, F: 0x46, H: 0x48 } as const;
export type PacketType = keyof typeof PACKET_ID;

/** Byte 0 of every push packet ('$', the B bit clear). */
export const FRAME = 0x24;
/** Framing header: '$', type, PacketLength. */
export const FRAME_HEADER_BYTES = 4;
/** The largest `$H` payload (§2.2.3.6). */
export const MAX_H_PAYLOAD = 65_531;
/** The largest header a `$C` carries (§2.2.3.2). */
export const MAX_C_HEADER = 65_527;
/** The largest `$F` payload (§2.2.3.5). */
export const MAX_F_PAYLOAD = 65_531;
/** The largest `$D` payload: PacketLength is a u16 and `$D` has no Reason. */
export const MAX_D_PAYLOAD = 65_535;
/** The Content-Length a client without a proxy sends on PushStart (§2.2). */
export const DEFAULT_CONTENT_LENGTH = 2_147_483_647;
/** `$E` Reasons with a meaning of their own. */
export const REASON = { END_OF_STREAM: 0x00000000, END_OF_ENTRY: 0x00000001 } as const;

/** A malformed packet or a value that cannot be framed. */
export class FramingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FramingError';
  }
}

/** A decoded packet. */
export type PushPacket =
  | { type: 'H'; payload: Buffer }
  | { type: 'D'; payload: Buffer }
  | { type: 'C'; reason: number; payload: Buffer }
  | { type: 'E'; reason: number }
  | { type: 'F'; length: number };

function frame(type: PacketType, reason: number | undefined, payload: Uint8Array): Buffer {
  const extra = reason === undefined ? 0 : 4;
  const length = extra + payload.length;
  if (length > 0xffff) throw new FramingError(`$${type}: PacketLength ${length} exceeds 65535`);
  // Every byte is written below, so an unzeroed (pooled, for small packets) buffer is safe and cheaper.
  const out = Buffer.allocUnsafe(FRAME_HEADER_BYTES + length);
  out[0] = FRAME;
  out[1] = PACKET_ID[type];
  out.writeUInt16LE(length, 2);
  if (reason !== undefined) out.writeUInt32LE(reason >>> 0, 4);
  out.set(payload, FRAME_HEADER_BYTES + extra);
  return out;
}

/** `$H`: the ASF header (Header Object + the first 50 bytes of the Data Object), at most 65,531 bytes. */
export function encodeHeader(header: Uint8Array): Buffer {
  if (header.length === 0) throw new FramingError('$H: empty header');
  if (header.length > MAX_H_PAYLOAD) throw new FramingError(`$H: header of ${header.length} bytes exceeds ${MAX_H_PAYLOAD}`);
  return frame('H', undefined, header);
}

/** `$D`: one ASF data packet. */
export function encodeData(packet: Uint8Array): Buffer {
  if (packet.length === 0) throw new FramingError('$D: empty data packet');
  if (packet.length > MAX_D_PAYLOAD) throw new FramingError(`$D: data packet of ${packet.length} bytes exceeds ${MAX_D_PAYLOAD}`);
  return frame('D', undefined, packet);
}

/**
 * How each packet of a run goes out as `$D` (decision P39): its frame length and, when its padding
 * is stripped, where its parsing information says so. With `strip`, each packet loses its padding
 * exactly as `stripPadding` (asfPacket.ts) would strip it. Same checks as {@link encodeData} (on the
 * payload as sent). The plan lets a writer size a group of frames before copying any byte.
 */
export interface DataRunPlan {
  /** FRAME_HEADER_BYTES + the payload as sent, per packet. */
  readonly frameLengths: readonly number[];
  /** The parsing information of each packet stripped on the way, undefined for a packet sent as it is. */
  readonly stripped: readonly (AsfPacketInfo | undefined)[];
}

/** Plans the `$D` frames of a run (see {@link DataRunPlan}); throws FramingError for an empty or oversized packet. */
export function planDataRun(packets: readonly Uint8Array[], strip = false): DataRunPlan {
  const frameLengths: number[] = new Array(packets.length);
  const stripped: (AsfPacketInfo | undefined)[] = new Array(packets.length);
  for (let i = 0; i < packets.length; i++) {
    const packet = packets[i]!;
    const info = strip ? strippablePadding(packet) : undefined;
    const length = info ? packet.length - info.padding : packet.length;
    if (length === 0) throw new FramingError('$D: empty data packet');
    if (length > MAX_D_PAYLOAD) throw new FramingError(`$D: data packet of ${length} bytes exceeds ${MAX_D_PAYLOAD}`);
    frameLengths[i] = FRAME_HEADER_BYTES + length;
    stripped[i] = info;
  }
  return { frameLengths, stripped };
}

/**
 * Writes the `$D` frames of packets `from`..`to` (exclusive) of a planned run back to back into `out`
 * from offset `at`, each byte for byte `encodeData(stripPadding(packet))` (or `encodeData(packet)`
 * when not stripped), without an intermediate copy. Returns the offset after the last frame.
 */
export function writeDataFrames(packets: readonly Uint8Array[], plan: DataRunPlan, from: number, to: number, out: Buffer, at = 0): number {
  for (let i = from; i < to; i++) {
    const packet = packets[i]!;
    const length = plan.frameLengths[i]! - FRAME_HEADER_BYTES;
    out[at] = FRAME;
    out[at + 1] = PACKET_ID.D;
    out[at + 2] = length & 0xff;
    out[at + 3] = length >>> 8;
    const payloadAt = at + FRAME_HEADER_BYTES;
    // A plain Uint8Array view: Buffer#subarray would build a Buffer object per packet.
    out.set(length === packet.length ? packet : new Uint8Array(packet.buffer, packet.byteOffset, length), payloadAt);
    const info = plan.stripped[i];
    if (info) {
      // Padding Length 0; Packet Length, when the packet carries one, the new size (as stripPadding).
      writeField(out, payloadAt + info.paddingAt, info.paddingWidth, 0);
      writeField(out, payloadAt + info.packetLengthAt, info.packetLengthWidth, length);
    }
    at = payloadAt + length;
  }
  return at;
}



/** `$C`: Reason 0 and a new header, at most 65,527 bytes. */
export function encodeStreamChange(header: Uint8Array): Buffer {
  if (header.length === 0) throw new FramingError('$C: empty header');
  if (header.length > MAX_C_HEADER) throw new FramingError(`$C: header of ${header.length} bytes exceeds ${MAX_C_HEADER}`);
  return frame('C', 0, header);
}

/** `$E` with its Reason: S_OK ends the stream, S_FALSE ends the entry (a `$C` follows), else an error. */
export function encodeEnd(reason: number = REASON.END_OF_STREAM): Buffer {
  return frame('E', reason, new Uint8Array(0));
}

/** One `$F` with `payloadBytes` zero bytes (0…65,531). */
export function encodeFiller(payloadBytes: number): Buffer {
  if (!Number.isInteger(payloadBytes) || payloadBytes < 0 || payloadBytes > MAX_F_PAYLOAD) {
    throw new FramingError(`$F: payload of ${payloadBytes} bytes is outside 0…${MAX_F_PAYLOAD}`);
  }
  return frame('F', undefined, new Uint8Array(payloadBytes));
}

/**
 * `$F` packets totalling exactly `totalBytes` on the wire (each at most 65,535 bytes). 0 gives none;
 * 1…3 cannot be padded (an `$F` is at least 4 bytes) and throws.
 */
export function fillerFor(totalBytes: number): Buffer[] {
  if (!Number.isInteger(totalBytes) || totalBytes < 0) throw new FramingError(`$F: cannot pad ${totalBytes} bytes`);
  if (totalBytes > 0 && totalBytes < FRAME_HEADER_BYTES) throw new FramingError(`$F: cannot pad ${totalBytes} bytes (an $F is at least 4)`);
  const out: Buffer[] = [];
  let left = totalBytes;
  const maxPacket = FRAME_HEADER_BYTES + MAX_F_PAYLOAD;
  while (left > 0) {
    // Never leave 1…3 bytes for the last packet.
    let size = Math.min(maxPacket, left);
    if (left - size > 0 && left - size < FRAME_HEADER_BYTES) size = left - FRAME_HEADER_BYTES;
    out.push(encodeFiller(size - FRAME_HEADER_BYTES));
    left -= size;
  }
  return out;
}

/** Any packet as bytes. */
export function encodePacket(packet: PushPacket): Buffer {
  switch (packet.type) {
    case 'H':
      return encodeHeader(packet.payload);
    case 'D':
      return encodeData(packet.payload);
    case 'C':
      if (packet.reason !== 0) throw new FramingError(`$C: Reason must be 0, not ${packet.reason}`);
      return encodeStreamChange(packet.payload);
    case 'E':
      return encodeEnd(packet.reason);
    case 'F':
      return encodeFiller(packet.length);
  }
}

const TYPE_OF = new Map<number, PacketType>(Object.entries(PACKET_ID).map(([type, id]) => [id, type as PacketType]));

/**
 * Decodes every complete packet at the start of `bytes`; `rest` is the incomplete tail (feed it
 * again with more bytes). `offset` is where `bytes` starts in the stream, for error messages.
 */
export function decodePackets(bytes: Buffer, offset = 0): { packets: PushPacket[]; rest: Buffer } {
  const packets: PushPacket[] = [];
  let at = 0;
  while (bytes.length - at >= FRAME_HEADER_BYTES) {
    const where = offset + at;
    if (bytes[at] !== FRAME) {
      throw new FramingError(`byte ${where}: expected 0x24 ('$') to start a packet, found 0x${bytes[at]!.toString(16).padStart(2, '0')}`);
    }
    const type = TYPE_OF.get(bytes[at + 1]!);
    if (type === undefined) throw new FramingError(`byte ${where + 1}: unknown packet type 0x${bytes[at + 1]!.toString(16).padStart(2, '0')}`);
    const length = bytes.readUInt16LE(at + 2);
    if ((type === 'C' || type === 'E') && length < 4) throw new FramingError(`byte ${where}: $${type} with PacketLength ${length}, the Reason needs 4`);
    if (type === 'E' && length !== 4) throw new FramingError(`byte ${where}: $E with PacketLength ${length}, must be 4`);
    if (bytes.length - at - FRAME_HEADER_BYTES < length) break;
    const body = bytes.subarray(at + FRAME_HEADER_BYTES, at + FRAME_HEADER_BYTES + length);
    switch (type) {
      case 'H':
      case 'D':
        packets.push({ type, payload: Buffer.from(body) });
        break;
      case 'C':
        packets.push({ type, reason: body.readUInt32LE(0), payload: Buffer.from(body.subarray(4)) });
        break;
      case 'E':
        packets.push({ type, reason: body.readUInt32LE(0) });
        break;
      case 'F':
        packets.push({ type, length });
        break;
    }
    at += FRAME_HEADER_BYTES + length;
  }
  return { packets, rest: Buffer.from(bytes.subarray(at)) };
}

// ---------------------------------------------------------------------------------------------
// Length-Remaining (§2.6; [MS-WMHTTP] §3.1.4.2.1-§3.1.4.5)
// ---------------------------------------------------------------------------------------------

/**
 * The smallest Length-Remaining a PushStart may start with: max(3 × the largest `$D`, the largest
 * `$H`/`$C` + 4), in wire bytes of those packets.
 */
export function minLengthRemaining(largestDataPacket: number, largestHeaderPacket: number): number {
  return Math.max(3 * largestDataPacket, largestHeaderPacket + 4);
}

/** What the client does on the wire to send one packet. */
export type BodyAction =
  /** Write these bytes into the current PushStart body. */
  | { kind: 'write'; bytes: Buffer; packet: PacketType }
  /** Wait for the response to the current PushStart (a 204), then send a new PushStart with this Content-Length. */
  | { kind: 'newPushStart'; contentLength: number };

/** Whether a packet of `size` wire bytes may go into a body with `remaining` bytes left. */
export function fits(remaining: number, size: number): boolean {
  // Never leave 1…3 bytes: those could not be padded with `$F` (the §2.13 oddity, avoided).
  const after = remaining - size;
  return after === 0 || after >= FRAME_HEADER_BYTES;
}

/**
 * Places one packet (already encoded) on the body: it fits, or the body is padded with `$F` to its
 * Content-Length and a new PushStart (`contentLength` bytes) carries it. Returns the actions in
 * order and the Length-Remaining after them. A body left at exactly 0 asks for the new PushStart
 * when the next packet comes.
 */
export function placePacket(remaining: number, packet: Buffer, contentLength = DEFAULT_CONTENT_LENGTH): { actions: BodyAction[]; remaining: number } {
  const type = (TYPE_OF.get(packet[1]!) ?? 'D') as PacketType;
  if (fits(remaining, packet.length)) return { actions: [{ kind: 'write', bytes: packet, packet: type }], remaining: remaining - packet.length };
  if (!fits(contentLength, packet.length)) {
    throw new FramingError(`a ${packet.length}-byte $${type} cannot fit a PushStart body of ${contentLength} bytes`);
  }
  const actions: BodyAction[] = fillerFor(remaining).map((bytes) => ({ kind: 'write' as const, bytes, packet: 'F' as const }));
  actions.push({ kind: 'newPushStart', contentLength });
  actions.push({ kind: 'write', bytes: packet, packet: type });
  return { actions, remaining: contentLength - packet.length };
}
