/**
 * The ASF reader (adapters/wmf-push/asfReader.ts) on a tiny ASF file assembled here from the
 * structure in wmf-push-sink.md §6.1: a Header Object holding a File Properties Object, one Stream
 * Properties Object and a Header Extension Object, then a Data Object with N fixed-size packets.
 */
import { describe, expect, it } from 'vitest';
import { decodePackets, encodeData, encodeEnd, encodeHeader } from '../adapters/wmf-push/framing.js';
import { ASF_GUID, AsfError, guidAt, guidBytes, readAsf } from '../adapters/wmf-push/asfReader.js';
import { FILE_ID, tinyAsf } from './asfFixture.js';

describe('GUIDs', () => {
  it('are written Data1/Data2/Data3 little-endian, then 8 bytes as written (spec §6.1)', () => {
    expect(guidBytes(ASF_GUID.header).toString('hex')).toBe('3026b2758e66cf11a6d900aa0062ce6c');
    expect(guidAt(guidBytes(ASF_GUID.data), 0)).toBe(ASF_GUID.data);
  });
});

describe('readAsf on a valid file', () => {
  it('gives the $H payload (Header Object + 50 bytes of the Data Object) and the packets', () => {
    const file = tinyAsf({ packets: 4, packetSize: 100 });
    const asf = readAsf(file);
    const headerObjectSize = 30 + 104 + (78 + 18) + 46;
    expect(asf.headerObjectSize).toBe(headerObjectSize);
    expect(asf.header.length).toBe(headerObjectSize + 50);
    expect(asf.header.equals(file.subarray(0, headerObjectSize + 50))).toBe(true);
    expect(guidAt(asf.header, headerObjectSize)).toBe(ASF_GUID.data);
    expect(asf.packetSize).toBe(100);
    expect(asf.packets.map((p) => [p.length, p[0]])).toEqual([
      [100, 1],
      [100, 2],
      [100, 3],
      [100, 4],
    ]);
    expect(asf).toMatchObject({ fileId: FILE_ID, broadcast: false, declaredPackets: 4, streams: 1, trailingBytes: 0 });
  });

  it('ignores objects after the Data Object (an index)', () => {
    const asf = readAsf(tinyAsf({ trailer: Buffer.alloc(40, 0xee) }));
    expect(asf.packets).toHaveLength(3);
    expect(asf.trailingBytes).toBe(40);
  });

  it('broadcast: the Data Object size and packet counts are not meaningful, packets run to the end', () => {
    const asf = readAsf(tinyAsf({ broadcast: true, dataSize: 0, packets: 5 }));
    expect(asf.broadcast).toBe(true);
    expect(asf.packets).toHaveLength(5);
  });

  it('a file with no packets', () => {
    expect(readAsf(tinyAsf({ packets: 0 })).packets).toEqual([]);
  });
});

describe('readAsf errors name what is wrong', () => {
  const ok = tinyAsf();
  const headerObjectSize = Number(ok.readBigUInt64LE(16));
  const cases: [string, () => Buffer, RegExp][] = [
    ['empty input', () => Buffer.alloc(0), /truncated: 0 bytes, the ASF Header Object alone needs 30/],
    ['not ASF', () => Buffer.alloc(200, 0x41), /not an ASF file: it starts with GUID 41414141-.*not the Header Object 75B22630/],
    ['header cut short', () => ok.subarray(0, 100), /truncated: the Header Object declares 276 bytes, the file holds 100/],
    ['Data Object cut short', () => ok.subarray(0, headerObjectSize + 20), /truncated: the Data Object at byte 276 needs 50 bytes, 20 remain/],
    ['packets cut short', () => ok.subarray(0, ok.length - 10), /truncated: the Data Object declares 242 bytes, the file holds 232/],
    [
      'bad Header Object size',
      () => {
        const b = Buffer.from(ok);
        b.writeBigUInt64LE(10n, 16);
        return b;
      },
      /Header Object size 10 is smaller than its 30-byte fixed part/,
    ],
    [
      'child overruns the header',
      () => {
        const b = Buffer.from(ok);
        b.writeBigUInt64LE(5000n, 30 + 16);
        return b;
      },
      /header object #1 \(8CABDCA1-A947-11CF-8EE4-00C00C205365\) at byte 30 declares 5000 bytes/,
    ],
    [
      'wrong child count',
      () => {
        const b = Buffer.from(ok);
        b.writeUInt32LE(7, 24);
        return b;
      },
      /declares 7 header objects, it holds 3/,
    ],
    [
      'no File Properties',
      () => {
        const b = Buffer.from(ok);
        guidBytes('00000000-0000-0000-0000-000000000001').copy(b, 30);
        return b;
      },
      /no File Properties Object/,
    ],
    ['variable packet size', () => tinyAsf({ minPacket: 64, maxPacket: 128 }), /Minimum Data Packet Size 64 differs from Maximum 128/],
    ['packet size 0', () => tinyAsf({ minPacket: 0, maxPacket: 0 }), /Data Packet Size is 0/],
    [
      'no Data Object after the header',
      () => {
        const b = Buffer.from(ok);
        b.fill(0x11, headerObjectSize, headerObjectSize + 16);
        return b;
      },
      /the object after the Header Object \(byte 276\) is 11111111-.*not the Data Object 75B22636/,
    ],
    [
      'Data Object File ID differs',
      () => {
        const b = Buffer.from(ok);
        b[headerObjectSize + 24] ^= 0xff;
        return b;
      },
      /Data Object File ID .* differs from the File Properties File ID/,
    ],
    [
      'packet count mismatch',
      () => tinyAsf({ declaredPackets: 9 }),
      /File Properties declares 9 data packets, the Data Object holds 3/,
    ],
    ['packets not a whole number', () => tinyAsf({ dataSize: 50 + 3 * 64 - 5 }), /not a whole number of 64-byte packets \(59 bytes left over/],
    [
      'header too large for $H',
      () => {
        // Grow the Header Extension's data to push the header past 65,531 bytes.
        const big = tinyAsf();
        const hxAt = 30 + 104 + 96;
        const hx = Buffer.alloc(46 + 66_000);
        big.copy(hx, 0, hxAt, hxAt + 46);
        hx.writeBigUInt64LE(BigInt(hx.length), 16);
        hx.writeUInt32LE(66_000, 42);
        const header = Buffer.concat([big.subarray(0, hxAt), hx]);
        header.writeBigUInt64LE(BigInt(header.length), 16);
        return Buffer.concat([header, big.subarray(hxAt + 46)]);
      },
      /the header .* is 66326 bytes; \$H allows 65531/,
    ],
  ];
  it.each(cases)('%s', (_name, make, message) => {
    let error: unknown;
    try {
      readAsf(make());
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AsfError);
    expect((error as Error).message).toMatch(message);
  });
});

describe('ASF to the push wire', () => {
  it('$H + one $D per packet + $E(0) decodes back to the header and the packets', () => {
    const asf = readAsf(tinyAsf({ packets: 6, packetSize: 200 }));
    const wire = Buffer.concat([encodeHeader(asf.header), ...asf.packets.map(encodeData), encodeEnd()]);
    expect(wire.length).toBe(4 + asf.header.length + 6 * (4 + 200) + 8);
    const { packets, rest } = decodePackets(wire);
    expect(rest.length).toBe(0);
    expect(packets[0]).toEqual({ type: 'H', payload: asf.header });
    expect(packets.slice(1, -1)).toEqual(asf.packets.map((p) => ({ type: 'D', payload: p })));
    expect(packets.at(-1)).toEqual({ type: 'E', reason: 0 });
  });
});
