// The React media player example (examples/react-player): bundled with Vite's JS API from its own
// vite.config.ts, served from 127.0.0.1 and clicked through in Chromium with the network cut to that
// server. Every step's state, synchronous HRESULT and events are checked, the events against a
// session running the same calls in Node (the page must show what the model queues, in order).
import { createServer, type Server } from 'node:http';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, createLogger } from 'vite';
import type { BrowserContext, Page } from 'playwright-core';
import { launchChromium, type LaunchedChromium } from './launchChromium.js';
import * as mfchart from '../index.js';
import * as mfchartBrowser from '../browser.js';
import * as scenarioFiles from '../verify/scenario/runScenarioFiles.js';
import { createMockPlatform } from '../adapters/mock/createMockPlatform.js';
import { createSession, type MediaSessionHandle } from '../actors/createSession.js';
import { eventName } from '../machines/mediaEventType.js';
import { hrName } from '../machines/hresult.js';
import { PLAYER_PLATFORM, PLAYER_TOPOLOGY } from '../examples/react-player/createPlayer.js';
import { CHROMIUM, missingPrograms } from './systemPackage.js';

const EXAMPLE = resolve('examples/react-player');
const SCREENSHOT = resolve('test-artifacts/react-player.png');

describe('mfchart/browser', () => {
  it('exports everything mfchart exports except the scenario-file reader, which needs node:fs', () => {
    const nodeOnly = new Set(Object.keys(scenarioFiles));
    const expected = Object.keys(mfchart).filter((name) => !nodeOnly.has(name)).sort();
    expect(Object.keys(mfchartBrowser).sort()).toEqual(expected);
  });
});

const skip = missingPrograms(CHROMIUM);

describe.skipIf(skip)('React media player example', () => {
  const warnings: string[] = [];
  let outDir: string;
  let browser: LaunchedChromium;
  let server: Server;
  let origin: string;
  let context: BrowserContext;
  let page: Page;
  const blocked: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    outDir = mkdtempSync(join(tmpdir(), 'mfchart-react-player-'));
    const logger = createLogger('warn');
    // Vitest runs with NODE_ENV=test, which would make Vite bundle React's development build.
    const nodeEnv = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    await build({
      root: EXAMPLE,
      configFile: join(EXAMPLE, 'vite.config.ts'),
      mode: 'production',
      logLevel: 'warn',
      customLogger: { ...logger, warn: (message, options) => (warnings.push(message), logger.warn(message, options)) },
      build: { outDir, emptyOutDir: true },
    }).finally(() => {
      if (nodeEnv === undefined) delete process.env.NODE_ENV;
      else process.env.NODE_ENV = nodeEnv;
    });

    server = createServer((request, response) => {
      const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
      const file = resolve(outDir, `.${path === '/' ? '/index.html' : path}`);
      if (!file.startsWith(outDir)) return void response.writeHead(403).end();
      try {
        const body = readFileSync(file);
        const type = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' }[extname(file)] ?? 'application/octet-stream';
        response.writeHead(200, { 'content-type': `${type}; charset=utf-8` }).end(body);
      } catch {
        response.writeHead(404).end();
      }
    });
    await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    browser = await launchChromium();
    context = browser.context;
    page = context.pages()[0] ?? (await context.newPage());
    // The network ends at our server: anything else is recorded and refused.
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (new URL(url).origin === origin) return route.continue();
      blocked.push(url);
      return route.abort();
    });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((closed) => (server ? server.close(closed) : closed(undefined)));
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  it('bundles for the browser with no Node built-in reachable from what the example imports', () => {
    expect(warnings.filter((warning) => /externalized for browser compatibility|node:/.test(warning))).toEqual([]);
    const bundles = readdirSync(join(outDir, 'assets')).filter((name) => name.endsWith('.js'));
    expect(bundles.length).toBeGreaterThan(0);
    for (const name of bundles) expect(readFileSync(join(outDir, 'assets', name), 'utf8')).not.toContain('__vite-browser-external');
  });

  it('plays topology → Start → rate → Pause → Stop → Close → Shutdown, showing each state, HRESULT and event; a forbidden call shows its HRESULT', async () => {
    // The reference: the same platform and calls in Node, settled after each call.
    const platform = createMockPlatform(PLAYER_PLATFORM);
    const reference = createSession({ adapter: platform.adapter });
    const referenceEvents = readAllEvents(reference);

    const text = async (testId: string) => (await page.getByTestId(testId).textContent())?.trim() ?? '';
    const events = () => page.getByTestId('events').locator('li').allTextContents();
    const enabled = async (testId: string) => page.getByTestId(`call-${testId}`).isEnabled();
    const clockSeconds = async () => Number.parseFloat(await text('clock'));

    /** Clicks a button, checks the synchronous HRESULT and the settled state, and that the new events are the model's. */
    const step = async (control: string, method: string, hr: string, state: string, referenceCall: () => unknown) => {
      const before = (await events()).length;
      referenceCall();
      platform.clock.advanceBy(100_000); // 10 ms: every pipeline step of the mock completes
      const expected = referenceEvents.take();
      await page.getByTestId(`call-${control}`).click();
      await expect.poll(() => text('last-call')).toBe(`${method} → ${hr}`);
      await expect.poll(() => text('state')).toBe(state);
      await expect.poll(async () => (await events()).length).toBe(before + expected.length);
      const shown = (await events()).slice(before).map((line) => line.trim().replace(/\s+/g, ' '));
      expect(shown).toEqual(expected);
      return shown;
    };

    await page.goto(`${origin}/`);
    expect(await text('state')).toBe('fresh');
    expect(await text('event-loop')).toBe('waiting on BeginGetEvent');
    expect(await text('clock')).toBe('MF_E_CLOCK_NO_TIME_SOURCE');
    expect(await enabled('SetTopology')).toBe(true);
    for (const control of ['Start', 'Pause', 'Stop', 'SetRate-2']) expect(await enabled(control)).toBe(false);

    const topologySet = await step('SetTopology', 'SetTopology', 'S_OK', 'ready', () => reference.SetTopology([], PLAYER_TOPOLOGY));
    expect(topologySet).toContain('MESessionTopologySet S_OK VT_UNKNOWN');
    expect(await text('caps')).toBe('START SEEK RATE_FORWARD DOES_NOT_USE_NETWORK');
    expect([await enabled('Start'), await enabled('Pause'), await enabled('SetRate-2')]).toEqual([true, false, true]);

    const started = await step('Start', 'Start', 'S_OK', 'started', () => reference.Start());
    expect(started.at(-1)).toBe('MESessionStarted S_OK');
    expect(await enabled('Pause')).toBe(true);
    // The presentation clock runs with real time.
    const t0 = await clockSeconds();
    await expect.poll(clockSeconds).toBeGreaterThan(t0);

    expect(await step('SetRate-2', 'SetRate(2)', 'S_OK', 'started', () => reference.SetRate(false, 2))).toContain('MESessionRateChanged S_OK VT_R4 2');
    // Beyond the source's fastest rate: accepted synchronously, refused in the completion event.
    expect(await step('SetRate-4', 'SetRate(4)', 'S_OK', 'started', () => reference.SetRate(false, 4))).toEqual(['MESessionRateChanged MF_E_UNSUPPORTED_RATE']);

    expect((await step('Pause', 'Pause', 'S_OK', 'paused', () => reference.Pause())).at(-1)).toBe('MESessionPaused S_OK');
    // A paused clock stands still.
    const paused = await text('clock');
    await page.waitForTimeout(200);
    expect(await text('clock')).toBe(paused);
    expect(await enabled('Pause')).toBe(false);

    expect((await step('Stop', 'Stop', 'S_OK', 'stopped', () => reference.Stop())).at(-1)).toBe('MESessionStopped S_OK');
    expect([await enabled('Stop'), await enabled('Start')]).toEqual([false, true]);

    expect((await step('Close', 'Close', 'S_OK', 'closed', () => reference.Close())).at(-1)).toBe('MESessionClosed S_OK');
    expect([await enabled('Start'), await enabled('Close'), await enabled('Shutdown')]).toEqual([false, false, true]);

    expect(await step('Shutdown', 'Shutdown', 'S_OK', 'shutdown', () => reference.Shutdown())).toEqual([]);
    for (const control of ['SetTopology', 'Start', 'Pause', 'Stop', 'Close', 'Shutdown', 'SetRate-1']) expect(await enabled(control)).toBe(false);
    // The pending BeginGetEvent callback is never invoked after Shutdown: the loop just waits.
    expect(await text('event-loop')).toBe('waiting on BeginGetEvent');

    // Calls the statechart forbids, made anyway: the contract's HRESULT, and no event.
    await page.getByTestId('allow-every-call').check();
    expect(await step('Start', 'Start', 'MF_E_SHUTDOWN', 'shutdown', () => reference.Start())).toEqual([]);
    expect(await step('Shutdown', 'Shutdown', 'MF_E_SHUTDOWN', 'shutdown', () => reference.Shutdown())).toEqual([]);
    expect((await page.getByTestId('calls').locator('li').allTextContents()).map((line) => line.trim())).toEqual([
      'SetTopology → S_OK',
      'Start → S_OK',
      'SetRate(2) → S_OK',
      'SetRate(4) → S_OK',
      'Pause → S_OK',
      'Stop → S_OK',
      'Close → S_OK',
      'Shutdown → S_OK',
      'Start → MF_E_SHUTDOWN',
      'Shutdown → MF_E_SHUTDOWN',
    ]);

    mkdirSync(resolve('test-artifacts'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(blocked).toEqual([]);
    expect(pageErrors).toEqual([]);
    reference.Release();
  });
});

/** Reads every event the reference session queues, as the page's event loop does, in the page's text form. */
function readAllEvents(session: MediaSessionHandle): { take(): string[] } {
  let read: string[] = [];
  const loop = () => {
    for (;;) {
      const next = session.GetEvent(true);
      if (next.hr !== 0) return;
      const event = next.out as { type: number; status: number; value: { vt: string; value?: number } };
      const value = event.value.vt === 'VT_EMPTY' ? '' : event.value.vt === 'VT_R4' || event.value.vt === 'VT_UI8' ? ` ${event.value.vt} ${event.value.value}` : ` ${event.value.vt}`;
      read.push(`${eventName(event.type)} ${hrName(event.status)}${value}`);
    }
  };
  return {
    take() {
      if (session.state !== 'shutdown') loop();
      const taken = read;
      read = [];
      return taken;
    },
  };
}
