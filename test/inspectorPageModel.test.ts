// The inspector page's logic without a browser: the ELK layout of the real charts, the active
// configuration from a state value or a trace step, the session filter, and the store that
// applies server messages once per animation frame.
import { createRequire } from 'node:module';
import type { ELK as ElkLayout } from 'elkjs/lib/elk-api.js';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { compactChart } from '../inspect/diagram/compactChart.js';
import { edgesOf } from '../inspect/diagram/drawing.js';
import { DIAGRAM_MACHINES } from '../inspect/diagram/machines.js';
import { allNodes } from '../inspect/diagram/model.js';
import { readChart } from '../inspect/diagram/readChart.js';
import type { SessionSummary, TraceEntry } from '../inspect/live/protocol.js';
import { activeStates, initialValue, valueAtStep } from '../inspect/page/activeStates.js';
import { layoutChart } from '../inspect/page/chartLayout.js';
import { entryText } from '../inspect/page/entryText.js';
import { createInspectorStore, stepOf } from '../inspect/page/inspectorStore.js';
import { filterSessions } from '../inspect/page/sessionFilter.js';
import { HR } from '../machines/hresult.js';
import { ME } from '../machines/mediaEventType.js';
import { mediaSessionMachine } from '../machines/mediaSessionMachine.js';

// elkjs is CommonJS: its module is the constructor (the page uses its Web Worker build instead).
const ELK = createRequire(import.meta.url)('elkjs/lib/elk.bundled.js') as new () => ElkLayout;
const sessionChart = readChart(mediaSessionMachine);
const summary = (id: string, state: string): SessionSummary => ({ id, state, value: { alive: state }, calls: 0, faulted: false, adapter: 'mock' });

describe('chart layout (ELK)', () => {
  it.each(DIAGRAM_MACHINES.map((entry) => [entry.name, entry.machine] as const))('lays out every state and transition of %s, children inside parents', async (_name, machine) => {
    const chart = readChart(machine);
    const drawing = await layoutChart(new ELK(), chart);
    const boxes = new Map(drawing.states.map((state) => [state.ref, state]));
    expect([...boxes.keys()].sort()).toEqual(allNodes(chart).map((node) => node.ref).sort());
    for (const node of allNodes(chart)) {
      for (const child of node.children) {
        const outer = boxes.get(node.ref)!;
        const inner = boxes.get(child.ref)!;
        expect(inner.x).toBeGreaterThanOrEqual(outer.x);
        expect(inner.y).toBeGreaterThanOrEqual(outer.y);
        expect(inner.x + inner.width).toBeLessThanOrEqual(outer.x + outer.width + 0.01);
        expect(inner.y + inner.height).toBeLessThanOrEqual(outer.y + outer.height + 0.01);
      }
    }
    const transitions = drawing.edges.filter((edge) => !edge.initial);
    expect(transitions.map((edge) => `${edge.source}->${edge.target}`).sort()).toEqual(
      edgesOf(chart).map((edge) => `${edge.source}->${edge.target}`).sort(),
    );
    for (const edge of drawing.edges) expect(edge.points.length).toBeGreaterThanOrEqual(2);
    const compoundWithInitial = allNodes(chart).filter((node) => node.kind === 'compound' && node.initial.length > 0);
    expect(drawing.dots.map((dot) => dot.parent).sort()).toEqual(compoundWithInitial.map((node) => node.ref).sort());
  });

  it('labels an edge with its events, eventless ones as always', async () => {
    const drawing = await layoutChart(new ELK(), sessionChart);
    const shutdown = drawing.edges.find((edge) => edge.source === 'alive' && edge.target === 'shutdown')!;
    expect(shutdown.text).toEqual(['session.Shutdown']);
    expect(shutdown.label).toBeDefined();
    const dispatch = drawing.edges.find((edge) => edge.source === 'alive.dispatch' && edge.target === 'alive.started')!;
    expect(dispatch.text).toEqual(['always']);
    expect(dispatch.detail.join(' ')).toContain('landsIn(started');
  });

  it('lays out the compact session chart: a small choice box, branch labels by guard, full guards in the tooltips', async () => {
    const compact = compactChart(sessionChart);
    const drawing = await layoutChart(new ELK(), compact);
    const choice = drawing.states.find((state) => state.kind === 'choice')!;
    expect(choice.width).toBeLessThan(30);
    expect(drawing.edges.filter((edge) => !edge.initial)).toHaveLength(edgesOf(compact).length);
    const intoFresh = drawing.edges.find((edge) => edge.source === choice.ref && edge.target === 'alive.fresh')!;
    expect(intoFresh.text).toEqual(['[landsIn(fresh, ·)]']);
    expect(intoFresh.detail).toContain('alive.pausing —platform.done [landsIn(fresh, pausePipeline)]→ alive.fresh');
  });
});

describe('active states', () => {
  it('names every active state and the leaves of a nested value', () => {
    const active = activeStates(sessionChart, { alive: { starting: 'sources' } });
    expect([...active.all].sort()).toEqual(['alive', 'alive.starting', 'alive.starting.sources', 'mfSession']);
    expect([...active.leaves]).toEqual(['alive.starting.sources']);
    expect([...activeStates(sessionChart, 'shutdown').leaves]).toEqual(['shutdown']);
  });

  it('starts from the initial configuration and follows the last state entry at a step', () => {
    expect(initialValue(sessionChart)).toEqual({ alive: 'fresh' });
    const entries: TraceEntry[] = [
      { seq: 1, at: 0, kind: 'state', state: 'fresh', value: { alive: 'fresh' } },
      { seq: 2, at: 0, kind: 'call', method: 'session.Shutdown', args: {}, hr: HR.S_OK },
      { seq: 3, at: 0, kind: 'state', state: 'shutdown', value: 'shutdown' },
    ];
    expect(valueAtStep(entries, 0, { alive: 'ready' })).toEqual({ alive: 'ready' });
    expect(valueAtStep(entries, 2, {})).toEqual({ alive: 'fresh' });
    expect(valueAtStep(entries, 3, {})).toBe('shutdown');
  });

  it('writes HRESULTs and event types by their catalog names', () => {
    expect(entryText({ seq: 1, at: 0, kind: 'call', method: 'session.Stop', args: { now: 5 }, hr: HR.MF_E_SHUTDOWN })).toMatchObject({
      main: 'session.Stop()',
      outcome: 'MF_E_SHUTDOWN',
      failed: true,
    });
    expect(entryText({ seq: 2, at: 0, kind: 'event', eventType: ME.MESessionStarted, status: HR.S_OK })).toMatchObject({
      main: 'MESessionStarted',
      outcome: 'S_OK',
      failed: false,
    });
  });
});

describe('session filter', () => {
  const sessions = ['s1', 's2', 's10', 's11'].map((id, index) => summary(id, index % 2 === 0 ? 'started' : 'paused'));
  it('matches ids by substring and states exactly', () => {
    expect(filterSessions(sessions, 's1', '').map((s) => s.id)).toEqual(['s1', 's10', 's11']);
    expect(filterSessions(sessions, '', 'paused').map((s) => s.id)).toEqual(['s2', 's11']);
    expect(filterSessions(sessions, 'S1', 'started').map((s) => s.id)).toEqual(['s1', 's10']);
  });
});

describe('inspector store', () => {
  let frames: (() => void)[];
  beforeEach(() => {
    frames = [];
    vi.stubGlobal('requestAnimationFrame', (callback: () => void) => frames.push(callback));
    vi.stubGlobal('cancelAnimationFrame', () => {});
  });
  afterEach(() => vi.unstubAllGlobals());

  it('applies every message of a frame in one update, and answers hello with the selection again', () => {
    const store = createInspectorStore();
    const sent: unknown[] = [];
    store.attach((message) => sent.push(message));
    let renders = 0;
    store.subscribe(() => renders++);
    store.receive({ type: 'hello', protocol: 1, charts: { session: sessionChart }, sessions: [summary('s1', 'fresh')], title: 't' });
    for (let i = 2; i <= 500; i++) store.receive({ type: 'sessions', added: [summary(`s${i}`, 'fresh')], updated: [], removed: [] });
    store.receive({ type: 'sessions', added: [], updated: [summary('s1', 'started')], removed: ['s2'] });
    expect(store.getSnapshot().sessions.size).toBe(0); // nothing before the frame
    expect(frames).toHaveLength(1);
    frames.shift()!();
    expect(renders).toBe(1);
    expect(store.getSnapshot().sessions.size).toBe(499);
    expect(store.getSnapshot().sessions.get('s1')!.state).toBe('started');

    store.select('s1');
    expect(sent).toEqual([{ type: 'select', session: 's1' }]);
    store.receive({ type: 'hello', protocol: 1, charts: { session: sessionChart }, sessions: [], title: 't' });
    store.flush();
    expect(sent).toEqual([{ type: 'select', session: 's1' }, { type: 'select', session: 's1' }]);
  });

  it('keeps the cursor where the user stepped while entries arrive, skipping entries it already has', () => {
    const store = createInspectorStore();
    store.receive({ type: 'hello', protocol: 1, charts: { session: sessionChart }, sessions: [summary('s1', 'fresh')], title: 't' });
    store.flush();
    store.select('s1');
    const entry = (seq: number): TraceEntry => ({ seq, at: 0, kind: 'call', method: 'session.Start', args: {}, hr: HR.S_OK });
    store.receive({ type: 'trace', session: 's1', summary: summary('s1', 'fresh'), entries: [entry(1), entry(2), entry(3)] });
    store.flush();
    expect(stepOf(store.getSnapshot())).toBe(3);
    store.step(-2);
    expect(store.getSnapshot().cursor).toBe(1);
    store.receive({ type: 'entries', session: 's1', entries: [entry(3), entry(4)] });
    store.flush();
    expect(store.getSnapshot().trace!.entries.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    expect(stepOf(store.getSnapshot())).toBe(1);
    store.setCursor(99);
    expect(store.getSnapshot().cursor).toBe('live');
    store.setCursor(-5);
    expect(store.getSnapshot().cursor).toBe(0);
    // A trace for a session no longer selected is dropped.
    store.receive({ type: 'trace', session: 's9', summary: summary('s9', 'fresh'), entries: [] });
    store.flush();
    expect(store.getSnapshot().trace!.session).toBe('s1');
  });
});
