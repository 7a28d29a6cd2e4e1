/**
 * Authentication and proxies on real sockets: Digest (RFC 7616, MD5, qop=auth) and Basic against our
 * server, the 401 semantics of the spec (one retry with credentials on a new connection, then
 * NS_E_SERVER_ACCESSDENIED), a stale nonce, and the proxy cases (a 305 sends the requests through
 * the proxy it names in absolute form; a 407 is answered with Proxy-Authorization once, then
 * NS_E_PROXY_ACCESSDENIED). Decisions P34, P37.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { formatHr, HR, type HResult } from '../machines/hresult.js';
import { readAsf } from '../adapters/wmf-push/asfReader.js';
import { DigestClient, DigestServer, parseChallenges } from '../adapters/wmf-push/digestAuth.js';
import { createPushClient, type PushClient } from '../adapters/wmf-push/createPushClient.js';
import { createPushServer, type PushServer, type PushServerOptions } from '../adapters/wmf-push/createPushServer.js';
import { headEnd } from '../adapters/wmf-push/pushSetup.js';
import { parseRequestHead, type RequestHead } from '../adapters/wmf-push/requestHead.js';
import { tinyAsf } from './asfFixture.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
const hex = (hr: HResult) => formatHr(hr);

async function startServer(o: Partial<PushServerOptions> = {}): Promise<PushServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfchart-pushauth-'));
  const server = createPushServer({ host: '127.0.0.1', port: 0, outDir: dir, idleTimeoutMs: 5_000, inactivityTimeoutMs: 5_000, ...o });
  await server.listen();
  cleanups.push(async () => {
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return server;
}

function client(): PushClient {
  const c = createPushClient();
  cleanups.push(() => c.dispose());
  return c;
}

/** Connects, pushes a few units and ends the session; the HRESULTs and the server's summary. */
async function pushThrough(c: PushClient, server: PushServer, url: string, connect: Parameters<PushClient['connect']>[1]) {
  const connected = await c.connect(url, connect);
  if (connected !== HR.S_OK) return { connected };
  const asf = readAsf(tinyAsf({ packets: 4 }));
  await c.onHeader(asf.header);
  const units = await Promise.all(asf.packets.map((p) => c.onDataUnit(p)));
  const ended = await c.endSession();
  return { connected, units, ended, summary: await server.nextSessionEnd() };
}

/**
 * A scripted origin: answers the n-th request head with `answers[n]` (or a 204 past the end) and
 * records every request head and on which connection it came.
 */
async function scriptedServer(answers: string[]): Promise<{ url: string; requests: { head: RequestHead; connection: number }[] }> {
  const requests: { head: RequestHead; connection: number }[] = [];
  let connections = 0;
  const server = net.createServer((socket) => {
    const connection = ++connections;
    let buffered = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      for (let end = headEnd(buffered); end >= 0; end = headEnd(buffered)) {
        const head = parseRequestHead(buffered.subarray(0, end).toString('latin1'))!;
        const length = Number(head.headers.get('content-length') ?? 0);
        if (length > 1_000_000) return; // a PushStart: the test ends here
        if (buffered.length < end + length) return;
        buffered = buffered.subarray(end + length);
        socket.write(answers[requests.length] ?? 'HTTP/1.1 204 No Content\r\nServer: Cougar/9.01.01.3814\r\nSet-Cookie: push-id=7\r\nContent-Length: 0\r\n\r\n');
        requests.push({ head, connection });
      }
    });
    socket.on('error', () => {});
  });
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`, requests };
}

const unauthorized = (challenge: string) => `HTTP/1.1 401 Unauthorized\r\nServer: Cougar/9.01.01.3814\r\nWWW-Authenticate: ${challenge}\r\nContent-Length: 0\r\n\r\n`;

describe('Digest (RFC 7616, MD5, qop=auth)', () => {
  it('computes the RFC 2617 §3.5 example response', () => {
    const [challenge] = parseChallenges(['Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"']);
    const client = new DigestClient(challenge!, { user: 'Mufasa', password: 'Circle Of Life' }, () => '0a4f113b');
    const [answer] = parseChallenges([client.authorization('GET', '/dir/index.html')]);
    expect(Object.fromEntries(answer!.params)).toMatchObject({
      username: 'Mufasa',
      uri: '/dir/index.html',
      qop: 'auth',
      nc: '00000001',
      cnonce: '0a4f113b',
      response: '6629fae49393a05397450978507c4ef1',
      opaque: '5ccc069c403ebaf9f0171e9517f40e41',
    });
    expect(parseChallenges([client.authorization('GET', '/dir/index.html')])[0]!.params.get('nc')).toBe('00000002');
    // A server that never issued this nonce refuses it.
    expect(new DigestServer('testrealm@host.com', { user: 'Mufasa', password: 'Circle Of Life' }).verify(client.authorization('GET', '/'), 'GET')).toBe(false);
  });

  it('a server accepts its own challenge answered once, refuses a replayed nonce count and a wrong password', () => {
    const server = new DigestServer('mfchart', { user: 'enc', password: 'pw' });
    const [challenge] = parseChallenges([server.challenge()]);
    const good = new DigestClient(challenge!, { user: 'enc', password: 'pw' });
    const first = good.authorization('POST', '/live');
    expect(server.verify(first, 'POST')).toBe(true);
    expect(server.verify(first, 'POST')).toBe(false); // same nc again: a replay
    expect(server.verify(good.authorization('POST', '/live'), 'POST')).toBe(true); // nc 2
    expect(server.verify(new DigestClient(challenge!, { user: 'enc', password: 'no' }).authorization('POST', '/live'), 'POST')).toBe(false);
  });

  it('pushes through our server with Digest; PushStart carries the next nonce count', async () => {
    const server = await startServer({ auth: { scheme: 'digest', user: 'enc', password: 's3cret' } });
    const r = await pushThrough(client(), server, `${server.url}/dig`, { credentials: { user: 'enc', password: 's3cret' } });
    expect(hex(r.connected)).toBe(hex(HR.S_OK));
    expect(r.units!.every((hr) => hr === HR.S_OK)).toBe(true);
    expect(r.ended).toBe(HR.S_OK);
    expect(r.summary).toMatchObject({ point: 'dig', units: 4, reason: 'endOfStream' });
  });

  it('wrong Digest credentials → NS_E_SERVER_ACCESSDENIED; none at all → the same', async () => {
    const server = await startServer({ auth: { scheme: 'digest', user: 'enc', password: 's3cret' } });
    expect(hex((await pushThrough(client(), server, `${server.url}/dig`, { credentials: { user: 'enc', password: 'nope' } })).connected)).toBe(hex(HR.NS_E_SERVER_ACCESSDENIED));
    expect(hex((await pushThrough(client(), server, `${server.url}/dig`, {})).connected)).toBe(hex(HR.NS_E_SERVER_ACCESSDENIED));
  });

  it('Basic still works against a Basic server', async () => {
    const server = await startServer({ auth: { scheme: 'basic', user: 'enc', password: 's3cret' } });
    expect((await pushThrough(client(), server, `${server.url}/b`, { credentials: { user: 'enc', password: 's3cret' } })).summary?.units).toBe(4);
  });
});

describe('401 semantics (spec §2.2 step 2a)', () => {
  it('retries exactly once, on a new connection, then reports NS_E_SERVER_ACCESSDENIED', async () => {
    const challenge = 'Digest realm="r", qop="auth", nonce="n1", algorithm=MD5';
    const origin = await scriptedServer([unauthorized(challenge), unauthorized(challenge), unauthorized(challenge)]);
    expect(hex(await client().connect(`${origin.url}/p`, { credentials: { user: 'u', password: 'p' } }))).toBe(hex(HR.NS_E_SERVER_ACCESSDENIED));
    expect(origin.requests).toHaveLength(2);
    expect(origin.requests[0]!.head.headers.has('authorization')).toBe(false);
    expect(origin.requests[1]!.head.headers.get('authorization')).toMatch(/^Digest username="u", realm="r", nonce="n1", uri="\/p", qop=auth, nc=00000001/);
    expect(origin.requests[1]!.connection).not.toBe(origin.requests[0]!.connection);
  });

  it('a stale nonce earns one more try with the new nonce', async () => {
    const origin = await scriptedServer([
      unauthorized('Digest realm="r", qop="auth", nonce="n1"'),
      unauthorized('Digest realm="r", qop="auth", nonce="n2", stale=true'),
    ]);
    expect(hex(await client().connect(`${origin.url}/p`, { credentials: { user: 'u', password: 'p' } }))).toBe(hex(HR.S_OK));
    expect(origin.requests).toHaveLength(3);
    expect(origin.requests[2]!.head.headers.get('authorization')).toContain('nonce="n2"');
  });

  it('a scheme we do not speak (NTLM only) → NS_E_SERVER_ACCESSDENIED without a retry', async () => {
    const origin = await scriptedServer([unauthorized('NTLM')]);
    expect(hex(await client().connect(`${origin.url}/p`, { credentials: { user: 'u', password: 'p' } }))).toBe(hex(HR.NS_E_SERVER_ACCESSDENIED));
    expect(origin.requests).toHaveLength(1);
  });

  it('takes the push-id a 401 sets and sends it back with the credentials (Flumotion does this)', async () => {
    const origin = await scriptedServer([unauthorized('Basic realm="r"').replace('Content-Length', 'Set-Cookie: push-id=99\r\nContent-Length')]);
    expect(await client().connect(`${origin.url}/p`, { credentials: { user: 'u', password: 'p' } })).toBe(HR.S_OK);
    expect(origin.requests[1]!.head.headers.get('cookie')).toBe('push-id=99');
  });
});

describe('proxies: 305 and 407', () => {
  it('a 305 sends PushSetup and PushStart through the proxy, in absolute form; a 407 is answered once', async () => {
    const proxy = await startServer({ proxy: { scheme: 'digest', credentials: { user: 'px', password: 'pp' } } });
    const front = await startServer({ faults: { useProxy: proxy.url } });
    const r = await pushThrough(client(), proxy, `${front.url}/via`, { proxyCredentials: { user: 'px', password: 'pp' } });
    expect(hex(r.connected)).toBe(hex(HR.S_OK));
    expect(r.ended).toBe(HR.S_OK);
    expect(r.summary).toMatchObject({ point: 'via', units: 4 });
  });

  it('a 407 without proxy credentials, or with wrong ones → NS_E_PROXY_ACCESSDENIED', async () => {
    const proxy = await startServer({ proxy: { credentials: { user: 'px', password: 'pp' } } });
    const front = await startServer({ faults: { useProxy: proxy.url } });
    expect(hex(await client().connect(`${front.url}/via`))).toBe(hex(HR.NS_E_PROXY_ACCESSDENIED));
    expect(hex(await client().connect(`${front.url}/via`, { proxyCredentials: { user: 'px', password: 'bad' } }))).toBe(hex(HR.NS_E_PROXY_ACCESSDENIED));
  });

  it('a 305 whose Location is not an http:// URL → NS_E_INVALID_REDIRECT', async () => {
    const front = await startServer({ faults: { useProxy: 'ftp://proxy.example/' } });
    expect(hex(await client().connect(`${front.url}/via`))).toBe(hex(HR.NS_E_INVALID_REDIRECT));
  });
});
