/**
 * A media session that broadcasts (issue 5, item 5), on real sockets over 127.0.0.1 against the
 * in-process push server: Start connects and sends the header, units flow, Close ends the push
 * session and MESessionClosed comes only once the server has the end of stream, Shutdown
 * disconnects. Each server fault surfaces as MEError(NS_E_CONNECTION_FAILURE) (the cause kept by the
 * platform), never leaves a command pending, and loses no unit: every unit the source handed is
 * written or reported failed, counted on both ends (docs/decisions.md B1–B13).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { formatHr, HR, type HResult } from '../machines/hresult.js';
import { ME, eventName } from '../machines/mediaEventType.js';
import type { MediaEvent } from '../machines/types.js';
import { createSession, type MediaSessionHandle } from '../actors/createSession.js';
import { createSessionHost } from '../actors/createSessionHost.js';
import { readAsf } from '../adapters/wmf-push/asfReader.js';
import { broadcastContentFromAsf, type BroadcastContent } from '../adapters/wmf-push/broadcastContent.js';
import { createBroadcastPlatform, type BroadcastPlatform, type BroadcastPlatformOptions } from '../adapters/wmf-push/createBroadcastPlatform.js';
import { createPushServer, type PushServer, type PushServerFaults, type PushSessionSummary } from '../adapters/wmf-push/createPushServer.js';
import { tinyAsf } from './asfFixture.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function startServer(faults: PushServerFaults = {}): Promise<PushServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfchart-broadcast-'));
  const server = createPushServer({ host: '127.0.0.1', port: 0, outDir: dir, faults, idleTimeoutMs: 10_000, inactivityTimeoutMs: 10_000 });
  await server.listen();
  cleanups.push(async () => {
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return server;
}

function broadcast(server: PushServer, content: BroadcastContent, o: Partial<BroadcastPlatformOptions> = {}): BroadcastPlatform {
  const platform = createBroadcastPlatform({ url: `${server.url}/live`, content, unitIntervalMs: 0, endAckTimeoutMs: 2_000, ...o });
  cleanups.push(() => platform.dispose());
  return platform;
}

const hex = (hr: HResult) => formatHr(hr);

/** Every event the session queues, as it is queued, and a way to wait for one. */
function watch(session: MediaSessionHandle) {
  const events: MediaEvent[] = [];
  /** Called when an event is queued, before anything else can happen (snapshots of the server's view). */
  const onQueued: ((event: MediaEvent) => void)[] = [];
  session.onRecord((record) => {
    if (record.kind !== 'event') return;
    events.push(record.event);
    onQueued.forEach((f) => f(record.event));
  });
  const count = (type: number) => events.filter((e) => e.type === type).length;
  return {
    events,
    onQueued,
    count,
    names: () => events.map((e) => `${eventName(e.type)}(${hex(e.status)})`),
    /** Waits (real time) until the n-th event of `type` is queued; returns it. */
    async next(type: number, n = count(type) + 1, timeoutMs = 5_000): Promise<MediaEvent> {
      const arrived = await session.adapter.waitUntil(() => count(type) >= n, session.adapter.now() + timeoutMs * 10_000);
      if (!arrived) throw new Error(`no ${eventName(type)} #${n} within ${timeoutMs} ms; events: ${events.map((e) => eventName(e.type)).join(', ')}`);
      return events.filter((e) => e.type === type)[n - 1]!;
    },
  };
}

async function until(platform: BroadcastPlatform, what: () => boolean, timeoutMs = 5_000): Promise<void> {
  const ok = await platform.adapter.waitUntil(what, platform.adapter.now() + timeoutMs * 10_000);
  if (!ok) throw new Error(`condition not reached within ${timeoutMs} ms`);
}

/** Nothing lost: the source's count closes, the wire agrees, and the server has no unit that was not written. */
function expectNothingLost(platform: BroadcastPlatform, serverUnits: number): void {
  const { units, sink } = platform.stats();
  expect(units.pending).toBe(0);
  expect(units.handed).toBe(units.written + units.failed);
  if (sink) {
    expect(sink.handed).toBe(units.handed);
    expect(sink.acked).toBe(units.written);
    expect(sink.failed).toBe(units.failed);
    expect(sink.dataUnits).toBe(units.written);
  }
  expect(serverUnits).toBeLessThanOrEqual(units.written);
}

describe('a broadcasting session on loopback', () => {
  it('Start → units reach the server → end of the file → Close: MESessionClosed only once the server has $E → Shutdown', async () => {
    const server = await startServer();
    const asf = tinyAsf({ packets: 40, packetSize: 500 });
    const content = broadcastContentFromAsf(asf);
    const platform = broadcast(server, content, { unitIntervalMs: 1 });
    const session = createSession({ adapter: platform.adapter });
    const w = watch(session);
    let serverEndedWhenClosed: PushSessionSummary[] | undefined;
    w.onQueued.push((e) => {
      if (e.type === ME.MESessionClosed) serverEndedWhenClosed = [...server.ended];
    });

    expect(session.SetTopology([], platform.topology)).toBe(HR.S_OK);
    expect((await w.next(ME.MESessionTopologySet)).status).toBe(HR.S_OK);
    expect(session.Start()).toBe(HR.S_OK);
    expect(hex((await w.next(ME.MESessionStarted)).status)).toBe(hex(HR.S_OK));
    expect(platform.stats().sinkState).toMatch(/^streaming/);
    // The whole file flows; the source's end becomes MEEndOfPresentation, then MESessionEnded (`$E(1)`).
    await w.next(ME.MEEndOfPresentation);
    expect(hex((await w.next(ME.MESessionEnded)).status)).toBe(hex(HR.S_OK));
    expect(platform.stats().units).toEqual({ handed: 40, written: 40, failed: 0, pending: 0 });
    expect(server.ended).toHaveLength(0); // `$E(1)` keeps the push session open

    expect(session.Close()).toBe(HR.S_OK);
    expect(hex((await w.next(ME.MESessionClosed)).status)).toBe(hex(HR.S_OK));
    // When MESessionClosed was queued the server had already ended the push session on `$E(0)`.
    expect(serverEndedWhenClosed).toHaveLength(1);
    const summary = serverEndedWhenClosed![0]!;
    expect(summary).toMatchObject({ point: 'live', reason: 'endOfStream', units: 40, dataBytes: 40 * 500, pushStarts: 1 });
    expect(platform.stats().sinkState).toBe('ended');
    expect(summary.bodyBytes).toBe(platform.stats().sink!.bodyBytes);
    expectNothingLost(platform, summary.units);
    expect(readAsf(fs.readFileSync(summary.file!)).packets).toEqual(readAsf(asf).packets);

    expect(session.Shutdown()).toBe(HR.S_OK);
    expect(platform.stats().sinkShutdown).toBe(true);
    expect(session.Release()).toEqual({ leak: false });
    expect(w.count(ME.MEError)).toBe(0);
  });

  it('Pause stops the flow without a byte on the wire; Start resumes; Stop sends $E(1); Start again sends $C and the file from its start', async () => {
    const server = await startServer();
    const content = broadcastContentFromAsf(tinyAsf({ packets: 6, packetSize: 300 }));
    const platform = broadcast(server, content, { loop: true, unitIntervalMs: 2 });
    const session = createSession({ adapter: platform.adapter });
    const w = watch(session);
    session.SetTopology([], platform.topology);
    session.Start();
    await w.next(ME.MESessionStarted);
    await until(platform, () => platform.stats().units.written >= 10);

    session.Pause();
    expect(hex((await w.next(ME.MESessionPaused)).status)).toBe(hex(HR.S_OK));
    await until(platform, () => platform.stats().units.pending === 0);
    const paused = platform.stats();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(platform.stats().units.handed).toBe(paused.units.handed);
    expect(platform.stats().sink!.bodyBytes).toBe(paused.sink!.bodyBytes);

    session.Start();
    expect(hex((await w.next(ME.MESessionStarted)).status)).toBe(hex(HR.S_OK));
    await until(platform, () => platform.stats().units.written >= paused.units.written + 5);

    session.Stop();
    expect(hex((await w.next(ME.MESessionStopped)).status)).toBe(hex(HR.S_OK));
    expect(platform.stats().sinkState).toBe('streaming.afterEndOfEntry');
    const stoppedAt = platform.stats().units.handed;

    session.Start();
    await w.next(ME.MESessionStarted);
    expect(platform.stats().sinkState).toBe('streaming.afterHeader'); // `$C` went out
    await until(platform, () => platform.stats().units.written >= stoppedAt + 3);
    session.Close();
    expect(hex((await w.next(ME.MESessionClosed)).status)).toBe(hex(HR.S_OK));
    const summary = server.ended[0]!;
    expect(summary).toMatchObject({ reason: 'endOfStream', pushStarts: 1 });
    expectNothingLost(platform, summary.units);
    expect(summary.units).toBe(platform.stats().units.written);
    // One connection, one header Object + `$C` + `$E(1)` + `$E(0)` besides the `$D`s.
    const s = platform.stats().sink!;
    expect(s.bodyBytes).toBe(4 + content.header.length + s.dataUnits * 4 + s.dataBytes + 8 + (8 + content.header.length) + 8);
    session.Shutdown();
    session.Release();
  });

  it('Shutdown while broadcasting disconnects without $E: units not yet written fail with NS_E_SHUTDOWN, and no event follows', async () => {
    const server = await startServer({ slowReader: { hold: true } });
    const content = broadcastContentFromAsf(tinyAsf({ packets: 4, packetSize: 32_000 }));
    const platform = broadcast(server, content, { loop: true, maxQueued: 8 });
    const session = createSession({ adapter: platform.adapter });
    const w = watch(session);
    session.SetTopology([], platform.topology);
    session.Start();
    await w.next(ME.MESessionStarted);
    // The server reads nothing: the window fills and stays full.
    await until(platform, () => platform.stats().units.pending === 8);
    const queued = w.events.length;
    expect(session.Shutdown()).toBe(HR.S_OK);
    await until(platform, () => platform.stats().units.pending === 0);
    const { units, sinkShutdown } = platform.stats();
    expect(sinkShutdown).toBe(true);
    expect(units.failed).toBeGreaterThanOrEqual(7);
    expect(units.handed).toBe(units.written + units.failed);
    expect(w.events.length).toBe(queued);
    expect(session.Release()).toEqual({ leak: false });
  });

  it('a slow server slows the source: at most the window is outstanding; Close waits for the reader and then ends cleanly', async () => {
    const server = await startServer({ slowReader: { hold: true } });
    const content = broadcastContentFromAsf(tinyAsf({ packets: 4, packetSize: 32_000 }));
    const platform = broadcast(server, content, { loop: true, maxQueued: 8 });
    const session = createSession({ adapter: platform.adapter });
    const w = watch(session);
    session.SetTopology([], platform.topology);
    session.Start();
    await w.next(ME.MESessionStarted);
    await until(platform, () => platform.stats().units.pending === 8 && platform.stats().sink!.drainWaits > 0);
    const held = platform.stats();
    session.Close();
    // Nothing can reach the server, so the end of stream cannot either: no MESessionClosed yet.
    await expect(w.next(ME.MESessionClosed, 1, 200)).rejects.toThrow(/no MESessionClosed/);
    expect(platform.stats().units.handed).toBe(held.units.handed);
    server.releaseReaders();
    expect(hex((await w.next(ME.MESessionClosed)).status)).toBe(hex(HR.S_OK));
    const summary = server.ended[0]!;
    expect(summary.reason).toBe('endOfStream');
    expect(platform.stats().sink!.maxQueuedSeen).toBeLessThanOrEqual(8);
    expectNothingLost(platform, summary.units);
    expect(summary.units).toBe(held.units.handed);
    session.Shutdown();
    session.Release();
  });

  it('only its own source and sink make a topology; the source is live: no seek, no rate but 1', async () => {
    const server = await startServer();
    const platform = broadcast(server, broadcastContentFromAsf(tinyAsf({ packets: 4 })), { loop: true, unitIntervalMs: 2 });
    const session = createSession({ adapter: platform.adapter });
    const w = watch(session);
    session.SetTopology([], { nodes: [{ id: 's', type: 'source', source: 'camera' }, { id: 'o', type: 'output', sink: 'push' }], links: [['s', 'o']] });
    expect(hex((await w.next(ME.MESessionTopologySet)).status)).toBe(hex(HR.MF_E_TOPO_UNSUPPORTED));
    session.SetTopology([], platform.topology);
    expect(hex((await w.next(ME.MESessionTopologySet)).status)).toBe(hex(HR.S_OK));
    session.Start();
    await w.next(ME.MESessionStarted);
    const caps = session.GetSessionCapabilities().out!;
    expect(caps & 0x01).toBe(0x01); // START
    expect(caps & (0x02 | 0x10 | 0x20)).toBe(0); // no SEEK, no RATE_FORWARD / RATE_REVERSE
    session.Start({ vt: 'VT_I8', value: 0 });
    expect(hex((await w.next(ME.MESessionStarted)).status)).toBe(hex(HR.E_FAIL));
    session.SetRate(false, 2);
    expect(hex((await w.next(ME.MESessionRateChanged)).status)).toBe(hex(HR.E_NOINTERFACE));
    expect(session.state).toBe('started');
    session.Close();
    expect(hex((await w.next(ME.MESessionClosed)).status)).toBe(hex(HR.S_OK));
    session.Shutdown();
    session.Release();
  });

  it('runs in a session host like any platform', async () => {
    const server = await startServer();
    const content = broadcastContentFromAsf(tinyAsf({ packets: 5, packetSize: 200 }));
    const platform = broadcast(server, content);
    const host = createSessionHost({ adapter: platform.adapter });
    const session = host.create();
    const w = watch(session);
    session.SetTopology([], platform.topology);
    session.Start();
    await w.next(ME.MESessionEnded);
    session.Close();
    await w.next(ME.MESessionClosed);
    expect(server.ended[0]).toMatchObject({ reason: 'endOfStream', units: 5 });
    host.shutdownAll();
    expect(session.state).toBe('shutdown');
  });
});

describe('connection failures: MEError(NS_E_CONNECTION_FAILURE), every command completes, nothing lost', () => {
  const connectFaults: [string, PushServerFaults, HResult][] = [
    ['connection refused', { refuse: true }, HR.NS_E_PUSH_CANNOTCONNECT],
    ['401 on PushSetup', { setupStatus: 401 }, HR.NS_E_SERVER_ACCESSDENIED],
    ['500 on PushSetup', { setupStatus: 500 }, HR.NS_E_INTERNAL_SERVER_ERROR],
  ];
  it.each(connectFaults)('%s: Start fails with MEError then MESessionStarted(NS_E_CONNECTION_FAILURE); Close still closes', async (_name, faults, cause) => {
    const server = await startServer(faults);
    const platform = broadcast(server, broadcastContentFromAsf(tinyAsf({ packets: 5 })));
    const session = createSession({ adapter: platform.adapter });
    const w = watch(session);
    session.SetTopology([], platform.topology);
    session.Start();
    const started = await w.next(ME.MESessionStarted);
    expect(hex(started.status)).toBe(hex(HR.NS_E_CONNECTION_FAILURE));
    expect(w.names().filter((n) => /MEError|MESessionStarted/.test(n))).toEqual([
      `MEError(${hex(HR.NS_E_CONNECTION_FAILURE)})`,
      `MESessionStarted(${hex(HR.NS_E_CONNECTION_FAILURE)})`,
    ]);
    expect(platform.stats().failures.map((f) => [hex(f.cause), f.during])).toEqual([[hex(cause), 'Start']]);
    expect(session.state).toBe('ready');
    session.Close();
    // No stream was started, so there is nothing to end: S_OK.
    expect(hex((await w.next(ME.MESessionClosed)).status)).toBe(hex(HR.S_OK));
    expect(platform.stats().units).toEqual({ handed: 0, written: 0, failed: 0, pending: 0 });
    session.Shutdown();
    session.Release();
  });

  const streamingFaults: [string, PushServerFaults, HResult][] = [
    ['the server resets after N bytes', { resetAfterBytes: 4_000 }, HR.NS_E_RESET_SOCKET_CONNECTION],
    ['the server closes before EndSession', { closeAfterUnits: 6 }, HR.NS_E_CONNECTION_FAILURE],
    ['a 500 mid-body', { pushStatus: { status: 500, afterUnits: 5 } }, HR.NS_E_INTERNAL_SERVER_ERROR],
    ['a 408 mid-body', { pushStatus: { status: 408, afterUnits: 3 } }, HR.NS_E_TIMEOUT],
  ];
  it.each(streamingFaults)('%s: MEError while started, the flow stops, Close → MESessionClosed(NS_E_CONNECTION_FAILURE)', async (_name, faults, cause) => {
    const server = await startServer(faults);
    const platform = broadcast(server, broadcastContentFromAsf(tinyAsf({ packets: 8, packetSize: 400 })), { loop: true, unitIntervalMs: 1, maxQueued: 8 });
    const session = createSession({ adapter: platform.adapter });
    const w = watch(session);
    session.SetTopology([], platform.topology);
    session.Start();
    expect(hex((await w.next(ME.MESessionStarted)).status)).toBe(hex(HR.S_OK));
    expect(hex((await w.next(ME.MEError)).status)).toBe(hex(HR.NS_E_CONNECTION_FAILURE));
    expect(session.state).toBe('started');
    const summary = await server.nextSessionEnd();
    expect(summary.reason).toBe('fault');
    await until(platform, () => platform.stats().units.pending === 0);
    const afterFailure = platform.stats().units.handed;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(platform.stats().units.handed).toBe(afterFailure); // the flow stopped
    expect(platform.stats().failures.map((f) => [hex(f.cause), f.during])).toEqual([[hex(cause), 'streaming']]);

    session.Close();
    expect(hex((await w.next(ME.MESessionClosed)).status)).toBe(hex(HR.NS_E_CONNECTION_FAILURE));
    expect(w.count(ME.MEError)).toBe(1);
    expectNothingLost(platform, summary.units);
    session.Shutdown();
    session.Release();
  });

  it('after a failure, Stop and Start reconnect: a new push session from the first packet', async () => {
    const server = await startServer({ closeAfterUnits: 4 });
    const platform = broadcast(server, broadcastContentFromAsf(tinyAsf({ packets: 3, packetSize: 200 })), { loop: true, unitIntervalMs: 1 });
    const session = createSession({ adapter: platform.adapter });
    const w = watch(session);
    session.SetTopology([], platform.topology);
    session.Start();
    await w.next(ME.MEError);
    session.Stop();
    expect(hex((await w.next(ME.MESessionStopped)).status)).toBe(hex(HR.S_OK));
    session.Start();
    expect(hex((await w.next(ME.MESessionStarted, 2)).status)).toBe(hex(HR.S_OK));
    // The fault hook closes every session after 4 units: the second connection fails the same way, reported once more.
    await w.next(ME.MEError, 2);
    expect(server.ended.filter((s) => s.reason === 'fault')).toHaveLength(2);
    session.Close();
    await w.next(ME.MESessionClosed);
    await until(platform, () => platform.stats().units.pending === 0);
    expectNothingLost(platform, server.ended.reduce((n, s) => n + s.units, 0));
    session.Shutdown();
    session.Release();
  });
});

describe('property: random orderings against the live server', () => {
  type Step = 'Start' | 'Pause' | 'Stop' | 'Close' | 'wait' | 'Shutdown';
  const COMPLETION: Record<Exclude<Step, 'wait' | 'Shutdown'>, number> = {
    Start: ME.MESessionStarted,
    Pause: ME.MESessionPaused,
    Stop: ME.MESessionStopped,
    Close: ME.MESessionClosed,
  };
  const faults: PushServerFaults[] = [{}, {}, { refuse: true }, { setupStatus: 401 }, { resetAfterBytes: 3_000 }, { closeAfterUnits: 5 }, { pushStatus: { status: 500, afterUnits: 4 } }];

  it('every command completes, the session settles in a statechart state, and units are conserved (Shutdown at any point too)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...faults),
        fc.array(fc.constantFrom<Step>('Start', 'Start', 'Pause', 'Stop', 'Close', 'wait', 'wait', 'Shutdown'), { minLength: 1, maxLength: 7 }),
        async (fault, steps) => {
          const server = await startServer(fault);
          const platform = broadcast(server, broadcastContentFromAsf(tinyAsf({ packets: 5, packetSize: 300 })), { loop: true, unitIntervalMs: 1, maxQueued: 8 });
          const session = createSession({ adapter: platform.adapter });
          const w = watch(session);
          const expected = new Map<number, number>();
          const expect1 = (type: number) => expected.set(type, (expected.get(type) ?? 0) + 1);
          // MESessionClosed(S_OK) after a stream was started: the server has closed the push session by then.
          let closedOk = false;
          let serverEnd: string[] = [];
          w.onQueued.push((e) => {
            if (e.type === ME.MESessionClosed && e.status === HR.S_OK && (platform.stats().sink?.pushStarts ?? 0) > 0) {
              closedOk = true;
              serverEnd = server.ended.map((s) => s.reason);
            }
          });
          expect(session.SetTopology([], platform.topology)).toBe(HR.S_OK);
          expect1(ME.MESessionTopologySet);
          // Shutdown ends an ordering wherever it comes (commands still queued are dropped, decision 7).
          const cut = steps.indexOf('Shutdown');
          if (cut >= 0) {
            for (const step of steps.slice(0, cut)) {
              if (step === 'wait') await new Promise((resolve) => setTimeout(resolve, 5));
              else expect(session[step as keyof typeof COMPLETION]()).toBe(HR.S_OK);
            }
            const queued = w.events.length;
            expect(session.Shutdown()).toBe(HR.S_OK);
            expect(platform.stats().sinkState === null || platform.stats().sinkShutdown).toBe(true);
            await until(platform, () => platform.stats().units.pending === 0);
            await new Promise((resolve) => setTimeout(resolve, 10));
            expect(w.events.length).toBe(queued); // nothing after Shutdown, whatever the sink was doing
            expectNothingLost(platform, server.ended.reduce((n, s) => n + s.units, 0));
            expect(session.Release()).toEqual({ leak: false });
            for (const c of cleanups.splice(0).reverse()) await c();
            return;
          }
          for (const step of [...steps, 'Close' as const]) {
            if (step === 'wait') {
              await new Promise((resolve) => setTimeout(resolve, 5));
              continue;
            }
            expect(session[step as keyof typeof COMPLETION]()).toBe(HR.S_OK);
            expect1(COMPLETION[step as keyof typeof COMPLETION]);
          }
          // Every command completes: exactly one completion event each.
          await until(platform, () => [...expected].every(([type, n]) => w.count(type) >= n), 8_000);
          for (const [type, n] of expected) expect(w.count(type), eventName(type)).toBe(n);
          // A settled statechart state, nothing running.
          expect(session.statePath).toMatch(/^alive\.(fresh|ready|started|paused|stopped|closed)$/);
          expect(session.context.commands).toHaveLength(0);
          expect(session.state).toBe('closed');
          // One MEError per failed connection.
          expect(w.count(ME.MEError)).toBe(platform.stats().failures.length);
          expect(session.Shutdown()).toBe(HR.S_OK);
          await until(platform, () => platform.stats().units.pending === 0);
          const serverUnits = server.ended.reduce((n, s) => n + s.units, 0);
          expectNothingLost(platform, serverUnits);
          if (closedOk) {
            expect(serverEnd.length).toBeGreaterThan(0);
            // Without a fault, that close is the end of stream, and every unit written arrived. (A fault
            // that closes the server's side at the moment `$E(0)` is written looks the same over TCP: B6.)
            if (Object.keys(fault).length === 0) {
              expect(serverEnd).toContain('endOfStream');
              expect(serverUnits).toBe(platform.stats().units.written);
            }
          }
          expect(session.Release()).toEqual({ leak: false });
          for (const c of cleanups.splice(0).reverse()) await c();
        },
      ),
      { numRuns: 30, ...(process.env.BROADCAST_SEED ? { seed: Number(process.env.BROADCAST_SEED) } : {}) },
    );
  }, 120_000);
});
