/**
 * Table-driven tests of the IMFMediaSession statechart on the mock platform, against the behaviour
 * table in /work/shared/spec/mf-session-behavior.md (§1.3, §2.0-§2.17, §6) and
 * docs/research-clock-and-session.md (§4, §6, §7). Where the spec has a Windows value ([WT],
 * [WT-todo]) the test asserts it; otherwise it asserts Wine's ([WI]).
 */
import { describe, expect, it } from 'vitest';
import { createMockPlatform, type MockPlatformSpec, type MockPlatform } from '../adapters/mock/createMockPlatform.js';
import { createSession, type MediaSessionHandle } from '../actors/createSession.js';
import { HR, formatHr, type HResult } from '../machines/hresult.js';
import { ME, eventName } from '../machines/mediaEventType.js';
import { EVENT_ATTR, SESSIONCAP, TOPOSTATUS, SETTOPOLOGY } from '../machines/constants.js';
import type { MediaEvent, PublicState, TopologyNodeSpec, TopologySpec } from '../machines/types.js';

// ---------------------------------------------------------------------------------------------
// Harness
// ---------------------------------------------------------------------------------------------

/** Much longer than any pipeline step of the mock (1 ms latency per step). */
const SETTLE = 1_000_000;

const COMPLETION_TYPES = new Set<number>([
  ME.MESessionTopologySet,
  ME.MESessionTopologiesCleared,
  ME.MESessionStarted,
  ME.MESessionPaused,
  ME.MESessionStopped,
  ME.MESessionClosed,
  ME.MESessionRateChanged,
]);

/** A source → output topology. */
function topology(source = 's1', sink: string | null = 'k1', extra: Partial<TopologySpec> = {}, sourceNode: Partial<TopologyNodeSpec> = {}): TopologySpec {
  return {
    nodes: [
      { id: `src-${source}`, type: 'source', source, ...sourceNode } as TopologyNodeSpec,
      { id: `out-${sink ?? 'none'}`, type: 'output', sink },
    ],
    links: [[`src-${source}`, `out-${sink ?? 'none'}`]],
    ...extra,
  };
}

interface Rig {
  p: MockPlatform;
  h: MediaSessionHandle;
}

function rig(spec: MockPlatformSpec = { sources: { s1: {} }, sinks: { k1: {} } }): Rig {
  const p = createMockPlatform(spec);
  const h = createSession({ adapter: p.adapter });
  return { p, h };
}

function settle(r: Rig, hns = SETTLE): void {
  r.p.adapter.settle();
  r.p.clock.advanceBy(hns);
}

/** Drains the event queue with GetEvent(NO_WAIT) and returns what it held. */
function drain(h: MediaSessionHandle): MediaEvent[] {
  const out: MediaEvent[] = [];
  for (;;) {
    const r = h.GetEvent(true);
    if (r.hr !== HR.S_OK) break;
    out.push(r.out as MediaEvent);
  }
  return out;
}

const completions = (events: MediaEvent[]) => events.filter((e) => COMPLETION_TYPES.has(e.type));
const ofType = (events: MediaEvent[], type: number) => events.filter((e) => e.type === type);
const show = (events: MediaEvent[]) => events.map((e) => `${eventName(e.type)}(${formatHr(e.status)})`);

/** Brings a fresh rig into one of the public states, with an empty event queue. */
function reach(state: PublicState, spec?: MockPlatformSpec): Rig {
  const r = rig(spec);
  const { h } = r;
  const step = (call: () => HResult) => {
    expect(call()).toBe(HR.S_OK);
    settle(r);
  };
  if (state === 'shutdown') {
    step(() => h.SetTopology(0, topology()));
    expect(h.Shutdown()).toBe(HR.S_OK);
  } else if (state !== 'fresh') {
    step(() => h.SetTopology(0, topology()));
    if (state === 'started' || state === 'paused' || state === 'stopped' || state === 'closing' || state === 'closed') step(() => h.Start());
    if (state === 'paused') step(() => h.Pause());
    if (state === 'stopped') step(() => h.Stop());
    if (state === 'closed') step(() => h.Close());
  }
  drain(h);
  if (state === 'closing') expect(h.Close()).toBe(HR.S_OK);
  expect(h.state).toBe(state);
  return r;
}

// ---------------------------------------------------------------------------------------------
// §2.0 compact matrix: state × control method
// ---------------------------------------------------------------------------------------------

type Method = 'SetTopology' | 'ClearTopologies' | 'Start' | 'Pause' | 'Stop' | 'Close' | 'Shutdown' | 'SetRate';

const CALL: Record<Method, (h: MediaSessionHandle) => HResult> = {
  SetTopology: (h) => h.SetTopology(0, topology('s2', 'k2')),
  ClearTopologies: (h) => h.ClearTopologies(),
  Start: (h) => h.Start(),
  Pause: (h) => h.Pause(),
  Stop: (h) => h.Stop(),
  Close: (h) => h.Close(),
  Shutdown: (h) => h.Shutdown(),
  SetRate: (h) => h.SetRate(false, 0.5),
};

const COMPLETION_OF: Record<Exclude<Method, 'Shutdown'>, number> = {
  SetTopology: ME.MESessionTopologySet,
  ClearTopologies: ME.MESessionTopologiesCleared,
  Start: ME.MESessionStarted,
  Pause: ME.MESessionPaused,
  Stop: ME.MESessionStopped,
  Close: ME.MESessionClosed,
  SetRate: ME.MESessionRateChanged,
};

/** One cell: synchronous HRESULT, completion event status (undefined: no event), next public state. */
interface Cell {
  sync: HResult;
  event?: HResult;
  next: PublicState;
  why: string;
}

const { S_OK, MF_E_INVALIDREQUEST: INVALID, MF_E_SESSION_PAUSEWHILESTOPPED: PWS, MF_E_SHUTDOWN: SHUT } = HR;
const c = (sync: HResult, event: HResult | undefined, next: PublicState, why: string): Cell => ({ sync, event, next, why });

const asClosed = (why: string): Record<Method, Cell> => ({
  SetTopology: c(S_OK, S_OK, 'closed', `${why}; SetTopology accepted after Close [WI S:2866-2870]`),
  ClearTopologies: c(S_OK, INVALID, 'closed', `${why}; TopologiesCleared(MF_E_INVALIDREQUEST) [WT T:2857-2861]`),
  Start: c(S_OK, INVALID, 'closed', `${why} [WI S:1236-1239]`),
  Pause: c(S_OK, INVALID, 'closed', `${why} [WI]`),
  Stop: c(S_OK, INVALID, 'closed', `${why} [WI S:1376-1379]`),
  Close: c(S_OK, INVALID, 'closed', `${why} [WI S:1427-1435]`),
  Shutdown: c(S_OK, undefined, 'shutdown', 'Shutdown from any state [WT]'),
  SetRate: c(S_OK, S_OK, 'closed', `${why}; SetRate has no state check [WI S:2895-2899]`),
});

const MATRIX: Record<PublicState, Record<Method, Cell>> = {
  fresh: {
    SetTopology: c(S_OK, S_OK, 'ready', 'TopologySet(S_OK) → R [WT]'),
    ClearTopologies: c(S_OK, S_OK, 'fresh', 'TopologiesCleared(S_OK) [WT T:2839-2849]'),
    Start: c(S_OK, INVALID, 'fresh', 'Started(MF_E_INVALIDREQUEST) [WT T:2819-2823]'),
    Pause: c(S_OK, INVALID, 'fresh', 'Windows Paused(MF_E_INVALIDREQUEST) [WT-todo T:2832-2837]'),
    Stop: c(S_OK, INVALID, 'fresh', 'Windows Stopped(MF_E_INVALIDREQUEST) [WT-todo T:2825-2830]'),
    Close: c(S_OK, S_OK, 'closed', 'Closed(S_OK) [WT T:2851-2855]'),
    Shutdown: c(S_OK, undefined, 'shutdown', '[WT T:2800]'),
    SetRate: c(S_OK, S_OK, 'fresh', 'sync S_OK [WT T:3561-3562]; RateChanged(S_OK) [WI]'),
  },
  ready: {
    SetTopology: c(S_OK, S_OK, 'ready', 'queued behind current [WI]'),
    ClearTopologies: c(S_OK, S_OK, 'ready', '[WT]'),
    Start: c(S_OK, S_OK, 'started', '[WT]'),
    Pause: c(S_OK, PWS, 'ready', 'MF_E_SESSION_PAUSEWHILESTOPPED [WI]'),
    Stop: c(S_OK, S_OK, 'ready', '[WI]'),
    Close: c(S_OK, S_OK, 'closed', '[WI]'),
    Shutdown: c(S_OK, undefined, 'shutdown', '[WT]'),
    SetRate: c(S_OK, S_OK, 'ready', '[WT T:3262-3298]'),
  },
  started: {
    SetTopology: c(S_OK, S_OK, 'started', 'queued [WI]'),
    ClearTopologies: c(S_OK, S_OK, 'started', '[WT sync, WI event]'),
    Start: c(S_OK, S_OK, 'started', 'no-op Start [WT T:11076-11080]'),
    Pause: c(S_OK, S_OK, 'paused', '[WT]'),
    Stop: c(S_OK, S_OK, 'stopped', '[WT]'),
    Close: c(S_OK, S_OK, 'closed', '[WT T:11832-11835]'),
    Shutdown: c(S_OK, undefined, 'shutdown', '[WT]'),
    SetRate: c(S_OK, S_OK, 'started', '[WT T:10241-10257]'),
  },
  paused: {
    SetTopology: c(S_OK, S_OK, 'paused', 'queued [WI]'),
    ClearTopologies: c(S_OK, S_OK, 'paused', '[WI]'),
    Start: c(S_OK, S_OK, 'started', '[WT]'),
    Pause: c(S_OK, INVALID, 'paused', '[WI S:1315-1318]'),
    Stop: c(S_OK, S_OK, 'stopped', '[WI]'),
    Close: c(S_OK, S_OK, 'closed', '[WI]'),
    Shutdown: c(S_OK, undefined, 'shutdown', '[WT]'),
    SetRate: c(S_OK, S_OK, 'paused', '[WT T:11459-11463]'),
  },
  stopped: {
    SetTopology: c(S_OK, S_OK, 'stopped', 'queued (as R) [WI]'),
    ClearTopologies: c(S_OK, S_OK, 'stopped', '[WT]'),
    Start: c(S_OK, S_OK, 'started', '[WT]'),
    Pause: c(S_OK, PWS, 'stopped', '[WI]'),
    Stop: c(S_OK, S_OK, 'stopped', '[WI]'),
    Close: c(S_OK, S_OK, 'closed', '[WT]'),
    Shutdown: c(S_OK, undefined, 'shutdown', '[WT]'),
    SetRate: c(S_OK, S_OK, 'stopped', '[WT T:11352-11356]'),
  },
  closing: asClosed('queued behind Close, evaluated as CL'),
  closed: asClosed('after Close'),
  shutdown: {
    SetTopology: c(SHUT, undefined, 'shutdown', '[WI]'),
    ClearTopologies: c(SHUT, undefined, 'shutdown', '[WT T:3443-3444]'),
    Start: c(SHUT, undefined, 'shutdown', '[WT T:3450-3451]'),
    Pause: c(SHUT, undefined, 'shutdown', '[WT T:3453-3454]'),
    Stop: c(SHUT, undefined, 'shutdown', '[WT T:3456-3457]'),
    Close: c(SHUT, undefined, 'shutdown', '[WT T:3459-3460]'),
    Shutdown: c(SHUT, undefined, 'shutdown', 'second Shutdown [WT T:3474-3475]'),
    SetRate: c(SHUT, undefined, 'shutdown', '[WI S:493]'),
  },
};

const STATES: PublicState[] = ['fresh', 'ready', 'started', 'paused', 'stopped', 'closing', 'closed', 'shutdown'];
const METHODS: Method[] = ['SetTopology', 'ClearTopologies', 'Start', 'Pause', 'Stop', 'Close', 'Shutdown', 'SetRate'];

describe('§2.0 matrix: state × control method (sync HRESULT, completion event, next state)', () => {
  const rows = STATES.flatMap((state) => METHODS.map((method) => ({ state, method, cell: MATRIX[state][method] })));
  it.each(rows)('$state × $method', ({ state, method, cell }) => {
    const r = reach(state);
    const { h } = r;
    const queuedBefore = h.eventsQueued;
    expect(CALL[method](h), cell.why).toBe(cell.sync);
    settle(r);
    const events = drain(h);
    const done = completions(events);
    if (state === 'closing' && method !== 'Shutdown') {
      // The Close in progress completes first, then the queued call is evaluated as CL.
      expect(show(done[0] ? [done[0]] : [])).toEqual(['MESessionClosed(S_OK (0x00000000))']);
      done.shift();
    }
    if (cell.event === undefined) {
      expect(show(done)).toEqual([]);
      if (method === 'Shutdown' || state === 'shutdown') expect(h.eventsQueued).toBe(queuedBefore);
    } else {
      const type = COMPLETION_OF[method as Exclude<Method, 'Shutdown'>];
      expect(show(done), cell.why).toEqual([`${eventName(type)}(${formatHr(cell.event)})`]);
    }
    expect(h.state).toBe(cell.next);
  });
});

// ---------------------------------------------------------------------------------------------
// Getters (§2.0 second table, §2.8-§2.10)
// ---------------------------------------------------------------------------------------------

describe('getters by state', () => {
  const live: PublicState[] = ['fresh', 'ready', 'started', 'paused', 'stopped', 'closing', 'closed'];

  it.each(live)('GetClock is S_OK in %s [WT T:3415, WI/MS for CL]', (state) => {
    const { h } = reach(state);
    expect(h.GetClock()).toBe(HR.S_OK);
  });

  it('GetClock after Shutdown is MF_E_SHUTDOWN [WT T:3462]', () => {
    const { h } = reach('shutdown');
    expect(h.GetClock()).toBe(HR.MF_E_SHUTDOWN);
  });

  it('GetFullTopology(CURRENT) is MF_E_INVALIDREQUEST on a fresh session [WI S:2602-2608]', () => {
    const { h } = reach('fresh');
    expect(h.GetFullTopology(true).hr).toBe(HR.MF_E_INVALIDREQUEST);
  });

  it.each(['ready', 'started', 'paused', 'stopped', 'closing', 'closed'] as PublicState[])(
    'GetFullTopology(CURRENT) gives the current topology in %s (Close does not clear it) [WI]',
    (state) => {
      const { h } = reach(state);
      expect(h.GetFullTopology(true)).toEqual({ hr: HR.S_OK, out: 'current' });
    },
  );

  it('GetFullTopology after Shutdown is MF_E_SHUTDOWN [WT T:3471-3472]', () => {
    const { h } = reach('shutdown');
    expect(h.GetFullTopology(true).hr).toBe(HR.MF_E_SHUTDOWN);
    expect(h.GetFullTopology(false, 1).hr).toBe(HR.MF_E_SHUTDOWN);
  });

  it('GetFullTopology without CURRENT searches the queued list by TOPOID; not found → S_OK with NULL [WI S:2610-2620]', () => {
    const r = rig({ sources: { s1: {}, s2: {} }, sinks: { k1: {}, k2: {} } });
    const { h } = r;
    expect(h.SetTopology(0, topology('s1', 'k1', { topoId: 7 }))).toBe(HR.S_OK);
    expect(h.SetTopology(0, topology('s2', 'k2', { topoId: 8 }))).toBe(HR.S_OK);
    settle(r);
    expect(h.GetFullTopology(false, 7)).toEqual({ hr: HR.S_OK, out: 'queued' });
    expect(h.GetFullTopology(false, 8)).toEqual({ hr: HR.S_OK, out: 'queued' });
    expect(h.GetFullTopology(false, 99)).toEqual({ hr: HR.S_OK, out: 'null' });
    // ClearTopologies empties the queue; the current presentation stays.
    expect(h.ClearTopologies()).toBe(HR.S_OK);
    settle(r);
    expect(h.GetFullTopology(false, 8)).toEqual({ hr: HR.S_OK, out: 'null' });
    expect(h.GetFullTopology(true)).toEqual({ hr: HR.S_OK, out: 'current' });
  });

  it('GetSessionCapabilities: fresh S_OK with 0 [WI S:5090]', () => {
    const { h } = reach('fresh');
    expect(h.GetSessionCapabilities()).toEqual({ hr: HR.S_OK, out: 0 });
  });

  it.each(STATES)('GetSessionCapabilities(NULL) is E_POINTER in %s, even after Shutdown [WT T:3468-3469]', (state) => {
    const { h } = reach(state);
    expect(h.GetSessionCapabilities(true).hr).toBe(HR.E_POINTER);
  });

  it('GetSessionCapabilities after Shutdown is MF_E_SHUTDOWN [WT T:3465-3466]', () => {
    const { h } = reach('shutdown');
    expect(h.GetSessionCapabilities().hr).toBe(HR.MF_E_SHUTDOWN);
  });

  it.each(live)('GetEvent(NO_WAIT) on an empty queue is MF_E_NO_EVENTS_AVAILABLE in %s [WT T:2762-2763]', (state) => {
    const { h } = reach(state);
    if (state === 'closing') return; // the Close in progress may not have queued anything yet either
    expect(h.GetEvent(true).hr).toBe(HR.MF_E_NO_EVENTS_AVAILABLE);
  });

  it('GetEvent / QueueEvent / EndGetEvent after Shutdown are MF_E_SHUTDOWN [WI; queue WT P:4785-4814]', () => {
    const { h } = reach('shutdown');
    expect(h.GetEvent(true).hr).toBe(HR.MF_E_SHUTDOWN);
    expect(h.GetEvent(false).hr).toBe(HR.MF_E_SHUTDOWN);
    expect(h.QueueEvent(ME.MEExtendedType)).toBe(HR.MF_E_SHUTDOWN);
    expect(h.EndGetEvent('pending').hr).toBe(HR.MF_E_SHUTDOWN);
    expect(h.EndGetEvent('foreign').hr).toBe(HR.MF_E_SHUTDOWN);
  });

  it('QueueEvent on a live session appends the application event, FIFO with session events [WI]', () => {
    const r = reach('fresh');
    const { h } = r;
    expect(h.QueueEvent(ME.MEExtendedType, HR.E_FAIL)).toBe(HR.S_OK);
    expect(h.ClearTopologies()).toBe(HR.S_OK);
    settle(r);
    expect(show(drain(h))).toEqual(['MEExtendedType(E_FAIL (0x80004005))', 'MESessionTopologiesCleared(S_OK (0x00000000))']);
  });
});

// ---------------------------------------------------------------------------------------------
// Event generator (§2.11-§2.13)
// ---------------------------------------------------------------------------------------------

describe('event generator', () => {
  it('BeginGetEvent matrix [WT T:2766-2790, P:4738-4758]', () => {
    const { h } = reach('fresh');
    expect(h.BeginGetEvent(null)).toBe(HR.E_INVALIDARG);
    expect(h.BeginGetEvent('cb', 'state1')).toBe(HR.S_OK);
    expect(h.BeginGetEvent('cb', 'state1')).toBe(HR.MF_S_MULTIPLE_BEGIN);
    expect(h.BeginGetEvent('cb', 'state2')).toBe(HR.MF_E_MULTIPLE_BEGIN);
    expect(h.BeginGetEvent('other', 'state1')).toBe(HR.MF_E_MULTIPLE_SUBSCRIBERS);
    expect(h.BeginGetEvent('other', null)).toBe(HR.MF_E_MULTIPLE_SUBSCRIBERS);
    expect(h.BeginGetEvent(null)).toBe(HR.E_INVALIDARG);
  });

  it('BeginGetEvent(NULL) is E_INVALIDARG even after Shutdown; otherwise MF_E_SHUTDOWN [WT P:4807-4811]', () => {
    const { h } = reach('shutdown');
    expect(h.BeginGetEvent(null)).toBe(HR.E_INVALIDARG);
    expect(h.BeginGetEvent('cb')).toBe(HR.MF_E_SHUTDOWN);
  });

  it('EndGetEvent with a foreign result is E_FAIL, with or without a subscription [WT T:2793-2797]', () => {
    const { h } = reach('fresh');
    expect(h.EndGetEvent('foreign').hr).toBe(HR.E_FAIL);
    expect(h.BeginGetEvent('cb')).toBe(HR.S_OK);
    expect(h.EndGetEvent('foreign').hr).toBe(HR.E_FAIL);
  });

  it('GetEvent while a subscription is pending is MF_E_MULTIPLE_SUBSCRIBERS [WI Q:7456-7457]', () => {
    const { h } = reach('fresh');
    expect(h.BeginGetEvent('cb')).toBe(HR.S_OK);
    expect(h.GetEvent(true).hr).toBe(HR.MF_E_MULTIPLE_SUBSCRIBERS);
    expect(h.GetEvent(false).hr).toBe(HR.MF_E_MULTIPLE_SUBSCRIBERS);
  });

  it('the callback is invoked once an event is available; EndGetEvent pops the oldest event and clears the subscription [WT/WI]', () => {
    const r = reach('fresh');
    const { h } = r;
    const invoked: { callback: string; state: string | null }[] = [];
    h.onCallback((inv) => invoked.push(inv));
    expect(h.BeginGetEvent('cb', 'st')).toBe(HR.S_OK);
    expect(invoked).toEqual([]);
    expect(h.ClearTopologies()).toBe(HR.S_OK);
    expect(h.Start()).toBe(HR.S_OK);
    settle(r);
    // Further events before EndGetEvent do not re-post the callback [WT P:4760-4764].
    expect(invoked).toEqual([{ callback: 'cb', state: 'st' }]);
    const first = h.EndGetEvent('pending');
    expect(first.hr).toBe(HR.S_OK);
    expect(first.out?.type).toBe(ME.MESessionTopologiesCleared);
    // The subscription is consumed: another EndGetEvent fails, and GetEvent works again.
    expect(h.EndGetEvent('pending').hr).toBe(HR.E_FAIL);
    expect(show(drain(h))).toEqual(['MESessionStarted(MF_E_INVALIDREQUEST (0xC00D36B2))']);
  });

  it('EndGetEvent with the subscription result on an empty queue is E_FAIL and consumes the subscription [WI Q:7537-7542]', () => {
    const { h } = reach('fresh');
    expect(h.BeginGetEvent('cb')).toBe(HR.S_OK);
    expect(h.EndGetEvent('pending').hr).toBe(HR.E_FAIL);
    expect(h.BeginGetEvent('other')).toBe(HR.S_OK);
  });

  it('BeginGetEvent when events are already queued invokes the callback [WI Q:7516-7518]', () => {
    const r = reach('fresh');
    const { h } = r;
    h.ClearTopologies();
    settle(r);
    const invoked: string[] = [];
    h.onCallback((inv) => invoked.push(inv.callback));
    expect(h.BeginGetEvent('cb')).toBe(HR.S_OK);
    expect(invoked).toEqual(['cb']);
    expect(h.EndGetEvent('pending').out?.type).toBe(ME.MESessionTopologiesCleared);
  });
});

// ---------------------------------------------------------------------------------------------
// Shutdown (§2.7) and Close (§2.6)
// ---------------------------------------------------------------------------------------------

describe('Shutdown effects', () => {
  it('queues no event, drops the queue, and never invokes a pending callback [WT T:2800-2806; WI Q:7630-7649]', () => {
    const r = reach('fresh');
    const { h } = r;
    const invoked: string[] = [];
    h.onCallback((inv) => invoked.push(inv.callback));
    expect(h.BeginGetEvent('cb')).toBe(HR.S_OK);
    expect(h.SetTopology(0, topology())).toBe(HR.S_OK); // in flight (resolution pending)
    expect(h.Shutdown()).toBe(HR.S_OK);
    settle(r);
    expect(invoked).toEqual([]);
    expect(h.context.events).toEqual([]);
    expect(h.state).toBe('shutdown');
  });

  it('discards events that were queued but not read', () => {
    const r = reach('fresh');
    const { h } = r;
    h.ClearTopologies();
    h.QueueEvent(ME.MEExtendedType);
    settle(r);
    expect(h.context.events.length).toBe(2);
    const queued = h.eventsQueued;
    expect(h.Shutdown()).toBe(HR.S_OK);
    expect(h.context.events).toEqual([]);
    expect(h.eventsQueued).toBe(queued);
    expect(h.GetEvent(true).hr).toBe(HR.MF_E_SHUTDOWN);
  });

  it.each(['settingTopology', 'starting', 'pausing', 'stopping', 'closing', 'changingRate'])(
    'Shutdown while a command executes (%s): no completion event ever arrives, queued commands never run',
    (phase) => {
      const r = reach(phase === 'settingTopology' ? 'fresh' : phase === 'starting' || phase === 'changingRate' ? 'ready' : phase === 'pausing' || phase === 'stopping' || phase === 'closing' ? 'started' : 'fresh');
      const { h, p } = r;
      const start = {
        settingTopology: () => h.SetTopology(0, topology()),
        starting: () => h.Start(),
        pausing: () => h.Pause(),
        stopping: () => h.Stop(),
        closing: () => h.Close(),
        changingRate: () => h.SetRate(false, 1.5),
      }[phase]!;
      expect(start()).toBe(HR.S_OK);
      expect(h.statePath).toContain(phase);
      expect(h.Stop()).toBe(HR.S_OK); // queued behind
      p.takeCalls();
      const queued = h.eventsQueued;
      expect(h.Shutdown()).toBe(HR.S_OK);
      settle(r);
      settle(r);
      expect(h.eventsQueued).toBe(queued);
      expect(h.state).toBe('shutdown');
      // Nothing but the pipeline shutdown happens afterwards.
      expect(p.takeCalls().filter((call) => call.name !== 'SinkShutdown' && call.name !== 'MftShutdown')).toEqual([]);
    },
  );

  it('shuts down the sinks of the current, queued and removed topologies, never the source [WT T:2954, 9594, 11777; S:845]', () => {
    const r = rig({ sources: { s1: {}, s2: {}, s3: {} }, sinks: { k1: {}, k2: {}, k3: {}, k4: {} } });
    const { h, p } = r;
    expect(h.SetTopology(0, topology('s1', 'k1'))).toBe(HR.S_OK); // current
    expect(h.SetTopology(0, topology('s2', 'k2'))).toBe(HR.S_OK); // queued
    settle(r);
    expect(h.ClearTopologies()).toBe(HR.S_OK); // k1, k2 → removed
    expect(h.SetTopology(0, topology('s3', 'k3'))).toBe(HR.S_OK); // queued again
    expect(h.Start()).toBe(HR.S_OK);
    settle(r);
    expect(h.state).toBe('started');
    // Nothing was shut down before Shutdown (ClearTopologies keeps sinks alive [WT T:11767]).
    expect([...p.sinks.values()].filter((k) => k.shutdown).map((k) => k.id)).toEqual([]);
    p.takeCalls();
    expect(h.Shutdown()).toBe(HR.S_OK);
    expect(
      p
        .takeCalls()
        .filter((call) => call.name === 'SinkShutdown')
        .map((call) => call.object)
        .sort(),
    ).toEqual(['k1', 'k2', 'k3']);
    expect(p.sinks.get('k4')!.shutdown).toBe(false);
    for (const id of ['s1', 's2', 's3']) expect(p.sources.get(id)!.shutdown).toBe(false);
  });

  it('NOSHUTDOWN_ON_REMOVE is ignored: the sink is shut down anyway [WT; S:845]', () => {
    const r = rig({ sources: { s1: {} }, sinks: { k1: { noShutdownOnRemove: 1 } } });
    const { h, p } = r;
    h.SetTopology(0, topology());
    settle(r);
    h.Shutdown();
    expect(p.sinks.get('k1')!.shutdown).toBe(true);
  });

  it('a rejected topology is never adopted; its sink is not shut down by a later Shutdown [WT T:2918]', () => {
    const r = rig({ sources: { s1: {} }, sinks: { k1: {}, k9: {} } });
    const { h, p } = r;
    expect(h.SetTopology(0, topology('s1', 'k9', {}, { missing: ['MF_TOPONODE_SOURCE'] }))).toBe(HR.MF_E_TOPO_MISSING_SOURCE);
    expect(h.SetTopology(0, topology('s1', 'k1'))).toBe(HR.S_OK);
    settle(r);
    h.Shutdown();
    expect(p.sinks.get('k9')!.shutdown).toBe(false);
    expect(p.sinks.get('k1')!.shutdown).toBe(true);
  });

  it('a second Shutdown is MF_E_SHUTDOWN and changes nothing [WT T:3474-3475]', () => {
    const r = reach('started');
    const { h, p } = r;
    expect(h.Shutdown()).toBe(HR.S_OK);
    p.takeCalls();
    expect(h.Shutdown()).toBe(HR.MF_E_SHUTDOWN);
    expect(p.takeCalls()).toEqual([]);
  });

  it('shuts the session clock down without stopping it [WT T:3437-3439; WI S:2541]', () => {
    const { h } = reach('started');
    expect(h.call({ type: 'clock.GetShutdownStatus' }).hr).toBe(HR.MF_E_INVALIDREQUEST);
    expect(h.Shutdown()).toBe(HR.S_OK);
    expect(h.call({ type: 'clock.GetShutdownStatus' })).toEqual({ hr: HR.S_OK, out: 'COMPLETED' });
    expect(h.call({ type: 'clock.GetState' }).out).toBe('RUNNING');
  });
});

describe('Close', () => {
  it.each(['fresh', 'ready', 'started', 'paused', 'stopped'] as PublicState[])('Close from %s shuts down no sink and no source [WT T:9587, 11773, 11836]', (state) => {
    const r = reach(state);
    const { h, p } = r;
    p.takeCalls();
    expect(h.Close()).toBe(HR.S_OK);
    settle(r);
    expect(h.state).toBe('closed');
    const calls = p.takeCalls().map((call) => call.name);
    expect(calls).not.toContain('SinkShutdown');
    expect(calls).not.toContain('MftShutdown');
    expect(p.sinks.get('k1')!.shutdown).toBe(false);
    expect(p.sources.get('s1')!.shutdown).toBe(false);
  });

  it.each(['started', 'paused'] as PublicState[])('Close from %s: MESessionClosed(S_OK) with no MESessionStopped before it; the clock is stopped [WI S:3382-3390]', (state) => {
    const r = reach(state);
    const { h } = r;
    h.Close();
    settle(r);
    const events = drain(h);
    expect(ofType(events, ME.MESessionStopped)).toEqual([]);
    expect(show(completions(events))).toEqual(['MESessionClosed(S_OK (0x00000000))']);
    expect(events.at(-1)!.value).toEqual({ vt: 'VT_EMPTY' });
    expect(h.call({ type: 'clock.GetState' }).out).toBe('STOPPED');
  });

  it('finalizable sinks are finalized on Close [WI S:1383-1411]', () => {
    const r = rig({ sources: { s1: {} }, sinks: { k1: { finalizable: true } } });
    const { h, p } = r;
    h.SetTopology(0, topology());
    settle(r);
    p.takeCalls();
    h.Close();
    settle(r);
    expect(p.takeCalls().map((call) => `${call.name}:${call.object}`)).toContain('FinalizeSink:k1');
  });

  it('Stop then Close back to back: Stopped(S_OK), Closed(S_OK) [WT T:9581-9586]', () => {
    const r = reach('started');
    const { h } = r;
    expect(h.Stop()).toBe(HR.S_OK);
    expect(h.Close()).toBe(HR.S_OK);
    settle(r);
    expect(show(completions(drain(h)))).toEqual(['MESessionStopped(S_OK (0x00000000))', 'MESessionClosed(S_OK (0x00000000))']);
  });

  it('Stop → Close → Shutdown without waiting: all S_OK synchronously [WT T:9747-9752]', () => {
    const { h } = reach('started');
    expect(h.Stop()).toBe(HR.S_OK);
    expect(h.Close()).toBe(HR.S_OK);
    expect(h.Shutdown()).toBe(HR.S_OK);
    expect(h.state).toBe('shutdown');
  });

  it('after Close the clock stays reachable and the event generator keeps working [§2.6, MS]', () => {
    const r = reach('closed');
    const { h } = r;
    expect(h.GetClock()).toBe(HR.S_OK);
    expect(h.BeginGetEvent('cb')).toBe(HR.S_OK);
    expect(h.ClearTopologies()).toBe(HR.S_OK);
    settle(r);
    const end = h.EndGetEvent('pending');
    expect(end.hr).toBe(HR.S_OK);
    expect(end.out?.type).toBe(ME.MESessionTopologiesCleared);
    expect(end.out?.status).toBe(HR.MF_E_INVALIDREQUEST);
  });
});

// ---------------------------------------------------------------------------------------------
// SetTopology (§2.1)
// ---------------------------------------------------------------------------------------------

describe('SetTopology validation (synchronous, before the shutdown check)', () => {
  const invalid: { name: string; topo: TopologySpec; hr: HResult; why: string }[] = [
    { name: '0 nodes', topo: { nodes: [] }, hr: HR.E_INVALIDARG, why: '[WI S:2377-2379]' },
    { name: 'no MF_TOPONODE_SOURCE', topo: topology('s1', 'k1', {}, { missing: ['MF_TOPONODE_SOURCE'] }), hr: HR.MF_E_TOPO_MISSING_SOURCE, why: '[WT T:2901-2902]' },
    {
      name: 'no MF_TOPONODE_PRESENTATION_DESCRIPTOR',
      topo: topology('s1', 'k1', {}, { missing: ['MF_TOPONODE_PRESENTATION_DESCRIPTOR'] }),
      hr: HR.MF_E_TOPO_MISSING_PRESENTATION_DESCRIPTOR,
      why: '[WI S:2402-2408]',
    },
    {
      name: 'no MF_TOPONODE_STREAM_DESCRIPTOR',
      topo: topology('s1', 'k1', {}, { missing: ['MF_TOPONODE_STREAM_DESCRIPTOR'] }),
      hr: HR.MF_E_TOPO_MISSING_STREAM_DESCRIPTOR,
      why: '[WI S:2411-2417]',
    },
    { name: 'stream not selected', topo: topology('s1', 'k1', {}, { selected: false }), hr: HR.MF_E_TOPO_STREAM_DESCRIPTOR_NOT_SELECTED, why: '[WT T:2907-2908]' },
    {
      name: 'source checked before presentation descriptor',
      topo: topology('s1', 'k1', {}, { missing: ['MF_TOPONODE_STREAM_DESCRIPTOR', 'MF_TOPONODE_SOURCE'] }),
      hr: HR.MF_E_TOPO_MISSING_SOURCE,
      why: '[WI S:2368-2440 order]',
    },
  ];

  it.each(invalid)('$name → $hr, no event, in every live state $why', ({ topo, hr }) => {
    for (const state of ['fresh', 'ready', 'started', 'closed'] as PublicState[]) {
      const r = reach(state);
      const { h } = r;
      expect(h.SetTopology(0, topo)).toBe(hr);
      settle(r);
      expect(drain(h)).toEqual([]);
      expect(h.state).toBe(state);
    }
  });

  it.each(invalid)('$name → $hr even after Shutdown (argument check first) [WI S:2450]', ({ topo, hr }) => {
    const { h } = reach('shutdown');
    expect(h.SetTopology(0, topo)).toBe(hr);
    expect(h.SetTopology(0, topology())).toBe(HR.MF_E_SHUTDOWN);
    expect(h.SetTopology(0, null)).toBe(HR.MF_E_SHUTDOWN);
  });

  it('NULL topology is allowed (S_OK) [WI S:2374-2375]', () => {
    const r = reach('fresh');
    expect(r.h.SetTopology(0, null)).toBe(HR.S_OK);
    settle(r);
    expect(show(completions(drain(r.h)))).toEqual(['MESessionTopologySet(S_OK (0x00000000))']);
  });
});

describe('SetTopology execution', () => {
  it('event order on a fresh session: TopologySet, NotifyPresentationTime, CapabilitiesChanged, TopologyStatus(READY) [WT T:3246-3260; WI S:2091-2139]', () => {
    const r = reach('fresh');
    const { h } = r;
    h.SetTopology(0, topology());
    settle(r);
    const events = drain(h);
    expect(events.map((e) => eventName(e.type))).toEqual([
      'MESessionTopologySet',
      'MESessionNotifyPresentationTime',
      'MESessionCapabilitiesChanged',
      'MESessionTopologyStatus',
    ]);
    const [set, notify, , status] = events;
    expect(set.status).toBe(HR.S_OK);
    expect(set.value.vt).toBe('VT_UNKNOWN');
    // Resolved: the event carries a clone, not the object passed in [WT T:2975-2978].
    expect(set.value.vt === 'VT_UNKNOWN' && set.value.object !== set.value.passedObject).toBe(true);
    expect(notify.attributes).toEqual({
      [EVENT_ATTR.START_PRESENTATION_TIME]: 0,
      [EVENT_ATTR.PRESENTATION_TIME_OFFSET]: 0,
      [EVENT_ATTR.PRESENTATION_TIME_OFFSET_AT_OUTPUT]: 0,
    });
    expect(status.status).toBe(HR.S_OK);
    expect(status.value).toEqual(set.value);
    expect(status.attributes).toEqual({ [EVENT_ATTR.TOPOLOGY_STATUS]: TOPOSTATUS.READY });
  });

  it('NORESOLUTION: TopologySet carries the very object passed in [WT T:2936-2939]', () => {
    const r = reach('fresh');
    const { h } = r;
    h.SetTopology(['NORESOLUTION'], topology());
    settle(r);
    const [set] = drain(h);
    expect(set.type).toBe(ME.MESessionTopologySet);
    expect(set.value.vt === 'VT_UNKNOWN' && set.value.object === set.value.passedObject).toBe(true);
  });

  it('a second topology is only queued: TopologySet(S_OK), no TopologyStatus [WI S:2172]', () => {
    const r = rig({ sources: { s1: {}, s2: {} }, sinks: { k1: {}, k2: {} } });
    const { h } = r;
    h.SetTopology(0, topology('s1', 'k1'));
    settle(r);
    drain(h);
    h.SetTopology(0, topology('s2', 'k2'));
    settle(r);
    expect(drain(h).map((e) => eventName(e.type))).toEqual(['MESessionTopologySet']);
  });

  it('an unresolvable topology: sync S_OK, TopologySet(E_FAIL), stays F, then Start → Started(MF_E_INVALIDREQUEST) [WT T:11658-11668]', () => {
    const r = reach('fresh');
    const { h } = r;
    expect(h.SetTopology(0, topology('s1', null))).toBe(HR.S_OK);
    settle(r);
    const events = drain(h);
    expect(show(events)).toEqual(['MESessionTopologySet(E_FAIL (0x80004005))']);
    expect(events[0].value).toEqual({ vt: 'VT_EMPTY' });
    expect(h.state).toBe('fresh');
    expect(h.Start()).toBe(HR.S_OK);
    settle(r);
    expect(show(drain(h))).toEqual(['MESessionStarted(MF_E_INVALIDREQUEST (0xC00D36B2))']);
  });

  it('CLEAR_CURRENT with NULL after Stop: TopologySet(S_OK), presentation cleared, sink kept [WT T:11756-11761]', () => {
    const r = reach('stopped');
    const { h, p } = r;
    expect(h.SetTopology(['CLEAR_CURRENT'], null)).toBe(HR.S_OK);
    settle(r);
    const events = drain(h);
    expect(show(events)).toEqual(['MESessionTopologySet(S_OK (0x00000000))']);
    expect(events[0].value).toEqual({ vt: 'VT_EMPTY' });
    expect(h.GetFullTopology(true).hr).toBe(HR.MF_E_INVALIDREQUEST);
    expect(p.sinks.get('k1')!.shutdown).toBe(false);
    // Then ClearTopologies and Close succeed [WT T:11763-11772].
    expect(h.ClearTopologies()).toBe(HR.S_OK);
    expect(h.Close()).toBe(HR.S_OK);
    settle(r);
    expect(show(completions(drain(h)))).toEqual(['MESessionTopologiesCleared(S_OK (0x00000000))', 'MESessionClosed(S_OK (0x00000000))']);
    expect(p.sinks.get('k1')!.shutdown).toBe(false);
  });

  it('CLEAR_CURRENT with a topology that is not the current one: TopologySet(S_FALSE) [WI S:2168-2179]', () => {
    const r = reach('ready');
    const { h } = r;
    h.SetTopology(SETTOPOLOGY.CLEAR_CURRENT, topology('s1', 'k1'));
    settle(r);
    const events = drain(h);
    expect(show(events)).toEqual(['MESessionTopologySet(S_FALSE (0x00000001))']);
    expect(h.GetFullTopology(true).hr).toBe(HR.S_OK);
  });

  it('IMMEDIATE replaces the queue and the presentation: the new topology becomes current [WI S:2180-2184]', () => {
    const r = rig({ sources: { s1: {}, s2: {} }, sinks: { k1: {}, k2: {} } });
    const { h } = r;
    h.SetTopology(0, topology('s1', 'k1', { topoId: 1 }));
    settle(r);
    drain(h);
    h.SetTopology(['IMMEDIATE'], topology('s2', 'k2', { topoId: 2 }));
    settle(r);
    const events = drain(h);
    expect(ofType(events, ME.MESessionTopologyStatus).map((e) => e.attributes?.[EVENT_ATTR.TOPOLOGY_STATUS])).toEqual([TOPOSTATUS.READY]);
    expect(h.GetFullTopology(false, 1)).toEqual({ hr: HR.S_OK, out: 'null' });
    expect(h.GetFullTopology(false, 2)).toEqual({ hr: HR.S_OK, out: 'queued' });
  });

  it('sink media-type failures are reported in TopologySet [§2.1 step 1]', () => {
    const r = rig({ sources: { s1: {} }, sinks: { k1: { rejectsInputType: true } } });
    const { h } = r;
    expect(h.SetTopology(0, topology())).toBe(HR.S_OK);
    settle(r);
    expect(show(drain(h))).toEqual([`MESessionTopologySet(${formatHr(HR.MF_E_INVALIDMEDIATYPE)})`]);
    expect(h.state).toBe('fresh');
  });
});

// ---------------------------------------------------------------------------------------------
// Start (§2.3), Pause (§2.4), Stop (§2.5) details
// ---------------------------------------------------------------------------------------------

describe('Start', () => {
  it.each(STATES)('Start(NULL position) is E_POINTER in %s, even after Shutdown [WT T:3446-3447, 9598-9599]', (state) => {
    const r = reach(state);
    const queued = r.h.eventsQueued;
    expect(r.h.Start(null)).toBe(HR.E_POINTER);
    settle(r);
    if (state !== 'closing') expect(r.h.eventsQueued).toBe(queued);
  });

  it('timeFormat NULL is accepted as GUID_NULL [WT T:11031]', () => {
    const r = reach('ready');
    expect(r.h.Start({ vt: 'VT_EMPTY' }, null)).toBe(HR.S_OK);
    settle(r);
    expect(show(completions(drain(r.h)))).toEqual(['MESessionStarted(S_OK (0x00000000))']);
  });

  it('from R: TopologyStatus(STARTED_SOURCE) before CapabilitiesChanged(+PAUSE) and Started(S_OK, offset 0) [WT T:3285-3306]', () => {
    const r = reach('ready');
    const { h } = r;
    h.Start();
    settle(r);
    const events = drain(h);
    expect(events.map((e) => eventName(e.type))).toEqual(['MESessionTopologyStatus', 'MESessionCapabilitiesChanged', 'MESessionStarted']);
    expect(events[0].attributes).toEqual({ [EVENT_ATTR.TOPOLOGY_STATUS]: TOPOSTATUS.STARTED_SOURCE });
    expect(events[2].status).toBe(HR.S_OK);
    expect(events[2].value).toEqual({ vt: 'VT_EMPTY' });
    expect(events[2].attributes).toEqual({ [EVENT_ATTR.PRESENTATION_TIME_OFFSET]: 0 });
  });

  it('from R with a position: source Start then clock-sink OnClockStart, nothing else [WT T:9450]', () => {
    const r = reach('ready');
    const { h, p } = r;
    p.takeCalls();
    h.Start({ vt: 'VT_I8', value: 10_000_000 });
    settle(r);
    const calls = p.takeCalls().map((call) => call.name).filter((name) => name === 'SourceStart' || name.startsWith('OnClock') || name === 'SourceStop');
    expect(calls).toEqual(['SourceStart', 'OnClockStart']);
  });

  it.each(['started', 'paused'] as PublicState[])('seek from %s: SourceStop, SourceStart, OnClockStart; Started(S_OK) [WT T:9451-9452]', (state) => {
    const r = reach(state);
    const { h, p } = r;
    p.takeCalls();
    h.Start({ vt: 'VT_I8', value: 10_000_000 });
    settle(r);
    const calls = p.takeCalls().map((call) => call.name).filter((name) => name === 'SourceStart' || name.startsWith('OnClock') || name === 'SourceStop');
    expect(calls).toEqual(['SourceStop', 'SourceStart', 'OnClockStart']);
    const events = drain(h);
    expect(show(completions(events))).toEqual(['MESessionStarted(S_OK (0x00000000))']);
    // TopologyStatus is already STARTED_SOURCE: no new status event.
    expect(ofType(events, ME.MESessionTopologyStatus)).toEqual([]);
    expect(h.state).toBe('started');
  });

  it('no-op Start while started: Started(S_OK) at once, no pipeline calls [WT T:11076-11080; S:1145-1149]', () => {
    const r = reach('started');
    const { h, p } = r;
    p.takeCalls();
    h.Start();
    settle(r);
    expect(p.takeCalls()).toEqual([]);
    expect(show(drain(h))).toEqual(['MESessionStarted(S_OK (0x00000000))']);
  });

  it('seek past the duration: Started(MF_E_INVALID_POSITION), stays started, nothing stopped [WT T:9530-9533]', () => {
    const r = reach('started', { sources: { s1: { durationHns: 10_000_000 } }, sinks: { k1: {} } });
    const { h, p } = r;
    p.takeCalls();
    h.Start({ vt: 'VT_I8', value: 10_000_001 });
    settle(r);
    expect(show(drain(h))).toEqual([`MESessionStarted(${formatHr(HR.MF_E_INVALID_POSITION)})`]);
    expect(p.takeCalls()).toEqual([]);
    expect(h.state).toBe('started');
    expect(h.call({ type: 'clock.GetState' }).out).toBe('RUNNING');
  });

  it('seek to a negative position: Started(S_OK) [WT T:9538-9544]', () => {
    const r = reach('started');
    r.h.Start({ vt: 'VT_I8', value: -10_000_000 });
    settle(r);
    expect(show(completions(drain(r.h)))).toEqual(['MESessionStarted(S_OK (0x00000000))']);
  });

  it('an unseekable source rejects a seek: Started(E_FAIL); SEEK is clear in the caps [WT T:9652-9665]', () => {
    const r = reach('started', { sources: { s1: { seekable: false } }, sinks: { k1: {} } });
    const { h } = r;
    expect(h.GetSessionCapabilities().out! & SESSIONCAP.SEEK).toBe(0);
    h.Start({ vt: 'VT_I8', value: 10_000_000 });
    settle(r);
    expect(show(completions(drain(h)))).toEqual(['MESessionStarted(E_FAIL (0x80004005))']);
  });

  it('source BeginGetEvent fails with X: Started(X), source Start not called, stays R [WT T:3132-3141]', () => {
    const r = reach('ready', { sources: { s1: { beginGetEventResult: 0x80001234 } }, sinks: { k1: {} } });
    const { h, p } = r;
    p.takeCalls();
    h.Start();
    settle(r);
    expect(show(drain(h))).toEqual(['MESessionStarted(0x80001234)']);
    expect(p.takeCalls().map((call) => call.name)).not.toContain('SourceStart');
    expect(h.state).toBe('ready');
  });

  it('source Start fails with X: Started(X) [WT T:3181-3190]', () => {
    const r = reach('ready', { sources: { s1: { startResult: HR.E_NOTIMPL } }, sinks: { k1: {} } });
    r.h.Start();
    settle(r);
    expect(show(completions(drain(r.h)))).toEqual([`MESessionStarted(${formatHr(HR.E_NOTIMPL)})`]);
  });

  it('preroll only from stopped with rate ≠ 0 and a CAN_PREROLL sink [WT T:11321-11437]', () => {
    const r = reach('ready', { sources: { s1: {} }, sinks: { k1: { prerollCapable: true } } });
    const { h, p } = r;
    p.takeCalls();
    h.Start({ vt: 'VT_I8', value: 0 });
    settle(r);
    expect(p.takeCalls().map((call) => call.name)).toContain('NotifyPreroll');
    h.Stop();
    settle(r);
    h.SetRate(false, 0);
    settle(r);
    p.takeCalls();
    h.Start({ vt: 'VT_I8', value: 0 });
    settle(r);
    expect(p.takeCalls().map((call) => call.name)).not.toContain('NotifyPreroll');
    h.Stop();
    settle(r);
    h.SetRate(false, 1);
    settle(r);
    p.takeCalls();
    h.Start({ vt: 'VT_I8', value: 0 });
    settle(r);
    expect(p.takeCalls().map((call) => call.name)).toContain('NotifyPreroll');
    expect(show(completions(drain(h))).at(-1)).toBe('MESessionStarted(S_OK (0x00000000))');
  });
});

describe('Pause and Stop', () => {
  it('Pause from started: OnClockPause then SourcePause, CapabilitiesChanged(−PAUSE) then Paused(S_OK) [WT T:10928, 11091]', () => {
    const r = reach('started');
    const { h, p } = r;
    p.takeCalls();
    h.Pause();
    settle(r);
    expect(p.takeCalls().map((call) => call.name)).toEqual(['OnClockPause', 'SourcePause']);
    const events = drain(h);
    expect(events.map((e) => eventName(e.type))).toEqual(['MESessionCapabilitiesChanged', 'MESessionPaused']);
    expect(events[1].status).toBe(HR.S_OK);
    expect(events[1].value).toEqual({ vt: 'VT_EMPTY' });
    expect(h.call({ type: 'clock.GetState' }).out).toBe('PAUSED');
  });

  it('Stop from started: CapabilitiesChanged(−PAUSE), Stopped(S_OK) with APPROX_EVENT_OCCURRENCE_TIME; clock stopped, time 0 [WT T:11337-11341]', () => {
    const r = reach('started');
    const { h } = r;
    h.Stop();
    settle(r);
    const events = drain(h);
    expect(events.map((e) => eventName(e.type))).toEqual(['MESessionCapabilitiesChanged', 'MESessionStopped']);
    expect(events[1].status).toBe(HR.S_OK);
    expect(events[1].value).toEqual({ vt: 'VT_EMPTY' });
    expect(Object.keys(events[1].attributes ?? {})).toEqual([EVENT_ATTR.APPROX_EVENT_OCCURRENCE_TIME]);
    expect(h.call({ type: 'clock.GetState' }).out).toBe('STOPPED');
    expect(h.call({ type: 'clock.GetTime' })).toEqual({ hr: HR.S_OK, out: 0 });
  });

  it('Stop from paused: no CapabilitiesChanged (PAUSE already clear) [WI S:3376]', () => {
    const r = reach('paused');
    r.h.Stop();
    settle(r);
    expect(drain(r.h).map((e) => eventName(e.type))).toEqual(['MESessionStopped']);
  });

  it('a restart after Stop raises TopologyStatus(STARTED_SOURCE) again (status was reset to READY) [S:1336, S:553]', () => {
    const r = reach('stopped');
    r.h.Start();
    settle(r);
    const statuses = ofType(drain(r.h), ME.MESessionTopologyStatus).map((e) => e.attributes?.[EVENT_ATTR.TOPOLOGY_STATUS]);
    expect(statuses).toEqual([TOPOSTATUS.STARTED_SOURCE]);
  });

  it('a source that cannot pause: Paused(failure) and the state is forced to PA [WI S:1278-1282]', () => {
    const r = reach('started', { sources: { s1: { canPause: false } }, sinks: { k1: {} } });
    const { h } = r;
    // Without CAN_PAUSE the session never gains the PAUSE capability [WI S:1252-1263].
    expect(h.GetSessionCapabilities().out! & SESSIONCAP.PAUSE).toBe(0);
    h.Pause();
    settle(r);
    const [paused] = completions(drain(h));
    expect(paused.type).toBe(ME.MESessionPaused);
    expect(paused.status).not.toBe(HR.S_OK);
    expect(h.state).toBe('paused');
  });
});

// ---------------------------------------------------------------------------------------------
// Capabilities (§6.2) and topology status
// ---------------------------------------------------------------------------------------------

describe('capabilities and MESessionCapabilitiesChanged', () => {
  const capsEvents = (events: MediaEvent[]) =>
    ofType(events, ME.MESessionCapabilitiesChanged).map((e) => ({
      status: e.status,
      caps: e.attributes?.[EVENT_ATTR.SESSIONCAPS],
      delta: e.attributes?.[EVENT_ATTR.SESSIONCAPS_DELTA],
    }));
  const BASE = SESSIONCAP.START | SESSIONCAP.SEEK | SESSIONCAP.DOES_NOT_USE_NETWORK;

  it('lifecycle: current → START|SEEK|DNUN; Started +PAUSE; Paused −PAUSE; Stopped from PA: none; Closed −START−SEEK [WI §6.2, research §4.1]', () => {
    const r = reach('fresh');
    const { h } = r;
    const step = (call: () => HResult) => {
      call();
      settle(r);
      return capsEvents(drain(h));
    };
    expect(step(() => h.SetTopology(0, topology()))).toEqual([{ status: HR.S_OK, caps: BASE, delta: BASE }]);
    expect(h.GetSessionCapabilities()).toEqual({ hr: HR.S_OK, out: BASE });
    expect(step(() => h.Start())).toEqual([{ status: HR.S_OK, caps: BASE | SESSIONCAP.PAUSE, delta: SESSIONCAP.PAUSE }]);
    expect(step(() => h.Start())).toEqual([]); // unchanged value: nothing queued [S:687-705]
    expect(step(() => h.Pause())).toEqual([{ status: HR.S_OK, caps: BASE, delta: SESSIONCAP.PAUSE }]);
    expect(step(() => h.Stop())).toEqual([]);
    expect(step(() => h.Close())).toEqual([
      { status: HR.S_OK, caps: SESSIONCAP.DOES_NOT_USE_NETWORK, delta: SESSIONCAP.START | SESSIONCAP.SEEK },
    ]);
    expect(h.GetSessionCapabilities()).toEqual({ hr: HR.S_OK, out: SESSIONCAP.DOES_NOT_USE_NETWORK });
  });

  it('fresh Close: caps already 0, no CapabilitiesChanged [research §4.2]', () => {
    const r = reach('fresh');
    r.h.Close();
    settle(r);
    expect(drain(r.h).map((e) => eventName(e.type))).toEqual(['MESessionClosed']);
  });

  it('ClearTopologies and CLEAR_CURRENT leave caps unchanged [research §4.1]', () => {
    const r = reach('stopped');
    const { h } = r;
    const before = h.GetSessionCapabilities().out;
    h.ClearTopologies();
    h.SetTopology(['CLEAR_CURRENT'], null);
    settle(r);
    expect(capsEvents(drain(h))).toEqual([]);
    expect(h.GetSessionCapabilities().out).toBe(before);
  });

  const variants: { name: string; spec: MockPlatformSpec; caps: number }[] = [
    { name: 'unseekable source: −SEEK', spec: { sources: { s1: { seekable: false } }, sinks: { k1: {} } }, caps: SESSIONCAP.START | SESSIONCAP.DOES_NOT_USE_NETWORK },
    { name: 'network source: −DOES_NOT_USE_NETWORK', spec: { sources: { s1: { usesNetwork: true } }, sinks: { k1: {} } }, caps: SESSIONCAP.START | SESSIONCAP.SEEK },
    {
      name: 'rateless sink, source with forward rates: +RATE_FORWARD',
      spec: { sources: { s1: { fastestRate: 2 } }, sinks: { k1: { rateless: true } } },
      caps: BASE | SESSIONCAP.RATE_FORWARD,
    },
    {
      name: 'rateless sink, source with forward and reverse rates: +RATE_FORWARD +RATE_REVERSE',
      spec: { sources: { s1: { fastestRate: 2, fastestReverseRate: 1 } }, sinks: { k1: { rateless: true } } },
      caps: BASE | SESSIONCAP.RATE_FORWARD | SESSIONCAP.RATE_REVERSE,
    },
    {
      name: 'source without IMFRateSupport: no RATE_* even with a rateless sink',
      spec: { sources: { s1: { fastestRate: 0 } }, sinks: { k1: { rateless: true } } },
      caps: BASE,
    },
    {
      name: 'non-rateless sink with IMFRateSupport keeps RATE_FORWARD',
      spec: { sources: { s1: { fastestRate: 2 } }, sinks: { k1: { fastestRate: 4 } } },
      caps: BASE | SESSIONCAP.RATE_FORWARD,
    },
    { name: 'non-rateless sink without IMFRateSupport masks RATE_*', spec: { sources: { s1: { fastestRate: 2 } }, sinks: { k1: {} } }, caps: BASE },
  ];

  it.each(variants)('$name [WI S:2101-2139, S:1710-1730]', ({ spec, caps }) => {
    const r = reach('fresh', spec);
    r.h.SetTopology(0, topology());
    settle(r);
    expect(capsEvents(drain(r.h))).toEqual([{ status: HR.S_OK, caps, delta: caps }]);
    expect(r.h.GetSessionCapabilities()).toEqual({ hr: HR.S_OK, out: caps });
  });

  it('a source without CAN_PAUSE: no +PAUSE when started [WI S:1252-1263]', () => {
    const r = reach('ready', { sources: { s1: { canPause: false } }, sinks: { k1: {} } });
    r.h.Start();
    settle(r);
    expect(capsEvents(drain(r.h))).toEqual([]);
  });

  it('caps survive Shutdown only as MF_E_SHUTDOWN', () => {
    const { h } = reach('started');
    h.Shutdown();
    expect(h.GetSessionCapabilities().hr).toBe(HR.MF_E_SHUTDOWN);
  });
});

describe('MESessionTopologyStatus and end of presentation', () => {
  const statuses = (events: MediaEvent[]) => ofType(events, ME.MESessionTopologyStatus).map((e) => e.attributes?.[EVENT_ATTR.TOPOLOGY_STATUS]);

  it('100 on SetTopology, 200 on Start, 400 at the end of the presentation [WT T:3252-3302; WI S:4377-4402]', () => {
    const r = reach('fresh');
    const { h, p } = r;
    h.SetTopology(0, topology());
    settle(r);
    expect(statuses(drain(h))).toEqual([TOPOSTATUS.READY]);
    h.Start();
    settle(r);
    expect(statuses(drain(h))).toEqual([TOPOSTATUS.STARTED_SOURCE]);
    p.endOfStream('s1');
    settle(r);
    const events = drain(h);
    expect(statuses(events)).toEqual([TOPOSTATUS.ENDED]);
  });

  it('end of presentation: MEEndOfPresentation, TopologyStatus(ENDED), CapabilitiesChanged(−PAUSE), MESessionEnded(S_OK) → stopped [WI S:4328-4402]', () => {
    const r = reach('started');
    const { h, p } = r;
    p.takeCalls();
    p.endOfStream('s1');
    settle(r);
    const events = drain(h);
    expect(events.map((e) => eventName(e.type))).toEqual([
      'MEEndOfPresentation',
      'MESessionTopologyStatus',
      'MESessionCapabilitiesChanged',
      'MESessionEnded',
    ]);
    const ended = events[3];
    expect(ended.status).toBe(HR.S_OK);
    expect(Object.keys(ended.attributes ?? {})).toEqual([EVENT_ATTR.APPROX_EVENT_OCCURRENCE_TIME]);
    expect(events[2].attributes).toEqual({
      [EVENT_ATTR.SESSIONCAPS]: SESSIONCAP.START | SESSIONCAP.SEEK | SESSIONCAP.DOES_NOT_USE_NETWORK,
      [EVENT_ATTR.SESSIONCAPS_DELTA]: SESSIONCAP.PAUSE,
    });
    // No MESessionStopped: Ended replaces it.
    expect(ofType(events, ME.MESessionStopped)).toEqual([]);
    expect(h.state).toBe('stopped');
    expect(h.call({ type: 'clock.GetState' }).out).toBe('STOPPED');
    expect(p.takeCalls().map((call) => call.name)).toContain('PlaceMarker');
    // The presentation can be started again: status back to READY so 200 is raised once more.
    h.Start();
    settle(r);
    expect(statuses(drain(h))).toEqual([TOPOSTATUS.STARTED_SOURCE]);
    expect(h.state).toBe('started');
  });

  it('the end of the presentation stops the pipeline: markers, then OnClockStop, SourceStop, flush [research §4.2 end #2-#4; S:4096, S:4396-4397]', () => {
    const r = reach('started');
    const { h, p } = r;
    p.takeCalls();
    p.endOfStream('s1');
    settle(r);
    expect(p.takeCalls().map((call) => call.name)).toEqual(['PlaceMarker', 'OnClockStop', 'SourceStop', 'SinkFlush']);
    expect(p.sources.get('s1')!.state).toBe('stopped');
    expect(ofType(drain(h), ME.MESessionEnded).length).toBe(1);
    // The stopped source raises nothing more; the session stays stopped and quiet.
    p.endOfStream('s1');
    settle(r);
    expect(drain(h)).toEqual([]);
    expect(p.takeCalls()).toEqual([]);
    h.Start();
    settle(r);
    expect(show(completions(drain(h)))).toEqual(['MESessionStarted(S_OK (0x00000000))']);
    expect(h.state).toBe('started');
  });

  it('MESessionEnded carries ≈ the clock time at the end [S:4396]', () => {
    const r = reach('ready');
    const { h, p } = r;
    h.Start({ vt: 'VT_I8', value: 20_000_000 });
    settle(r);
    drain(h);
    const before = h.call<number>({ type: 'clock.GetTime' }).out!;
    p.endOfStream('s1');
    settle(r);
    const ended = ofType(drain(h), ME.MESessionEnded)[0];
    const at = ended.attributes![EVENT_ATTR.APPROX_EVENT_OCCURRENCE_TIME];
    expect(at).toBeGreaterThanOrEqual(before);
    expect(at).toBeLessThanOrEqual(before + 100_000);
    expect(h.call({ type: 'clock.GetTime' })).toEqual({ hr: HR.S_OK, out: 0 });
  });

  it('a multi-stream source ends only when every stream reached the end', () => {
    const r = reach('started', { sources: { s1: { streams: 2 } }, sinks: { k1: {} } });
    const { h, p } = r;
    p.endOfStream('s1', 0);
    settle(r);
    expect(drain(h)).toEqual([]);
    p.endOfStream('s1', 1);
    settle(r);
    expect(ofType(drain(h), ME.MESessionEnded).length).toBe(1);
  });

  it('the queued topology is not advanced to at the end [WI S:2172 FIXME]', () => {
    const r = rig({ sources: { s1: {}, s2: {} }, sinks: { k1: {}, k2: {} } });
    const { h, p } = r;
    h.SetTopology(0, topology('s1', 'k1', { topoId: 1 }));
    h.SetTopology(0, topology('s2', 'k2', { topoId: 2 }));
    h.Start();
    settle(r);
    drain(h);
    p.endOfStream('s1');
    settle(r);
    expect(ofType(drain(h), ME.MESessionTopologyStatus).length).toBe(1);
    expect(h.state).toBe('stopped');
    p.takeCalls();
    h.Start();
    settle(r);
    expect(p.takeCalls().filter((call) => call.name === 'SourceStart').map((call) => call.object)).toEqual(['s1']);
  });
});

// ---------------------------------------------------------------------------------------------
// External source shutdown (§2.17)
// ---------------------------------------------------------------------------------------------

describe('external source shutdown (§2.17)', () => {
  it.each(['started', 'paused'] as PublicState[])('while %s with no command executing: Stopped(MF_E_SHUTDOWN), presentation cleared [WI S:3022-3032]', (state) => {
    const r = reach(state);
    const { h, p } = r;
    p.shutdownSource('s1');
    settle(r);
    expect(show(completions(drain(h)))).toEqual([`MESessionStopped(${formatHr(HR.MF_E_SHUTDOWN)})`]);
    // STOPPED with the presentation cleared (topo_status INVALID) maps to F (§1.4).
    expect(h.state).toBe('fresh');
    expect(h.GetFullTopology(true).hr).toBe(HR.MF_E_INVALIDREQUEST);
    expect(h.call({ type: 'clock.GetState' }).out).toBe('STOPPED');
    // The session never shuts sinks down for it [WT T:11886-11888].
    expect(p.sinks.get('k1')!.shutdown).toBe(false);
  });

  const during: { name: string; from: PublicState; call: (h: MediaSessionHandle) => HResult; event: string; next: PublicState; why: string }[] = [
    { name: 'starting', from: 'ready', call: (h) => h.Start(), event: `MESessionStarted(${formatHr(HR.MF_E_INVALIDREQUEST)})`, next: 'fresh', why: '[WT T:9834-9839]' },
    { name: 'pausing', from: 'started', call: (h) => h.Pause(), event: `MESessionPaused(${formatHr(HR.MF_E_SHUTDOWN)})`, next: 'fresh', why: '[WI]' },
    { name: 'stopping', from: 'started', call: (h) => h.Stop(), event: `MESessionStopped(${formatHr(HR.MF_E_SHUTDOWN)})`, next: 'fresh', why: '[WI]' },
    { name: 'closing', from: 'started', call: (h) => h.Close(), event: `MESessionClosed(${formatHr(HR.MF_E_SHUTDOWN)})`, next: 'closed', why: '[WI S:3014-3020]' },
  ];

  it.each(during)('detected while $name: $event → $next $why', ({ from, call, event, next }) => {
    const r = reach(from);
    const { h, p } = r;
    expect(call(h)).toBe(HR.S_OK);
    r.p.adapter.settle();
    p.shutdownSource('s1');
    settle(r);
    expect(show(completions(drain(h)))).toEqual([event]);
    expect(h.state).toBe(next);
    expect(p.sinks.get('k1')!.shutdown).toBe(false);
  });

  it('source shut down before a Start from R: Started(MF_E_INVALIDREQUEST), stays stopped [WT T:9834-9839]', () => {
    const r = reach('ready');
    const { h, p } = r;
    p.shutdownSource('s1');
    settle(r);
    expect(drain(h)).toEqual([]);
    h.Start();
    settle(r);
    expect(show(completions(drain(h)))).toEqual([`MESessionStarted(${formatHr(HR.MF_E_INVALIDREQUEST)})`]);
    expect(['fresh', 'ready', 'stopped']).toContain(h.state);
  });

  it('afterwards (flag set): Start → MF_E_INVALIDREQUEST; Pause/Stop/Close/SetRate → MF_E_SHUTDOWN; the state is not changed by Close [WI S:2871-2900]', () => {
    const r = reach('started');
    const { h, p } = r;
    p.shutdownSource('s1');
    settle(r);
    drain(h);
    for (const call of [() => h.Start(), () => h.Pause(), () => h.Stop(), () => h.Close(), () => h.SetRate(false, 2)]) expect(call()).toBe(HR.S_OK);
    settle(r);
    expect(show(drain(h))).toEqual([
      `MESessionStarted(${formatHr(HR.MF_E_INVALIDREQUEST)})`,
      `MESessionPaused(${formatHr(HR.MF_E_SHUTDOWN)})`,
      `MESessionStopped(${formatHr(HR.MF_E_SHUTDOWN)})`,
      `MESessionClosed(${formatHr(HR.MF_E_SHUTDOWN)})`,
      `MESessionRateChanged(${formatHr(HR.MF_E_SHUTDOWN)})`,
    ]);
    expect(h.state).toBe('fresh');
  });

  it('ClearTopologies clears the flag [S:2863]', () => {
    const r = reach('started');
    const { h, p } = r;
    p.shutdownSource('s1');
    settle(r);
    drain(h);
    h.ClearTopologies();
    h.Stop();
    settle(r);
    // Back to the normal F behaviour: Stopped(MF_E_INVALIDREQUEST) on Windows.
    expect(show(completions(drain(h)))).toEqual([
      'MESessionTopologiesCleared(S_OK (0x00000000))',
      `MESessionStopped(${formatHr(HR.MF_E_INVALIDREQUEST)})`,
    ]);
  });

  it('SetTopology clears the flag and a new source can be played [S:2862]', () => {
    const r = rig({ sources: { s1: {}, s2: {} }, sinks: { k1: {}, k2: {} } });
    const { h, p } = r;
    h.SetTopology(0, topology('s1', 'k1'));
    h.Start();
    settle(r);
    p.shutdownSource('s1');
    settle(r);
    drain(h);
    h.SetTopology(0, topology('s2', 'k2'));
    h.Start();
    settle(r);
    expect(show(completions(drain(h)))).toEqual(['MESessionTopologySet(S_OK (0x00000000))', 'MESessionStarted(S_OK (0x00000000))']);
    expect(h.state).toBe('started');
  });
});

// ---------------------------------------------------------------------------------------------
// Rate control (§2.16, research §7)
// ---------------------------------------------------------------------------------------------

describe('IMFRateControl on the session', () => {
  const rateEvents = (events: MediaEvent[]) => ofType(events, ME.MESessionRateChanged).map((e) => ({ status: e.status, value: e.value }));

  it('GetRate initially (FALSE, 1.0) [WT T:3526-3542]', () => {
    const { h } = reach('fresh');
    expect(h.GetRate()).toEqual({ hr: HR.S_OK, out: { thin: false, rate: 1 } });
  });

  it('GetRate with a NULL rate fails [WT T:3526-3542]', () => {
    const { h } = reach('fresh');
    expect(h.call({ type: 'rate.GetRate', nullRate: true }).hr >>> 0).toBeGreaterThanOrEqual(0x80000000);
  });

  it('fresh: SetRate sync S_OK, RateChanged(S_OK, VT_R4), but the clock rate stays 1.0 [WT T:3561-3579; WI]', () => {
    const r = reach('fresh');
    const { h } = r;
    expect(h.SetRate(false, 2)).toBe(HR.S_OK);
    settle(r);
    expect(rateEvents(drain(h))).toEqual([{ status: HR.S_OK, value: { vt: 'VT_R4', value: 2 } }]);
    expect(h.GetRate().out).toEqual({ thin: false, rate: 1 });
    expect(h.call({ type: 'clock.GetRate' }).out).toBe(1);
  });

  it('fresh session clock has no time source: clock SetRate / GetProperties → MF_E_CLOCK_NO_TIME_SOURCE [WT T:3558-3565]', () => {
    const { h } = reach('fresh');
    expect(h.call({ type: 'clock.SetRate', thin: false, rate: 1 }).hr).toBe(HR.MF_E_CLOCK_NO_TIME_SOURCE);
    expect(h.call({ type: 'clock.GetProperties' }).hr).toBe(HR.MF_E_CLOCK_NO_TIME_SOURCE);
    expect(h.call({ type: 'clock.GetState' })).toEqual({ hr: HR.S_OK, out: 'INVALID' });
  });

  it('R: SetRate reaches the source and the clock sink before Start; Windows prefix {BeginGetEvent, BeginGetEvent, OnClockSetRate, SourceStart} [WT T:2705, 3297-3298]', () => {
    const r = reach('ready');
    const { h, p } = r;
    p.takeCalls();
    expect(h.SetRate(false, 0)).toBe(HR.S_OK);
    expect(h.Start()).toBe(HR.S_OK);
    settle(r);
    const names = p.takeCalls().map((call) => call.name);
    expect(names.slice(0, 4)).toEqual(['SourceBeginGetEvent', 'SourceBeginGetEvent', 'OnClockSetRate', 'SourceStart']);
    const events = drain(h);
    expect(rateEvents(events)).toEqual([{ status: HR.S_OK, value: { vt: 'VT_R4', value: 0 } }]);
    expect(show(completions(events))).toEqual(['MESessionRateChanged(S_OK (0x00000000))', 'MESessionStarted(S_OK (0x00000000))']);
    expect(h.GetRate().out).toEqual({ thin: false, rate: 0 });
  });

  it('ST: SetRate(FALSE, r ≠ 0) → RateChanged(S_OK, VT_R4 r), GetRate (FALSE, r) [WT T:10241-10257]', () => {
    const r = reach('started');
    const { h, p } = r;
    p.takeCalls();
    h.SetRate(false, 1.5);
    settle(r);
    expect(rateEvents(drain(h))).toEqual([{ status: HR.S_OK, value: { vt: 'VT_R4', value: 1.5 } }]);
    expect(h.GetRate().out).toEqual({ thin: false, rate: 1.5 });
    expect(p.takeCalls().map((call) => call.name)).toContain('OnClockSetRate');
  });

  it('thinning unsupported by the source: RateChanged(MF_E_THINNING_UNSUPPORTED, VT_EMPTY); GetRate stays (FALSE, 1.0) [WT T:10198-10215]', () => {
    const r = reach('started');
    const { h } = r;
    expect(h.SetRate(true, 2)).toBe(HR.S_OK);
    settle(r);
    expect(rateEvents(drain(h))).toEqual([{ status: HR.MF_E_THINNING_UNSUPPORTED, value: { vt: 'VT_EMPTY' } }]);
    expect(h.GetRate().out).toEqual({ thin: false, rate: 1 });
  });

  it('thinnable source: SetRate(TRUE, 2) → (TRUE, 2); then SetRate(FALSE, 3) → (FALSE, 3) [WT T:10219-10257]', () => {
    const r = reach('started', { sources: { s1: { thinnable: true, fastestRate: 4 } }, sinks: { k1: {} } });
    const { h } = r;
    h.SetRate(true, 2);
    settle(r);
    expect(rateEvents(drain(h))).toEqual([{ status: HR.S_OK, value: { vt: 'VT_R4', value: 2 } }]);
    expect(h.GetRate().out).toEqual({ thin: true, rate: 2 });
    // The clock itself never thins [S:1642].
    expect(h.call({ type: 'clock.GetRate' }).out).toBe(2);
    h.SetRate(false, 3);
    settle(r);
    expect(rateEvents(drain(h))).toEqual([{ status: HR.S_OK, value: { vt: 'VT_R4', value: 3 } }]);
    expect(h.GetRate().out).toEqual({ thin: false, rate: 3 });
  });

  it('unsupported rates are reported in RateChanged [WI S:1449-1517]', () => {
    const r = reach('started', { sources: { s1: { fastestRate: 2 } }, sinks: { k1: {} } });
    const { h } = r;
    h.SetRate(false, 4);
    h.SetRate(false, -1);
    settle(r);
    const events = rateEvents(drain(h));
    expect(events.map((e) => e.status)).toEqual([HR.MF_E_UNSUPPORTED_RATE, HR.MF_E_REVERSE_UNSUPPORTED]);
    expect(events.every((e) => e.value.vt === 'VT_EMPTY')).toBe(true);
    expect(h.GetRate().out).toEqual({ thin: false, rate: 1 });
  });

  it('ST: SetRate(0) is a no-op (S_OK, rate not applied); after Pause SetRate(0) → RateChanged(S_OK) and OnClockSetRate [WT T:11445-11471]', () => {
    const r = reach('started');
    const { h, p } = r;
    expect(h.SetRate(false, 0)).toBe(HR.S_OK);
    settle(r);
    expect(rateEvents(drain(h)).map((e) => e.status)).toEqual([HR.S_OK]);
    expect(h.GetRate().out).toEqual({ thin: false, rate: 1 });
    h.Pause();
    settle(r);
    drain(h);
    p.takeCalls();
    expect(h.SetRate(false, 0)).toBe(HR.S_OK);
    settle(r);
    expect(rateEvents(drain(h))).toEqual([{ status: HR.S_OK, value: { vt: 'VT_R4', value: 0 } }]);
    expect(p.takeCalls().map((call) => call.name)).toContain('OnClockSetRate');
    expect(h.GetRate().out).toEqual({ thin: false, rate: 0 });
  });

  it('SP: SetRate(0) and SetRate(1) → RateChanged(S_OK) and OnClockSetRate [WT T:11352-11362, 11407-11417]', () => {
    const r = reach('stopped');
    const { h, p } = r;
    for (const rate of [0, 1]) {
      p.takeCalls();
      expect(h.SetRate(false, rate)).toBe(HR.S_OK);
      settle(r);
      expect(rateEvents(drain(h))).toEqual([{ status: HR.S_OK, value: { vt: 'VT_R4', value: rate } }]);
      expect(p.takeCalls().map((call) => call.name)).toContain('OnClockSetRate');
    }
  });

  it('the same rate again: RateChanged(S_OK, VT_R4) at once, no object calls [WI S:1602, 1624-1626]', () => {
    const r = reach('started');
    const { h, p } = r;
    h.SetRate(false, 1.5);
    settle(r);
    drain(h);
    p.takeCalls();
    h.SetRate(false, 1.5);
    settle(r);
    expect(p.takeCalls()).toEqual([]);
    expect(rateEvents(drain(h))).toEqual([{ status: HR.S_OK, value: { vt: 'VT_R4', value: 1.5 } }]);
  });

  it('SetRate runs FIFO with the other commands [S:2895-2899]', () => {
    const r = reach('ready');
    const { h } = r;
    h.Start();
    h.SetRate(false, 1.5);
    h.Pause();
    settle(r);
    expect(show(completions(drain(h)))).toEqual([
      'MESessionStarted(S_OK (0x00000000))',
      'MESessionRateChanged(S_OK (0x00000000))',
      'MESessionPaused(S_OK (0x00000000))',
    ]);
  });

  it('a committed rate scales clock time: GetTime advances rate × elapsed [research §3, §7.3]', () => {
    const r = reach('stopped');
    const { h, p } = r;
    h.SetRate(false, 2);
    h.Start();
    settle(r);
    const t0 = h.call<number>({ type: 'clock.GetTime' }).out!;
    p.clock.advanceBy(3_000_000);
    const t1 = h.call<number>({ type: 'clock.GetTime' }).out!;
    expect(t1 - t0).toBe(6_000_000);
  });

  it('SetRate after Shutdown: MF_E_SHUTDOWN [WI S:493]', () => {
    const { h } = reach('shutdown');
    expect(h.SetRate(false, 1)).toBe(HR.MF_E_SHUTDOWN);
  });
});

// ---------------------------------------------------------------------------------------------
// Session → clock mapping (§6.1)
// ---------------------------------------------------------------------------------------------

describe('session clock through the session lifecycle (§6.1, research §7.3)', () => {
  const clockState = (h: MediaSessionHandle) => h.call({ type: 'clock.GetState' }).out;
  const clockTime = (h: MediaSessionHandle) => h.call<number>({ type: 'clock.GetTime' });

  it('INVALID without a time source until the first start; then RUNNING / PAUSED / STOPPED', () => {
    const r = reach('ready');
    const { h, p } = r;
    expect(clockState(h)).toBe('INVALID');
    expect(clockTime(h).hr).toBe(HR.MF_E_CLOCK_NO_TIME_SOURCE);
    h.Start();
    settle(r);
    expect(clockState(h)).toBe('RUNNING');
    const a = clockTime(h).out!;
    p.clock.advanceBy(5_000_000);
    expect(clockTime(h).out! - a).toBe(5_000_000);
    h.Pause();
    settle(r);
    expect(clockState(h)).toBe('PAUSED');
    const frozen = clockTime(h).out!;
    p.clock.advanceBy(5_000_000);
    expect(clockTime(h).out).toBe(frozen);
    h.Start();
    settle(r);
    expect(clockState(h)).toBe('RUNNING');
    const b = clockTime(h).out!;
    p.clock.advanceBy(1_000_000);
    expect(clockTime(h).out! - b).toBe(1_000_000);
    h.Stop();
    settle(r);
    expect(clockState(h)).toBe('STOPPED');
    expect(clockTime(h)).toEqual({ hr: HR.S_OK, out: 0 });
  });

  const LATENCY = 10_000; // the mock's 1 ms per pipeline step

  it('Start from R with VT_EMPTY: the clock starts at 0 and runs [WI S:3166-3167]', () => {
    const r = reach('ready');
    const { h, p } = r;
    p.clock.advanceBy(70_000_000); // the platform clock is far from 0: presentation time is not system time
    h.Start();
    r.p.adapter.settle();
    p.clock.advanceBy(5 * LATENCY);
    expect(h.state).toBe('started');
    const t = clockTime(h).out!;
    expect(t).toBeGreaterThanOrEqual(0);
    expect(t).toBeLessThanOrEqual(5 * LATENCY);
  });

  it('Start from R with VT_I8 p: clock ≈ p right after MESessionStarted, then it keeps running [WT T:9519-9525]', () => {
    const r = reach('ready');
    const { h, p } = r;
    p.clock.advanceBy(70_000_000);
    const startedAt: number[] = [];
    h.onRecord((rec) => {
      if (rec.kind === 'event' && rec.event.type === ME.MESessionStarted) startedAt.push(rec.at);
    });
    h.Start({ vt: 'VT_I8', value: 10_000_000 });
    settle(r);
    expect(startedAt.length).toBe(1);
    // At the moment MESessionStarted was queued the clock read the position; it ran since.
    expect(clockTime(h).out).toBe(10_000_000 + (p.clock.now - startedAt[0]));
  });

  it.each(['started', 'paused'] as PublicState[])('seek from %s to p: clock ≈ p and advancing [WT T:9519-9579]', (state) => {
    const r = reach(state);
    const { h, p } = r;
    p.clock.advanceBy(30_000_000);
    for (const pos of [20_000_000, 0, -5_000_000]) {
      h.Start({ vt: 'VT_I8', value: pos });
      r.p.adapter.settle();
      p.clock.advanceBy(5 * LATENCY);
      expect(show(completions(drain(h)))).toEqual(['MESessionStarted(S_OK (0x00000000))']);
      const t = clockTime(h).out!;
      expect(t).toBeGreaterThanOrEqual(pos);
      expect(t).toBeLessThanOrEqual(pos + 5 * LATENCY);
      p.clock.advanceBy(2_000_000);
      expect(clockTime(h).out! - t).toBe(2_000_000);
    }
  });

  it('Pause freezes the clock at about the time of the Pause; resume continues from there [research §3, §7.3]', () => {
    const r = reach('ready');
    const { h, p } = r;
    h.Start({ vt: 'VT_I8', value: 10_000_000 });
    settle(r);
    const before = clockTime(h).out!;
    h.Pause();
    r.p.adapter.settle();
    p.clock.advanceBy(5 * LATENCY);
    expect(h.state).toBe('paused');
    const frozen = clockTime(h).out!;
    expect(frozen).toBeGreaterThanOrEqual(before);
    expect(frozen).toBeLessThanOrEqual(before + 5 * LATENCY);
    p.clock.advanceBy(10_000_000);
    expect(clockTime(h).out).toBe(frozen);
    h.Start();
    r.p.adapter.settle();
    p.clock.advanceBy(5 * LATENCY);
    const resumed = clockTime(h).out!;
    expect(resumed).toBeGreaterThanOrEqual(frozen);
    expect(resumed).toBeLessThanOrEqual(frozen + 5 * LATENCY);
  });

  it('Stop: MESessionStopped carries ≈ the clock time of the Stop; the clock then reads 0 [S:1339-1367]', () => {
    const r = reach('ready');
    const { h, p } = r;
    h.Start({ vt: 'VT_I8', value: 10_000_000 });
    settle(r);
    drain(h);
    const before = clockTime(h).out!;
    h.Stop();
    r.p.adapter.settle();
    p.clock.advanceBy(5 * LATENCY);
    const stopped = ofType(drain(h), ME.MESessionStopped)[0];
    const at = stopped.attributes![EVENT_ATTR.APPROX_EVENT_OCCURRENCE_TIME];
    expect(at).toBeGreaterThanOrEqual(before);
    expect(at).toBeLessThanOrEqual(before + 5 * LATENCY);
    expect(clockTime(h)).toEqual({ hr: HR.S_OK, out: 0 });
    // A Start with VT_EMPTY after a Stop starts from 0 again.
    h.Start();
    r.p.adapter.settle();
    p.clock.advanceBy(5 * LATENCY);
    expect(clockTime(h).out!).toBeLessThanOrEqual(5 * LATENCY);
  });

  it('a failed seek leaves the clock running from the previous start [WT T:9659-9665]', () => {
    const r = reach('ready', { sources: { s1: { seekable: false } }, sinks: { k1: {} } });
    const { h, p } = r;
    h.Start();
    settle(r);
    const t0 = clockTime(h).out!;
    h.Start({ vt: 'VT_I8', value: 30_000_000 });
    settle(r);
    expect(h.call({ type: 'clock.GetState' }).out).toBe('RUNNING');
    expect(clockTime(h).out).toBe(t0 + SETTLE);
    p.clock.advanceBy(1);
    expect(clockTime(h).out).toBe(t0 + SETTLE + 1);
  });

  it('resume from paused notifies OnClockRestart; a seek from paused notifies OnClockStart [research §5, §7.3]', () => {
    const r = reach('paused');
    const { h, p } = r;
    p.takeCalls();
    h.Start();
    settle(r);
    expect(p.takeCalls().map((call) => call.name)).toContain('OnClockRestart');
    h.Pause();
    settle(r);
    p.takeCalls();
    h.Start({ vt: 'VT_I8', value: 0 });
    settle(r);
    const names = p.takeCalls().map((call) => call.name);
    expect(names).toContain('OnClockStart');
    expect(names).not.toContain('OnClockRestart');
  });
});

// ---------------------------------------------------------------------------------------------
// Cells the first version of the model got wrong (kept as regression tests)
// ---------------------------------------------------------------------------------------------

describe('regressions', () => {
  it('a record listener that calls the session again sees each event and state change once', () => {
    const r = reach('fresh');
    const seen: string[] = [];
    r.h.onRecord((rec) => {
      if (rec.kind === 'event') {
        seen.push(eventName(rec.event.type));
        // A reactive app answering an event synchronously: this nested call must not re-deliver the event.
        if (rec.event.type === ME.MESessionTopologySet) r.h.GetSessionCapabilities();
      }
      if (rec.kind === 'state') seen.push(`state:${rec.state}`);
    });
    expect(r.h.SetTopology(0, topology())).toBe(HR.S_OK);
    settle(r);
    expect(seen.filter((name) => name === 'MESessionTopologySet')).toEqual(['MESessionTopologySet']);
    expect(seen.filter((name) => name === 'state:ready')).toEqual(['state:ready']);
  });

  it('Close while started drops PAUSE, then START and SEEK: two MESessionCapabilitiesChanged [WI S:3387, S:1291-1292]', () => {
    const r = reach('started');
    expect(r.h.Close()).toBe(HR.S_OK);
    settle(r);
    const events = drain(r.h);
    const caps = ofType(events, ME.MESessionCapabilitiesChanged).map((e) => [e.attributes![EVENT_ATTR.SESSIONCAPS], e.attributes![EVENT_ATTR.SESSIONCAPS_DELTA]]);
    const withPause = SESSIONCAP.START | SESSIONCAP.SEEK | SESSIONCAP.PAUSE | SESSIONCAP.DOES_NOT_USE_NETWORK;
    expect(caps).toEqual([
      [withPause & ~SESSIONCAP.PAUSE, SESSIONCAP.PAUSE],
      [SESSIONCAP.DOES_NOT_USE_NETWORK, SESSIONCAP.START | SESSIONCAP.SEEK],
    ]);
    expect(events.at(-1)!.type).toBe(ME.MESessionClosed);
  });

  it('SetTopology(CLEAR_CURRENT) while started clears the presentation but leaves the session started [WI §2.1 step 2-3]', () => {
    const r = reach('started');
    expect(r.h.SetTopology(SETTOPOLOGY.CLEAR_CURRENT, null)).toBe(HR.S_OK);
    settle(r);
    expect(r.h.state).toBe('started');
    expect(r.h.GetFullTopology(true).hr).toBe(HR.MF_E_INVALIDREQUEST);
    drain(r.h);
    expect(r.h.Pause()).toBe(HR.S_OK);
    settle(r);
    expect(completions(drain(r.h)).map((e) => [e.type, e.status])).toEqual([[ME.MESessionPaused, HR.S_OK]]);
  });

  it('SetTopology(IMMEDIATE) while started makes the new topology current and keeps the session started [WI §2.1 step 3]', () => {
    const r = reach('started', { sources: { s1: {}, s2: {} }, sinks: { k1: {}, k2: {} } });
    expect(r.h.SetTopology(SETTOPOLOGY.IMMEDIATE, topology('s2', 'k2'))).toBe(HR.S_OK);
    settle(r);
    expect(r.h.state).toBe('started');
    expect(r.h.GetFullTopology(true)).toEqual({ hr: HR.S_OK, out: 'current' });
  });

  it('the clock pauses when pausing begins, before the sources answer [T:10928; WI S:1296-1311]', () => {
    const r = reach('started');
    r.h.Pause();
    r.p.adapter.settle(); // the pause runs; the pipeline has not answered yet
    expect(r.h.call({ type: 'clock.GetState' }).out).toBe('PAUSED');
    expect(r.h.state).toBe('started');
  });

  it('MESessionStopped carries the clock time read when the stop began [WI S:1366-1367]', () => {
    const r = reach('started');
    r.p.clock.advanceBy(20_000_000);
    const before = r.h.call<number>({ type: 'clock.GetTime' }).out!;
    r.h.Stop();
    settle(r);
    const stopped = ofType(drain(r.h), ME.MESessionStopped)[0];
    expect(stopped.attributes![EVENT_ATTR.APPROX_EVENT_OCCURRENCE_TIME]).toBe(before);
  });

  it('session GetRate with a NULL rate pointer fails with E_INVALIDARG, the clock\'s answer [WI research §7.1]', () => {
    const r = reach('fresh');
    expect(r.h.call({ type: 'rate.GetRate', nullRate: true }).hr).toBe(HR.E_INVALIDARG);
  });

  it('a source dying while Pause runs queues MESessionCapabilitiesChanged(−PAUSE) before MESessionPaused(MF_E_SHUTDOWN) [§6.2, §2.17]', () => {
    const r = reach('started');
    r.h.Pause();
    r.p.adapter.settle();
    r.p.shutdownSource('s1');
    settle(r);
    const events = drain(r.h);
    const tail = events.slice(-2).map((e) => [e.type, e.status, e.attributes?.[EVENT_ATTR.SESSIONCAPS_DELTA]]);
    expect(tail).toEqual([
      [ME.MESessionCapabilitiesChanged, HR.S_OK, SESSIONCAP.PAUSE],
      [ME.MESessionPaused, HR.MF_E_SHUTDOWN, undefined],
    ]);
  });

  it('a topology queued while another resolves gets its own identity, never the resolved clone\'s', () => {
    const r = rig({ sources: { s1: {}, s2: {} }, sinks: { k1: {}, k2: {} } });
    r.h.SetTopology(0, topology('s1', 'k1'));
    r.h.SetTopology(0, topology('s2', 'k2'));
    settle(r);
    const values = ofType(drain(r.h), ME.MESessionTopologySet).map((e) => e.value as { object: number; passedObject: number });
    const identities = values.flatMap((v) => [v.passedObject, v.object]);
    expect(identities).toHaveLength(4);
    expect(new Set(identities).size).toBe(4);
  });

  it('SetTopology(CLEAR_CURRENT) with the current topology (same TOPOID) clears it; another topology gets S_FALSE [§2.1 step 2]', () => {
    const r = rig();
    r.h.SetTopology(0, topology('s1', 'k1', { topoId: 7 }));
    settle(r);
    r.h.Stop();
    settle(r);
    drain(r.h);
    r.h.SetTopology(SETTOPOLOGY.CLEAR_CURRENT, topology('s1', 'k1', { topoId: 8 }));
    settle(r);
    expect(ofType(drain(r.h), ME.MESessionTopologySet).map((e) => e.status)).toEqual([HR.S_FALSE]);
    expect(r.h.GetFullTopology(true).hr).toBe(HR.S_OK);
    r.h.SetTopology(SETTOPOLOGY.CLEAR_CURRENT, topology('s1', 'k1', { topoId: 7 }));
    settle(r);
    expect(ofType(drain(r.h), ME.MESessionTopologySet).map((e) => e.status)).toEqual([HR.S_OK]);
    expect(r.h.GetFullTopology(true).hr).toBe(HR.MF_E_INVALIDREQUEST);
    expect(r.h.state).toBe('fresh');
  });
});
