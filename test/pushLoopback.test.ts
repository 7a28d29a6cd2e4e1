/**
 * The push client and the push server on real TCP sockets over 127.0.0.1: a hand-assembled ASF file
 * (test/asfFixture.ts) pushed through the IWMWriterPushSink statechart arrives as a valid ASF file
 * with the same packets, and the byte and unit counts agree on both ends. Also: Length-Remaining
 * rollover (`$F` + a new PushStart), templates, AutoDestroy, Basic authentication, a redirect,
 * backpressure against a slow reader, and the `serve-push` / `push` commands end to end.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HR } from '../machines/hresult.js';
import { readAsf } from '../adapters/wmf-push/asfReader.js';
import { createPushClient, type PushClient } from '../adapters/wmf-push/createPushClient.js';
import { createPushServer, type PushServer, type PushServerOptions } from '../adapters/wmf-push/createPushServer.js';
import { DEFAULT_WRITE_BUFFER_BYTES } from '../adapters/wmf-push/pushConnection.js';
import { runPush, startServePush } from './pushCli.js';
import { tinyAsf } from './asfFixture.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function tmpDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfchart-push-'));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function startServer(o: Partial<PushServerOptions> = {}): Promise<PushServer> {
  const server = createPushServer({ host: '127.0.0.1', port: 0, outDir: tmpDir(), idleTimeoutMs: 5_000, inactivityTimeoutMs: 5_000, ...o });
  await server.listen();
  cleanups.push(() => server.close());
  return server;
}

function client(o: Parameters<typeof createPushClient>[0] = {}): PushClient {
  const c = createPushClient(o);
  cleanups.push(() => c.dispose());
  return c;
}

/** Pushes every packet; returns each unit's outcome. */
async function pushPackets(c: PushClient, packets: Buffer[]): Promise<number[]> {
  return Promise.all(packets.map((p) => c.onDataUnit(p)));
}

describe('push loopback', () => {
  it('pushes an ASF file; the server writes the same packets to a valid ASF file; counts match', async () => {
    const server = await startServer();
    const asf = readAsf(tinyAsf({ packets: 40, packetSize: 500 }));
    const c = client();
    expect(await c.connect(`${server.url}/live`)).toBe(HR.S_OK);
    expect(c.state).toBe('connected');
    expect(await c.onHeader(asf.header)).toBe(HR.S_OK);
    const outcomes = await pushPackets(c, asf.packets);
    expect(outcomes.every((hr) => hr === HR.S_OK)).toBe(true);
    expect(await c.endSession()).toBe(HR.S_OK);
    expect(c.state).toBe('ended');

    const summary = await server.nextSessionEnd();
    expect(summary).toMatchObject({ point: 'live', reason: 'endOfStream', units: 40, dataBytes: 40 * 500, pushStarts: 1 });
    const stats = c.stats();
    expect(stats).toMatchObject({ handed: 40, acked: 40, failed: 0, dataUnits: 40, dataBytes: 40 * 500, pushStarts: 1 });
    expect(summary.bodyBytes).toBe(stats.bodyBytes);
    expect(stats.bodyBytes).toBe(4 + asf.header.length + 40 * (4 + 500) + 8);

    const received = readAsf(fs.readFileSync(summary.file!));
    expect(received.header.subarray(0, asf.headerObjectSize - 0).length).toBe(asf.headerObjectSize);
    expect(received.packets).toEqual(asf.packets);
    expect(received.declaredPackets).toBe(40);
  });

  it('OnDataUnits pushes many units with one promise: the same wire bytes, counts and file as OnDataUnit', async () => {
    const asf = readAsf(tinyAsf({ packets: 700, packetSize: 500 }));
    const pushed = async (many: boolean) => {
      const server = await startServer();
      const c = client({ maxQueued: 50 }); // several events and network operations per call
      expect(await c.connect(`${server.url}/many`)).toBe(HR.S_OK);
      expect(await c.onHeader(asf.header)).toBe(HR.S_OK);
      const outcomes = many ? [...(await c.onDataUnits(asf.packets.slice(0, 300))), ...(await c.onDataUnits(asf.packets.slice(300)))] : await pushPackets(c, asf.packets);
      expect(await c.endSession()).toBe(HR.S_OK);
      const summary = await server.nextSessionEnd();
      return { outcomes, summary, stats: c.stats(), packets: readAsf(fs.readFileSync(summary.file!)).packets };
    };
    const [many, one] = [await pushed(true), await pushed(false)];
    expect(many.outcomes).toEqual(asf.packets.map(() => HR.S_OK));
    expect(many.packets).toEqual(asf.packets);
    expect(many.summary).toMatchObject({ units: 700, bodyBytes: one.summary.bodyBytes, dataBytes: one.summary.dataBytes });
    expect(many.stats).toMatchObject({ handed: 700, acked: 700, failed: 0, bodyBytes: one.stats.bodyBytes });
  });

  it('OnDataUnits refuses a missing buffer with E_INVALIDARG at its index and hands the others', async () => {
    const server = await startServer();
    const asf = readAsf(tinyAsf({ packets: 3, packetSize: 200 }));
    const c = client();
    await c.connect(`${server.url}/holes`);
    await c.onHeader(asf.header);
    const units = [asf.packets[0]!, null as unknown as Uint8Array, asf.packets[1]!, asf.packets[2]!];
    expect(await c.onDataUnits(units)).toEqual([HR.S_OK, HR.E_INVALIDARG, HR.S_OK, HR.S_OK]);
    expect(await c.onDataUnits([])).toEqual([]);
    expect(await c.endSession()).toBe(HR.S_OK);
    expect(await server.nextSessionEnd()).toMatchObject({ units: 3 });
    expect(c.stats()).toMatchObject({ handed: 3, acked: 3 });
  });

  it('Length-Remaining runs out: $F pads the body, a 204 answers it, a new PushStart carries on', async () => {
    const server = await startServer();
    const asf = readAsf(tinyAsf({ packets: 30, packetSize: 300 }));
    const c = client({ contentLength: 2048 });
    expect(await c.connect(`${server.url}/roll`)).toBe(HR.S_OK);
    await c.onHeader(asf.header);
    expect((await pushPackets(c, asf.packets)).every((hr) => hr === HR.S_OK)).toBe(true);
    expect(await c.endSession()).toBe(HR.S_OK);
    const summary = await server.nextSessionEnd();
    const stats = c.stats();
    expect(stats.pushStarts).toBeGreaterThan(3);
    expect(summary).toMatchObject({ units: 30, pushStarts: stats.pushStarts, bodyBytes: stats.bodyBytes });
    expect(readAsf(fs.readFileSync(summary.file!)).packets).toEqual(asf.packets);
  });

  it('creates a point from a template; AutoDestroy removes it when the session ends', async () => {
    const server = await startServer({ publishingPoints: ['template'] });
    const asf = readAsf(tinyAsf({ packets: 2 }));
    const c = client();
    expect(await c.connect(`${server.url}/made`, { templateUrl: 'http://elsewhere/template', autoDestroy: true })).toBe(HR.S_OK);
    expect(server.points()).toEqual(['made', 'template']);
    await c.onHeader(asf.header);
    await pushPackets(c, asf.packets);
    expect(await c.endSession()).toBe(HR.S_OK);
    expect(await server.nextSessionEnd()).toMatchObject({ point: 'made', autoDestroy: true, units: 2 });
    expect(server.points()).toEqual(['template']);
  });

  it('answers a 401 with Basic credentials, on a new connection', async () => {
    const server = await startServer({ credentials: { user: 'enc', password: 's3cret' } });
    const c = client();
    expect(await c.connect(`${server.url}/auth`, { credentials: { user: 'enc', password: 's3cret' } })).toBe(HR.S_OK);
    const asf = readAsf(tinyAsf({ packets: 3 }));
    await c.onHeader(asf.header);
    await pushPackets(c, asf.packets);
    expect(await c.endSession()).toBe(HR.S_OK);
    expect((await server.nextSessionEnd()).units).toBe(3);
  });

  it('follows a 302 redirect to another server', async () => {
    const target = await startServer();
    const front = await startServer({ faults: { redirectTo: `${target.url}/moved` } });
    const c = client();
    expect(await c.connect(`${front.url}/old`)).toBe(HR.S_OK);
    const asf = readAsf(tinyAsf({ packets: 3 }));
    await c.onHeader(asf.header);
    await pushPackets(c, asf.packets);
    expect(await c.endSession()).toBe(HR.S_OK);
    expect(await target.nextSessionEnd()).toMatchObject({ point: 'moved', units: 3 });
  });

  it('backpressure: a slow reader slows the writer; in-flight data stays bounded and nothing is lost', async () => {
    const server = await startServer({ faults: { slowReader: { hold: true } } });
    const packetSize = 32_000;
    const asf = readAsf(tinyAsf({ packets: 1, packetSize }));
    const maxQueued = 8;
    const c = client({ maxQueued });
    expect(await c.connect(`${server.url}/slow`)).toBe(HR.S_OK);
    await c.onHeader(asf.header);
    let pressed = false;
    const pushedBack = new Promise<void>((resolve) =>
      c.onBackpressure(() => {
        pressed = true;
        resolve();
      }),
    );
    // Feed units until the socket pushes back (the kernel buffers are full), one window at a time.
    const outcomes: Promise<number>[] = [];
    const unit = Buffer.alloc(packetSize, 7);
    const limit = 20_000; // 640 MB: far beyond any loopback buffer
    while (!pressed && outcomes.length < limit) {
      outcomes.push(c.onDataUnit(unit));
      if (outcomes.length % maxQueued === 0) await Promise.race([outcomes[outcomes.length - maxQueued], pushedBack]);
    }
    expect(pressed).toBe(true);
    const held = c.stats();
    expect(held.queued).toBeLessThanOrEqual(maxQueued + 1);
    server.releaseReaders();
    expect((await Promise.all(outcomes)).every((hr) => hr === HR.S_OK)).toBe(true);
    expect(await c.endSession()).toBe(HR.S_OK);
    const summary = await server.nextSessionEnd();
    const stats = c.stats();
    expect(stats.maxQueuedSeen).toBeLessThanOrEqual(maxQueued + 1);
    // The socket never held more than its high-water mark (the write buffer, P38) plus one packet.
    expect(stats.maxBuffered).toBeLessThanOrEqual(DEFAULT_WRITE_BUFFER_BYTES + 4 + packetSize);
    expect(stats.drainWaits).toBeGreaterThan(0);
    expect(summary.units).toBe(outcomes.length);
    expect(stats).toMatchObject({ handed: outcomes.length, acked: outcomes.length, failed: 0 });
    expect(summary.bodyBytes).toBe(stats.bodyBytes);
  });
});

describe('the serve-push and push commands', () => {
  it('push a file to serve-push end to end; exit 0 and matching counts', async () => {
    const dir = tmpDir();
    const file = path.join(dir, 'in.asf');
    fs.writeFileSync(file, tinyAsf({ packets: 12, packetSize: 256 }));
    const out = path.join(dir, 'out');
    const serve = await startServePush(out);
    cleanups.push(() => {
      serve.process.kill();
    });
    const { code, output: pushOut } = await runPush([file, `${serve.url}/cli`]);
    expect(code, pushOut).toBe(0);
    expect(pushOut).toMatch(/EndSession: S_OK/);
    expect(pushOut).toMatch(/units: 12 handed, 12 acknowledged, 0 failed/);
    const received = readAsf(fs.readFileSync(path.join(out, 'cli.asf')));
    expect(received.packets).toEqual(readAsf(fs.readFileSync(file)).packets);
  });
});
