/**
 * The presentation clock as its own statechart (MFCreatePresentationClock): states INVALID,
 * RUNNING, STOPPED and PAUSED; whether it is shut down is data, because a shut-down clock keeps
 * answering. Each state's Start/Pause/Stop transitions are read off the state-change table
 * ({@link CLOCK_STATE_TABLE}), so the statechart is the table.
 * @module
 */
import { setup } from 'xstate';
import { CLOCK_STATE_TABLE, INITIAL_CLOCK, type ClockCommand, type ClockData, type ClockSinkNotification } from './clockTable.js';
import { clockCall, CLOCK_CALLS } from './clockCalls.js';
import type { ClockCallEvent } from './sessionEvents.js';
import type { ClockStateName } from './constants.js';

/** The standalone clock's context. */
export interface ClockContext {
  clock: ClockData;
  reply: { hr: number; out?: unknown };
}

const STATES: readonly ClockStateName[] = ['INVALID', 'RUNNING', 'STOPPED', 'PAUSED'];
const COMMANDS: readonly { command: ClockCommand; event: 'clock.Start' | 'clock.Pause' | 'clock.Stop'; target: ClockStateName }[] = [
  { command: 'Start', event: 'clock.Start', target: 'RUNNING' },
  { command: 'Pause', event: 'clock.Pause', target: 'PAUSED' },
  { command: 'Stop', event: 'clock.Stop', target: 'STOPPED' },
];

const base = setup({
  types: {
    context: {} as ClockContext,
    events: {} as ClockCallEvent,
    emitted: {} as { type: 'mf.clockSinks'; notification: ClockSinkNotification },
  },
  guards: {
    /** Without a time source every state command fails with MF_E_CLOCK_NO_TIME_SOURCE. */
    hasTimeSource: ({ context }) => context.clock.hasTimeSource,
  },
});

/** Answers a call with the shared clock function: new data, the reply, the sink notification. */
const answer = base.enqueueActions(({ context, event, enqueue }) => {
  const result = clockCall(context.clock, event);
  enqueue.assign({ clock: result.clock, reply: result.reply });
  if (result.notify) enqueue.emit({ type: 'mf.clockSinks', notification: result.notify });
});

/**
 * A state's transitions, read off {@link CLOCK_STATE_TABLE}: a command the table allows moves to its
 * state once a time source is set; any other answer (the table's error, or no time source) stays.
 */
function stateNode(state: ClockStateName) {
  return {
    on: Object.fromEntries(
      COMMANDS.map(({ command, event, target }) => [
        event,
        CLOCK_STATE_TABLE[state][command] === 'ok' ? [{ guard: 'hasTimeSource' as const, target, actions: answer }, { actions: answer }] : { actions: answer },
      ]),
    ),
  };
}

/** The presentation clock statechart. */
export const presentationClockMachine = base.createMachine({
  id: 'mfPresentationClock',
  context: { clock: INITIAL_CLOCK, reply: { hr: 0 } },
  initial: 'INVALID',
  // Calls that change no state (reads, time source, rate, shutdown) are answered in every state.
  on: Object.fromEntries(CLOCK_CALLS.filter((type) => !COMMANDS.some((c) => c.event === type)).map((type) => [type, { actions: answer }])),
  states: Object.fromEntries(STATES.map((state) => [state, stateNode(state)])) as Record<ClockStateName, ReturnType<typeof stateNode>>,
});

export type PresentationClockMachine = typeof presentationClockMachine;
