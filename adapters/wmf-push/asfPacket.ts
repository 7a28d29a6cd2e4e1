/**
 * The padding of one ASF data packet (the `$D` payload), stripped on the way out and restored on the
 * way in ([MS-WMHTTP] §2.2.3.3: the Padding Data SHOULD be stripped, and then the Padding Length MUST
 * be updated; a receiver pads back to the header's fixed packet size, as Flumotion does; spec §6.2).
 *
 * Only the packet's payload parsing information is read: the optional error correction data, the
 * Length Type Flags and Property Flags, then Packet Length, Sequence and Padding Length (each absent,
 * a byte, a word or a dword as the flags say), Send Time and Duration. The payloads themselves are
 * never touched. A packet this parser does not recognise is left exactly as it is.
 * @module
 */

/** The parts of a packet's payload parsing information that padding depends on. */
export interface AsfPacketInfo {
  /** Bytes before the Length Type Flags (error correction flags and data). */
  prefix: number;
  lengthTypeFlags: number;
  /** Offset and width (0, 1, 2, 4) of the Packet Length field, and its value (0 when absent). */
  packetLengthAt: number;
  packetLengthWidth: number;
  packetLength: number;
  /** Offset and width of the Padding Length field, and its value (0 when absent). */
  paddingAt: number;
  paddingWidth: number;
  padding: number;
  /** Where the payload data starts (just after Send Time and Duration). */
  infoEnd: number;
}

/** The width in bytes of a 2-bit length type (00 absent, 01 byte, 10 word, 11 dword). */
const WIDTH = [0, 1, 2, 4] as const;

/** A little-endian field of 0, 1, 2 or 4 bytes (read byte by byte: no Buffer view per packet on the data path). */
function readField(p: Uint8Array, at: number, width: number): number {
  if (width === 0) return 0;
  if (width === 1) return p[at]!;
  if (width === 2) return p[at]! | (p[at + 1]! << 8);
  return (p[at]! | (p[at + 1]! << 8) | (p[at + 2]! << 16)) + p[at + 3]! * 0x1000000;
}

/** Writes a little-endian field of 0 (nothing), 1, 2 or 4 bytes. */
export function writeField(b: Buffer, at: number, width: number, value: number): void {
  if (width === 1) b[at] = value;
  else if (width === 2) b.writeUInt16LE(value, at);
  else if (width === 4) b.writeUInt32LE(value, at);
}

/**
 * Reads a packet's payload parsing information; undefined when the bytes do not look like an ASF data
 * packet (error correction with a length type other than 00, a Stream Number Length Type other than
 * the mandatory 01, fields past the end).
 */
export function readPacketInfo(packet: Uint8Array): AsfPacketInfo | undefined {
  let at = 0;
  if (packet.length < 1) return undefined;
  const first = packet[0]!;
  if (first & 0x80) {
    // Error Correction Flags: data length in the low nibble, Opaque Data bit 4, Length Type bits 5-6 (must be 00).
    if (first & 0x70) return undefined;
    at = 1 + (first & 0x0f);
  }
  const prefix = at;
  if (packet.length < at + 2) return undefined;
  const lengthTypeFlags = packet[at]!;
  const propertyFlags = packet[at + 1]!;
  if (lengthTypeFlags & 0x80) return undefined; // error correction bit again: not a packet we understand
  if (propertyFlags >> 6 !== 1) return undefined; // Stream Number Length Type MUST be 01
  at += 2;
  const packetLengthWidth = WIDTH[(lengthTypeFlags >> 5) & 3]!;
  const sequenceWidth = WIDTH[(lengthTypeFlags >> 1) & 3]!;
  const paddingWidth = WIDTH[(lengthTypeFlags >> 3) & 3]!;
  const packetLengthAt = at;
  const paddingAt = at + packetLengthWidth + sequenceWidth;
  const infoEnd = paddingAt + paddingWidth + 6; // Send Time u32, Duration u16
  if (packet.length < infoEnd) return undefined;
  return {
    prefix,
    lengthTypeFlags,
    packetLengthAt,
    packetLengthWidth,
    packetLength: readField(packet, packetLengthAt, packetLengthWidth),
    paddingAt,
    paddingWidth,
    padding: readField(packet, paddingAt, paddingWidth),
    infoEnd,
  };
}

/**
 * The parsing information of a packet whose padding can be stripped, else undefined: the packet is
 * recognised, declares padding, is as long as its Packet Length says (when it has one), and the
 * padding is zeros that fit after the parsing information. Shared by `stripPadding` and the batched
 * framing (framing.ts), so both strip exactly the same packets.
 */
export function strippablePadding(packet: Uint8Array): AsfPacketInfo | undefined {
  const info = readPacketInfo(packet);
  if (info === undefined || info.padding === 0) return undefined;
  const size = info.packetLength !== 0 ? info.packetLength : packet.length;
  if (size !== packet.length || info.infoEnd + info.padding > size) return undefined;
  if (ZEROS.compare(packet, size - info.padding, size, 0, info.padding) !== 0) return undefined; // native memcmp, no copy
  return info;
}

/** Zeros to compare padding with: at most a packet's worth (a `$D` payload is at most 65,535 bytes). */
const ZEROS = Buffer.alloc(65_535);

/**
 * The packet without its trailing padding, Padding Length set to 0 (and Packet Length, when the
 * packet carries one, to the new size). Returns the input itself when there is nothing to strip or
 * the packet is not recognised (see {@link strippablePadding}).
 */
export function stripPadding(packet: Uint8Array): Uint8Array {
  const info = strippablePadding(packet);
  if (info === undefined) return packet;
  const out = Buffer.allocUnsafe(packet.length - info.padding);
  out.set(packet.subarray(0, out.length));
  writeField(out, info.paddingAt, info.paddingWidth, 0);
  writeField(out, info.packetLengthAt, info.packetLengthWidth, out.length);
  return out;
}

/**
 * A received packet padded back to the fixed packet size `packetSize`, with Padding Length (and
 * Packet Length, when present) saying so. When the packet has no Padding Length field, or one too
 * narrow for the padding, the parsing information is rebuilt with a wide enough field. A packet that
 * is not recognised is padded with zeros and otherwise left as it is. Throws RangeError when the
 * packet is longer than `packetSize`.
 */
export function restorePadding(packet: Uint8Array, packetSize: number): Buffer {
  if (packet.length > packetSize) throw new RangeError(`a ${packet.length}-byte packet exceeds the packet size ${packetSize}`);
  const info = readPacketInfo(packet);
  if (packet.length === packetSize || info === undefined) {
    const out = Buffer.alloc(packetSize);
    out.set(packet);
    return out;
  }
  // The payload data, without whatever padding the packet still declares.
  const dataEnd = Math.max(info.infoEnd, packet.length - info.padding);
  const data = packet.subarray(info.infoEnd, dataEnd);
  // Keep the field's width when the padding fits it, else take the narrowest that does.
  const widths = [info.paddingWidth, 1, 2, 4].filter((w) => w !== 0);
  for (const width of widths) {
    const infoSize = info.infoEnd - info.paddingWidth + width;
    const padding = packetSize - infoSize - data.length;
    if (padding < 0 || padding >= 2 ** (8 * width)) continue;
    const out = Buffer.alloc(packetSize);
    Buffer.from(packet.buffer, packet.byteOffset, info.paddingAt).copy(out, 0);
    const typeBits = width === 1 ? 1 : width === 2 ? 2 : 3;
    out[info.prefix] = (info.lengthTypeFlags & ~0x18) | (typeBits << 3);
    writeField(out, info.paddingAt, width, padding);
    Buffer.from(packet.buffer, packet.byteOffset + info.paddingAt + info.paddingWidth, 6).copy(out, info.paddingAt + width);
    out.set(data, infoSize);
    if (info.packetLengthWidth !== 0) writeField(out, info.packetLengthAt, info.packetLengthWidth, packetSize);
    return out;
  }
  throw new RangeError(`cannot pad a ${packet.length}-byte packet to ${packetSize} bytes`);
}
