/**
 * The reusable frame memory of a push connection (decision P40): a slab is taken again only after
 * the socket finished every write that used it, so frames still in flight are never overwritten
 * (checked on the class: backpressure alone keeps a socket's unfinished writes within about one slab,
 * so a loopback run can hardly catch an early reuse); and end to end, many slabs' worth of distinct
 * packets framed through slabs under backpressure arrive byte for byte.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HR } from '../machines/hresult.js';
import { readAsf } from '../adapters/wmf-push/asfReader.js';
import { createPushClient } from '../adapters/wmf-push/createPushClient.js';
import { createPushServer } from '../adapters/wmf-push/createPushServer.js';
import { FrameSlabs } from '../adapters/wmf-push/frameSlabs.js';
import { tinyAsf } from './asfFixture.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Whether two views share any byte of memory. */
const overlaps = (a: Buffer, b: Buffer) => a.buffer === b.buffer && a.byteOffset < b.byteOffset + b.length && b.byteOffset < a.byteOffset + a.length;

describe('FrameSlabs', () => {
  it('does not hand out memory of a slab whose writes have not completed', () => {
    const slabs = new FrameSlabs(100);
    let position = 0;
    const write = (b: Buffer) => {
      position += b.length;
      slabs.wrote(position);
      return b;
    };
    const a = write(slabs.take(60, 0)); // slab 1, written up to 60
    const b = write(slabs.take(60, 0)); // does not fit slab 1: slab 2
    expect(overlaps(a, b)).toBe(false);
    // Nothing completed: a third group may not reuse slab 1.
    const c = write(slabs.take(60, 0));
    expect(overlaps(c, a)).toBe(false);
    expect(overlaps(c, b)).toBe(false);
    expect(slabs.count).toBe(3);
    // The socket finished the first 60 bytes: slab 1 is free again, slab 2 (ends at 120) is not.
    const d = write(slabs.take(60, 60));
    expect(overlaps(d, a)).toBe(true);
    expect(slabs.count).toBe(3);
  });

  it('keeps filling the current slab while it has room, and gives an oversized request memory of its own', () => {
    const slabs = new FrameSlabs(100);
    const a = slabs.take(30, 0);
    slabs.wrote(30);
    const b = slabs.take(30, 0);
    expect(b.buffer).toBe(a.buffer);
    expect(b.byteOffset).toBe(a.byteOffset + 30);
    const big = slabs.take(500, 0);
    expect(big.length).toBe(500);
    expect(big.buffer).not.toBe(a.buffer);
    expect(slabs.count).toBe(1);
  });
});

describe('the data path through slabs', () => {
  it('many slabs of distinct packets through a slow reader arrive byte for byte', async () => {
    const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfchart-slabs-'));
    cleanups.push(() => fs.rmSync(outDir, { recursive: true, force: true }));
    // The reader pauses after each chunk, so writes stay pending while later groups are framed.
    const server = createPushServer({ host: '127.0.0.1', port: 0, outDir, idleTimeoutMs: 10_000, inactivityTimeoutMs: 10_000, faults: { slowReader: { delayMs: 1 } } });
    await server.listen();
    cleanups.push(() => server.close());
    const packets = 1500;
    const asf = readAsf(tinyAsf({ packets, packetSize: 3000 })); // 4.5 MB: dozens of 128 KiB slabs (two write buffers each)
    const c = createPushClient({ writeBufferBytes: 64 * 1024 });
    cleanups.push(() => c.dispose());
    expect(await c.connect(`${server.url}/slabs`)).toBe(HR.S_OK);
    expect(await c.onHeader(asf.header)).toBe(HR.S_OK);
    const outcomes = await Promise.all(asf.packets.map((p) => c.onDataUnit(p)));
    expect(outcomes.every((hr) => hr === HR.S_OK)).toBe(true);
    expect(await c.endSession()).toBe(HR.S_OK);
    const summary = await server.nextSessionEnd();
    expect(c.stats().drainWaits).toBeGreaterThan(0);
    const received = readAsf(fs.readFileSync(summary.file!));
    expect(received.packets.length).toBe(packets);
    for (let i = 0; i < packets; i++) if (!received.packets[i]!.equals(asf.packets[i]!)) expect.fail(`packet ${i} differs from what was pushed`);
  });
});
