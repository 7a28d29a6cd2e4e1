/**
 * The client against the third-party push servers of the spec's §5, reproduced as server profiles
 * (adapters/wmf-push/pushServerProfiles.ts; no such server is packaged for CI): each profile's
 * handshake bytes are checked on a raw socket, then the client pushes through it and the packets
 * arrive, and each quirk gives the outcome (and HRESULT) it should. Decisions P35-P37.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { formatHr, HR, type HResult } from '../machines/hresult.js';
import { readAsf } from '../adapters/wmf-push/asfReader.js';
import { createPushClient, type PushClient, type PushClientOptions } from '../adapters/wmf-push/createPushClient.js';
import { createPushServer, type PushServer, type PushServerOptions } from '../adapters/wmf-push/createPushServer.js';
import { encodeData, encodeEnd, encodeHeader } from '../adapters/wmf-push/framing.js';
import { buildPushSetup, buildPushStart, headEnd } from '../adapters/wmf-push/pushSetup.js';
import { DigestClient, parseChallenges } from '../adapters/wmf-push/digestAuth.js';
import type { PushServerProfileName } from '../adapters/wmf-push/pushServerProfiles.js';
import { tinyAsf } from './asfFixture.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
const hex = (hr: HResult) => formatHr(hr);
const SUPPORTED =
  'Supported: com.microsoft.wm.srvppair, com.microsoft.wm.sswitch, com.microsoft.wm.predstrm, com.microsoft.wm.fastcache, com.microsoft.wm.startupprofile';
const DATE = /Date: \w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT/;

async function startServer(profile: PushServerProfileName, o: Partial<PushServerOptions> = {}): Promise<PushServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfchart-interop-'));
  const server = createPushServer({ host: '127.0.0.1', port: 0, outDir: dir, profile, idleTimeoutMs: 5_000, inactivityTimeoutMs: 5_000, ...o });
  await server.listen();
  cleanups.push(async () => {
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return server;
}

function client(o: PushClientOptions = {}): PushClient {
  const c = createPushClient(o);
  cleanups.push(() => c.dispose());
  return c;
}

/** A raw connection: send bytes, read the next response head (and anything after it). */
async function raw(server: PushServer) {
  const socket = net.connect(server.address.port, server.address.host);
  cleanups.push(() => {
    socket.destroy();
  });
  await new Promise((resolve) => socket.once('connect', resolve));
  let received = Buffer.alloc(0);
  let closed = false;
  const waiters: (() => void)[] = [];
  socket.on('data', (chunk: Buffer) => {
    received = Buffer.concat([received, chunk]);
    waiters.splice(0).forEach((w) => w());
  });
  socket.on('close', () => {
    closed = true;
    waiters.splice(0).forEach((w) => w());
  });
  socket.on('error', () => {});
  return {
    socket,
    send: (bytes: string | Buffer) => socket.write(bytes),
    /** The next head (up to the blank line), or null when the connection closes first. */
    async head(): Promise<string | null> {
      for (;;) {
        const end = headEnd(received);
        if (end >= 0) {
          const text = received.subarray(0, end).toString('latin1');
          received = received.subarray(end);
          return text;
        }
        if (closed) return null;
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
    },
    /** Waits for the server to close; what it sent after the last head read. */
    async closed(): Promise<string> {
      while (!closed) await new Promise<void>((resolve) => waiters.push(resolve));
      return received.toString('latin1');
    },
  };
}

const setup = (port: number, cookie = '0') => {
  const r = buildPushSetup({ host: '127.0.0.1', port, path: '/chan', pushId: cookie, autoDestroy: false });
  return Buffer.concat([Buffer.from(r.head, 'latin1'), r.body]);
};
const pushStart = (port: number, cookie: string) => buildPushStart({ host: '127.0.0.1', port, path: '/chan', pushId: cookie });

/** Pushes a small file; the HRESULTs, the units and the server's summary. */
async function pushFile(c: PushClient, server: PushServer, o: { packets?: number; packetSize?: number; credentials?: { user: string; password: string } } = {}) {
  const asf = readAsf(tinyAsf({ packets: o.packets ?? 6, packetSize: o.packetSize ?? 500 }));
  const connected = await c.connect(`${server.url}/chan`, o.credentials ? { credentials: o.credentials } : {});
  expect(hex(connected)).toBe(hex(HR.S_OK));
  expect(await c.onHeader(asf.header)).toBe(HR.S_OK);
  const units = await Promise.all(asf.packets.map((p) => c.onDataUnit(p)));
  const ended = await c.endSession();
  return { asf, units, ended, summary: await server.nextSessionEnd() };
}

describe('peercast-yt (servhs.cpp handshakeWMHTTPPush, wmhttp.h)', () => {
  it('answers PushSetup with its exact 204: no Set-Cookie, no Pragma', async () => {
    const server = await startServer('peercast-yt');
    const r = await raw(server);
    r.send(setup(server.address.port));
    expect(await r.head()).toBe(
      ['HTTP/1.1 204 No Content', 'Server: Cougar/9.01.01.3814', 'Cache-Control: no-cache', SUPPORTED, 'Content-Length: 0', 'Connection: Keep-Alive'].join('\r\n') + '\r\n\r\n',
    );
  });

  it('takes PushStart only on the PushSetup socket (another connection gets a 400)', async () => {
    const server = await startServer('peercast-yt');
    const first = await raw(server);
    first.send(setup(server.address.port));
    await first.head();
    const other = await raw(server);
    other.send(pushStart(server.address.port, '0'));
    expect(await other.head()).toMatch(/^HTTP\/1\.1 400 /);
  });

  it('the client pushes through it: no push-id is fine, the packets arrive', async () => {
    const server = await startServer('peercast-yt');
    const { asf, units, ended, summary } = await pushFile(client(), server);
    expect(units.every((hr) => hr === HR.S_OK)).toBe(true);
    expect(ended).toBe(HR.S_OK);
    expect(summary).toMatchObject({ reason: 'endOfStream', units: 6 });
    expect(readAsf(fs.readFileSync(summary.file!)).packets).toEqual(asf.packets);
  });

  it('a packet over 8192 bytes ends the channel: the client sees the connection fail, nothing is lost', async () => {
    const server = await startServer('peercast-yt');
    const c = client({ maxQueued: 4 });
    const status = new Promise<HResult>((resolve) => c.onStatus(resolve));
    const asf = readAsf(tinyAsf({ packets: 3, packetSize: 9000 }));
    expect(await c.connect(`${server.url}/chan`)).toBe(HR.S_OK);
    await c.onHeader(asf.header);
    const outcomes = await Promise.all(asf.packets.map((p) => c.onDataUnit(p)));
    expect((await server.nextSessionEnd()).reason).toBe('fault');
    expect([hex(HR.NS_E_CONNECTION_FAILURE), hex(HR.NS_E_RESET_SOCKET_CONNECTION)]).toContain(hex(await status));
    expect(hex(await c.endSession())).toBe(hex(HR.NS_E_CONNECTION_FAILURE));
    const s = c.stats();
    expect(s.handed).toBe(s.acked + s.failed);
    expect(outcomes.filter((hr) => hr === HR.S_OK)).toHaveLength(s.acked);
  });
});

describe('stream-pump (lib/mmsh-push-source.js)', () => {
  it('answers PushSetup with its exact 204 and the fixed push-id 42424242', async () => {
    const server = await startServer('stream-pump');
    const r = await raw(server);
    r.send(setup(server.address.port));
    const head = (await r.head())!;
    expect(head.replace(DATE, 'Date: *')).toBe(
      ['HTTP/1.1 204 No Content', 'Server: Cougar/9.6.7600.16564', 'Pragma: no-cache, timeout=60000', 'Set-Cookie: push-id=42424242', SUPPORTED, 'Date: *', 'Connection: keep-alive'].join(
        '\r\n',
      ) + '\r\n\r\n',
    );
  });

  it('the client pushes through it with push-id 42424242', async () => {
    const server = await startServer('stream-pump');
    const { asf, ended, summary } = await pushFile(client(), server);
    expect(ended).toBe(HR.S_OK);
    expect(summary).toMatchObject({ pushId: '42424242', units: 6 });
    expect(readAsf(fs.readFileSync(summary.file!)).packets).toEqual(asf.packets);
  });

  it('answers a framing error with 422 and a chunked text body', async () => {
    const server = await startServer('stream-pump');
    const r = await raw(server);
    r.send(setup(server.address.port));
    await r.head();
    r.send(pushStart(server.address.port, '42424242'));
    r.send(Buffer.from('junk, not a $H packet'));
    expect(await r.head()).toMatch(/^HTTP\/1\.1 422 Unprocessable Entity\r\nContent-Type: text\/plain\r\n.*Transfer-Encoding: chunked\r\n\r\n$/s);
    expect(await r.closed()).toBe('2e\r\nSorry, but your stream did not make any sense!\r\n0\r\n\r\n');
  });

  it('a 422 (no Server header) in the middle of a push → NS_E_BAD_REQUEST, not "incompatible server" (P37)', async () => {
    // A stand-in that behaves as stream-pump does once its parser gives up: 422 mid-body.
    const front = net.createServer((socket) => {
      let seen = '';
      socket.on('data', (chunk: Buffer) => {
        seen += chunk.toString('latin1');
        if (seen.includes('x-wms-pushsetup') && seen.includes('AutoDestroy') && !seen.includes('answered')) {
          seen += 'answered';
          socket.write('HTTP/1.1 204 No Content\r\nServer: Cougar/9.6.7600.16564\r\nSet-Cookie: push-id=42424242\r\n\r\n');
        } else if (seen.includes('x-wms-pushstart') && seen.includes('$D') && !seen.includes('refused')) {
          seen += 'refused';
          socket.end('HTTP/1.1 422 Unprocessable Entity\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n2e\r\nSorry, but your stream did not make any sense!\r\n0\r\n\r\n');
        }
      });
      socket.on('error', () => {});
    });
    front.listen(0, '127.0.0.1');
    await new Promise((resolve) => front.once('listening', resolve));
    cleanups.push(() => new Promise<void>((resolve) => front.close(() => resolve())));
    const c = client();
    const status = new Promise<HResult>((resolve) => c.onStatus(resolve));
    expect(await c.connect(`http://127.0.0.1:${(front.address() as net.AddressInfo).port}/chan`)).toBe(HR.S_OK);
    const asf = readAsf(tinyAsf({ packets: 2 }));
    await c.onHeader(asf.header);
    await c.onDataUnit(asf.packets[0]!);
    expect(hex(await status)).toBe(hex(HR.NS_E_BAD_REQUEST));
  });
});

describe('Kagamin2 (Import.cs PushAcceptUser)', () => {
  it('answers PushSetup with its exact 204 and push-id=0', async () => {
    const server = await startServer('kagamin2');
    const r = await raw(server);
    r.send(setup(server.address.port));
    expect((await r.head())!.replace(DATE, 'Date: *')).toBe(
      [
        'HTTP/1.1 204 No Content',
        'Server: Cougar/9.01.01.3841',
        'Content-Length: 0',
        'Date: *',
        'Pragma: no-cache, timeout=60000',
        'Cache-Control: no-cache',
        'Set-Cookie: push-id=0',
        SUPPORTED,
      ].join('\r\n') + '\r\n\r\n',
    );
  });

  it('drops a header whose File ID does not end in 0xFF; with fileIdFF the push goes through', async () => {
    const server = await startServer('kagamin2');
    const plain = client();
    const failed = new Promise<HResult>((resolve) => plain.onStatus(resolve));
    const asf = readAsf(tinyAsf({ packets: 2 }));
    // The fixture's File ID ends in 0xFF; make one that does not.
    const header = Buffer.from(asf.header);
    const fileIdEnd = header.indexOf(Buffer.from([0xbc, 0xff])) + 1;
    header[fileIdEnd] = 0x01;
    header[header.lastIndexOf(Buffer.from([0xbc, 0xff])) + 1] = 0x01;
    expect(await plain.connect(`${server.url}/chan`)).toBe(HR.S_OK);
    await plain.onHeader(header);
    await plain.onDataUnit(asf.packets[0]!);
    expect((await server.nextSessionEnd()).reason).toBe('fault');
    expect([hex(HR.NS_E_CONNECTION_FAILURE), hex(HR.NS_E_RESET_SOCKET_CONNECTION)]).toContain(hex(await failed));

    const patched = client({ fileIdFF: true });
    expect(await patched.connect(`${server.url}/chan`)).toBe(HR.S_OK);
    expect(await patched.onHeader(header)).toBe(HR.S_OK);
    expect(await patched.onDataUnit(asf.packets[0]!)).toBe(HR.S_OK);
    expect(await patched.endSession()).toBe(HR.S_OK);
    expect(await server.nextSessionEnd()).toMatchObject({ reason: 'endOfStream', pushId: '0', units: 1 });
  });
});

describe('Flumotion (wms.py DigestAuth, WMSRequest.process)', () => {
  const auth = { scheme: 'digest' as const, user: 'wme', password: 'flu' };

  it('challenges PushSetup with Digest and hands out the push-id on the 401', async () => {
    const server = await startServer('flumotion', { auth });
    const r = await raw(server);
    r.send(setup(server.address.port));
    const head = (await r.head())!;
    expect(head).toMatch(/^HTTP\/1\.1 401 Unauthorized\r\nServer: Cougar\/9\.01\.01\.3814 \(Flumotion Streaming Server\)\r\n/);
    expect(head).toMatch(/WWW-Authenticate: Digest realm="Flumotion",qop=auth,nonce="[0-9a-f]+",opaque="[0-9a-f]+",algorithm=MD5\r\n/);
    expect(head).toMatch(/Set-Cookie: push-id=\d+\r\n/);
    expect(head).toContain('Pragma: no-cache,timeout=60000\r\n');
  });

  it('the client authenticates with Digest and pushes; a wrong password → NS_E_SERVER_ACCESSDENIED', async () => {
    const server = await startServer('flumotion', { auth });
    const { asf, ended, summary } = await pushFile(client(), server, { credentials: { user: 'wme', password: 'flu' } });
    expect(ended).toBe(HR.S_OK);
    expect(summary.pushId).toMatch(/^\d+$/);
    expect(readAsf(fs.readFileSync(summary.file!)).packets).toEqual(asf.packets);
    expect(hex(await client().connect(`${server.url}/chan`, { credentials: { user: 'wme', password: 'bad' } }))).toBe(hex(HR.NS_E_SERVER_ACCESSDENIED));
  });

  it('accepts a PushStart without Authorization, on a new connection, when its push-id was authenticated', async () => {
    const server = await startServer('flumotion', { auth });
    const port = server.address.port;
    const first = await raw(server);
    first.send(setup(port));
    const challenged = (await first.head())!;
    const pushId = /push-id=(\d+)/.exec(challenged)![1]!;
    const [challenge] = parseChallenges([/WWW-Authenticate: (.*)\r\n/.exec(challenged)![1]!]);
    const digest = new DigestClient(challenge!, { user: 'wme', password: 'flu' });
    const second = await raw(server);
    const r = buildPushSetup({ host: '127.0.0.1', port, path: '/chan', pushId, autoDestroy: false, authorization: digest.authorization('POST', '/chan') });
    second.send(Buffer.concat([Buffer.from(r.head, 'latin1'), r.body]));
    expect(await second.head()).toMatch(new RegExp(`^HTTP/1\\.1 204 No Content\r\n[^]*Set-Cookie: push-id=${pushId}\r\n`));
    const asf = readAsf(tinyAsf({ packets: 2 }));
    const third = await raw(server);
    third.send(pushStart(port, pushId)); // no Authorization header
    third.send(Buffer.concat([encodeHeader(asf.header), ...asf.packets.map((p) => encodeData(p)), encodeEnd()]));
    expect(await server.nextSessionEnd()).toMatchObject({ pushId, reason: 'endOfStream', units: 2 });
    // An unknown push-id without credentials is challenged (Flumotion authenticates before anything else).
    const stranger = await raw(server);
    stranger.send(pushStart(port, '12345'));
    expect(await stranger.head()).toMatch(/^HTTP\/1\.1 401 Unauthorized\r\n[^]*WWW-Authenticate: Digest /);
  });
});

describe('mfchart (the default profile): robustness', () => {
  it('a $D larger than the header packet size ends that session with a 400; the server keeps serving', async () => {
    const server = await startServer('mfchart');
    const port = server.address.port;
    const r = await raw(server);
    r.send(setup(port));
    const pushId = /push-id=(\w+)/.exec((await r.head())!)![1]!;
    const asf = readAsf(tinyAsf({ packets: 1, packetSize: 64 }));
    r.send(pushStart(port, pushId));
    r.send(Buffer.concat([encodeHeader(asf.header), encodeData(Buffer.alloc(65))]));
    expect(await r.head()).toMatch(/^HTTP\/1\.1 400 /);
    expect(await server.nextSessionEnd()).toMatchObject({ reason: 'fault', units: 0 });
    const { ended, summary } = await pushFile(client(), server, { packets: 2, packetSize: 64 });
    expect(ended).toBe(HR.S_OK);
    expect(summary.units).toBe(2);
  });
});
