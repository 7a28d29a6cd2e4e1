/**
 * The presentation clock (docs/research-clock-and-session.md §1-§3, spec §6.1): the state-change
 * table, GetTime arithmetic on simulated time, rate, shutdown. Every table runs twice: on the
 * standalone clock statechart (createActor(presentationClockMachine), MFCreatePresentationClock)
 * and on the clock a session hands out (handle.call({ type: 'clock.*' }) on the mock platform).
 */
import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { presentationClockMachine } from '../machines/presentationClockMachine.js';
import { CLOCK_STATE_TABLE, INITIAL_CLOCK, clockTime } from '../machines/clockTable.js';
import { createMockPlatform } from '../adapters/mock/createMockPlatform.js';
import { createSession } from '../actors/createSession.js';
import { HR, type HResult } from '../machines/hresult.js';
import type { ClockStateName } from '../machines/constants.js';
import type { ClockCallEvent } from '../machines/sessionEvents.js';

// ---------------------------------------------------------------------------------------------
// Two drivers with one surface
// ---------------------------------------------------------------------------------------------

type ClockCall = ClockCallEvent extends infer E ? (E extends { type: string } ? Omit<E, 'now'> : never) : never;

interface ClockDriver {
  /** Calls a clock method at the current simulated time. */
  call(event: ClockCall): { hr: HResult; out?: unknown };
  /** Sink notifications since the last take. */
  takeNotes(): string[];
  /** Simulated time. */
  now(): number;
  advance(hns: number): void;
  /** The statechart's own state node, when the driver has one (standalone clock). */
  stateNode(): string | undefined;
}

function standaloneClock(): ClockDriver {
  const actor = createActor(presentationClockMachine).start();
  let time = 1_000_000_000; // far from 0, so presentation time and system time never coincide
  let notes: string[] = [];
  actor.on('mf.clockSinks', (event) => notes.push(event.notification));
  return {
    call(event) {
      actor.send({ ...event, now: time } as ClockCallEvent);
      return actor.getSnapshot().context.reply;
    },
    takeNotes() {
      const taken = notes;
      notes = [];
      return taken;
    },
    now: () => time,
    advance(hns) {
      time += hns;
    },
    stateNode: () => actor.getSnapshot().value as string,
  };
}

function sessionClock(): ClockDriver {
  const platform = createMockPlatform({ sources: { s1: {} }, sinks: { k1: {} } });
  platform.clock.advanceBy(1_000_000_000);
  const session = createSession({ adapter: platform.adapter });
  let notes: string[] = [];
  session.actor.on('mf.clockSinks', (event) => notes.push(event.notification));
  return {
    call: (event) => session.call(event as ClockCallEvent),
    takeNotes() {
      const taken = notes;
      notes = [];
      return taken;
    },
    now: () => platform.clock.now,
    advance: (hns) => platform.clock.advanceBy(hns),
    stateNode: () => undefined,
  };
}

const DRIVERS: [string, () => ClockDriver][] = [
  ['standalone clock (presentationClockMachine)', standaloneClock],
  ["session's clock (handle.call)", sessionClock],
];

const stateOf = (c: ClockDriver) => c.call({ type: 'clock.GetState' }).out as ClockStateName;
const timeOf = (c: ClockDriver) => c.call({ type: 'clock.GetTime' });

/** Brings a clock with a time source into a state. */
function clockIn(make: () => ClockDriver, state: ClockStateName, withTimeSource = true): ClockDriver {
  const c = make();
  if (withTimeSource) expect(c.call({ type: 'clock.SetTimeSource' }).hr).toBe(HR.S_OK);
  if (state === 'RUNNING' || state === 'PAUSED' || state === 'STOPPED') expect(c.call({ type: 'clock.Start', position: 0 }).hr).toBe(HR.S_OK);
  if (state === 'PAUSED') expect(c.call({ type: 'clock.Pause' }).hr).toBe(HR.S_OK);
  if (state === 'STOPPED') expect(c.call({ type: 'clock.Stop' }).hr).toBe(HR.S_OK);
  expect(stateOf(c)).toBe(state);
  c.takeNotes();
  c.advance(1_000_000);
  return c;
}

// ---------------------------------------------------------------------------------------------
// §1.2 the state-change table
// ---------------------------------------------------------------------------------------------

type Cmd = 'Start(pos)' | 'Start(CURRENT)' | 'Pause' | 'Stop';
const SEND: Record<Cmd, ClockCall> = {
  'Start(pos)': { type: 'clock.Start', position: 20_000_000 },
  'Start(CURRENT)': { type: 'clock.Start', position: null },
  Pause: { type: 'clock.Pause' },
  Stop: { type: 'clock.Stop' },
};

interface Row {
  from: ClockStateName;
  cmd: Cmd;
  hr: HResult;
  to: ClockStateName;
  note: string | null;
  why: string;
}

const TABLE: Row[] = [
  { from: 'INVALID', cmd: 'Start(pos)', hr: HR.S_OK, to: 'RUNNING', note: 'OnClockStart', why: '[WT T:4462-4465]' },
  { from: 'INVALID', cmd: 'Start(CURRENT)', hr: HR.S_OK, to: 'RUNNING', note: 'OnClockStart', why: '[WI S:3166-3167]' },
  { from: 'INVALID', cmd: 'Pause', hr: HR.S_OK, to: 'PAUSED', note: 'OnClockPause', why: '[WI C:610-615, WT P:4978]' },
  { from: 'INVALID', cmd: 'Stop', hr: HR.S_OK, to: 'STOPPED', note: 'OnClockStop', why: '[WT T:4121]' },
  { from: 'RUNNING', cmd: 'Start(pos)', hr: HR.S_OK, to: 'RUNNING', note: 'OnClockStart', why: 'seek [WT T:4125]' },
  { from: 'RUNNING', cmd: 'Start(CURRENT)', hr: HR.S_OK, to: 'RUNNING', note: 'OnClockStart', why: '[WI]' },
  { from: 'RUNNING', cmd: 'Pause', hr: HR.S_OK, to: 'PAUSED', note: 'OnClockPause', why: '[WT T:4126, 4134]' },
  { from: 'RUNNING', cmd: 'Stop', hr: HR.S_OK, to: 'STOPPED', note: 'OnClockStop', why: '[WT T:4130]' },
  { from: 'STOPPED', cmd: 'Start(pos)', hr: HR.S_OK, to: 'RUNNING', note: 'OnClockStart', why: '[WT T:4124, 4129, 4133]' },
  { from: 'STOPPED', cmd: 'Start(CURRENT)', hr: HR.S_OK, to: 'RUNNING', note: 'OnClockStart', why: 'not a restart [WI C:619-625]' },
  { from: 'STOPPED', cmd: 'Pause', hr: HR.MF_E_INVALIDREQUEST, to: 'STOPPED', note: null, why: '[WT T:4122, 4132]' },
  { from: 'STOPPED', cmd: 'Stop', hr: HR.MF_E_CLOCK_STATE_ALREADY_SET, to: 'STOPPED', note: null, why: '[WT T:4123, 4131]' },
  { from: 'PAUSED', cmd: 'Start(pos)', hr: HR.S_OK, to: 'RUNNING', note: 'OnClockStart', why: '[WT T:4135, 4350; T:9452]' },
  { from: 'PAUSED', cmd: 'Start(CURRENT)', hr: HR.S_OK, to: 'RUNNING', note: 'OnClockRestart', why: '[WI C:619-623; MS]' },
  { from: 'PAUSED', cmd: 'Pause', hr: HR.MF_E_CLOCK_STATE_ALREADY_SET, to: 'PAUSED', note: null, why: '[WT T:4127]' },
  { from: 'PAUSED', cmd: 'Stop', hr: HR.S_OK, to: 'STOPPED', note: 'OnClockStop', why: '[WT T:4128]' },
];

describe.each(DRIVERS)('%s', (_name, make) => {
  describe('state-change table with a time source (research §1.2)', () => {
    it.each(TABLE)('$from × $cmd → $hr, $to, $note $why', ({ from, cmd, hr, to, note }) => {
      const c = clockIn(make, from);
      expect(c.call(SEND[cmd]).hr).toBe(hr);
      expect(stateOf(c)).toBe(to);
      expect(c.takeNotes()).toEqual(note === null ? [] : [note]);
      const node = c.stateNode();
      if (node !== undefined) expect(node).toBe(to);
    });
  });

  describe('without a time source everything that needs one fails (research §1.2, §2)', () => {
    it.each(['Start(pos)', 'Start(CURRENT)', 'Pause', 'Stop'] as Cmd[])('%s → MF_E_CLOCK_NO_TIME_SOURCE, INVALID, no notification [WT T:4238-4245]', (cmd) => {
      const c = clockIn(make, 'INVALID', false);
      expect(c.call(SEND[cmd]).hr).toBe(HR.MF_E_CLOCK_NO_TIME_SOURCE);
      expect(stateOf(c)).toBe('INVALID');
      expect(c.takeNotes()).toEqual([]);
    });

    it('SetRate(FALSE) / GetTime / GetProperties / GetTimeSource → MF_E_CLOCK_NO_TIME_SOURCE [WT T:4179-4248]', () => {
      const c = clockIn(make, 'INVALID', false);
      expect(c.call({ type: 'clock.SetRate', thin: false, rate: 2 }).hr).toBe(HR.MF_E_CLOCK_NO_TIME_SOURCE);
      expect(c.call({ type: 'clock.GetTime' }).hr).toBe(HR.MF_E_CLOCK_NO_TIME_SOURCE);
      expect(c.call({ type: 'clock.GetProperties' }).hr).toBe(HR.MF_E_CLOCK_NO_TIME_SOURCE);
      expect(c.call({ type: 'clock.GetTimeSource' }).hr).toBe(HR.MF_E_CLOCK_NO_TIME_SOURCE);
      expect(c.call({ type: 'clock.GetRate' })).toEqual({ hr: HR.S_OK, out: 1 });
      expect(c.takeNotes()).toEqual([]);
    });

    it('GetTime(NULL) is E_POINTER, checked before the time source [WT T:4194-4195]', () => {
      const c = clockIn(make, 'INVALID', false);
      expect(c.call({ type: 'clock.GetTime', nullPointer: true }).hr).toBe(HR.E_POINTER);
    });

    it('GetState is S_OK and INVALID, also right after SetTimeSource [WT T:4205-4207, 4275-4277]', () => {
      const c = clockIn(make, 'INVALID', false);
      expect(c.call({ type: 'clock.GetState' })).toEqual({ hr: HR.S_OK, out: 'INVALID' });
      expect(c.call({ type: 'clock.SetTimeSource' }).hr).toBe(HR.S_OK);
      expect(c.call({ type: 'clock.GetState' })).toEqual({ hr: HR.S_OK, out: 'INVALID' });
      expect(c.call({ type: 'clock.GetProperties' }).hr).toBe(HR.S_OK);
      expect(c.call({ type: 'clock.GetTimeSource' }).hr).toBe(HR.S_OK);
    });
  });

  describe('SetRate', () => {
    it.each(['INVALID', 'RUNNING', 'STOPPED', 'PAUSED'] as ClockStateName[])(
      'SetRate(TRUE, r) in %s → MF_E_THINNING_UNSUPPORTED, nothing changes [WT T:4364-4369]',
      (state) => {
        const c = clockIn(make, state);
        for (const rate of [-1, 0, 1, 2]) expect(c.call({ type: 'clock.SetRate', thin: true, rate }).hr).toBe(HR.MF_E_THINNING_UNSUPPORTED);
        expect(c.call({ type: 'clock.GetRate' }).out).toBe(1);
        expect(stateOf(c)).toBe(state);
        expect(c.takeNotes()).toEqual([]);
      },
    );

    it('SetRate(TRUE) is checked before the time source [WI C:755-756]', () => {
      const c = clockIn(make, 'INVALID', false);
      expect(c.call({ type: 'clock.SetRate', thin: true, rate: 1 }).hr).toBe(HR.MF_E_THINNING_UNSUPPORTED);
    });

    it.each(['INVALID', 'RUNNING', 'STOPPED', 'PAUSED'] as ClockStateName[])(
      'SetRate(FALSE, r) in %s → S_OK (also unchanged), OnClockSetRate, state unchanged [WT T:4279-4285, 4353-4363; WI C:610]',
      (state) => {
        const c = clockIn(make, state);
        for (const rate of [0.5, 0.5, 0, 2]) {
          expect(c.call({ type: 'clock.SetRate', thin: false, rate }).hr).toBe(HR.S_OK);
          expect(c.call({ type: 'clock.GetRate' })).toEqual({ hr: HR.S_OK, out: rate });
          expect(c.takeNotes()).toEqual(['OnClockSetRate']);
        }
        expect(stateOf(c)).toBe(state);
      },
    );
  });

  // -------------------------------------------------------------------------------------------
  // §3 GetTime arithmetic on simulated time
  // -------------------------------------------------------------------------------------------

  describe('GetTime arithmetic (research §3)', () => {
    it('a time source that never started reads 0 [WI Q:8137; WT T:7376-7378]', () => {
      const c = clockIn(make, 'INVALID');
      expect(timeOf(c)).toEqual({ hr: HR.S_OK, out: 0 });
      c.advance(12_345);
      expect(timeOf(c)).toEqual({ hr: HR.S_OK, out: 0 });
    });

    it('running: pos + (now − t0); a Start(pos) while running is a seek [WT P:5132-5144; T:9523-9525]', () => {
      const c = clockIn(make, 'INVALID');
      c.call({ type: 'clock.Start', position: 30_000_000 });
      expect(timeOf(c).out).toBe(30_000_000);
      c.advance(2_500_000);
      expect(timeOf(c).out).toBe(32_500_000);
      c.call({ type: 'clock.Start', position: 1_000 });
      expect(timeOf(c).out).toBe(1_000);
      c.advance(7);
      expect(timeOf(c).out).toBe(1_007);
    });

    it('a negative position works [WT T:9538-9544]', () => {
      const c = clockIn(make, 'INVALID');
      c.call({ type: 'clock.Start', position: -10_000_000 });
      c.advance(4_000_000);
      expect(timeOf(c).out).toBe(-6_000_000);
    });

    it('Start(CURRENT_POSITION) while running does not re-base [WI Q:8278]', () => {
      const c = clockIn(make, 'INVALID');
      c.call({ type: 'clock.Start', position: 5_000_000 });
      c.advance(1_000_000);
      c.call({ type: 'clock.Start', position: null });
      c.advance(1_000_000);
      expect(timeOf(c).out).toBe(7_000_000);
    });

    it('paused: frozen at the value of the Pause; restart continues from it [WT P:5147-5159]', () => {
      const c = clockIn(make, 'INVALID');
      c.call({ type: 'clock.Start', position: 0 });
      c.advance(3_000_000);
      c.call({ type: 'clock.Pause' });
      expect(timeOf(c).out).toBe(3_000_000);
      c.advance(50_000_000);
      expect(timeOf(c).out).toBe(3_000_000);
      c.call({ type: 'clock.Start', position: null });
      expect(c.takeNotes().at(-1)).toBe('OnClockRestart');
      c.advance(2_000_000);
      expect(timeOf(c).out).toBe(5_000_000);
    });

    it('a seek from paused jumps to the position and runs [WT T:9565-9579]', () => {
      const c = clockIn(make, 'PAUSED');
      c.call({ type: 'clock.Start', position: 40_000_000 });
      c.advance(1_000_000);
      expect(timeOf(c).out).toBe(41_000_000);
    });

    it('stopped: 0; Start(CURRENT_POSITION) after Stop counts from 0 [WT P:5170-5175; research §3]', () => {
      const c = clockIn(make, 'INVALID');
      c.call({ type: 'clock.Start', position: 9_000_000 });
      c.advance(1_000_000);
      c.call({ type: 'clock.Stop' });
      expect(timeOf(c)).toEqual({ hr: HR.S_OK, out: 0 });
      c.advance(1_000_000);
      expect(timeOf(c).out).toBe(0);
      c.call({ type: 'clock.Start', position: null });
      c.advance(3_000);
      expect(timeOf(c).out).toBe(3_000);
    });

    it('Pause straight from INVALID freezes at 0', () => {
      const c = clockIn(make, 'INVALID');
      c.call({ type: 'clock.Pause' });
      c.advance(1_000_000);
      expect(timeOf(c).out).toBe(0);
    });

    it('rate set before the start scales the elapsed time [WT P:5253-5269 (r = 2)]', () => {
      const c = clockIn(make, 'STOPPED');
      c.call({ type: 'clock.SetRate', thin: false, rate: 2 });
      c.call({ type: 'clock.Start', position: 1_000 });
      c.advance(3_000_000);
      expect(timeOf(c).out).toBe(6_001_000);
      c.call({ type: 'clock.Pause' });
      c.advance(3_000_000);
      expect(timeOf(c).out).toBe(6_001_000);
    });

    it('SetRate while running applies to the whole interval since the last start/pause/restart, no re-base [WT P:5178-5192]', () => {
      const c = clockIn(make, 'INVALID');
      c.call({ type: 'clock.Start', position: 0 });
      c.advance(5_000_000);
      c.call({ type: 'clock.SetRate', thin: false, rate: 2 });
      c.advance(1_000_000);
      c.call({ type: 'clock.Pause' });
      expect(timeOf(c).out).toBe(12_000_000);
    });

    it('rate set while paused applies from the restart', () => {
      const c = clockIn(make, 'INVALID');
      c.call({ type: 'clock.Start', position: 0 });
      c.advance(1_000_000);
      c.call({ type: 'clock.Pause' });
      c.call({ type: 'clock.SetRate', thin: false, rate: 0.5 });
      c.advance(5_000_000);
      expect(timeOf(c).out).toBe(1_000_000);
      c.call({ type: 'clock.Start', position: null });
      c.advance(2_000_000);
      expect(timeOf(c).out).toBe(2_000_000);
    });

    it('GetTime equals the pure clockTime() of the clock table at every step', () => {
      const c = clockIn(make, 'INVALID');
      const steps: ClockCall[] = [
        { type: 'clock.Start', position: 100 },
        { type: 'clock.Pause' },
        { type: 'clock.SetRate', thin: false, rate: 3 },
        { type: 'clock.Start', position: null },
        { type: 'clock.Stop' },
        { type: 'clock.Start', position: -50 },
      ];
      let expected = 0;
      let data = { ...INITIAL_CLOCK, hasTimeSource: true };
      for (const step of steps) {
        c.call(step);
        c.advance(777);
        // Mirror the step on the pure table to get an independent expectation.
        if (step.type === 'clock.Start') {
          const anchorTime = step.position === null ? clockTime(data, c.now() - 777) : step.position;
          data = { ...data, state: 'RUNNING', anchorTime, anchorNow: c.now() - 777 };
        } else if (step.type === 'clock.Pause') {
          data = { ...data, state: 'PAUSED', anchorTime: clockTime(data, c.now() - 777), anchorNow: c.now() - 777 };
        } else if (step.type === 'clock.Stop') {
          data = { ...data, state: 'STOPPED', anchorTime: 0, anchorNow: c.now() - 777 };
        } else if (step.type === 'clock.SetRate') {
          data = { ...data, rate: step.rate };
        }
        expected = clockTime(data, c.now());
        expect(timeOf(c).out).toBe(expected);
      }
      expect(expected).toBe(-50 + 3 * 777);
    });
  });

  // -------------------------------------------------------------------------------------------
  // §2 shutdown
  // -------------------------------------------------------------------------------------------

  describe('IMFShutdown (research §2)', () => {
    it('GetShutdownStatus before Shutdown → MF_E_INVALIDREQUEST [WT T:4416-4417, 3421-3422]', () => {
      const c = clockIn(make, 'INVALID', false);
      expect(c.call({ type: 'clock.GetShutdownStatus' }).hr).toBe(HR.MF_E_INVALIDREQUEST);
    });

    it('GetShutdownStatus(NULL) → E_INVALIDARG, before and after Shutdown [WT T:4413-4414]', () => {
      const c = clockIn(make, 'INVALID', false);
      expect(c.call({ type: 'clock.GetShutdownStatus', nullPointer: true }).hr).toBe(HR.E_INVALIDARG);
      c.call({ type: 'clock.Shutdown' });
      expect(c.call({ type: 'clock.GetShutdownStatus', nullPointer: true }).hr).toBe(HR.E_INVALIDARG);
    });

    it('Shutdown twice S_OK; then GetShutdownStatus S_OK / COMPLETED [WT T:4419-4443]', () => {
      const c = clockIn(make, 'RUNNING');
      expect(c.call({ type: 'clock.Shutdown' }).hr).toBe(HR.S_OK);
      expect(c.call({ type: 'clock.GetShutdownStatus' })).toEqual({ hr: HR.S_OK, out: 'COMPLETED' });
      expect(c.call({ type: 'clock.Shutdown' }).hr).toBe(HR.S_OK);
      expect(c.call({ type: 'clock.GetShutdownStatus' })).toEqual({ hr: HR.S_OK, out: 'COMPLETED' });
    });

    it('a shut-down clock keeps its state and keeps answering: GetTimeSource / GetTime / Start(0) S_OK [WT T:4423-4436]', () => {
      const c = clockIn(make, 'RUNNING');
      const before = timeOf(c).out as number;
      c.call({ type: 'clock.Shutdown' });
      expect(stateOf(c)).toBe('RUNNING');
      expect(c.call({ type: 'clock.GetTimeSource' }).hr).toBe(HR.S_OK);
      c.advance(10);
      expect(timeOf(c)).toEqual({ hr: HR.S_OK, out: before + 10 });
      expect(c.call({ type: 'clock.Start', position: 0 }).hr).toBe(HR.S_OK);
      expect(timeOf(c)).toEqual({ hr: HR.S_OK, out: 0 });
      expect(c.call({ type: 'clock.Pause' }).hr).toBe(HR.S_OK);
      expect(stateOf(c)).toBe('PAUSED');
    });

    it('SetTimeSource does not reset the state [WI C:356-395]', () => {
      const c = clockIn(make, 'PAUSED');
      expect(c.call({ type: 'clock.SetTimeSource' }).hr).toBe(HR.S_OK);
      expect(stateOf(c)).toBe('PAUSED');
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Consistency of the pure table, and the session's own use of its clock
// ---------------------------------------------------------------------------------------------

describe('CLOCK_STATE_TABLE agrees with the tested rows', () => {
  it.each(TABLE.filter((row) => row.cmd !== 'Start(CURRENT)'))('$from × $cmd', ({ from, cmd, hr }) => {
    const command = cmd === 'Start(pos)' ? 'Start' : cmd;
    const verdict = CLOCK_STATE_TABLE[from][command as 'Start' | 'Pause' | 'Stop'];
    expect(verdict === 'ok' ? HR.S_OK : verdict).toBe(hr);
  });
});

describe("the session's clock as the session drives it (spec §6.1)", () => {
  const topo = {
    nodes: [
      { id: 'a', type: 'source' as const, source: 's1' },
      { id: 'b', type: 'output' as const, sink: 'k1' },
    ],
    links: [['a', 'b']] as [string, string][],
  };

  function playing() {
    const p = createMockPlatform({ sources: { s1: {} }, sinks: { k1: {} } });
    p.clock.advanceBy(1_000_000_000);
    const h = createSession({ adapter: p.adapter });
    const notes: string[] = [];
    h.actor.on('mf.clockSinks', (event) => notes.push(event.notification));
    const settle = () => {
      p.adapter.settle();
      p.clock.advanceBy(1_000_000);
    };
    return { p, h, notes, settle };
  }

  it('has no time source and reads INVALID until the first Start installs one [WT T:3558-3565; S:1530-1587]', () => {
    const { h, settle } = playing();
    expect(h.call({ type: 'clock.GetState' })).toEqual({ hr: HR.S_OK, out: 'INVALID' });
    expect(h.call({ type: 'clock.GetTime' }).hr).toBe(HR.MF_E_CLOCK_NO_TIME_SOURCE);
    expect(h.call({ type: 'clock.GetTimeSource' }).hr).toBe(HR.MF_E_CLOCK_NO_TIME_SOURCE);
    h.SetTopology(0, topo);
    settle();
    expect(h.call({ type: 'clock.GetState' }).out).toBe('INVALID');
    h.Start();
    settle();
    expect(h.call({ type: 'clock.GetState' }).out).toBe('RUNNING');
    expect(h.call({ type: 'clock.GetTimeSource' }).hr).toBe(HR.S_OK);
    expect(h.call({ type: 'clock.GetProperties' }).hr).toBe(HR.S_OK);
  });

  it('Start / Pause / Start / Stop map onto clock Start / Pause / Start(CURRENT) / Stop [WI S:3159-3180]', () => {
    const { h, settle } = playing();
    h.SetTopology(0, topo);
    settle();
    const states: string[] = [];
    for (const call of [() => h.Start(), () => h.Pause(), () => h.Start(), () => h.Stop()]) {
      call();
      settle();
      states.push(h.call({ type: 'clock.GetState' }).out as string);
    }
    expect(states).toEqual(['RUNNING', 'PAUSED', 'RUNNING', 'STOPPED']);
  });

  it('Close from started stops the clock; GetClock still S_OK after Close [§6.1]', () => {
    const { h, settle } = playing();
    h.SetTopology(0, topo);
    h.Start();
    settle();
    h.Close();
    settle();
    expect(h.state).toBe('closed');
    expect(h.GetClock()).toBe(HR.S_OK);
    expect(h.call({ type: 'clock.GetState' }).out).toBe('STOPPED');
    expect(h.call({ type: 'clock.GetTime' })).toEqual({ hr: HR.S_OK, out: 0 });
  });

  it('session Shutdown shuts the clock down (COMPLETED) without stopping it; the old clock reference keeps answering [WT T:3421-3439, WI S:2541]', () => {
    const { h, p, settle } = playing();
    h.SetTopology(0, topo);
    h.Start();
    settle();
    expect(h.call({ type: 'clock.GetShutdownStatus' }).hr).toBe(HR.MF_E_INVALIDREQUEST);
    const t = h.call<number>({ type: 'clock.GetTime' }).out!;
    expect(h.Shutdown()).toBe(HR.S_OK);
    expect(h.GetClock()).toBe(HR.MF_E_SHUTDOWN);
    expect(h.call({ type: 'clock.GetShutdownStatus' })).toEqual({ hr: HR.S_OK, out: 'COMPLETED' });
    expect(h.call({ type: 'clock.GetState' }).out).toBe('RUNNING');
    p.clock.advanceBy(100);
    expect(h.call({ type: 'clock.GetTime' })).toEqual({ hr: HR.S_OK, out: t + 100 });
    expect(h.call({ type: 'clock.Stop' }).hr).toBe(HR.S_OK);
    expect(h.call({ type: 'clock.Start', position: 0 }).hr).toBe(HR.S_OK);
  });

  it('the session rate reaches the clock (GetRate reads the clock) and scales GetTime [S:1642-1643, S:5012-5022]', () => {
    const { h, p, settle } = playing();
    h.SetTopology(0, topo);
    settle();
    h.SetRate(false, 1.5);
    settle();
    expect(h.call({ type: 'clock.GetRate' }).out).toBe(1.5);
    expect(h.GetRate().out).toEqual({ thin: false, rate: 1.5 });
    h.Start({ vt: 'VT_I8', value: 0 });
    settle();
    const t0 = h.call<number>({ type: 'clock.GetTime' }).out!;
    p.clock.advanceBy(2_000_000);
    expect(h.call<number>({ type: 'clock.GetTime' }).out! - t0).toBe(3_000_000);
  });

  it('clock SetRate(TRUE) through the session clock → MF_E_THINNING_UNSUPPORTED even with no time source [WT T:4364-4369]', () => {
    const { h } = playing();
    expect(h.call({ type: 'clock.SetRate', thin: true, rate: 2 }).hr).toBe(HR.MF_E_THINNING_UNSUPPORTED);
    expect(h.call({ type: 'clock.SetRate', thin: false, rate: 2 }).hr).toBe(HR.MF_E_CLOCK_NO_TIME_SOURCE);
  });
});
