/**
 * Properties of the IMFMediaSession model on the mock platform, checked with fast-check on random
 * sequences of method calls interleaved with simulated time and platform events (a source shut
 * down from outside, end of stream). Spec: /work/shared/spec/mf-session-behavior.md §1.3, §2.0,
 * §2.6, §2.7, §7.
 *
 * (a) after Shutdown every method returns MF_E_SHUTDOWN except the argument checks;
 * (b) every accepted control command yields exactly one completion event, in FIFO order;
 * (c) after Close completed, ClearTopologies/Start/Pause/Stop/Close complete with
 *     MF_E_INVALIDREQUEST and SetTopology is accepted;
 * (d) no event is queued after Shutdown;
 * (e) the public state is always one of the statechart's states.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createMockPlatform, type MockPlatform } from '../adapters/mock/createMockPlatform.js';
import { createSession, type MediaSessionHandle } from '../actors/createSession.js';
import { HR, formatHr, succeeded, type HResult } from '../machines/hresult.js';
import { ME, eventName } from '../machines/mediaEventType.js';
import { SETTOPOLOGY } from '../machines/constants.js';
import type { MediaEvent, PublicState, StartPosition, TopologyNodeSpec, TopologySpec } from '../machines/types.js';

// ---------------------------------------------------------------------------------------------
// Topologies and actions
// ---------------------------------------------------------------------------------------------

function topology(source: string, sink: string | null, sourceNode: Partial<TopologyNodeSpec> = {}): TopologySpec {
  return {
    nodes: [
      { id: 'src', type: 'source', source, ...sourceNode } as TopologyNodeSpec,
      { id: 'out', type: 'output', sink },
    ],
    links: [['src', 'out']],
  };
}

/** Topologies the synchronous check accepts (the last one fails to resolve: TopologySet(E_FAIL)). */
const VALID: Record<string, TopologySpec | null> = {
  's1→k1': topology('s1', 'k1'),
  's2→k2': topology('s2', 'k2'),
  's1→k2': topology('s1', 'k2'),
  NULL: null,
  unresolvable: topology('s1', null),
};
/** Topologies the synchronous check rejects, with their code (spec §2.1). */
const INVALID: Record<string, { topology: TopologySpec; hr: HResult }> = {
  'no nodes': { topology: { nodes: [] }, hr: HR.E_INVALIDARG },
  'no source': { topology: topology('s1', 'k1', { missing: ['MF_TOPONODE_SOURCE'] }), hr: HR.MF_E_TOPO_MISSING_SOURCE },
  'no PD': {
    topology: topology('s1', 'k1', { missing: ['MF_TOPONODE_PRESENTATION_DESCRIPTOR'] }),
    hr: HR.MF_E_TOPO_MISSING_PRESENTATION_DESCRIPTOR,
  },
  'no SD': { topology: topology('s1', 'k1', { missing: ['MF_TOPONODE_STREAM_DESCRIPTOR'] }), hr: HR.MF_E_TOPO_MISSING_STREAM_DESCRIPTOR },
  'not selected': { topology: topology('s1', 'k1', { selected: false }), hr: HR.MF_E_TOPO_STREAM_DESCRIPTOR_NOT_SELECTED },
};

type ControlKind = 'SetTopology' | 'ClearTopologies' | 'Start' | 'Pause' | 'Stop' | 'Close' | 'SetRate';

type Action =
  | { kind: 'SetTopology'; flags: number; topology: string }
  | { kind: 'SetTopologyInvalid'; flags: number; topology: string }
  | { kind: 'ClearTopologies' }
  | { kind: 'Start'; position: 'empty' | 'null' | number }
  | { kind: 'Pause' }
  | { kind: 'Stop' }
  | { kind: 'Close' }
  | { kind: 'SetRate'; thin: boolean; rate: number }
  | { kind: 'Shutdown' }
  | { kind: 'GetClock' }
  | { kind: 'GetFullTopology'; current: boolean }
  | { kind: 'GetSessionCapabilities'; nullPointer: boolean }
  | { kind: 'GetRate' }
  | { kind: 'QueueEvent' }
  | { kind: 'advance'; hns: number }
  | { kind: 'shutdownSource'; id: string }
  | { kind: 'endOfStream'; id: string };

const PLAYING: Action[] = [
  { kind: 'SetTopology', flags: 0, topology: 's1→k1' },
  { kind: 'Start', position: 'empty' },
  { kind: 'advance', hns: 1_000_000 },
];

const flagsArb = fc.constantFrom(0, 0, 0, 0, 0, SETTOPOLOGY.IMMEDIATE, SETTOPOLOGY.NORESOLUTION, SETTOPOLOGY.CLEAR_CURRENT);

const controlArb: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('SetTopology' as const),
      flags: flagsArb,
      topology: fc.constantFrom('s1→k1', 's1→k1', 's2→k2', 's1→k2', 'NULL', 'unresolvable'),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('SetTopologyInvalid' as const), flags: flagsArb, topology: fc.constantFrom(...Object.keys(INVALID)) }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'ClearTopologies' as const }) },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('Start' as const),
      position: fc.oneof(fc.constant('empty' as const), fc.constant('null' as const), fc.integer({ min: -10_000_000, max: 60_000_000 })),
    }),
  },
  { weight: 3, arbitrary: fc.constant({ kind: 'Pause' as const }) },
  { weight: 3, arbitrary: fc.constant({ kind: 'Stop' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'Close' as const }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('SetRate' as const), thin: fc.boolean(), rate: fc.constantFrom(0, 0.5, 1, 1.5, 2, 3, -1) }) },
);

const getterArb: fc.Arbitrary<Action> = fc.oneof(
  fc.constant({ kind: 'GetClock' as const }),
  fc.record({ kind: fc.constant('GetFullTopology' as const), current: fc.boolean() }),
  fc.record({ kind: fc.constant('GetSessionCapabilities' as const), nullPointer: fc.boolean() }),
  fc.constant({ kind: 'GetRate' as const }),
  fc.constant({ kind: 'QueueEvent' as const }),
);

const advanceArb: fc.Arbitrary<Action> = fc.record({
  kind: fc.constant('advance' as const),
  hns: fc.constantFrom(0, 5_000, 10_000, 15_000, 20_000, 35_000, 1_000_000),
});

const platformArb = (withSourceShutdown: boolean): fc.Arbitrary<Action> =>
  withSourceShutdown
    ? fc.oneof(
        { weight: 1, arbitrary: fc.record({ kind: fc.constant('shutdownSource' as const), id: fc.constantFrom('s1', 's2') }) },
        { weight: 5, arbitrary: fc.record({ kind: fc.constant('endOfStream' as const), id: fc.constantFrom('s1', 's2') }) },
      )
    : fc.record({ kind: fc.constant('endOfStream' as const), id: fc.constantFrom('s1', 's2') });

function actionsArb(opts: { shutdown: boolean; sourceShutdown: boolean; maxLength: number }): fc.Arbitrary<Action[]> {
  const parts: fc.WeightedArbitrary<Action>[] = [
    { weight: 30, arbitrary: controlArb },
    { weight: 6, arbitrary: getterArb },
    { weight: 24, arbitrary: advanceArb },
    { weight: 5, arbitrary: platformArb(opts.sourceShutdown) },
  ];
  if (opts.shutdown) parts.push({ weight: 1, arbitrary: fc.constant({ kind: 'Shutdown' as const }) });
  const body = fc.array(fc.oneof(...parts), { minLength: Math.min(8, opts.maxLength), maxLength: opts.maxLength, size: 'max' });
  // Most runs begin by playing, so that the random part meets started / paused / stopped sessions.
  return fc.tuple(fc.constantFrom<Action[][]>([], PLAYING, PLAYING, PLAYING), body).map(([prefix, rest]) => [...prefix, ...rest]);
}

// ---------------------------------------------------------------------------------------------
// Harness: runs actions, reads every event with GetEvent(NO_WAIT) (no BeginGetEvent)
// ---------------------------------------------------------------------------------------------

const PUBLIC_STATES: readonly PublicState[] = ['fresh', 'ready', 'started', 'paused', 'stopped', 'closing', 'closed', 'shutdown'];

const COMPLETION: Record<ControlKind, number> = {
  SetTopology: ME.MESessionTopologySet,
  ClearTopologies: ME.MESessionTopologiesCleared,
  Start: ME.MESessionStarted,
  Pause: ME.MESessionPaused,
  Stop: ME.MESessionStopped,
  Close: ME.MESessionClosed,
  SetRate: ME.MESessionRateChanged,
};
const COMPLETION_TYPES = new Set(Object.values(COMPLETION));

interface Run {
  p: MockPlatform;
  h: MediaSessionHandle;
  /** Every event read, in order, with the index of the action during which it was read. */
  read: { event: MediaEvent; action: number }[];
  /** Every event the runtime reported queued (onRecord, kind 'event'). */
  recorded: MediaEvent[];
  /** Accepted control commands, in call order, with the action index. */
  accepted: { kind: ControlKind; action: number }[];
  /** Index of the Shutdown action that succeeded, if any. */
  shutdownAt: number | undefined;
  /** Synchronous results, per action. */
  results: { action: Action; hr: HResult | undefined; state: PublicState }[];
}

function position(p: 'empty' | 'null' | number): StartPosition {
  if (p === 'null') return null;
  if (p === 'empty') return { vt: 'VT_EMPTY' };
  return { vt: 'VT_I8', value: p };
}

function perform(r: Pick<Run, 'p' | 'h'>, action: Action): HResult | undefined {
  const { h, p } = r;
  switch (action.kind) {
    case 'SetTopology':
      return h.SetTopology(action.flags, VALID[action.topology]);
    case 'SetTopologyInvalid':
      return h.SetTopology(action.flags, INVALID[action.topology].topology);
    case 'ClearTopologies':
      return h.ClearTopologies();
    case 'Start':
      return h.Start(position(action.position));
    case 'Pause':
      return h.Pause();
    case 'Stop':
      return h.Stop();
    case 'Close':
      return h.Close();
    case 'SetRate':
      return h.SetRate(action.thin, action.rate);
    case 'Shutdown':
      return h.Shutdown();
    case 'GetClock':
      return h.GetClock();
    case 'GetFullTopology':
      return h.GetFullTopology(action.current, 1).hr;
    case 'GetSessionCapabilities':
      return h.GetSessionCapabilities(action.nullPointer).hr;
    case 'GetRate':
      return h.GetRate().hr;
    case 'QueueEvent':
      return h.QueueEvent(ME.MEExtendedType);
    case 'advance':
      p.adapter.settle();
      p.clock.advanceBy(action.hns);
      return undefined;
    case 'shutdownSource':
      p.shutdownSource(action.id);
      return undefined;
    case 'endOfStream':
      p.endOfStream(action.id);
      return undefined;
  }
}

const CONTROL_KINDS = new Set<string>(['SetTopology', 'ClearTopologies', 'Start', 'Pause', 'Stop', 'Close', 'SetRate']);

function run(actions: Action[], { finish = true } = {}): Run {
  const p = createMockPlatform({ sources: { s1: { streams: 1 }, s2: { streams: 2, seekable: false } }, sinks: { k1: {}, k2: { finalizable: true } } });
  const h = createSession({ adapter: p.adapter });
  const r: Run = { p, h, read: [], recorded: [], accepted: [], shutdownAt: undefined, results: [] };
  h.onRecord((record) => {
    if (record.kind === 'event') r.recorded.push(record.event);
  });
  const readAll = (index: number) => {
    for (;;) {
      const got = h.GetEvent(true);
      if (got.hr !== HR.S_OK) {
        expect([HR.MF_E_NO_EVENTS_AVAILABLE, HR.MF_E_SHUTDOWN]).toContain(got.hr);
        break;
      }
      r.read.push({ event: got.out as MediaEvent, action: index });
    }
  };
  actions.forEach((action, index) => {
    const hr = perform(r, action);
    if (action.kind === 'Shutdown' && hr === HR.S_OK) r.shutdownAt = index;
    if (CONTROL_KINDS.has(action.kind) && hr === HR.S_OK) r.accepted.push({ kind: action.kind as ControlKind, action: index });
    // (e) the public state is always one of the statechart's states.
    expect(PUBLIC_STATES).toContain(h.state);
    r.results.push({ action, hr, state: h.state });
    readAll(index);
  });
  if (finish) {
    // Let every pipeline operation finish.
    for (let i = 0; i < 10; i++) {
      p.adapter.settle();
      p.clock.advanceBy(1_000_000);
    }
    readAll(actions.length);
    expect(PUBLIC_STATES).toContain(h.state);
  }
  return r;
}

const describeEvent = (e: MediaEvent) => `${eventName(e.type)}(${formatHr(e.status)})`;


// ---------------------------------------------------------------------------------------------
// An oracle of the §2.0 matrix for fc.commands: one source (seekable, 5 s, not thinnable, rates up
// to 2×), one sink, topologies without flags. Each accepted command is predicted from the state the
// previous accepted command leaves (§1.3: FIFO, evaluated later), and time only decides *when* the
// completion events arrive.
// ---------------------------------------------------------------------------------------------

type OState = 'F' | 'R' | 'ST' | 'PA' | 'SP' | 'CL' | 'SD';
interface Oracle {
  state: OState;
  current: boolean;
  /** Completion events still to come, as `Name(HR)` strings, in order. */
  expected: string[];
}
interface Real {
  p: MockPlatform;
  h: MediaSessionHandle;
}
const PUBLIC_OF: Record<OState, PublicState> = { F: 'fresh', R: 'ready', ST: 'started', PA: 'paused', SP: 'stopped', CL: 'closed', SD: 'shutdown' };
const DURATION = 50_000_000;
const ev = (type: number, hr: HResult) => `${eventName(type)}(${formatHr(hr)})`;

function accept(m: Oracle, r: Real, hr: HResult, type: number, status: HResult, next: OState = m.state): void {
  if (m.state === 'SD') {
    expect(formatHr(hr)).toBe(formatHr(HR.MF_E_SHUTDOWN));
    return;
  }
  expect(formatHr(hr)).toBe(formatHr(HR.S_OK));
  m.expected.push(ev(type, status));
  m.state = next;
  void r;
}

class SetTopologyCmd implements fc.Command<Oracle, Real> {
  constructor(readonly kind: 'T' | 'NULL' | 'unresolvable') {}
  check = () => true;
  run(m: Oracle, r: Real): void {
    const topo = this.kind === 'T' ? VALID['s1→k1'] : VALID[this.kind];
    const hr = r.h.SetTopology(0, topo);
    if (this.kind === 'T') {
      const becomesCurrent = !m.current;
      accept(m, r, hr, ME.MESessionTopologySet, HR.S_OK, becomesCurrent && m.state === 'F' ? 'R' : m.state);
      if (m.state !== 'SD') m.current = true;
    } else {
      accept(m, r, hr, ME.MESessionTopologySet, this.kind === 'NULL' ? HR.S_OK : HR.E_FAIL);
    }
  }
  toString = () => `SetTopology(${this.kind})`;
}

class SimpleCmd implements fc.Command<Oracle, Real> {
  constructor(readonly method: 'ClearTopologies' | 'Pause' | 'Stop' | 'Close') {}
  check = () => true;
  run(m: Oracle, r: Real): void {
    const hr = r.h[this.method]();
    const s = m.state;
    const I = HR.MF_E_INVALIDREQUEST;
    switch (this.method) {
      case 'ClearTopologies':
        return accept(m, r, hr, ME.MESessionTopologiesCleared, s === 'CL' ? I : HR.S_OK);
      case 'Pause':
        if (s === 'ST') return accept(m, r, hr, ME.MESessionPaused, HR.S_OK, 'PA');
        return accept(m, r, hr, ME.MESessionPaused, s === 'R' || s === 'SP' ? HR.MF_E_SESSION_PAUSEWHILESTOPPED : I);
      case 'Stop':
        if (s === 'ST' || s === 'PA') return accept(m, r, hr, ME.MESessionStopped, HR.S_OK, 'SP');
        return accept(m, r, hr, ME.MESessionStopped, s === 'R' || s === 'SP' ? HR.S_OK : I);
      case 'Close':
        return accept(m, r, hr, ME.MESessionClosed, s === 'CL' ? I : HR.S_OK, 'CL');
    }
  }
  toString = () => `${this.method}()`;
}

class StartCmd implements fc.Command<Oracle, Real> {
  constructor(readonly pos: 'empty' | number) {}
  check = () => true;
  run(m: Oracle, r: Real): void {
    const hr = r.h.Start(position(this.pos));
    const s = m.state;
    if (s === 'F' || s === 'CL') return accept(m, r, hr, ME.MESessionStarted, HR.MF_E_INVALIDREQUEST);
    if (s === 'R' || s === 'SP') return accept(m, r, hr, ME.MESessionStarted, HR.S_OK, 'ST');
    if (this.pos !== 'empty' && this.pos > DURATION) return accept(m, r, hr, ME.MESessionStarted, HR.MF_E_INVALID_POSITION);
    return accept(m, r, hr, ME.MESessionStarted, HR.S_OK, 'ST');
  }
  toString = () => `Start(${this.pos})`;
}

class SetRateCmd implements fc.Command<Oracle, Real> {
  constructor(
    readonly thin: boolean,
    readonly rate: number,
  ) {}
  check = () => true;
  run(m: Oracle, r: Real): void {
    const hr = r.h.SetRate(this.thin, this.rate);
    let status: HResult = HR.S_OK;
    if (m.current && this.rate !== 0) {
      if (this.thin) status = HR.MF_E_THINNING_UNSUPPORTED;
      else if (this.rate > 2) status = HR.MF_E_UNSUPPORTED_RATE;
    }
    accept(m, r, hr, ME.MESessionRateChanged, status);
  }
  toString = () => `SetRate(${this.thin}, ${this.rate})`;
}

class ShutdownCmd implements fc.Command<Oracle, Real> {
  check = () => true;
  run(m: Oracle, r: Real): void {
    expect(formatHr(r.h.Shutdown())).toBe(formatHr(m.state === 'SD' ? HR.MF_E_SHUTDOWN : HR.S_OK));
    m.state = 'SD';
    m.expected = [];
  }
  toString = () => 'Shutdown()';
}

class AdvanceCmd implements fc.Command<Oracle, Real> {
  constructor(readonly hns: number) {}
  check = () => true;
  run(m: Oracle, r: Real): void {
    r.p.adapter.settle();
    r.p.clock.advanceBy(this.hns);
    for (;;) {
      const got = r.h.GetEvent(true);
      if (got.hr !== HR.S_OK) break;
      const event = got.out as MediaEvent;
      if (!COMPLETION_TYPES.has(event.type)) continue;
      expect(describeEvent(event)).toBe(m.expected.shift() ?? '(no completion expected)');
    }
  }
  toString = () => `advance(${this.hns})`;
}

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

const RUNS = 300;

describe('session properties (fast-check, mock platform)', () => {
  it('(a) after Shutdown every method returns MF_E_SHUTDOWN except the argument checks [§2.7, §7]', () => {
    type Probe =
      | { kind: 'SetTopology'; topology: string }
      | { kind: 'SetTopologyInvalid'; topology: string }
      | { kind: 'Start'; position: 'empty' | 'null' | number }
      | { kind: 'simple'; method: 'ClearTopologies' | 'Pause' | 'Stop' | 'Close' | 'Shutdown' | 'GetClock' | 'QueueEvent' }
      | { kind: 'SetRate'; thin: boolean; rate: number }
      | { kind: 'GetFullTopology'; current: boolean; topoId: number }
      | { kind: 'GetSessionCapabilities'; nullPointer: boolean }
      | { kind: 'GetEvent'; noWait: boolean }
      | { kind: 'BeginGetEvent'; callback: string | null }
      | { kind: 'EndGetEvent'; result: 'pending' | 'foreign' };
    const probeArb: fc.Arbitrary<Probe> = fc.oneof(
      fc.record({ kind: fc.constant('SetTopology' as const), topology: fc.constantFrom(...Object.keys(VALID)) }),
      fc.record({ kind: fc.constant('SetTopologyInvalid' as const), topology: fc.constantFrom(...Object.keys(INVALID)) }),
      fc.record({ kind: fc.constant('Start' as const), position: fc.oneof(fc.constant('empty' as const), fc.constant('null' as const), fc.integer()) }),
      fc.record({
        kind: fc.constant('simple' as const),
        method: fc.constantFrom('ClearTopologies' as const, 'Pause' as const, 'Stop' as const, 'Close' as const, 'Shutdown' as const, 'GetClock' as const, 'QueueEvent' as const),
      }),
      fc.record({ kind: fc.constant('SetRate' as const), thin: fc.boolean(), rate: fc.double({ noNaN: true }) }),
      fc.record({ kind: fc.constant('GetFullTopology' as const), current: fc.boolean(), topoId: fc.nat(5) }),
      fc.record({ kind: fc.constant('GetSessionCapabilities' as const), nullPointer: fc.boolean() }),
      fc.record({ kind: fc.constant('GetEvent' as const), noWait: fc.boolean() }),
      fc.record({ kind: fc.constant('BeginGetEvent' as const), callback: fc.constantFrom('cb', 'other', null) }),
      fc.record({ kind: fc.constant('EndGetEvent' as const), result: fc.constantFrom('pending' as const, 'foreign' as const) }),
    );
    const expected = (probe: Probe): HResult => {
      switch (probe.kind) {
        case 'SetTopologyInvalid':
          return INVALID[probe.topology].hr; // the topology check runs before the shutdown check [WI S:2450]
        case 'Start':
          return probe.position === 'null' ? HR.E_POINTER : HR.MF_E_SHUTDOWN; // [WT T:3446-3447]
        case 'GetSessionCapabilities':
          return probe.nullPointer ? HR.E_POINTER : HR.MF_E_SHUTDOWN; // [WT T:3468-3469]
        case 'BeginGetEvent':
          return probe.callback === null ? HR.E_INVALIDARG : HR.MF_E_SHUTDOWN; // [WT P:4810-4811]
        default:
          return HR.MF_E_SHUTDOWN;
      }
    };
    const callProbe = (h: MediaSessionHandle, probe: Probe): HResult => {
      switch (probe.kind) {
        case 'SetTopology':
          return h.SetTopology(0, VALID[probe.topology]);
        case 'SetTopologyInvalid':
          return h.SetTopology(0, INVALID[probe.topology].topology);
        case 'Start':
          return h.Start(position(probe.position));
        case 'simple':
          return probe.method === 'QueueEvent' ? h.QueueEvent(ME.MEExtendedType) : h[probe.method]();
        case 'SetRate':
          return h.SetRate(probe.thin, probe.rate);
        case 'GetFullTopology':
          return h.GetFullTopology(probe.current, probe.topoId).hr;
        case 'GetSessionCapabilities':
          return h.GetSessionCapabilities(probe.nullPointer).hr;
        case 'GetEvent':
          return h.GetEvent(probe.noWait).hr;
        case 'BeginGetEvent':
          return h.BeginGetEvent(probe.callback, 'state');
        case 'EndGetEvent':
          return h.EndGetEvent(probe.result).hr;
      }
    };
    fc.assert(
      fc.property(
        actionsArb({ shutdown: false, sourceShutdown: true, maxLength: 25 }),
        fc.boolean(),
        fc.array(fc.oneof(probeArb, advanceArb, platformArb(true)), { minLength: 1, maxLength: 30 }),
        (before, subscribed, after) => {
          const r = run(before, { finish: false });
          if (subscribed) r.h.BeginGetEvent('cb', 'state');
          expect(r.h.Shutdown()).toBe(HR.S_OK);
          for (const probe of after) {
            if (probe.kind === 'advance' || probe.kind === 'shutdownSource' || probe.kind === 'endOfStream') {
              perform(r, probe as Action);
            } else {
              const hr = callProbe(r.h, probe as Probe);
              expect(formatHr(hr), JSON.stringify(probe)).toBe(formatHr(expected(probe as Probe)));
            }
            expect(r.h.state).toBe('shutdown');
          }
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('(b) every accepted control command yields exactly one completion event, in FIFO order [§1.3]', () => {
    fc.assert(
      fc.property(actionsArb({ shutdown: true, sourceShutdown: true, maxLength: 60 }), (actions) => {
        const r = run(actions);
        // The runtime's records and the GetEvent reader saw the same events, in the same order.
        expect(r.recorded.map(describeEvent)).toEqual(r.read.map((x) => describeEvent(x.event)));
        // Match the completion events against the accepted commands. The only completion-type
        // event no command asks for is MESessionStopped(MF_E_SHUTDOWN) once a source was shut down
        // from outside (§2.17: detected while ST/PA with no command executing, e.g. when the end of
        // the presentation stops a dead pipeline); such an event may be matched or skipped.
        const firstSourceShutdown = actions.findIndex((a) => a.kind === 'shutdownSource');
        const done = r.read.filter((x) => COMPLETION_TYPES.has(x.event.type));
        const pending = r.accepted;
        const unsolicitedOk = (i: number) =>
          firstSourceShutdown >= 0 &&
          done[i].action >= firstSourceShutdown &&
          done[i].event.type === ME.MESessionStopped &&
          done[i].event.status === HR.MF_E_SHUTDOWN;
        const memo = new Map<number, boolean>();
        const match = (i: number, j: number): boolean => {
          const key = i * 1000 + j;
          const known = memo.get(key);
          if (known !== undefined) return known;
          let ok: boolean;
          if (i === done.length) {
            // Nothing is left over, except what a Shutdown dropped (commands accepted before it).
            ok = pending.slice(j).every((x) => r.shutdownAt !== undefined && x.action < r.shutdownAt);
          } else {
            const head = pending[j];
            ok =
              (head !== undefined && head.action <= done[i].action && COMPLETION[head.kind] === done[i].event.type && match(i + 1, j + 1)) ||
              (unsolicitedOk(i) && match(i + 1, j));
          }
          memo.set(key, ok);
          return ok;
        };
        expect(
          match(0, 0),
          `completions ${JSON.stringify(done.map((x) => `${x.action}:${describeEvent(x.event)}`))} vs accepted ${JSON.stringify(pending.map((x) => `${x.action}:${x.kind}`))}`,
        ).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it('(c) after Close completed: ClearTopologies/Start/Pause/Stop/Close → MF_E_INVALIDREQUEST, SetTopology accepted [§2.0 CL, §2.6, §7]', () => {
    const afterClose = fc.array(fc.oneof({ weight: 3, arbitrary: controlArb }, { weight: 2, arbitrary: advanceArb }, { weight: 1, arbitrary: platformArb(false) }), {
      maxLength: 25,
    });
    fc.assert(
      fc.property(actionsArb({ shutdown: false, sourceShutdown: false, maxLength: 30 }), afterClose, (before, after) => {
        const actions: Action[] = [...before, { kind: 'Close' }, ...after];
        const r = run(actions);
        expect(r.h.state).toBe('closed');
        const closedAt = r.read.findIndex(({ event }) => event.type === ME.MESessionClosed && event.status === HR.S_OK);
        expect(closedAt).toBeGreaterThanOrEqual(0);
        const later = r.read.slice(closedAt + 1).map((x) => x.event);
        for (const event of later) {
          switch (event.type) {
            case ME.MESessionTopologiesCleared:
            case ME.MESessionStarted:
            case ME.MESessionPaused:
            case ME.MESessionStopped:
            case ME.MESessionClosed:
              expect(describeEvent(event)).toBe(`${eventName(event.type)}(${formatHr(HR.MF_E_INVALIDREQUEST)})`);
              break;
            case ME.MESessionTopologySet: {
              // Accepted [WI S:2866-2870] (S_FALSE: CLEAR_CURRENT with another topology; E_FAIL: unresolvable).
              const topologySetOk = succeeded(event.status) || event.status === HR.E_FAIL;
              expect(topologySetOk, describeEvent(event)).toBe(true);
              break;
            }
            case ME.MESessionEnded:
              // (MEEndOfPresentation may still be forwarded: SetTopology(IMMEDIATE / CLEAR_CURRENT)
              // leaves the old sources running [§2.1 step 3, WI], and Close from R/F stops nothing.)
              throw new Error(`${describeEvent(event)} after Close`);
          }
        }
        // Every SetTopology with a resolvable topology and no flags issued after the Close is S_OK.
        const afterCloseIndex = before.length;
        const plainSets = actions
          .map((action, index) => ({ action, index }))
          .filter(({ action, index }) => index > afterCloseIndex && action.kind === 'SetTopology' && action.flags === 0 && action.topology !== 'unresolvable' && action.topology !== 'NULL');
        const sets = r.read.filter(({ event, action }) => event.type === ME.MESessionTopologySet && action > afterCloseIndex).map((x) => x.event.status);
        if (plainSets.length > 0 && sets.length > 0) expect(sets.some((status) => status === HR.S_OK)).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it('(d) no event is queued after Shutdown, whatever happens afterwards [§2.7]', () => {
    fc.assert(
      fc.property(actionsArb({ shutdown: true, sourceShutdown: true, maxLength: 60 }), (actions) => {
        const withShutdown: Action[] = actions.some((a) => a.kind === 'Shutdown') ? actions : [...actions.slice(0, actions.length >> 1), { kind: 'Shutdown' }, ...actions.slice(actions.length >> 1)];
        const r = run(withShutdown);
        expect(r.shutdownAt).toBeDefined();
        const late = r.read.filter((x) => x.action >= r.shutdownAt!);
        expect(late.map((x) => describeEvent(x.event))).toEqual([]);
        expect(r.h.context.events).toEqual([]);
        expect(r.h.state).toBe('shutdown');
        const queued = r.h.eventsQueued;
        const recorded = r.recorded.length;
        // Nothing a platform can still do wakes it up.
        r.p.shutdownSource('s1');
        r.p.endOfStream('s2');
        r.p.clock.advanceBy(10_000_000);
        expect(r.h.eventsQueued).toBe(queued);
        expect(r.recorded.length).toBe(recorded);
        expect(r.h.GetEvent(true).hr).toBe(HR.MF_E_SHUTDOWN);
      }),
      { numRuns: RUNS },
    );
  });

  it('(e) the public state is always one of the statechart states, and a command-free session is settled', () => {
    fc.assert(
      fc.property(actionsArb({ shutdown: true, sourceShutdown: true, maxLength: 60 }), (actions) => {
        const r = run(actions);
        for (const { state } of r.results) expect(PUBLIC_STATES).toContain(state);
        // Once everything finished, no transitional state is left: the statechart rests in a settled node.
        const path = r.h.statePath;
        expect(/(^|\.)(fresh|ready|started|paused|stopped|closed|shutdown)$/.test(path), path).toBe(true);
        expect(r.h.state).not.toBe('closing');
      }),
      { numRuns: RUNS },
    );
  });

  it('(f) model-based (fc.commands): completion statuses follow the §2.0 matrix for any interleaving with time', () => {
    const allCommands = [
      fc.constantFrom<'T' | 'NULL' | 'unresolvable'>('T', 'T', 'T', 'NULL', 'unresolvable').map((kind) => new SetTopologyCmd(kind)),
      fc.constant(new SimpleCmd('ClearTopologies')),
      fc.oneof(fc.constant<'empty' | number>('empty'), fc.integer({ min: -10_000_000, max: 60_000_000 })).map((pos) => new StartCmd(pos)),
      fc.constant(new SimpleCmd('Pause')),
      fc.constant(new SimpleCmd('Stop')),
      fc.constant(new SimpleCmd('Close')),
      fc.oneof(
        fc.constantFrom(0, 0.5, 1, 2, 3).map((rate) => new SetRateCmd(false, rate)),
        fc.constantFrom(1, 2).map((rate) => new SetRateCmd(true, rate)),
      ),
      fc.constant(new ShutdownCmd()),
      fc.constantFrom(0, 5_000, 10_000, 15_000, 25_000, 1_000_000).map((hns) => new AdvanceCmd(hns)),
      fc.constantFrom(0, 5_000, 10_000, 15_000, 25_000, 1_000_000).map((hns) => new AdvanceCmd(hns)),
      fc.constantFrom(0, 5_000, 10_000, 15_000, 25_000, 1_000_000).map((hns) => new AdvanceCmd(hns)),
    ];
    fc.assert(
      fc.property(fc.commands(allCommands, { maxCommands: 60, size: 'max' }), (cmds) => {
        const model: Oracle = { state: 'F', current: false, expected: [] };
        const p = createMockPlatform({ sources: { s1: {} }, sinks: { k1: {} } });
        const real: Real = { p, h: createSession({ adapter: p.adapter }) };
        fc.modelRun(() => ({ model, real }), cmds);
        // Let everything finish, then every prediction must have been met.
        new AdvanceCmd(10_000_000).run(model, real);
        if (model.state !== 'SD') {
          expect(model.expected).toEqual([]);
          expect(real.h.state).toBe(PUBLIC_OF[model.state]);
        } else {
          expect(real.h.state).toBe('shutdown');
        }
      }),
      { numRuns: 3 * RUNS },
    );
  });

  it('synchronous results of control calls on a live session: S_OK unless an argument check fails [§1.3]', () => {
    fc.assert(
      fc.property(actionsArb({ shutdown: false, sourceShutdown: true, maxLength: 60 }), (actions) => {
        const r = run(actions, { finish: false });
        for (const { action, hr } of r.results) {
          switch (action.kind) {
            case 'SetTopology':
            case 'ClearTopologies':
            case 'Pause':
            case 'Stop':
            case 'Close':
            case 'SetRate':
              expect(hr).toBe(HR.S_OK);
              break;
            case 'SetTopologyInvalid':
              expect(hr).toBe(INVALID[action.topology].hr);
              break;
            case 'Start':
              expect(hr).toBe(action.position === 'null' ? HR.E_POINTER : HR.S_OK);
              break;
            case 'GetClock':
            case 'GetRate':
            case 'QueueEvent':
              expect(hr).toBe(HR.S_OK);
              break;
            case 'GetSessionCapabilities':
              expect(hr).toBe(action.nullPointer ? HR.E_POINTER : HR.S_OK);
              break;
            case 'GetFullTopology':
              expect([HR.S_OK, HR.MF_E_INVALIDREQUEST]).toContain(hr);
              break;
          }
        }
      }),
      { numRuns: RUNS },
    );
  });
});
