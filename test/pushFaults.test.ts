/**
 * Each server fault, on real sockets over 127.0.0.1, gives the HRESULT the fault mapping says
 * (machines/pushFaults.ts, docs/decisions.md P26), and nothing is lost: every unit handed to the
 * sink is acknowledged (written) or reported failed, and the server never counts more units than
 * the client acknowledged.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { formatHr, HR, type HResult } from '../machines/hresult.js';
import { readAsf } from '../adapters/wmf-push/asfReader.js';
import { createPushClient, type PushClient } from '../adapters/wmf-push/createPushClient.js';
import { createPushServer, type PushServer, type PushServerFaults } from '../adapters/wmf-push/createPushServer.js';
import { tinyAsf } from './asfFixture.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function startServer(faults: PushServerFaults, o: { idleTimeoutMs?: number } = {}): Promise<PushServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfchart-pushfault-'));
  const server = createPushServer({ host: '127.0.0.1', port: 0, outDir: dir, faults, idleTimeoutMs: o.idleTimeoutMs ?? 5_000, inactivityTimeoutMs: 5_000 });
  await server.listen();
  cleanups.push(async () => {
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return server;
}

function client(): PushClient {
  const c = createPushClient({ maxQueued: 8 });
  cleanups.push(() => c.dispose());
  return c;
}

const hex = (hr: HResult) => formatHr(hr);

/** Nothing lost: the client's accounting closes, and the server has no unit the client did not write. */
function expectNothingLost(c: PushClient, outcomes: HResult[], serverUnits: number): void {
  const s = c.stats();
  expect(s.queued).toBe(0);
  expect(s.handed).toBe(outcomes.length);
  expect(s.handed).toBe(s.acked + s.failed);
  expect(outcomes.filter((hr) => hr === HR.S_OK).length).toBe(s.acked);
  expect(outcomes.filter((hr) => hr !== HR.S_OK).length).toBe(s.failed);
  expect(s.dataUnits).toBe(s.acked);
  expect(serverUnits).toBeLessThanOrEqual(s.acked);
}

describe('Connect faults', () => {
  const cases: [string, PushServerFaults, HResult][] = [
    ['refused connection', { refuse: true }, HR.NS_E_PUSH_CANNOTCONNECT],
    ['401 without credentials', { setupStatus: 401 }, HR.NS_E_SERVER_ACCESSDENIED],
    ['500 on PushSetup', { setupStatus: 500 }, HR.NS_E_INTERNAL_SERVER_ERROR],
    ['408 on PushSetup', { setupStatus: 408 }, HR.NS_E_TIMEOUT],
    ['no Server header', { noServerHeader: true }, HR.NS_E_INCOMPATIBLE_PUSH_SERVER],
  ];
  it.each(cases)('%s → %s', async (_name, faults, hr) => {
    const server = await startServer(faults);
    const c = client();
    expect(hex(await c.connect(`${server.url}/pub`))).toBe(hex(hr));
    expect(c.state).toBe('created');
    // P6: EndSession after a Connect that failed: no connection ever existed.
    expect(hex(await c.endSession())).toBe(hex(HR.NS_E_NOCONNECTION));
    // A unit handed now is refused and counted failed, never lost.
    expect(hex(await c.onDataUnit(Buffer.alloc(10)))).toBe(hex(HR.NS_E_NOCONNECTION));
    expect(c.stats()).toMatchObject({ handed: 1, acked: 0, failed: 1 });
  });

  it('401 with wrong credentials → NS_E_SERVER_ACCESSDENIED', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfchart-pushfault-'));
    const server = createPushServer({ host: '127.0.0.1', port: 0, outDir: dir, credentials: { user: 'a', password: 'b' } });
    await server.listen();
    cleanups.push(() => server.close());
    const c = client();
    expect(hex(await c.connect(`${server.url}/pub`, { credentials: { user: 'a', password: 'wrong' } }))).toBe(hex(HR.NS_E_SERVER_ACCESSDENIED));
  });

  it('a missing publishing point without a template → NS_E_INVALID_PUSH_PUBLISHING_POINT; a missing template → NS_E_INVALID_PUSH_TEMPLATE', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfchart-pushfault-'));
    const server = createPushServer({ host: '127.0.0.1', port: 0, outDir: dir, publishingPoints: ['only'] });
    await server.listen();
    cleanups.push(() => server.close());
    expect(hex(await client().connect(`${server.url}/other`))).toBe(hex(HR.NS_E_INVALID_PUSH_PUBLISHING_POINT));
    expect(hex(await client().connect(`${server.url}/other`, { templateUrl: '/nothere' }))).toBe(hex(HR.NS_E_INVALID_PUSH_TEMPLATE));
  });

  it('EndSession before any Connect → NS_E_NOCONNECTION', async () => {
    expect(hex(await client().endSession())).toBe(hex(HR.NS_E_NOCONNECTION));
  });
});

describe('faults while streaming: the HRESULT, and nothing lost', () => {
  /**
   * Pushes `before` units (all written), waits for the server's fault and for the client to report it
   * (events, no sleeps), then hands `after` more units and calls EndSession.
   */
  async function faultAfter(faults: PushServerFaults, before: number, after: number) {
    const server = await startServer(faults);
    const c = client();
    const status = new Promise<HResult>((resolve) => c.onStatus(resolve));
    expect(await c.connect(`${server.url}/pub`)).toBe(HR.S_OK);
    const asf = readAsf(tinyAsf({ packets: before + after, packetSize: 400 }));
    await c.onHeader(asf.header);
    const outcomes = await Promise.all(asf.packets.slice(0, before).map((p) => c.onDataUnit(p)));
    const summary = await server.nextSessionEnd();
    const hr = await status;
    outcomes.push(...(await Promise.all(asf.packets.slice(before).map((p) => c.onDataUnit(p)))));
    const end = await c.endSession();
    return { c, summary, hr, outcomes, end };
  }

  it('the server closes before EndSession → NS_E_CONNECTION_FAILURE', async () => {
    const { c, summary, hr, outcomes, end } = await faultAfter({ closeAfterUnits: 5 }, 10, 5);
    expect(hex(hr)).toBe(hex(HR.NS_E_CONNECTION_FAILURE));
    expect(hex(end)).toBe(hex(HR.NS_E_CONNECTION_FAILURE));
    expect(c.state).toBe('broken');
    expect(summary).toMatchObject({ reason: 'fault', units: 5 });
    expect(outcomes.slice(10).every((o) => o === HR.NS_E_CONNECTION_FAILURE)).toBe(true);
    expectNothingLost(c, outcomes, summary.units);
    expect(readAsf(fs.readFileSync(summary.file!)).packets).toHaveLength(5);
  });

  it('Connect on a broken sink starts a new push session (P2): the old failure does not stick', async () => {
    const { c, hr } = await faultAfter({ closeAfterUnits: 5 }, 10, 5);
    expect(hex(hr)).toBe(hex(HR.NS_E_CONNECTION_FAILURE));
    expect(c.state).toBe('broken');
    const server = await startServer({});
    expect(hex(await c.connect(`${server.url}/again`))).toBe(hex(HR.S_OK));
    const asf = readAsf(tinyAsf({ packets: 3, packetSize: 400 }));
    expect(hex(await c.onHeader(asf.header))).toBe(hex(HR.S_OK));
    const outcomes = await Promise.all(asf.packets.map((p) => c.onDataUnit(p)));
    expect(outcomes.map(hex)).toEqual(asf.packets.map(() => hex(HR.S_OK)));
    expect(hex(await c.endSession())).toBe(hex(HR.S_OK));
    expect(await server.nextSessionEnd()).toMatchObject({ units: 3 });
  });

  it('the server resets after N bytes → NS_E_RESET_SOCKET_CONNECTION', async () => {
    const { c, summary, hr, outcomes, end } = await faultAfter({ resetAfterBytes: 3000 }, 10, 5);
    expect(hex(hr)).toBe(hex(HR.NS_E_RESET_SOCKET_CONNECTION));
    expect(hex(end)).toBe(hex(HR.NS_E_CONNECTION_FAILURE));
    expect(c.state).toBe('broken');
    expect(summary.reason).toBe('fault');
    expect(summary.bodyBytes).toBeLessThanOrEqual(3000);
    expectNothingLost(c, outcomes, summary.units);
  });

  it('a reset under OnDataUnits: each unit of the one call is acknowledged or failed, and the counts agree', async () => {
    const server = await startServer({ resetAfterBytes: 20_000 });
    const c = client(); // maxQueued 8: many events and network operations under the one call
    expect(await c.connect(`${server.url}/pub`)).toBe(HR.S_OK);
    // 12 MB: far more than the loopback socket buffers hold when the reset comes, so units are still queued.
    const asf = readAsf(tinyAsf({ packets: 3000, packetSize: 4000 }));
    await c.onHeader(asf.header);
    const outcomes = await c.onDataUnits(asf.packets);
    const summary = await server.nextSessionEnd();
    expect(outcomes).toHaveLength(3000);
    expect(outcomes.some((o) => o === HR.S_OK)).toBe(true);
    expect(outcomes.some((o) => o !== HR.S_OK)).toBe(true);
    // Acknowledged units come first, in call order; every later one failed.
    const firstFailed = outcomes.findIndex((o) => o !== HR.S_OK);
    expect(outcomes.slice(firstFailed).every((o) => o !== HR.S_OK)).toBe(true);
    expect(hex(await c.endSession())).toBe(hex(HR.NS_E_CONNECTION_FAILURE));
    expectNothingLost(c, outcomes, summary.units);
  });

  it('a 408 in the middle of the PushStart body → NS_E_TIMEOUT', async () => {
    const { c, summary, hr, outcomes, end } = await faultAfter({ pushStatus: { status: 408, afterUnits: 4 } }, 6, 3);
    expect(hex(hr)).toBe(hex(HR.NS_E_TIMEOUT));
    expect(hex(end)).toBe(hex(HR.NS_E_CONNECTION_FAILURE));
    expect(summary.units).toBe(4);
    expectNothingLost(c, outcomes, summary.units);
  });

  it('a 500 in the middle of the PushStart body → NS_E_INTERNAL_SERVER_ERROR', async () => {
    const { c, summary, hr, outcomes } = await faultAfter({ pushStatus: { status: 500, afterUnits: 2 } }, 4, 3);
    expect(hex(hr)).toBe(hex(HR.NS_E_INTERNAL_SERVER_ERROR));
    expect(summary.units).toBe(2);
    expectNothingLost(c, outcomes, summary.units);
  });

  it('the Idle-Timeout fires (the client stops sending) → 408 → NS_E_TIMEOUT reported asynchronously', async () => {
    const server = await startServer({}, { idleTimeoutMs: 50 });
    const c = client();
    const status = new Promise<HResult>((resolve) => c.onStatus(resolve));
    expect(await c.connect(`${server.url}/pub`)).toBe(HR.S_OK);
    const asf = readAsf(tinyAsf({ packets: 2 }));
    await c.onHeader(asf.header);
    expect(await c.onDataUnit(asf.packets[0]!)).toBe(HR.S_OK);
    const summary = await server.nextSessionEnd();
    expect(summary).toMatchObject({ reason: 'idleTimeout', units: 1 });
    // The 408 reaches the client as a net.lost, reported through OnStatus.
    expect(hex(await status)).toBe(hex(HR.NS_E_TIMEOUT));
    expect(c.state).toBe('broken');
    expect(hex(await c.onDataUnit(asf.packets[1]!))).toBe(hex(HR.NS_E_CONNECTION_FAILURE));
    expect(hex(await c.endSession())).toBe(hex(HR.NS_E_CONNECTION_FAILURE));
    expect(c.stats()).toMatchObject({ handed: 2, acked: 1, failed: 1 });
  });
});
