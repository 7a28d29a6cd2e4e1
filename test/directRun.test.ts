/**
 * The direct path of a control call: on an idle session, a command that needs the pipeline goes
 * straight into its transitional state in the call's own microstep (`callRunsAtOnce`). It must be
 * exactly the FIFO path (queue, then `dispatch`) made shorter: random call sequences on the mock
 * platform give the same replies, events, contexts, states and pipeline calls with the direct path
 * turned off.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createActor, type AnyActorRef, type InspectionEvent } from 'xstate';
import { createMockPlatform, type MockPlatform } from '../adapters/mock/createMockPlatform.js';
import { SETTOPOLOGY, MF_EVENT_FLAG_NO_WAIT } from '../machines/constants.js';
import type { SessionCallEvent } from '../machines/sessionEvents.js';
import type { MediaSessionMachine } from '../machines/mediaSessionMachine.js';
import { sourceToSink } from './fixtures.js';

type Input =
  | { kind: 'call'; event: SessionCallEvent }
  | { kind: 'settleOne' }
  | { kind: 'settleAll' }
  | { kind: 'endOfStream' }
  | { kind: 'shutdownSource' };

const call = (event: SessionCallEvent): Input => ({ kind: 'call', event });
const INPUTS: readonly Input[] = [
  call({ type: 'session.SetTopology', flags: 0, topology: sourceToSink }),
  call({ type: 'session.SetTopology', flags: SETTOPOLOGY.IMMEDIATE, topology: sourceToSink }),
  call({ type: 'session.SetTopology', flags: SETTOPOLOGY.CLEAR_CURRENT, topology: null }),
  call({ type: 'session.ClearTopologies' }),
  call({ type: 'session.Start', position: { vt: 'VT_EMPTY' } }),
  call({ type: 'session.Start', position: { vt: 'VT_I8', value: 10_000_000 } }),
  call({ type: 'session.Start', position: null }),
  call({ type: 'session.Pause' }),
  call({ type: 'session.Stop' }),
  call({ type: 'session.Close' }),
  call({ type: 'rate.SetRate', thin: false, rate: 2 }),
  call({ type: 'rate.SetRate', thin: false, rate: 0 }),
  call({ type: 'session.GetEvent', flags: MF_EVENT_FLAG_NO_WAIT }),
  call({ type: 'session.BeginGetEvent', callback: 'cb', state: null }),
  call({ type: 'session.EndGetEvent', result: 'pending' }),
  call({ type: 'session.Shutdown' }),
  { kind: 'settleOne' },
  { kind: 'settleAll' },
  { kind: 'endOfStream' },
  { kind: 'shutdownSource' },
];

/** A session actor on its own mock platform, recording what it answers and asks. */
function drive(direct: boolean) {
  const platform: MockPlatform = createMockPlatform({ sources: { s1: { durationHns: 50_000_000 } }, sinks: { k1: {} } });
  const machine: MediaSessionMachine = direct ? platform.adapter.machine : platform.adapter.machine.provide({ guards: { callRunsAtOnce: () => false } });
  let microsteps = 0;
  const actor = createActor(machine, {
    input: { key: 1 },
    inspect: (inspection: InspectionEvent) => {
      if (inspection.type === '@xstate.microstep') microsteps++;
    },
  });
  const emitted: unknown[] = [];
  actor.on('*', (event) => emitted.push(event));
  actor.start();
  // The mock reaches the session through its link (an end of stream, a source shut down).
  platform.adapter.attach({ key: 1, send: (event) => actor.send(event), run: (work) => work() });
  const settleOne = () => {
    const due = platform.clock.nextDue();
    if (due !== undefined) platform.clock.advanceTo(due);
  };
  return {
    platform,
    actor: actor as AnyActorRef,
    get microsteps() {
      return microsteps;
    },
    apply(input: Input) {
      switch (input.kind) {
        case 'call':
          actor.send({ ...input.event, now: platform.clock.now } as SessionCallEvent);
          break;
        case 'settleOne':
          settleOne();
          break;
        case 'settleAll':
          for (let i = 0; i < 20 && platform.clock.nextDue() !== undefined; i++) settleOne();
          break;
        case 'endOfStream':
          platform.endOfStream('s1');
          break;
        case 'shutdownSource':
          platform.shutdownSource('s1');
          break;
      }
      const snapshot = actor.getSnapshot();
      return { value: snapshot.value, context: snapshot.context, emitted: emitted.splice(0), calls: platform.takeCalls() };
    },
  };
}

describe('a control call on an idle session', () => {
  it('goes straight into its transitional state in one microstep', () => {
    const session = drive(true);
    session.apply(INPUTS[0]);
    session.apply({ kind: 'settleAll' });
    const before = session.microsteps;
    const step = session.apply(call({ type: 'session.Start', position: { vt: 'VT_EMPTY' } }));
    expect(step.value).toEqual({ alive: { starting: 'sources' } });
    expect(session.microsteps - before).toBe(1);
    expect(step.emitted).toEqual([{ type: 'mf.reply', hr: 0, out: undefined }]);
  });

  it('takes the FIFO path while a command runs, and while the presentation ends', () => {
    const session = drive(true);
    session.apply(INPUTS[0]);
    session.apply({ kind: 'settleAll' });
    session.apply(call({ type: 'session.Start', position: { vt: 'VT_EMPTY' } }));
    const queued = session.apply(call({ type: 'session.Pause' }));
    expect(queued.value).toEqual({ alive: { starting: 'sources' } });
    expect(queued.context.commands.map((command: { kind: string }) => command.kind)).toEqual(['Start', 'Pause']);
    session.apply({ kind: 'settleAll' });
    session.apply(call({ type: 'session.Start', position: { vt: 'VT_EMPTY' } }));
    session.apply({ kind: 'settleAll' });
    session.apply({ kind: 'endOfStream' });
    session.apply({ kind: 'settleOne' }); // the sinks render the end: the session stops the pipeline
    expect(session.actor.getSnapshot().value).toEqual({ alive: 'ending' });
    const duringEnd = session.apply(call({ type: 'session.Pause' }));
    expect(duringEnd.value).toEqual({ alive: 'ending' });
    expect(duringEnd.context.commands.map((command: { kind: string }) => command.kind)).toEqual(['Pause']);
  });

  it('has the outcome of the FIFO path: replies, events, context, state and pipeline calls', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...INPUTS), { minLength: 1, maxLength: 40 }), (inputs) => {
        const direct = drive(true);
        const fifo = drive(false);
        for (const input of inputs) expect(direct.apply(input)).toEqual(fifo.apply(input));
        // The direct path was taken at least as often as not: never more microsteps.
        expect(direct.microsteps).toBeLessThanOrEqual(fifo.microsteps);
      }),
      { numRuns: 600, seed: 7 },
    );
  });
});
