/**
 * Real content end to end: a small WMV (WMV2 video + WMA2 audio) made by Debian's ffmpeg at test time
 * is pushed through the client — in process and with `mfchart push` against `mfchart serve-push` —
 * the counts agree on both ends, and ffprobe accepts the server's file: same streams, same duration,
 * same number of frames, and the packets are byte for byte the original ones once the server has put
 * back the padding the client stripped (decisions P31-P33). Mandatory under CI (ffmpeg, ffprobe).
 *
 * The padding helpers (adapters/wmf-push/asfPacket.ts) are checked first on packets built here.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HR } from '../machines/hresult.js';
import { readAsf, type AsfFile } from '../adapters/wmf-push/asfReader.js';
import { readPacketInfo, restorePadding, stripPadding } from '../adapters/wmf-push/asfPacket.js';
import { createPushClient } from '../adapters/wmf-push/createPushClient.js';
import { createPushServer, type PushServer } from '../adapters/wmf-push/createPushServer.js';
import { runPush, startServePush } from './pushCli.js';
import { FFMPEG, FFPROBE, missingPrograms } from './systemPackage.js';

/**
 * An ASF data packet: optional error correction (0x82 0 0), Length Type Flags, Property Flags 0x5D,
 * an optional Packet Length word, a Padding Length field of `padWidth` bytes (0: none), Send Time,
 * Duration, `payload`, then `padding` zero bytes.
 */
function packet(o: { payload: number[]; padding: number; padWidth: 0 | 1 | 2 | 4; ec?: boolean; packetLength?: boolean }): Buffer {
  const padType = { 0: 0, 1: 1, 2: 2, 4: 3 }[o.padWidth];
  const head: number[] = o.ec ? [0x82, 0, 0] : [];
  const size = head.length + 2 + (o.packetLength ? 2 : 0) + o.padWidth + 6 + o.payload.length + o.padding;
  head.push((padType << 3) | (o.packetLength ? 2 << 5 : 0), 0x5d);
  if (o.packetLength) head.push(size & 0xff, size >> 8);
  for (let i = 0; i < o.padWidth; i++) head.push(i === 0 ? o.padding & 0xff : i === 1 ? o.padding >> 8 : 0);
  head.push(0x10, 0x27, 0, 0, 0x21, 0); // Send Time 10000 ms, Duration 33
  return Buffer.concat([Buffer.from(head), Buffer.from(o.payload), Buffer.alloc(o.padding)]);
}

describe('ASF packet padding: stripped by the client, restored by the server', () => {
  it('strips zero padding, sets Padding Length to 0, and restoring gives the original bytes back', () => {
    for (const padWidth of [1, 2] as const) {
      for (const ec of [false, true]) {
        const original = packet({ payload: [1, 2, 3, 4, 5], padding: 200, padWidth, ec });
        const stripped = Buffer.from(stripPadding(original));
        expect(stripped.length).toBe(original.length - 200);
        expect(readPacketInfo(stripped)).toMatchObject({ padding: 0, paddingWidth: padWidth });
        expect(restorePadding(stripped, original.length).equals(original)).toBe(true);
      }
    }
  });

  it('keeps Packet Length, when present, equal to the bytes on the wire', () => {
    const original = packet({ payload: [9, 9, 9], padding: 50, padWidth: 1, packetLength: true });
    const stripped = stripPadding(original);
    expect(readPacketInfo(stripped)).toMatchObject({ packetLength: stripped.length, padding: 0 });
    expect(restorePadding(stripped, original.length).equals(original)).toBe(true);
  });

  it('restores a packet with no Padding Length field by inserting one (and widens a byte field when needed)', () => {
    const bare = packet({ payload: [7, 7, 7], padding: 0, padWidth: 0 });
    const restored = restorePadding(bare, bare.length + 100);
    expect(restored.length).toBe(bare.length + 100);
    const info = readPacketInfo(restored)!;
    expect(info).toMatchObject({ paddingWidth: 1, padding: 99 }); // the inserted byte is one of the 100
    expect([...restored.subarray(info.infoEnd, info.infoEnd + 3)]).toEqual([7, 7, 7]);
    const wide = restorePadding(packet({ payload: [1], padding: 0, padWidth: 1 }), 2000);
    expect(readPacketInfo(wide)).toMatchObject({ paddingWidth: 2 });
    expect(wide.length).toBe(2000);
    expect(wide.length - readPacketInfo(wide)!.padding - readPacketInfo(wide)!.infoEnd).toBe(1);
  });

  it('leaves alone what it does not recognise: non-zero "padding", a bad Property Flags byte, opaque bytes', () => {
    const nonZero = packet({ payload: [1], padding: 8, padWidth: 1 });
    nonZero[nonZero.length - 1] = 0xee;
    expect(stripPadding(nonZero)).toBe(nonZero);
    const badFlags = packet({ payload: [1], padding: 8, padWidth: 1 });
    badFlags[1] = 0x01; // Stream Number Length Type 00 is not allowed
    expect(stripPadding(badFlags)).toBe(badFlags);
    const opaque = Buffer.alloc(64, 0x09);
    expect(stripPadding(opaque)).toBe(opaque);
    expect(restorePadding(Buffer.alloc(10, 0x09), 16).equals(Buffer.concat([Buffer.alloc(10, 0x09), Buffer.alloc(6)]))).toBe(true);
    expect(() => restorePadding(Buffer.alloc(20), 16)).toThrow(RangeError);
  });
});

const missing = missingPrograms(FFMPEG, FFPROBE);

interface Probe {
  streams: { codec_name: string; codec_type: string; nb_read_frames?: string }[];
  format: { duration: string; nb_streams: number };
}

/** ffprobe's view of a file: streams with counted frames, and the duration. Throws when ffprobe rejects it. */
function probe(file: string): Probe {
  const json = execFileSync('ffprobe', ['-v', 'error', '-count_frames', '-show_entries', 'stream=codec_name,codec_type,nb_read_frames:format=duration,nb_streams', '-of', 'json', file], {
    encoding: 'utf8',
  });
  return JSON.parse(json) as Probe;
}

/** Decodes the whole file; ffmpeg's error output (empty when every packet decodes cleanly). */
function decodeErrors(file: string): string {
  return execFileSync('ffmpeg', ['-v', 'error', '-i', file, '-f', 'null', '-'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

describe.skipIf(missing)('an ffmpeg-made WMV pushed end to end, checked with ffprobe', () => {
  let dir: string;
  let wmv: string;
  let source: AsfFile;
  let sourceProbe: Probe;
  const cleanups: (() => Promise<void> | void)[] = [];

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfchart-ffmpeg-'));
    wmv = path.join(dir, 'testsrc.wmv');
    execFileSync('ffmpeg', [
      '-v', 'error', '-y',
      '-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=15',
      '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=22050',
      '-c:v', 'wmv2', '-b:v', '200k', '-c:a', 'wmav2', '-b:a', '32k', '-ac', '1',
      '-t', '2', wmv,
    ]);
    source = readAsf(fs.readFileSync(wmv));
    sourceProbe = probe(wmv);
  });
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** The server's file is what ffprobe saw in the source: streams, frames, duration; and the packets are the same bytes. */
  function expectSameMedia(file: string): void {
    const got = probe(file);
    expect(got.streams.map((s) => [s.codec_type, s.codec_name, s.nb_read_frames])).toEqual(sourceProbe.streams.map((s) => [s.codec_type, s.codec_name, s.nb_read_frames]));
    expect(Number(got.format.duration)).toBeCloseTo(Number(sourceProbe.format.duration), 1);
    expect(Number(got.format.duration)).toBeGreaterThan(1.8);
    expect(decodeErrors(file)).toBe('');
    const received = readAsf(fs.readFileSync(file));
    expect(received.packets.length).toBe(source.packets.length);
    received.packets.forEach((p, i) => expect(p.equals(source.packets[i]!), `packet ${i}`).toBe(true));
  }

  async function startServer(): Promise<PushServer> {
    const server = createPushServer({ host: '127.0.0.1', port: 0, outDir: path.join(dir, `out-${Math.random().toString(36).slice(2)}`) });
    await server.listen();
    cleanups.push(() => server.close());
    return server;
  }

  it('ffmpeg pads its packets, so the client has padding to strip (else this test proves little)', () => {
    const stripped = source.packets.map((p) => stripPadding(p).length);
    expect(stripped.some((n, i) => n < source.packets[i]!.length)).toBe(true);
    expect(source.packets.length).toBeGreaterThan(4);
  });

  it('in process: counts match on both ends, padding is stripped on the wire, ffprobe accepts the file', async () => {
    const server = await startServer();
    const c = createPushClient();
    cleanups.push(() => c.dispose());
    expect(await c.connect(`${server.url}/wmv`)).toBe(HR.S_OK);
    expect(await c.onHeader(source.header)).toBe(HR.S_OK);
    const outcomes = await Promise.all(source.packets.map((p) => c.onDataUnit(p)));
    expect(outcomes.every((hr) => hr === HR.S_OK)).toBe(true);
    expect(await c.endSession()).toBe(HR.S_OK);
    const summary = await server.nextSessionEnd();
    const stats = c.stats();
    const n = source.packets.length;
    expect(stats).toMatchObject({ handed: n, acked: n, failed: 0, dataUnits: n });
    expect(summary).toMatchObject({ reason: 'endOfStream', units: n, dataBytes: stats.dataBytes, bodyBytes: stats.bodyBytes });
    const sourceBytes = source.packets.reduce((sum, p) => sum + p.length, 0);
    expect(stats.dataBytes + stats.strippedBytes).toBe(sourceBytes);
    expect(stats.strippedBytes).toBeGreaterThan(0);
    expect(stats.bodyBytes).toBe(4 + source.header.length + 4 * n + stats.dataBytes + 8);
    expectSameMedia(summary.file!);
  });

  it('an entry, $E(1), a new header ($C), a second entry: two files, both accepted by ffprobe', async () => {
    const server = await startServer();
    const c = createPushClient();
    cleanups.push(() => c.dispose());
    expect(await c.connect(`${server.url}/two`)).toBe(HR.S_OK);
    for (const entry of [0, 1]) {
      expect(await c.onHeader(source.header)).toBe(HR.S_OK);
      expect((await Promise.all(source.packets.map((p) => c.onDataUnit(p)))).every((hr) => hr === HR.S_OK)).toBe(true);
      if (entry === 0) expect(await c.onEndWriting()).toBe(HR.S_OK);
    }
    expect(await c.endSession()).toBe(HR.S_OK);
    const summary = await server.nextSessionEnd();
    expect(summary.units).toBe(2 * source.packets.length);
    expect(summary.files.map((f) => path.basename(f))).toEqual(['two.asf', 'two-2.asf']);
    for (const file of summary.files) expectSameMedia(file);
  });

  it('a second session on the same point writes a new file instead of overwriting the first', async () => {
    const server = await startServer();
    for (let i = 0; i < 2; i++) {
      const c = createPushClient();
      cleanups.push(() => c.dispose());
      expect(await c.connect(`${server.url}/again`)).toBe(HR.S_OK);
      await c.onHeader(source.header);
      await Promise.all(source.packets.map((p) => c.onDataUnit(p)));
      expect(await c.endSession()).toBe(HR.S_OK);
    }
    const files = [(await server.nextSessionEnd()).file!, (await server.nextSessionEnd()).file!];
    expect(files.map((f) => path.basename(f))).toEqual(['again.asf', 'again-2.asf']);
    for (const file of files) expectSameMedia(file);
  });

  it('mfchart push → mfchart serve-push: exit 0, the same counts printed on both ends, ffprobe accepts the file', async () => {
    const out = path.join(dir, 'cli-out');
    const serve = await startServePush(out);
    cleanups.push(() => {
      serve.process.kill();
    });
    const { code, output: pushOut } = await runPush([wmv, `${serve.url}/cli`]);
    expect(code, pushOut).toBe(0);
    const n = source.packets.length;
    expect(pushOut).toMatch(new RegExp(`units: ${n} handed, ${n} acknowledged, 0 failed`));
    const bytes = /bytes: (\d+) data, (\d+) body/.exec(pushOut);
    expect(bytes, pushOut).not.toBeNull();
    // serve-push prints the session when it ends.
    const [line] = await serve.printed(/session \S+ \/cli: .*/);
    expect(line).toContain(`endOfStream, ${n} units, ${bytes![1]} data bytes, ${bytes![2]} body bytes`);
    expectSameMedia(path.join(out, 'cli.asf'));
  });
});
