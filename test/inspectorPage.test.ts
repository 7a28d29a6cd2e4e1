// The live inspector's page in a real browser (Debian's Chromium driven by playwright-core), with
// the network cut off: the page must come entirely from the in-process inspector on 127.0.0.1.
// It must list every session, filter them, show the selected session's statechart with the
// actor's actual state highlighted, follow it live, show the calls in the timeline and step back
// through the trace. A screenshot of each run is kept in test-artifacts/.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { launchChromium, type LaunchedChromium } from './launchChromium.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { StateValue, TraceEntry } from '../inspect/live/protocol.js';
import { startInspect, type InspectRuntime } from '../inspect/live/startInspect.js';
import { compactChart } from '../inspect/diagram/compactChart.js';
import { edgesOf } from '../inspect/diagram/drawing.js';
import { readChart } from '../inspect/diagram/readChart.js';
import { mediaSessionMachine } from '../machines/mediaSessionMachine.js';
import { parseTraceFile } from '../inspect/page/traceFile.js';
import { parseScenario } from '../verify/scenario/parseScenario.js';
import { runScenario } from '../verify/scenario/runScenario.js';
import { HR, hrHex, hrName } from '../machines/hresult.js';
import { eventName } from '../machines/mediaEventType.js';
import { CHROMIUM, missingPrograms } from './systemPackage.js';

const missing = missingPrograms(CHROMIUM);
const ARTIFACTS = 'test-artifacts';

/** The value after the first `step` entries of a recorded trace, as active leaf paths. */
const leavesAtStep = (entries: readonly TraceEntry[], step: number): string | undefined => {
  const last = entries.slice(0, step).filter((entry) => entry.kind === 'state').pop();
  return last?.kind === 'state' ? leafPaths(last.value) : undefined;
};

/** Requests the page attempted to anything but 127.0.0.1 (each aborted). */
async function cutNetwork(page: Page): Promise<string[]> {
  const attempted: string[] = [];
  await page.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.hostname === '127.0.0.1') return route.continue();
    attempted.push(url.href);
    return route.abort('internetdisconnected');
  });
  // WebSockets bypass page.route; record them too.
  page.on('websocket', (socket) => {
    if (new URL(socket.url()).hostname !== '127.0.0.1') attempted.push(socket.url());
  });
  return attempted;
}

/** A state value as its active leaves' dotted paths (`{ alive: 'started' }` → `alive.started`). */
const leafPaths = (value: StateValue, prefix = ''): string =>
  typeof value === 'string'
    ? prefix + value
    : Object.entries(value)
        .map(([key, child]) => leafPaths(child, `${prefix}${key}.`))
        .sort()
        .join(' ');

/**
 * The text of the first timeline row containing `text`. The timeline renders only the rows in
 * view, so this scrolls through it from the top the way a user would.
 */
async function timelineRow(page: Page, text: string): Promise<string> {
  const list = page.locator('.entries');
  await list.evaluate((element) => (element.scrollTop = 0));
  for (;;) {
    const row = list.locator('[data-seq]').filter({ hasText: text });
    if ((await row.count()) > 0) return (await row.first().textContent()) ?? '';
    const moved = await list.evaluate((element) => {
      const before = element.scrollTop;
      element.scrollTop += element.clientHeight;
      return element.scrollTop !== before;
    });
    if (!moved) throw new Error(`no timeline row contains ${JSON.stringify(text)}`);
    // Let the scroll event re-render the window.
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(resolve)));
  }
}

const hrText = (hr: number) => hrName(hr) ?? hrHex(hr);

const activeLeaves = (page: Page) => page.locator('svg[data-chart]').getAttribute('data-active-leaves');
const sessionCount = (page: Page) => page.getByTestId('session-count');

describe.skipIf(missing)('inspector page in Chromium (network cut off)', () => {
  let browser: LaunchedChromium;
  let context: BrowserContext;
  let runtime: InspectRuntime | undefined;
  let driver: ReturnType<typeof setInterval> | undefined;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await launchChromium({ viewport: { width: 1500, height: 950 }, acceptDownloads: true });
    context = browser.context;
    // A missing element fails the step that waits for it, with its selector, well before the test's timeout.
    context.setDefaultTimeout(10_000);
  });

  afterEach(async () => {
    clearInterval(driver);
    driver = undefined;
    await runtime?.close();
    runtime = undefined;
    for (const page of context.pages()) await page.close();
  });

  afterAll(async () => {
    await browser?.close();
  });

  const openPage = async (url: string) => {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const attempted = await cutNetwork(page);
    await page.goto(url);
    return { page, attempted, errors };
  };

  it('lists the demo sessions, filters them, highlights the selected actor’s state live and steps back through its trace', async () => {
    const N = 24;
    runtime = await startInspect({ demo: N, manualDemo: true, seed: 42 });
    const { host, inspector, demo } = runtime;
    // Random orderings for a while, then frozen: nothing moves unless the test calls.
    for (let tick = 0; tick < 40; tick++) demo!.tick();
    const sessions = host.list();
    expect(sessions.length).toBe(N);

    const { page, attempted, errors } = await openPage(runtime.url);
    await expect.poll(() => sessionCount(page).getAttribute('data-total')).toBe(String(N));
    await expect.poll(() => page.getByTestId('connection').textContent()).toBe('open');

    // Filter by id, then by the most common state.
    const withOne = sessions.filter((session) => session.id.includes('s1'));
    await page.getByLabel('filter by id').fill('s1');
    await expect.poll(() => sessionCount(page).getAttribute('data-shown')).toBe(String(withOne.length));
    await page.getByLabel('filter by id').fill('');
    const byState = new Map<string, string[]>();
    for (const session of sessions) byState.set(session.state, [...(byState.get(session.state) ?? []), session.id]);
    const [commonState, commonIds] = [...byState].sort((a, b) => b[1].length - a[1].length)[0];
    await page.getByLabel('filter by state').selectOption(commonState);
    await expect.poll(() => sessionCount(page).getAttribute('data-shown')).toBe(String(commonIds.length));
    const shownIds = await page.locator('.session-rows [data-session]').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-session')));
    expect(shownIds.sort()).toEqual([...commonIds].sort());
    await page.getByLabel('filter by state').selectOption('');

    // Select a session that made calls and is not shut down: its statechart shows the actor's actual state.
    const target = sessions.find((session) => session.state !== 'shutdown' && inspector.recorder(session.id)!.summary.calls >= 2)!;
    expect(target).toBeDefined();
    await page.getByLabel('filter by id').fill(target.id);
    await page.locator(`[data-session="${target.id}"]`).click();
    await expect.poll(() => page.getByTestId('detail').getAttribute('data-session')).toBe(target.id);
    await expect.poll(() => activeLeaves(page), { timeout: 20_000 }).toBe(target.statePath);
    await expect.poll(() => page.locator(`g.state[data-ref="${target.statePath}"]`).getAttribute('data-active')).toBe('leaf');

    // Compact by default: the settle fan-out through a choice node; "full" draws every transition.
    const sessionChart = readChart(mediaSessionMachine);
    const transitionEdges = page.locator('g.edge:not(.initial)');
    await expect.poll(() => page.locator('g.state[data-kind="choice"]').count()).toBeGreaterThanOrEqual(1);
    await expect.poll(() => transitionEdges.count()).toBe(edgesOf(compactChart(sessionChart)).length);
    await page.getByRole('button', { name: 'full', exact: true }).click();
    await expect.poll(() => transitionEdges.count(), { timeout: 20_000 }).toBe(edgesOf(sessionChart).length);
    expect(await page.locator('g.state[data-kind="choice"]').count()).toBe(0);
    await expect.poll(() => page.locator(`g.state[data-ref="${target.statePath}"]`).getAttribute('data-active')).toBe('leaf');
    await page.getByRole('button', { name: 'compact', exact: true }).click();
    await expect.poll(() => transitionEdges.count()).toBe(edgesOf(compactChart(sessionChart)).length);

    // The clock tab highlights the session's presentation clock state.
    const clockState = (target.actor.getSnapshot().context as { clock: { state: string } }).clock.state;
    await page.getByRole('tab', { name: 'clock' }).click();
    await expect.poll(() => page.locator('svg[data-chart]').getAttribute('data-chart')).toBe('mfPresentationClock');
    await expect.poll(() => activeLeaves(page)).toBe(clockState);
    await expect.poll(() => page.getByTestId('clock-state').textContent()).toBe(`clock ${clockState}`);
    await page.getByRole('tab', { name: 'session' }).click();
    await expect.poll(() => activeLeaves(page)).toBe(target.statePath);

    // The timeline shows the calls with their synchronous HRESULTs, and the events with statuses.
    const before = inspector.recorder(target.id)!.entries();
    const firstCall = before.find((entry) => entry.kind === 'call')!;
    const firstEvent = before.find((entry) => entry.kind === 'event');
    expect(await timelineRow(page, `${firstCall.method}(`)).toContain(hrText(firstCall.kind === 'call' ? firstCall.hr : 0));
    if (firstEvent?.kind === 'event') expect(await timelineRow(page, eventName(firstEvent.eventType))).toContain(hrText(firstEvent.status));

    // The highlight follows the live actor: shut it down from here.
    expect(target.Shutdown()).toBe(HR.S_OK);
    expect(target.statePath).toBe('shutdown');
    await expect.poll(() => activeLeaves(page)).toBe('shutdown');
    expect(await timelineRow(page, 'session.Shutdown(')).toContain('S_OK');
    const recorded = inspector.recorder(target.id)!.entries();
    await expect.poll(() => page.getByTestId('step').getAttribute('data-total')).toBe(String(recorded.length));

    // Step back with the keyboard to the last entry before Shutdown: the state before it.
    const shutdownAt = recorded.findIndex((entry) => entry.kind === 'call' && entry.method === 'session.Shutdown');
    await page.locator('body').click({ position: { x: 1, y: 1 } });
    for (let step = recorded.length; step > shutdownAt; step--) await page.keyboard.press('ArrowLeft');
    await expect.poll(() => page.getByTestId('step').getAttribute('data-step')).toBe(String(shutdownAt));
    await expect.poll(() => activeLeaves(page)).toBe(leavesAtStep(recorded, shutdownAt));
    expect(leavesAtStep(recorded, shutdownAt)).not.toBe('shutdown');
    await expect.poll(() => page.getByLabel('follow live').getAttribute('class')).not.toMatch(/on/);
    // The slider, the buttons and Home move the same cursor, and the highlight follows each step.
    await expect.poll(() => page.getByLabel('step', { exact: true }).inputValue()).toBe(String(shutdownAt));
    await page.getByLabel('previous step').click();
    await expect.poll(() => activeLeaves(page)).toBe(leavesAtStep(recorded, shutdownAt - 1));
    const middle = Math.ceil(recorded.length / 2);
    await page.getByLabel('step', { exact: true }).fill(String(middle));
    await expect.poll(() => page.getByTestId('step').getAttribute('data-step')).toBe(String(middle));
    await expect.poll(() => activeLeaves(page)).toBe(leavesAtStep(recorded, middle));
    await page.keyboard.press('Home');
    await expect.poll(() => activeLeaves(page)).toBe('alive.fresh');
    await page.keyboard.press('End');
    await expect.poll(() => page.getByLabel('follow live').getAttribute('class')).toMatch(/on/);
    await expect.poll(() => activeLeaves(page)).toBe('shutdown');

    // Save the trace: the download is the recorded trace.
    const [traceDownload] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Save trace' }).click()]);
    const saved = parseTraceFile(readFileSync((await traceDownload.path())!, 'utf8'));
    expect(saved.session).toBe(target.id);
    expect(saved.entries.map((entry) => entry.seq)).toEqual(recorded.map((entry) => entry.seq));

    // Save it as a scenario: a valid scenario file that replays and passes.
    const [scenarioDownload] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Save as scenario' }).click()]);
    expect(scenarioDownload.suggestedFilename()).toBe(`${target.id}.scenario.json`);
    const scenario = parseScenario(readFileSync((await scenarioDownload.path())!, 'utf8'), scenarioDownload.suggestedFilename());
    const replay = await runScenario(scenario);
    expect(replay.steps.filter((step) => !step.pass)).toEqual([]);
    expect(replay.pass).toBe(true);

    await page.getByRole('button', { name: 'zoom to active' }).click();
    await page.screenshot({ path: join(ARTIFACTS, 'inspector-page.png') });
    expect(attempted).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('stays responsive with 1000 moving demo sessions: windowed list, filter and selection', async () => {
    const N = 1000;
    runtime = await startInspect({ demo: N, manualDemo: true, seed: 7 });
    const { host, demo } = runtime;
    // Keep every session moving while the page works.
    driver = setInterval(() => demo!.tick(), 100);

    const { page, attempted, errors } = await openPage(runtime.url);
    await expect.poll(() => sessionCount(page).getAttribute('data-total'), { timeout: 20_000 }).toBe(String(N));
    // Windowed: a screenful of rows in the DOM, not a thousand.
    const rows = await page.locator('.session-rows [data-session]').count();
    expect(rows).toBeGreaterThan(10);
    expect(rows).toBeLessThan(100);

    await page.getByLabel('filter by id').fill('s99');
    const matching = () => host.list().filter((session) => session.id.includes('s99')).length;
    await expect.poll(() => sessionCount(page).getAttribute('data-shown'), { timeout: 10_000 }).toBe(String(matching()));
    // Rows move under the pointer as sessions end and are replaced: whichever row the click lands
    // on must become the selected session, with its trace.
    await page.locator('.session-rows [data-session]').first().click();
    await expect.poll(() => page.getByTestId('detail').getAttribute('data-session')).toMatch(/s99/);
    const picked = (await page.getByTestId('detail').getAttribute('data-session'))!;
    await expect.poll(() => page.getByTestId('step').getAttribute('data-total'), { timeout: 20_000 }).not.toBe(null);

    // Once the sessions stop moving, the highlight settles on the actor's state.
    clearInterval(driver);
    driver = undefined;
    const target = host.get(picked);
    if (target) await expect.poll(() => activeLeaves(page), { timeout: 20_000 }).toBe(target.statePath);
    await page.screenshot({ path: join(ARTIFACTS, 'inspector-page-1000.png') });
    expect(attempted).toEqual([]);
    expect(errors).toEqual([]);
  });
});
