// The live inspector's server (inspect/live/createLiveInspector.ts) and `mfchart inspect`: a
// token-guarded WebSocket on 127.0.0.1 speaking protocol.ts (hello, coalesced session batches,
// select → trace then entries), the page's static files, bounded traffic with 1000 demo sessions,
// and nothing left running after close.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createSessionHost } from '../actors/createSessionHost.js';
import { createMockPlatform } from '../adapters/mock/createMockPlatform.js';
import { HR } from '../machines/hresult.js';
import { createLiveInspector, type LiveInspector } from '../inspect/live/createLiveInspector.js';
import { startInspect, type InspectRuntime } from '../inspect/live/startInspect.js';
import type { ServerMessage, SessionsMessage, TraceEntry } from '../inspect/live/protocol.js';

const TOPOLOGY = {
  nodes: [
    { id: 'src', type: 'source' as const, source: 'file' },
    { id: 'out', type: 'output' as const, sink: 'speaker' },
  ],
  links: [['src', 'out']] as [string, string][],
};

/** A page stand-in: every message it received, and a way to wait for the next one of a type. */
class TestClient {
  readonly messages: ServerMessage[] = [];
  bytes = 0;
  readonly ws: WebSocket;
  #waiters: (() => void)[] = [];

  constructor(url: string) {
    this.ws = new WebSocket(url);
    this.ws.on('message', (data: Buffer) => {
      this.bytes += data.length;
      this.messages.push(JSON.parse(data.toString()) as ServerMessage);
      for (const wake of this.#waiters.splice(0)) wake();
    });
  }

  static async open(inspector: LiveInspector): Promise<TestClient> {
    const client = new TestClient(`ws://127.0.0.1:${inspector.port}/live?token=${inspector.token}`);
    await client.next('hello');
    return client;
  }

  of<T extends ServerMessage['type']>(type: T): Extract<ServerMessage, { type: T }>[] {
    return this.messages.filter((message): message is Extract<ServerMessage, { type: T }> => message.type === type);
  }

  /** Resolves with the first message of `type` after the `after`-th message (default: any not yet seen). */
  async next<T extends ServerMessage['type']>(type: T, after = 0, timeoutMs = 5000): Promise<Extract<ServerMessage, { type: T }>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.slice(after).find((message) => message.type === type);
      if (found) return found as Extract<ServerMessage, { type: T }>;
      if (Date.now() > deadline) throw new Error(`no ${type} message within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  send(message: unknown): void {
    this.ws.send(JSON.stringify(message));
  }

  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      this.ws.once('close', () => resolve());
      this.ws.close();
    });
  }
}

/** The HTTP status an upgrade to `path` gets (101 when it is accepted). */
function upgradeStatus(port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`);
    ws.on('open', () => {
      ws.close();
      resolve(101);
    });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
    });
    ws.on('error', (error) => {
      if (!/Unexpected server response/.test(error.message)) reject(error);
    });
  });
}

function httpGet(url: string): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    get(url, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    }).on('error', reject);
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function hostOnMock() {
  const platform = createMockPlatform({ sources: { file: {} }, sinks: { speaker: {} } });
  return { platform, host: createSessionHost({ adapter: platform.adapter }) };
}

describe('live inspector server', () => {
  let inspector: LiveInspector | undefined;
  let runtime: InspectRuntime | undefined;
  const clients: TestClient[] = [];
  afterEach(async () => {
    for (const client of clients.splice(0)) await client.close();
    await inspector?.close();
    await runtime?.close();
    inspector = undefined;
    runtime = undefined;
  });

  it('refuses the WebSocket without the right token (401, no upgrade) and accepts it with the token', async () => {
    const { host } = hostOnMock();
    inspector = await createLiveInspector({ host });
    expect(inspector.token).toMatch(/^[0-9a-f]{48}$/);
    expect(inspector.url).toBe(`http://127.0.0.1:${inspector.port}/?token=${inspector.token}`);
    expect(await upgradeStatus(inspector.port, '/live')).toBe(401);
    expect(await upgradeStatus(inspector.port, `/live?token=${inspector.token.slice(1)}x`)).toBe(401);
    expect(await upgradeStatus(inspector.port, `/elsewhere?token=${inspector.token}`)).toBe(401);
    expect(inspector.clients).toBe(0);
    expect(await upgradeStatus(inspector.port, `/live?token=${inspector.token}`)).toBe(101);
    // Two inspectors never share a token.
    const other = await createLiveInspector({ host });
    expect(other.token).not.toBe(inspector.token);
    await other.close();
  });

  it('listens on 127.0.0.1 only and refuses to bind anything but loopback', async () => {
    const { host } = hostOnMock();
    await expect(createLiveInspector({ host, address: '0.0.0.0' })).rejects.toThrow(/loopback address only/);
    inspector = await createLiveInspector({ host });
    const external = Object.values(networkInterfaces()).flat().find((info) => info && info.family === 'IPv4' && !info.internal)?.address;
    if (external) {
      const reached = await new Promise<boolean>((resolve) => {
        const socket = connect({ host: external, port: inspector!.port }, () => (socket.destroy(), resolve(true)));
        socket.on('error', () => resolve(false));
      });
      expect(reached, `the inspector answered on ${external}`).toBe(false);
    }
    expect((await httpGet(`http://127.0.0.1:${inspector.port}/live`)).status).toBe(426);
  });

  it('says hello with both statecharts, every session and the title', async () => {
    const { host } = hostOnMock();
    const first = host.create({ id: 'early' }); // created before the inspector: listed, trace partial
    first.SetTopology([], TOPOLOGY);
    inspector = await createLiveInspector({ host, title: 'hello test' });
    host.create({ id: 'late' });
    const client = await TestClient.open(inspector);
    clients.push(client);
    const hello = client.of('hello')[0];
    expect(hello.protocol).toBe(1);
    expect(hello.title).toBe('hello test');
    expect(Object.keys(hello.charts).sort()).toEqual(['clock', 'session']);
    expect(hello.charts.session.root.children.map((node) => node.key)).toEqual(expect.arrayContaining(['alive', 'shutdown']));
    expect(hello.sessions.map((summary) => summary.id)).toEqual(['early', 'late']);
    expect(hello.sessions[0]).toMatchObject({ id: 'early', state: 'fresh', value: { alive: 'settingTopology' }, calls: 0, faulted: false, adapter: 'mock' });
    client.send({ type: 'select', session: 'early' });
    expect((await client.next('trace')).truncated).toBe(true);
  });

  it('coalesces the session list into one batch per tick, each changed session once', async () => {
    const { host, platform } = hostOnMock();
    inspector = await createLiveInspector({ host, tickMs: 200 });
    const sessions = Array.from({ length: 20 }, () => host.create());
    const client = await TestClient.open(inspector);
    clients.push(client);
    await sleep(250); // a quiet tick passes: nothing changed, nothing sent
    const before = client.messages.length;
    expect(client.of('sessions')).toHaveLength(0);
    for (let round = 0; round < 10; round++) for (const session of sessions) session.GetSessionCapabilities();
    sessions[0].SetTopology([], TOPOLOGY);
    platform.clock.advanceBy(100_000);
    host.create({ id: 'new' });
    host.release(sessions[19].id);
    const batch = (await client.next('sessions', before)) as SessionsMessage;
    await sleep(250);
    expect(client.of('sessions')).toHaveLength(1);
    expect(batch.updated.map((summary) => summary.id).sort()).toEqual(sessions.slice(0, 19).map((session) => session.id).sort());
    expect(batch.updated.find((summary) => summary.id === sessions[1].id)).toMatchObject({ calls: 10, lastHr: HR.S_OK });
    expect(batch.updated.find((summary) => summary.id === sessions[0].id)).toMatchObject({ state: 'ready', calls: 11 });
    expect(batch.added.map((summary) => summary.id)).toEqual(['new']);
    expect(batch.removed).toEqual([sessions[19].id]);
  });

  it('answers select with the whole trace, then streams the selected session’s new entries in order', async () => {
    const { host, platform } = hostOnMock();
    inspector = await createLiveInspector({ host, tickMs: 20 });
    const session = host.create({ id: 'watched' });
    const other = host.create({ id: 'other' });
    session.SetTopology([], TOPOLOGY);
    platform.clock.advanceBy(100_000);
    const client = await TestClient.open(inspector);
    clients.push(client);
    client.send({ type: 'select', session: 'nope' });
    expect((await client.next('error')).message).toMatch(/no session with id "nope"/);
    client.send({ type: 'select', session: 'watched' });
    const trace = await client.next('trace');
    expect(trace.session).toBe('watched');
    expect(trace.truncated).toBe(false);
    expect(trace.entries.map((entry) => entry.seq)).toEqual(trace.entries.map((_, i) => i + 1));
    expect(trace.entries[0]).toMatchObject({ kind: 'state', state: 'fresh', value: { alive: 'fresh' } });
    const kinds = trace.entries.map((entry) => (entry.kind === 'platform' ? `${entry.op}:${entry.phase}` : entry.kind));
    expect(kinds.slice(0, 6)).toEqual(['state', 'call', 'resolveTopology:request', 'state', 'resolveTopology:done', 'state']);
    expect(trace.entries[1]).toMatchObject({ kind: 'call', method: 'session.SetTopology', args: { flags: 0, topology: TOPOLOGY }, hr: HR.S_OK });
    const seen = client.messages.length;
    other.Start(); // not selected: no entries for it
    session.Start();
    platform.clock.advanceBy(100_000);
    session.GetEvent();
    const deadline = Date.now() + 5000;
    const streamed = () => client.of('entries').flatMap((message) => message.entries);
    while (!streamed().some((entry) => entry.kind === 'call' && entry.method === 'session.GetEvent')) {
      if (Date.now() > deadline) throw new Error('the GetEvent entry never came');
      await sleep(20);
    }
    expect(client.messages.slice(seen).filter((message) => message.type === 'entries').every((message) => message.type === 'entries' && message.session === 'watched')).toBe(true);
    const all: TraceEntry[] = streamed();
    expect(all.map((entry) => entry.seq)).toEqual(all.map((_, i) => trace.entries.length + 1 + i));
    expect(all[0]).toMatchObject({ kind: 'call', method: 'session.Start', args: { position: { vt: 'VT_EMPTY' }, timeFormat: 'GUID_NULL' }, hr: HR.S_OK });
    expect(all.some((entry) => entry.kind === 'event' && entry.status === HR.S_OK)).toBe(true);
    const read = all.find((entry) => entry.kind === 'call' && entry.method === 'session.GetEvent');
    expect(read).toMatchObject({ hr: HR.S_OK, out: { type: expect.any(Number) } });
    client.send({ type: 'select', session: null });
    await sleep(60);
    const count = client.of('entries').length;
    session.Stop();
    await sleep(100);
    expect(client.of('entries')).toHaveLength(count);
  });

  it('serves the built page, and a clear 503 when it is not built', async () => {
    const { host } = hostOnMock();
    const dir = mkdtempSync(join(tmpdir(), 'mfchart-page-'));
    try {
      inspector = await createLiveInspector({ host, pageDir: join(dir, 'missing') });
      const missing = await httpGet(inspector.url);
      expect(missing.status).toBe(503);
      expect(missing.body).toMatch(/inspector page is not built/);
      await inspector.close();
      writeFileSync(join(dir, 'index.html'), '<!doctype html><title>page</title>');
      writeFileSync(join(dir, 'app.js'), 'export {};');
      inspector = await createLiveInspector({ host, pageDir: dir });
      const page = await httpGet(inspector.url);
      expect(page.status).toBe(200);
      expect(page.body).toContain('<title>page</title>');
      expect(page.headers['content-security-policy']).toMatch(/default-src 'self'/);
      expect((await httpGet(`http://127.0.0.1:${inspector.port}/app.js`)).headers['content-type']).toMatch(/javascript/);
      expect((await httpGet(`http://127.0.0.1:${inspector.port}/nothing.js`)).status).toBe(404);
      expect([403, 404]).toContain((await httpGet(`http://127.0.0.1:${inspector.port}/..%2f..%2fpackage.json`)).status);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps traffic bounded with 1000 busy demo sessions: at most one list batch per tick', async () => {
    runtime = await startInspect({ demo: 1000, seed: 7, manualDemo: true });
    inspector = runtime.inspector;
    const client = await TestClient.open(inspector);
    clients.push(client);
    expect(client.of('hello')[0].sessions).toHaveLength(1000);
    client.send({ type: 'select', session: 's1' });
    await client.next('trace');
    const started = Date.now();
    const helloBytes = client.bytes;
    // Far busier than the real demo: every demo tick runs at once, 30 times a second.
    while (Date.now() - started < 1500) {
      runtime.demo!.tick();
      await sleep(30);
    }
    await sleep(150);
    const elapsed = Date.now() - started;
    const batches = client.of('sessions');
    expect(batches.length).toBeGreaterThan(3);
    expect(batches.length).toBeLessThanOrEqual(Math.ceil(elapsed / 100) + 1); // default tick: 100 ms
    const changedIds = batches.flatMap((batch) => batch.updated.map((summary) => summary.id));
    expect(changedIds.length).toBeGreaterThan(500);
    for (const batch of batches) expect(new Set(batch.updated.map((summary) => summary.id)).size).toBe(batch.updated.length);
    // At most every session once per batch: bounded by the session count, not the number of calls.
    for (const batch of batches) expect(batch.added.length + batch.updated.length).toBeLessThanOrEqual(1000 + runtime.demo!.released);
    expect(client.bytes - helloBytes).toBeLessThan(batches.length * 400 * 1000);
    expect(runtime.host.size).toBe(1000);
  });

  it('closes without leaving a server, a socket or a timer behind', async () => {
    const count = (pattern: RegExp) => process.getActiveResourcesInfo().filter((name) => pattern.test(name)).length;
    const resources = () => ({ tcp: count(/^TCP/), timers: count(/Timeout|Interval/) });
    await sleep(20);
    const before = resources();
    runtime = await startInspect({ demo: 50, tickMs: 10 });
    const client = await TestClient.open(runtime.inspector);
    client.send({ type: 'select', session: 's1' });
    await client.next('trace');
    await sleep(50);
    expect(resources().tcp).toBeGreaterThan(before.tcp); // the check below can see a server left open
    await runtime.close();
    runtime = undefined;
    await new Promise<void>((resolve) => (client.ws.readyState === WebSocket.CLOSED ? resolve() : client.ws.once('close', () => resolve())));
    await sleep(50);
    const after = resources();
    expect(after.tcp).toBe(before.tcp);
    expect(after.timers).toBeLessThanOrEqual(before.timers);
  });
});

describe('mfchart inspect', () => {
  const run = (args: string[]) => spawn(process.execPath, ['dist/cli/mfchart.js', 'inspect', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const collect = (child: ReturnType<typeof run>) => {
    const out = { stdout: '', stderr: '' };
    child.stdout!.on('data', (chunk) => (out.stdout += chunk));
    child.stderr!.on('data', (chunk) => (out.stderr += chunk));
    return { out, exit: new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code))) };
  };

  it('prints the URL with its token, serves the demo and stops cleanly on SIGTERM', async () => {
    const child = run(['--demo', '5', '--seed', '3']);
    const { out, exit } = collect(child);
    const deadline = Date.now() + 20_000;
    while (!/mfchart inspector: http/.test(out.stdout) && Date.now() < deadline) await sleep(50);
    const url = /mfchart inspector: (http:\/\/127\.0\.0\.1:(\d+)\/\?token=([0-9a-f]+))/.exec(out.stdout);
    expect(url, out.stdout + out.stderr).not.toBeNull();
    const client = new TestClient(`ws://127.0.0.1:${url![2]}/live?token=${url![3]}`);
    const hello = await client.next('hello');
    expect(hello.sessions).toHaveLength(5);
    await client.close();
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
    expect(out.stdout).toContain('mfchart inspector: stopped');
  });

  it('rejects bad input with exit 2 and a message naming it', async () => {
    for (const [args, message] of [
      [[], /give --demo N or --scenario FILE/],
      [['--demo', 'many'], /--demo must be an integer/],
      [['--demo', '1', '--host', '0.0.0.0'], /loopback address only/],
      [['--demo', '1', '--adapter', 'mf-native'], /unknown adapter "mf-native"/],
      [['--scenario', 'no/such/file.json'], /no such file or directory/],
    ] as const) {
      const { out, exit } = collect(run([...args]));
      expect(await exit, args.join(' ')).toBe(2);
      expect(out.stderr).toMatch(message);
    }
  });
});
