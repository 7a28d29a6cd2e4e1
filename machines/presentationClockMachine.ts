/**
 * The presentation clock as its own statechart (MFCreatePresentationClock): states INVALID,
 * RUNNING, STOPPED and PAUSED; whether it is shut down is data, because a shut-down clock keeps
 * answering. Transitions follow the state-change table in {@link CLOCK_STATE_TABLE}.
 * @module
 */
import { setup } from 'xstate';
import { INITIAL_CLOCK, type ClockData, type ClockSinkNotification } from './clockTable.js';
import { clockCall, CLOCK_CALLS } from './clockCalls.js';
import type { ClockCallEvent } from './sessionEvents.js';
import type { ClockStateName } from './constants.js';

/** The standalone clock's context. */
export interface ClockContext {
  clock: ClockData;
  reply: { hr: number; out?: unknown };
}

const STATES: readonly ClockStateName[] = ['INVALID', 'RUNNING', 'STOPPED', 'PAUSED'];

const base = setup({
  types: {
    context: {} as ClockContext,
    events: {} as ClockCallEvent,
    emitted: {} as { type: 'mf.clockSinks'; notification: ClockSinkNotification },
  },
  guards: {
    clockIn: ({ context }, params: { state: ClockStateName }) => context.clock.state === params.state,
  },
});

/** The presentation clock statechart. */
export const presentationClockMachine = base.createMachine({
  id: 'mfPresentationClock',
  context: { clock: INITIAL_CLOCK, reply: { hr: 0 } },
  initial: 'INVALID',
  on: Object.fromEntries(
    CLOCK_CALLS.map((type) => [
      type,
      {
        target: '.route',
        actions: base.enqueueActions(({ context, event, enqueue }) => {
          const result = clockCall(context.clock, event);
          enqueue.assign({ clock: result.clock, reply: result.reply });
          if (result.notify) enqueue.emit({ type: 'mf.clockSinks', notification: result.notify });
        }),
      },
    ]),
  ),
  states: {
    route: {
      always: STATES.map((state) => ({ guard: { type: 'clockIn' as const, params: { state } }, target: state })),
    },
    INVALID: {},
    RUNNING: {},
    STOPPED: {},
    PAUSED: {},
  },
});

export type PresentationClockMachine = typeof presentationClockMachine;
