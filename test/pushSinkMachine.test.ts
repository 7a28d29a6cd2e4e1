/**
 * The IWMWriterPushSink statechart (machines/pushSinkMachine.ts) against wmf-push-sink.md §4: the
 * legality matrix cell by cell (every state × method → synchronous HRESULT and next state, the
 * [proposed] cells as decided in docs/decisions.md), EndSession's documented codes, the wire
 * operations asked for, backpressure, reconnection, and the nothing-lost count under random calls
 * and network outcomes (fast-check).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createActor } from 'xstate';
import { HR, formatHr, type HResult } from '../machines/hresult.js';
import { pushSinkMachine, pushSinkStateOf } from '../machines/pushSinkMachine.js';
import { queuedUnits, unitsAccounted, type PushSinkInput, type PushSinkState } from '../machines/pushSinkContext.js';
import type { NetOp, NetRequest, PushCallEvent, PushSinkEmitted } from '../machines/pushEvents.js';
import { checkConnectArgs, templatePath } from '../machines/pushUrl.js';
import { httpStatusHr, pushFaultHr } from '../machines/pushFaults.js';

// ---------------------------------------------------------------------------------------------
// Harness: the statechart with a scripted network
// ---------------------------------------------------------------------------------------------

const URL_OK = 'http://127.0.0.1:8080/pub';
const buf = (length: number) => ({ length });

type Reply = { hr: HResult; out?: unknown };

function rig(input?: PushSinkInput) {
  const ops: NetRequest[] = [];
  const effects: string[] = [];
  let outstanding: NetRequest | null = null;
  const machine = pushSinkMachine.provide({
    actions: {
      requestNet: (_args, params: NetRequest) => {
        if (outstanding !== null) throw new Error(`a second network operation (${params.op}) while ${outstanding.op} is in flight`);
        outstanding = params;
        ops.push(params);
      },
      cancelNet: () => {
        effects.push('cancelNet');
        outstanding = null;
      },
      closeConnection: () => {
        effects.push('closeConnection');
      },
    },
  });
  const actor = createActor(machine, { input });
  const emitted: PushSinkEmitted[] = [];
  actor.on('*', (e) => emitted.push(e as PushSinkEmitted));
  actor.start();
  let now = 0;
  let mark = 0;

  const r = {
    actor,
    ops,
    effects,
    emitted,
    get outstanding() {
      return outstanding;
    },
    state: (): PushSinkState => pushSinkStateOf(actor.getSnapshot()),
    context: () => actor.getSnapshot().context,
    /** Calls a method; returns its synchronous reply. */
    call(event: PushCallEvent): Reply {
      const from = emitted.length;
      actor.send({ ...event, now: (now += 10) });
      const replies = emitted.slice(from).filter((e) => e.type === 'mf.reply');
      expect(replies, `exactly one mf.reply for ${event.type}`).toHaveLength(1);
      const reply = replies[0] as Extract<PushSinkEmitted, { type: 'mf.reply' }>;
      return reply.out === undefined ? { hr: reply.hr } : { hr: reply.hr, out: reply.out };
    },
    hr: (event: PushCallEvent): HResult => r.call(event).hr,
    /** Answers the operation in flight. */
    answer(hr: HResult = HR.S_OK, pushId?: string): NetRequest {
      const request = outstanding;
      if (!request) throw new Error('no network operation in flight');
      outstanding = null;
      actor.send({ type: 'net.done', op: request.op, hr, now: (now += 10), ...(pushId !== undefined ? { pushId } : {}) });
      return request;
    },
    /** Answers every operation with S_OK until none is in flight. */
    drain(): void {
      for (let i = 0; i < 10_000 && outstanding; i++) r.answer();
    },
    lose(hr: HResult) {
      actor.send({ type: 'net.lost', hr, now: (now += 10) });
    },
    opNames: (): NetOp[] => ops.map((o) => o.op),
    /** Blocked calls that returned since the last `mark()`. */
    completions: () => emitted.slice(mark).filter((e): e is Extract<PushSinkEmitted, { type: 'mf.complete' }> => e.type === 'mf.complete'),
    mark: () => {
      mark = emitted.length;
    },
  };
  return r;
}
type Rig = ReturnType<typeof rig>;

const hrName = (hr: HResult) => formatHr(hr);

/** Brings a fresh sink into each state of the matrix by calls and network answers only. */
const INTO: Record<PushSinkState, (r: Rig) => void> = {
  created: () => {},
  connecting: (r) => {
    r.call({ type: 'push.Connect', url: URL_OK });
  },
  connected: (r) => {
    INTO.connecting(r);
    r.answer(HR.S_OK, 'abc');
  },
  'streaming.afterHeader': (r) => {
    INTO.connected(r);
    r.call({ type: 'sink.OnHeader', header: buf(500) });
    r.drain();
  },
  'streaming.afterEndOfEntry': (r) => {
    INTO['streaming.afterHeader'](r);
    r.call({ type: 'sink.OnEndWriting' });
    r.drain();
  },
  ending: (r) => {
    INTO['streaming.afterHeader'](r);
    r.call({ type: 'push.EndSession' });
  },
  ended: (r) => {
    INTO.ending(r);
    r.drain();
  },
  broken: (r) => {
    INTO.connected(r);
    r.lose(HR.NS_E_RESET_SOCKET_CONNECTION);
  },
};

/** Into a state, then marks: completions() shows only what comes after. */
function enter(r: Rig, state: PushSinkState): void {
  INTO[state](r);
  r.mark();
}

const STATES = Object.keys(INTO) as PushSinkState[];

/** One representative valid call of each method. */
const CALLS: Record<string, PushCallEvent> = {
  Connect: { type: 'push.Connect', url: URL_OK, templateUrl: null, autoDestroy: false },
  Disconnect: { type: 'push.Disconnect' },
  EndSession: { type: 'push.EndSession' },
  OnHeader: { type: 'sink.OnHeader', header: buf(400) },
  IsRealTime: { type: 'sink.IsRealTime' },
  AllocateDataUnit: { type: 'sink.AllocateDataUnit', cbDataUnit: 1_000 },
  OnDataUnit: { type: 'sink.OnDataUnit', unit: buf(1_000) },
  OnEndWriting: { type: 'sink.OnEndWriting' },
};

const P = 'pending' as const;
type Cell = [hr: HResult | typeof P, next: PushSinkState];
const { S_OK, NS_E_NOCONNECTION: NOCONN, NS_E_CONNECTION_FAILURE: CFAIL, NS_E_ALREADY_CONNECTED: ALREADY, NS_E_INVALID_REQUEST: INVREQ } = HR;

/** wmf-push-sink.md §4.5, every [proposed] cell decided (docs/decisions.md, push sink rows). */
const MATRIX: Record<PushSinkState, Record<keyof typeof CALLS, Cell>> = {
  created: {
    Connect: [P, 'connecting'],
    Disconnect: [S_OK, 'created'],
    EndSession: [NOCONN, 'created'],
    OnHeader: [NOCONN, 'created'],
    IsRealTime: [S_OK, 'created'],
    AllocateDataUnit: [S_OK, 'created'],
    OnDataUnit: [NOCONN, 'created'],
    OnEndWriting: [NOCONN, 'created'],
  },
  connecting: {
    Connect: [ALREADY, 'connecting'],
    Disconnect: [S_OK, 'created'],
    EndSession: [NOCONN, 'connecting'],
    OnHeader: [NOCONN, 'connecting'],
    IsRealTime: [S_OK, 'connecting'],
    AllocateDataUnit: [S_OK, 'connecting'],
    OnDataUnit: [NOCONN, 'connecting'],
    OnEndWriting: [NOCONN, 'connecting'],
  },
  connected: {
    Connect: [ALREADY, 'connected'],
    Disconnect: [S_OK, 'created'],
    EndSession: [S_OK, 'ended'],
    OnHeader: [S_OK, 'streaming.afterHeader'],
    IsRealTime: [S_OK, 'connected'],
    AllocateDataUnit: [S_OK, 'connected'],
    OnDataUnit: [INVREQ, 'connected'],
    OnEndWriting: [S_OK, 'connected'],
  },
  'streaming.afterHeader': {
    Connect: [ALREADY, 'streaming.afterHeader'],
    Disconnect: [S_OK, 'created'],
    EndSession: [P, 'ending'],
    OnHeader: [S_OK, 'streaming.afterHeader'],
    IsRealTime: [S_OK, 'streaming.afterHeader'],
    AllocateDataUnit: [S_OK, 'streaming.afterHeader'],
    OnDataUnit: [S_OK, 'streaming.afterHeader'],
    OnEndWriting: [S_OK, 'streaming.afterEndOfEntry'],
  },
  'streaming.afterEndOfEntry': {
    Connect: [ALREADY, 'streaming.afterEndOfEntry'],
    Disconnect: [S_OK, 'created'],
    EndSession: [P, 'ending'],
    OnHeader: [S_OK, 'streaming.afterHeader'],
    IsRealTime: [S_OK, 'streaming.afterEndOfEntry'],
    AllocateDataUnit: [S_OK, 'streaming.afterEndOfEntry'],
    OnDataUnit: [S_OK, 'streaming.afterHeader'],
    OnEndWriting: [S_OK, 'streaming.afterEndOfEntry'],
  },
  ending: {
    Connect: [ALREADY, 'ending'],
    Disconnect: [S_OK, 'created'],
    EndSession: [NOCONN, 'ending'],
    OnHeader: [NOCONN, 'ending'],
    IsRealTime: [S_OK, 'ending'],
    AllocateDataUnit: [S_OK, 'ending'],
    OnDataUnit: [NOCONN, 'ending'],
    OnEndWriting: [NOCONN, 'ending'],
  },
  ended: {
    Connect: [P, 'connecting'],
    Disconnect: [S_OK, 'ended'],
    EndSession: [NOCONN, 'ended'],
    OnHeader: [NOCONN, 'ended'],
    IsRealTime: [S_OK, 'ended'],
    AllocateDataUnit: [S_OK, 'ended'],
    OnDataUnit: [NOCONN, 'ended'],
    OnEndWriting: [NOCONN, 'ended'],
  },
  broken: {
    Connect: [P, 'connecting'],
    Disconnect: [S_OK, 'created'],
    EndSession: [CFAIL, 'broken'],
    OnHeader: [CFAIL, 'broken'],
    IsRealTime: [S_OK, 'broken'],
    AllocateDataUnit: [S_OK, 'broken'],
    OnDataUnit: [CFAIL, 'broken'],
    OnEndWriting: [CFAIL, 'broken'],
  },
};

// ---------------------------------------------------------------------------------------------
// The legality matrix
// ---------------------------------------------------------------------------------------------

describe('legality matrix (spec §4.5): every state × method', () => {
  const cells = STATES.flatMap((state) => Object.keys(CALLS).map((method) => [state, method] as const));
  it.each(cells)('%s × %s', (state, method) => {
    const r = rig();
    enter(r, state);
    expect(r.state()).toBe(state);
    const [hr, next] = MATRIX[state][method]!;
    const reply = r.call(CALLS[method]!);
    if (hr === P) {
      expect(reply).toEqual({ hr: HR.S_OK, out: { pending: true } });
    } else {
      expect(hrName(reply.hr)).toBe(hrName(hr));
      expect(reply.out && (reply.out as { pending?: boolean }).pending).toBeFalsy();
    }
    expect(r.state()).toBe(next);
    expect(unitsAccounted(r.context())).toBe(true);
  });

  it('covers every state and every method', () => {
    expect(Object.keys(MATRIX).sort()).toEqual([...STATES].sort());
    for (const state of STATES) expect(Object.keys(MATRIX[state]).sort()).toEqual(Object.keys(CALLS).sort());
  });

  describe('argument checks come first, in every state', () => {
    it.each(STATES)('%s', (state) => {
      const r = rig();
      enter(r, state);
      expect(r.hr({ type: 'push.Connect', url: null })).toBe(HR.E_INVALIDARG);
      expect(r.hr({ type: 'push.Connect', url: 'ftp://host/pub' })).toBe(HR.NS_E_INVALID_NAME);
      expect(r.hr({ type: 'push.Connect', url: 'not a url' })).toBe(HR.NS_E_INVALID_NAME);
      expect(r.hr({ type: 'push.Connect', url: URL_OK, templateUrl: 'no path' })).toBe(HR.E_INVALIDARG);
      expect(r.hr({ type: 'sink.OnHeader', header: null })).toBe(HR.E_INVALIDARG);
      expect(r.hr({ type: 'sink.OnHeader', header: buf(65_528) })).toBe(HR.E_INVALIDARG);
      expect(r.hr({ type: 'sink.OnDataUnit', unit: null })).toBe(HR.E_INVALIDARG);
      expect(r.hr({ type: 'sink.OnDataUnit', unit: buf(65_536) })).toBe(HR.E_INVALIDARG);
      expect(r.hr({ type: 'sink.IsRealTime', nullPointer: true })).toBe(HR.E_POINTER);
      expect(r.hr({ type: 'sink.AllocateDataUnit', cbDataUnit: 10, nullPointer: true })).toBe(HR.E_POINTER);
      expect(r.hr({ type: 'sink.AllocateDataUnit', cbDataUnit: 65_536 })).toBe(HR.E_INVALIDARG);
      expect(r.state()).toBe(state);
      expect(unitsAccounted(r.context())).toBe(true);
    });
  });

  it('IsRealTime answers TRUE; AllocateDataUnit answers a buffer of the size asked', () => {
    const r = rig();
    expect(r.call({ type: 'sink.IsRealTime' })).toEqual({ hr: HR.S_OK, out: true });
    expect(r.call({ type: 'sink.AllocateDataUnit', cbDataUnit: 4096 })).toEqual({ hr: HR.S_OK, out: { cbDataUnit: 4096 } });
  });
});

// ---------------------------------------------------------------------------------------------
// EndSession's documented codes (seeds: IWMWriterPushSink::EndSession; spec §4.2, §4.7)
// ---------------------------------------------------------------------------------------------

describe('EndSession: S_OK, NS_E_NOCONNECTION, NS_E_CONNECTION_FAILURE', () => {
  it('before any connection: NS_E_NOCONNECTION (0xC00D0005)', () => {
    const r = rig();
    expect(r.hr({ type: 'push.EndSession' })).toBe(0xc00d0005);
    expect(r.opNames()).toEqual([]);
  });

  it('after a Connect that failed: NS_E_NOCONNECTION (there never was a connection)', () => {
    const r = rig();
    r.call({ type: 'push.Connect', url: URL_OK });
    r.answer(HR.NS_E_PUSH_CANNOTCONNECT);
    expect(r.completions()).toEqual([{ type: 'mf.complete', call: 'Connect', hr: HR.NS_E_PUSH_CANNOTCONNECT }]);
    expect(r.state()).toBe('created');
    expect(r.hr({ type: 'push.EndSession' })).toBe(HR.NS_E_NOCONNECTION);
  });

  it('after the connection failed: NS_E_CONNECTION_FAILURE (0xC00D0029), also for the data path', () => {
    const r = rig();
    enter(r, 'streaming.afterHeader');
    r.lose(HR.NS_E_RESET_SOCKET_CONNECTION);
    expect(r.emitted).toContainEqual({ type: 'mf.status', hr: HR.NS_E_RESET_SOCKET_CONNECTION });
    expect(r.state()).toBe('broken');
    expect(r.hr({ type: 'push.EndSession' })).toBe(0xc00d0029);
    expect(r.hr({ type: 'sink.OnDataUnit', unit: buf(10) })).toBe(HR.NS_E_CONNECTION_FAILURE);
  });

  it('when the server is gone while EndSession flushes: returns NS_E_CONNECTION_FAILURE', () => {
    const r = rig();
    enter(r, 'streaming.afterHeader');
    r.call({ type: 'sink.OnDataUnit', unit: buf(10) });
    expect(r.call({ type: 'push.EndSession' })).toEqual({ hr: HR.S_OK, out: { pending: true } });
    r.answer(HR.S_OK); // the $D
    r.answer(HR.NS_E_CONNECTION_FAILURE); // the $E(0): the write failed
    expect(r.completions()).toEqual([{ type: 'mf.complete', call: 'EndSession', hr: HR.NS_E_CONNECTION_FAILURE }]);
    expect(r.state()).toBe('broken');
  });

  it('a reset while EndSession waits: the blocked EndSession returns NS_E_CONNECTION_FAILURE, the unsent unit is reported', () => {
    const r = rig();
    enter(r, 'streaming.afterHeader');
    r.call({ type: 'sink.OnDataUnit', unit: buf(10) });
    r.call({ type: 'push.EndSession' });
    r.lose(HR.NS_E_RESET_SOCKET_CONNECTION);
    expect(r.completions()).toEqual([{ type: 'mf.complete', call: 'EndSession', hr: HR.NS_E_CONNECTION_FAILURE }]);
    expect(r.emitted).toContainEqual({ type: 'mf.unitsFailed', seqs: [0], hr: HR.NS_E_RESET_SOCKET_CONNECTION });
    expect(r.effects).toEqual(['cancelNet', 'closeConnection']);
  });

  it('streaming: flushes the queued data, sends $E(0), returns S_OK once it is written', () => {
    const r = rig();
    enter(r, 'streaming.afterHeader');
    r.call({ type: 'sink.OnDataUnit', unit: buf(10) });
    r.call({ type: 'sink.OnDataUnit', unit: buf(20) });
    r.call({ type: 'push.EndSession' });
    expect(r.completions()).toEqual([]);
    r.drain();
    expect(r.opNames()).toEqual(['connect', 'pushStart', 'data', 'data', 'endSession']);
    expect(r.completions()).toEqual([{ type: 'mf.complete', call: 'EndSession', hr: HR.S_OK }]);
    expect(r.state()).toBe('ended');
    expect(r.context()).toMatchObject({ handed: 2, acked: 2, failed: 0 });
  });

  it('connected without a header: closes the socket and returns S_OK (no PushStart can be sent)', () => {
    const r = rig();
    enter(r, 'connected');
    expect(r.hr({ type: 'push.EndSession' })).toBe(HR.S_OK);
    expect(r.effects).toEqual(['closeConnection']);
    expect(r.opNames()).toEqual(['connect']);
    expect(r.hr({ type: 'push.EndSession' })).toBe(HR.NS_E_NOCONNECTION);
  });

  it('after Disconnect from broken: NS_E_NOCONNECTION', () => {
    const r = rig();
    enter(r, 'broken');
    r.call({ type: 'push.Disconnect' });
    expect(r.hr({ type: 'push.EndSession' })).toBe(HR.NS_E_NOCONNECTION);
  });
});

// ---------------------------------------------------------------------------------------------
// Connect, Disconnect, the wire
// ---------------------------------------------------------------------------------------------

describe('Connect and Disconnect', () => {
  it('Connect asks for PushSetup with the template reduced to a path, and keeps the push-id', () => {
    const r = rig();
    r.call({ type: 'push.Connect', url: 'http://media.example:8080/live', templateUrl: 'http://other.example/tpl/Ü pub', autoDestroy: true });
    expect(r.ops[0]).toEqual({
      op: 'connect',
      input: { host: 'media.example', port: 8080, path: '/live', templatePath: '/tpl/%C3%9C%20pub', autoDestroy: true },
    });
    r.answer(HR.S_OK, 'id-42');
    expect(r.completions()).toEqual([{ type: 'mf.complete', call: 'Connect', hr: HR.S_OK }]);
    expect(r.context().pushId).toBe('id-42');
  });

  it('the default port is 80; a template path is kept as a path', () => {
    expect(checkConnectArgs('http://host/pp', '/tpl', false)).toEqual({
      ok: true,
      input: { host: 'host', port: 80, path: '/pp', templatePath: '/tpl', autoDestroy: false },
    });
    expect(templatePath('http://h:9/a/b?x=1')).toBe('/a/b');
    expect(templatePath('relative')).toBeUndefined();
  });

  it('Disconnect while connecting abandons the connect: Connect returns NS_E_SHUTDOWN', () => {
    const r = rig();
    r.call({ type: 'push.Connect', url: URL_OK });
    expect(r.hr({ type: 'push.Disconnect' })).toBe(HR.S_OK);
    expect(r.completions()).toEqual([{ type: 'mf.complete', call: 'Connect', hr: HR.NS_E_SHUTDOWN }]);
    expect(r.effects).toEqual(['cancelNet', 'closeConnection']);
    // A late answer to the abandoned connect changes nothing.
    r.actor.send({ type: 'net.done', op: 'connect', hr: HR.S_OK });
    expect(r.state()).toBe('created');
  });

  it('Disconnect while streaming closes without $E; unwritten units are reported failed with NS_E_SHUTDOWN', () => {
    const r = rig();
    enter(r, 'streaming.afterHeader');
    r.call({ type: 'sink.OnDataUnit', unit: buf(10) });
    r.call({ type: 'sink.OnDataUnit', unit: buf(10) });
    r.answer(); // first $D written
    expect(r.hr({ type: 'push.Disconnect' })).toBe(HR.S_OK);
    expect(r.emitted).toContainEqual({ type: 'mf.unitsFailed', seqs: [1], hr: HR.NS_E_SHUTDOWN });
    expect(r.opNames()).not.toContain('endSession');
    expect(r.context()).toMatchObject({ handed: 2, acked: 1, failed: 1 });
    expect(r.state()).toBe('created');
  });

  it('Connect after EndSession starts a new session with push-id 0', () => {
    const r = rig();
    enter(r, 'ended');
    r.call({ type: 'push.Connect', url: URL_OK });
    expect(r.context().pushId).toBe('0');
  });
});

describe('the data path on the wire (spec §4.4, §2.11 Figure 9)', () => {
  it('header, data, end of entry, a new header as $C, data, end of session', () => {
    const r = rig();
    enter(r, 'connected');
    r.call({ type: 'sink.OnHeader', header: buf(300) });
    for (let i = 0; i < 3; i++) r.call({ type: 'sink.OnDataUnit', unit: buf(100) });
    r.call({ type: 'sink.OnEndWriting' });
    r.call({ type: 'sink.OnHeader', header: buf(310) });
    r.call({ type: 'sink.OnDataUnit', unit: buf(100) });
    r.call({ type: 'push.EndSession' });
    r.drain();
    expect(r.opNames()).toEqual(['connect', 'pushStart', 'data', 'data', 'data', 'endOfEntry', 'streamChange', 'data', 'endSession']);
    expect(r.ops.filter((o) => o.op === 'data').map((o) => (o.input as { seq: number }).seq)).toEqual([0, 1, 2, 3]);
    expect(r.state()).toBe('ended');
  });

  it('a header repeated mid-entry is remembered, not sent ($C only follows $E(1))', () => {
    const r = rig();
    enter(r, 'streaming.afterHeader');
    r.call({ type: 'sink.OnHeader', header: buf(777) });
    r.drain();
    expect(r.opNames()).toEqual(['connect', 'pushStart']);
    r.call({ type: 'sink.OnEndWriting' });
    r.call({ type: 'sink.OnDataUnit', unit: buf(5) }); // new entry without a header: the last one goes out as $C
    r.drain();
    expect(r.ops.slice(2)).toEqual([
      { op: 'endOfEntry', input: {} },
      { op: 'streamChange', input: { header: buf(777) } },
      { op: 'data', input: { seq: 0, unit: buf(5) } },
    ]);
  });

  it('after a broken connection and a new Connect, the last header is sent again as $H before data', () => {
    const r = rig();
    enter(r, 'streaming.afterHeader');
    r.lose(HR.NS_E_CONNECTION_FAILURE);
    r.call({ type: 'push.Connect', url: URL_OK });
    r.answer(HR.S_OK, 'again');
    expect(r.hr({ type: 'sink.OnDataUnit', unit: buf(9) })).toBe(HR.S_OK);
    r.drain();
    expect(r.opNames()).toEqual(['connect', 'pushStart', 'connect', 'pushStart', 'data']);
    expect(r.ops[3]).toEqual({ op: 'pushStart', input: { header: buf(500) } });
  });

  it('backpressure: OnDataUnit blocks while more than maxQueued units wait, and returns when one is written', () => {
    const r = rig({ maxQueued: 2 });
    enter(r, 'streaming.afterHeader');
    expect(r.hr({ type: 'sink.OnDataUnit', unit: buf(1) })).toBe(HR.S_OK);
    expect(r.hr({ type: 'sink.OnDataUnit', unit: buf(1) })).toBe(HR.S_OK);
    expect(r.call({ type: 'sink.OnDataUnit', unit: buf(1) })).toEqual({ hr: HR.S_OK, out: { pending: true } });
    expect(queuedUnits(r.context())).toBe(3);
    // A second caller while one is blocked is refused (and counted as failed).
    expect(r.hr({ type: 'sink.OnDataUnit', unit: buf(1) })).toBe(HR.NS_E_INVALID_REQUEST);
    expect(r.completions()).toEqual([]);
    r.answer();
    expect(r.completions()).toEqual([{ type: 'mf.complete', call: 'OnDataUnit', hr: HR.S_OK }]);
    r.drain();
    expect(r.context()).toMatchObject({ handed: 4, acked: 3, failed: 1, blocked: [] });
  });

  it('backpressure by bytes: OnDataUnit blocks while more than maxQueuedBytes wait, and returns once they fit', () => {
    const r = rig({ maxQueued: 100, maxQueuedBytes: 10_000 });
    enter(r, 'streaming.afterHeader');
    expect(r.hr({ type: 'sink.OnDataUnit', unit: buf(6_000) })).toBe(HR.S_OK);
    expect(r.hr({ type: 'sink.OnDataUnit', unit: buf(4_000) })).toBe(HR.S_OK); // 10,000: at the bound, not over it
    expect(r.call({ type: 'sink.OnDataUnit', unit: buf(1) })).toEqual({ hr: HR.S_OK, out: { pending: true } });
    expect(r.context()).toMatchObject({ queuedBytes: 10_001 });
    r.answer(); // the 6,000-byte unit written: 4,001 bytes wait
    expect(r.completions()).toEqual([{ type: 'mf.complete', call: 'OnDataUnit', hr: HR.S_OK }]);
    expect(r.context()).toMatchObject({ queuedBytes: 4_001, acked: 1 });
    r.drain();
    expect(r.context()).toMatchObject({ queuedBytes: 0, handed: 3, acked: 3, failed: 0 });
  });

  it('a blocked OnDataUnit returns NS_E_CONNECTION_FAILURE when the connection breaks', () => {
    const r = rig({ maxQueued: 1 });
    enter(r, 'streaming.afterHeader');
    r.call({ type: 'sink.OnDataUnit', unit: buf(1) });
    r.call({ type: 'sink.OnDataUnit', unit: buf(1) });
    r.answer(HR.NS_E_RESET_SOCKET_CONNECTION);
    expect(r.completions()).toEqual([{ type: 'mf.complete', call: 'OnDataUnit', hr: HR.NS_E_CONNECTION_FAILURE }]);
    expect(r.emitted).toContainEqual({ type: 'mf.unitsFailed', seqs: [0, 1], hr: HR.NS_E_RESET_SOCKET_CONNECTION });
    expect(r.context()).toMatchObject({ handed: 2, acked: 0, failed: 2 });
  });

  it('time travels on events: `since` is when the state was entered', () => {
    const r = rig();
    r.actor.send({ type: 'push.Connect', url: URL_OK, now: 12_345 });
    expect(r.context().since).toBe(12_345);
  });
});

describe('fault → HRESULT mapping (spec §4.7)', () => {
  it.each([
    [{ kind: 'dns' } as const, HR.NS_E_INVALID_NAME],
    [{ kind: 'refused' } as const, HR.NS_E_PUSH_CANNOTCONNECT],
    [{ kind: 'connectTimeout' } as const, HR.NS_E_CONNECT_TIMEOUT],
    [{ kind: 'incompatibleServer' } as const, HR.NS_E_INCOMPATIBLE_PUSH_SERVER],
    [{ kind: 'reset' } as const, HR.NS_E_RESET_SOCKET_CONNECTION],
    [{ kind: 'closed' } as const, HR.NS_E_CONNECTION_FAILURE],
    [{ kind: 'http', status: 401 } as const, HR.NS_E_SERVER_ACCESSDENIED],
    [{ kind: 'http', status: 407 } as const, HR.NS_E_PROXY_ACCESSDENIED],
    [{ kind: 'http', status: 400 } as const, HR.NS_E_BAD_REQUEST],
    [{ kind: 'http', status: 404 } as const, HR.NS_E_INVALID_PUSH_PUBLISHING_POINT],
    [{ kind: 'http', status: 404, templateSent: true } as const, HR.NS_E_INVALID_PUSH_TEMPLATE],
    [{ kind: 'http', status: 408 } as const, HR.NS_E_TIMEOUT],
    [{ kind: 'http', status: 500 } as const, HR.NS_E_INTERNAL_SERVER_ERROR],
    [{ kind: 'http', status: 503 } as const, HR.NS_E_SERVER_UNAVAILABLE],
  ])('%o → %s', (fault, hr) => {
    expect(hrName(pushFaultHr(fault))).toBe(hrName(hr));
  });
  it('the NS_E_* values are the spec’s', () => {
    expect(HR.NS_E_ALREADY_CONNECTED).toBe(0xc00d0010);
    expect(HR.NS_E_PUSH_CANNOTCONNECT).toBe(0xc00d2f0b);
    expect(HR.NS_E_INCOMPATIBLE_PUSH_SERVER).toBe(0xc00d2f0c);
    expect(httpStatusHr(422)).toBe(HR.NS_E_BAD_REQUEST);
  });
});

// ---------------------------------------------------------------------------------------------
// Nothing lost (fast-check): handed = acknowledged + reported (+ still queued)
// ---------------------------------------------------------------------------------------------

const FAILURES = [HR.NS_E_CONNECTION_FAILURE, HR.NS_E_RESET_SOCKET_CONNECTION, HR.NS_E_TIMEOUT, HR.NS_E_PUSH_CANNOTCONNECT, HR.NS_E_SERVER_ACCESSDENIED];

type Step =
  | { kind: 'call'; event: PushCallEvent }
  | { kind: 'ok'; pushId?: string }
  | { kind: 'fail'; hr: HResult }
  | { kind: 'lost'; hr: HResult };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom<PushCallEvent>({ type: 'push.Connect', url: URL_OK }, { type: 'push.Connect', url: URL_OK }, { type: 'push.Connect', url: null }).map((event) => ({ kind: 'call' as const, event })) },
  { weight: 1, arbitrary: fc.constant<Step>({ kind: 'call', event: { type: 'push.Disconnect' } }) },
  { weight: 1, arbitrary: fc.constant<Step>({ kind: 'call', event: { type: 'push.EndSession' } }) },
  { weight: 2, arbitrary: fc.oneof(fc.integer({ min: 1, max: 4000 }), fc.integer({ min: 0, max: 70_000 })).map((n): Step => ({ kind: 'call', event: { type: 'sink.OnHeader', header: buf(n) } })) },
  {
    weight: 6,
    arbitrary: fc
      .oneof(fc.constant(null), fc.integer({ min: 0, max: 66_000 }), fc.integer({ min: 1, max: 1500 }))
      .map((n): Step => ({ kind: 'call', event: { type: 'sink.OnDataUnit', unit: n === null ? null : buf(n) } })),
  },
  { weight: 1, arbitrary: fc.constant<Step>({ kind: 'call', event: { type: 'sink.OnEndWriting' } }) },
  { weight: 1, arbitrary: fc.constant<Step>({ kind: 'call', event: { type: 'sink.IsRealTime' } }) },
  { weight: 1, arbitrary: fc.constant<Step>({ kind: 'call', event: { type: 'sink.AllocateDataUnit', cbDataUnit: 100 } }) },
  { weight: 8, arbitrary: fc.constant<Step>({ kind: 'ok', pushId: 'p' }) },
  { weight: 1, arbitrary: fc.constantFrom(...FAILURES).map((hr): Step => ({ kind: 'fail', hr })) },
  { weight: 1, arbitrary: fc.constantFrom(...FAILURES).map((hr): Step => ({ kind: 'lost', hr })) },
);

describe('nothing lost (issue 5 §6): every unit handed is acknowledged or reported failed', () => {
  it('random calls and network outcomes', () => {
    let interesting = 0; // runs where units were both written and reported failed
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 10, maxLength: 120, size: 'max' }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 8_000 }), (steps, maxQueued, maxQueuedBytes) => {
        const r = rig({ maxQueued, maxQueuedBytes });
        let handed = 0;
        let refusedAtOnce = 0;
        const acked = new Set<number>();
        const reported = new Set<number>();
        const pendingCalls: Record<string, number> = {};
        const check = () => {
          const ctx = r.context();
          expect(unitsAccounted(ctx)).toBe(true);
          expect(ctx.handed).toBe(handed);
          expect(ctx.acked).toBe(acked.size);
          expect(ctx.failed).toBe(refusedAtOnce + reported.size);
          // The byte count is the outbox's, and both bounds hold whenever no OnDataUnit is blocked (P21, P41).
          expect(ctx.queuedBytes).toBe(ctx.outbox.reduce((n, item) => n + (item.op === 'data' ? item.unit.length : 0), 0));
          if (!ctx.blocked.includes('OnDataUnit')) {
            expect(queuedUnits(ctx)).toBeLessThanOrEqual(maxQueued);
            expect(ctx.queuedBytes).toBeLessThanOrEqual(maxQueuedBytes);
          }
        };
        let seen = 0;
        const absorb = () => {
          for (const e of r.emitted.slice(seen)) {
            if (e.type === 'mf.unitsFailed') {
              for (const seq of e.seqs) {
                expect(acked.has(seq) || reported.has(seq), `unit ${seq} reported twice or after its ack`).toBe(false);
                reported.add(seq);
              }
            }
            if (e.type === 'mf.complete') {
              expect(pendingCalls[e.call] ?? 0, `${e.call} completed without being blocked`).toBeGreaterThan(0);
              pendingCalls[e.call]!--;
            }
          }
          seen = r.emitted.length;
        };
        for (const step of steps) {
          switch (step.kind) {
            case 'call': {
              const reply = r.call(step.event);
              if (step.event.type === 'sink.OnDataUnit' && step.event.unit !== null) {
                handed++;
                if (reply.hr !== HR.S_OK) refusedAtOnce++;
              }
              if ((reply.out as { pending?: boolean } | undefined)?.pending) {
                const name = step.event.type.split('.')[1]!;
                pendingCalls[name] = (pendingCalls[name] ?? 0) + 1;
              }
              break;
            }
            case 'ok':
            case 'fail':
              if (r.outstanding) {
                const request = r.answer(step.kind === 'ok' ? HR.S_OK : step.hr, step.kind === 'ok' ? step.pushId : undefined);
                if (request.op === 'data' && step.kind === 'ok') acked.add(request.input.seq);
              }
              break;
            case 'lost':
              r.lose(step.hr);
              break;
          }
          absorb();
          check();
        }
        // Settle: whatever the state, a Disconnect leaves nothing queued and nobody blocked.
        r.call({ type: 'push.Disconnect' });
        absorb();
        check();
        const ctx = r.context();
        expect(queuedUnits(ctx)).toBe(0);
        expect(ctx.blocked).toEqual([]);
        expect(Object.values(pendingCalls).every((n) => n === 0)).toBe(true);
        expect(handed).toBe(acked.size + reported.size + refusedAtOnce);
        if (acked.size > 0 && reported.size > 0) interesting++;
      }),
      { numRuns: 400 },
    );
    expect(interesting).toBeGreaterThan(20);
  });
});
