/**
 * Figure 1: method calls per second through a session on the mock platform, against a bare XState
 * actor making the same calls. Both sides replay one fixed script of calls, so a "method call" is
 * counted identically: one entry of the script, one `send` on the bare side.
 * @module
 */
import { createActor } from 'xstate';
import { createSession, type MediaSessionHandle } from '../actors/createSession.js';
import { createMockPlatform, type MockPlatform } from '../adapters/mock/createMockPlatform.js';
import { idealAdapter } from '../adapters/idealAdapter.js';
import type { PlatformAdapter } from '../adapters/PlatformAdapter.js';
import { HR, type HResult } from '../machines/hresult.js';
import { MF_EVENT_FLAG_NO_WAIT } from '../machines/constants.js';
import type { SessionCallEvent } from '../machines/sessionEvents.js';
import type { PublicState, TopologySpec } from '../machines/types.js';
import { bareMachine, bareTransitionMachine } from './bareMachine.js';
import { compareRates, type RateOptions, type RateResult, type RateSide } from './harness.js';

/** The methods the loop calls. */
export type Call = 'Start' | 'Pause' | 'Stop' | 'GetSessionCapabilities' | 'GetEvent';
type Command = 'Start' | 'Pause' | 'Stop';

/** One script entry: the call, the HRESULT the session answers, and whether to settle after it. */
export interface Step {
  readonly call: Call;
  readonly hr: HResult;
  readonly settle: boolean;
}

/** The figure's outcome. */
export interface ThroughputResult {
  readonly session: RateResult;
  /** Diagnostic: the session statechart's actor driven directly, without the handle. */
  readonly machineActor: RateResult;
  /** Diagnostic: the same script on the ideal adapter (pipeline steps answer at once, no simulated clock). */
  readonly idealSession: RateResult;
  /** The baseline: the bare transition machine replaying every event the session processed in a cycle. */
  readonly bare: RateResult;
  /** Diagnostic: a bare machine sent only the call events (fewer transitions than the session makes). */
  readonly bareCallsOnly: RateResult;
  /** Events the session actor processes per cycle (calls and platform answers). */
  readonly eventsPerCycle: number;
  /** Diagnostic: GetSessionCapabilities alone on an idle `ready` session, and the bare actor sent the same event. */
  readonly getter: { readonly session: RateResult; readonly bare: RateResult };
  /** One cycle of the script. */
  readonly script: readonly Step[];
}

/** The command cycle; each command is followed by a settle, a capabilities query and draining the events. */
const CYCLE: readonly Command[] = ['Start', 'Pause', 'Start', 'Stop'];
const SETTLES_IN: Readonly<Record<Command, PublicState>> = { Start: 'started', Pause: 'paused', Stop: 'stopped' };

/** One source stream rendered by one sink, on default knobs (1 ms per pipeline step). */
const PLATFORM = { sources: { camera: {} }, sinks: { renderer: {} } };
const TOPOLOGY: TopologySpec = {
  nodes: [
    { id: 'in', type: 'source', source: 'camera' },
    { id: 'out', type: 'output', sink: 'renderer' },
  ],
  links: [['in', 'out']],
};

/** The call events, built once (the handle builds the same ones per call). */
const EVENTS: Readonly<Record<Call, SessionCallEvent>> = {
  Start: { type: 'session.Start', position: { vt: 'VT_EMPTY' }, timeFormat: 'GUID_NULL' },
  Pause: { type: 'session.Pause' },
  Stop: { type: 'session.Stop' },
  GetSessionCapabilities: { type: 'session.GetSessionCapabilities', nullPointer: false },
  GetEvent: { type: 'session.GetEvent', flags: MF_EVENT_FLAG_NO_WAIT },
};

/** Lets simulated time run until no platform work is pending: every queued command completes. */
function settle(platform: MockPlatform): void {
  const { clock } = platform;
  for (let due = clock.nextDue(); due !== undefined; due = clock.nextDue()) clock.advanceTo(due);
}

function expectHr(actual: HResult, expected: HResult, what: string): void {
  if (actual !== expected) throw new Error(`${what} answered 0x${actual.toString(16)}, expected 0x${expected.toString(16)}`);
}

/** A session driven by the loop, with the way its platform is settled. */
interface Driven {
  readonly session: MediaSessionHandle;
  readonly settle: () => void;
}

/** A session with its topology set and its event queue drained. */
function readySession(adapter: PlatformAdapter, settleAll: () => void): Driven {
  const session = createSession({ adapter });
  expectHr(session.SetTopology([], TOPOLOGY), HR.S_OK, 'SetTopology');
  settleAll();
  while (session.GetEvent().hr === HR.S_OK);
  if (session.state !== 'ready') throw new Error(`SetTopology left the session ${session.state}`);
  return { session, settle: settleAll };
}

/** A ready session on a fresh mock platform. */
function mockSession(): Driven {
  const platform = createMockPlatform(PLATFORM);
  return readySession(platform.adapter, () => settle(platform));
}

/** Runs one cycle the way an application would (draining until the queue is empty) and records it. */
function recordCycle({ session, settle: settleAll }: Driven): Step[] {
  const steps: Step[] = [];
  const commands: Record<Command, () => HResult> = { Start: () => session.Start(), Pause: () => session.Pause(), Stop: () => session.Stop() };
  for (const command of CYCLE) {
    const hr = commands[command]();
    expectHr(hr, HR.S_OK, command);
    steps.push({ call: command, hr, settle: true });
    settleAll();
    if (session.state !== SETTLES_IN[command]) throw new Error(`${command} left the session ${session.state}`);
    steps.push({ call: 'GetSessionCapabilities', hr: session.GetSessionCapabilities().hr, settle: false });
    for (;;) {
      const { hr: got } = session.GetEvent();
      steps.push({ call: 'GetEvent', hr: got, settle: false });
      if (got !== HR.S_OK) break;
    }
  }
  return steps;
}

/** A session through its handle replaying the script. */
function sessionSide(name: string, { session, settle: settleAll }: Driven, script: readonly Step[]): RateSide {
  const calls: Readonly<Record<Call, () => HResult>> = {
    Start: () => session.Start(),
    Pause: () => session.Pause(),
    Stop: () => session.Stop(),
    GetSessionCapabilities: () => session.GetSessionCapabilities().hr,
    GetEvent: () => session.GetEvent().hr,
  };
  return {
    name,
    run(cycles) {
      for (let i = 0; i < cycles; i++) {
        for (const step of script) {
          expectHr(calls[step.call](), step.hr, step.call);
          if (step.settle) settleAll();
        }
      }
      return cycles * script.length;
    },
  };
}

/** Diagnostic: the same statechart actor the handle wraps, sent the same events directly. */
function machineActorSide(script: readonly Step[]): RateSide {
  const platform = createMockPlatform(PLATFORM);
  const actor = createActor(platform.adapter.machine, { input: { key: 1 } }).start();
  let reply: HResult = HR.E_UNEXPECTED;
  actor.on('mf.reply', (event) => {
    reply = event.hr;
  });
  const call = (event: SessionCallEvent): HResult => {
    actor.send({ ...event, now: platform.clock.now } as SessionCallEvent);
    return reply;
  };
  expectHr(call({ type: 'session.SetTopology', flags: 0, topology: TOPOLOGY }), HR.S_OK, 'SetTopology');
  settle(platform);
  while (call(EVENTS.GetEvent) === HR.S_OK);
  // The first cycle from `ready` queues more events than the steady state the script records.
  warmCycle(platform, call);
  return {
    name: 'session statechart actor, no handle (mock adapter)',
    run(cycles) {
      for (let i = 0; i < cycles; i++) {
        for (const step of script) {
          expectHr(call(EVENTS[step.call]), step.hr, step.call);
          if (step.settle) settle(platform);
        }
      }
      return cycles * script.length;
    },
  };
}

/** Runs one application-style cycle on a raw actor (to reach the steady state). */
function warmCycle(platform: MockPlatform, call: (event: SessionCallEvent) => HResult): void {
  for (const command of CYCLE) {
    expectHr(call(EVENTS[command]), HR.S_OK, command);
    settle(platform);
    call(EVENTS.GetSessionCapabilities);
    while (call(EVENTS.GetEvent) === HR.S_OK);
  }
}

/** The baseline: the bare machine sent the same events, its snapshot read after each like a reply. */
function bareSide(script: readonly Step[]): RateSide {
  const actor = createActor(bareMachine).start();
  actor.send({ type: 'session.SetTopology' });
  let sink = 0;
  return {
    name: 'bare XState actor, call events only',
    run(cycles) {
      for (let i = 0; i < cycles; i++) {
        for (const step of script) {
          actor.send(EVENTS[step.call]);
          if (actor.getSnapshot().status === 'active') sink++;
        }
      }
      if (sink === 0) throw new Error('bare actor stopped');
      return cycles * script.length;
    },
  };
}

/** The events the session's actor processes in one cycle of the script: calls and platform answers. */
function recordEvents(script: readonly Step[]): { type: string }[] {
  const events: { type: string }[] = [];
  const platform = createMockPlatform(PLATFORM);
  let recording = false;
  const session = createSession({
    adapter: platform.adapter,
    inspect: (inspection) => {
      if (recording && inspection.type === '@xstate.event' && inspection.actorRef === session.actor && !inspection.event.type.startsWith('xstate.')) {
        events.push(inspection.event);
      }
    },
  });
  session.SetTopology([], TOPOLOGY);
  settle(platform);
  while (session.GetEvent().hr === HR.S_OK);
  sessionSide('recording', { session, settle: () => settle(platform) }, script).run(1); // reach the steady state
  recording = true;
  sessionSide('recording', { session, settle: () => settle(platform) }, script).run(1);
  return events;
}

/** The baseline: the bare transition machine sent the same events the session processed. */
function bareTransitionsSide(events: readonly { type: string }[], callsPerCycle: number): RateSide {
  const actor = createActor(bareTransitionMachine).start();
  actor.send({ type: 'session.SetTopology' });
  actor.send({ type: 'platform.done' });
  let sink = 0;
  return {
    name: 'bare XState actor, the same transitions (baseline)',
    run(cycles) {
      for (let i = 0; i < cycles; i++) {
        for (const event of events) {
          actor.send(event as never);
          if (actor.getSnapshot().status === 'active') sink++;
        }
      }
      if (sink === 0) throw new Error('bare actor stopped');
      return cycles * callsPerCycle;
    },
  };
}

/** Diagnostic: one getter, repeated, on an idle session and on the bare actor. */
function getterSides(): [RateSide, RateSide] {
  const { session } = readySession(idealAdapter, () => {});
  const actor = createActor(bareMachine).start();
  actor.send({ type: 'session.SetTopology' });
  let sink = 0;
  return [
    {
      name: 'GetSessionCapabilities on an idle session (ideal adapter)',
      run(count) {
        for (let i = 0; i < count; i++) expectHr(session.GetSessionCapabilities().hr, HR.S_OK, 'GetSessionCapabilities');
        return count;
      },
    },
    {
      name: 'the same event on the bare actor',
      run(count) {
        for (let i = 0; i < count; i++) {
          actor.send(EVENTS.GetSessionCapabilities);
          if (actor.getSnapshot().status === 'active') sink++;
        }
        if (sink === 0) throw new Error('bare actor stopped');
        return count;
      },
    },
  ];
}

/** Measures figure 1 and its diagnostics. */
export function measureThroughput(options: RateOptions): ThroughputResult {
  const driven = mockSession();
  recordCycle(driven); // from `ready`: not yet the steady state
  const script = recordCycle(driven);
  const ideal = readySession(idealAdapter, () => idealAdapter.settle());
  recordCycle(ideal);
  const idealScript = recordCycle(ideal);
  if (JSON.stringify(idealScript) !== JSON.stringify(script)) throw new Error('the ideal adapter answers the cycle differently');
  const events = recordEvents(script);
  const [session, machineActor, idealSession, bare, bareCallsOnly] = compareRates(
    [
      sessionSide('session handle (mock adapter): the figure', driven, script),
      machineActorSide(script),
      sessionSide('session handle (ideal adapter)', ideal, script),
      bareTransitionsSide(events, script.length),
      bareSide(script),
    ],
    options,
  );
  // The getter loop is uniform: shorter warm-up and rounds suffice.
  const [getterSession, getterBare] = compareRates(getterSides(), { ...options, warmupMs: options.warmupMs / 2, roundMs: options.roundMs / 2 });
  return { session, machineActor, idealSession, bare, bareCallsOnly, eventsPerCycle: events.length, getter: { session: getterSession, bare: getterBare }, script };
}
