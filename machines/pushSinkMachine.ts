/**
 * The IWMWriterPushSink statechart (XState v5): Connect / Disconnect / EndSession and the
 * IWMWriterSink data path they serve (OnHeader, IsRealTime, AllocateDataUnit, OnDataUnit,
 * OnEndWriting), after wmf-push-sink.md §4 and the client state machine of [MS-WMHTTP] (§2.11).
 *
 * States: `created` (never connected, or disconnected), `connecting` (PushSetup under way),
 * `connected` (setup done, no header yet), `streaming` with the two packet states of §2.11
 * Figure 9 (`afterHeader`: after `$H`/`$D`/`$C`; `afterEndOfEntry`: after `$E(1)`), `ending`
 * (EndSession flushing, `$E(0)` queued), `ended`, and `broken` (the connection failed).
 *
 * Same conventions as the session statechart: pure; each method call is an event (`push.*`,
 * `sink.*`) whose synchronous HRESULT is emitted as `mf.reply` during the call. Connect, EndSession
 * and a backpressured OnDataUnit block on the network: their reply carries `out: { pending: true }`
 * and their HRESULT arrives as `mf.complete`. The network is reached only through the provided
 * actions `requestNet` (one operation at a time, answered by `net.done`), `cancelNet` and
 * `closeConnection`; time arrives as `now` on events. The per-event logic is `pushSinkStep`
 * (pushSinkSteps.ts); this file only wires it into states.
 * @module
 */
import { setup, type SnapshotFrom, type StateValue } from 'xstate';
import { HR } from './hresult.js';
import type { NetRequest, PushSinkEmitted, PushSinkEvent } from './pushEvents.js';
import { PUSH_SINK_STATES, initialPushSinkContext, type PushSinkContext, type PushSinkInput, type PushSinkState } from './pushSinkContext.js';
import { pushSinkStep, type PushStep } from './pushSinkSteps.js';

const base = setup({
  types: {
    context: {} as PushSinkContext,
    events: {} as PushSinkEvent,
    emitted: {} as PushSinkEmitted,
    input: {} as PushSinkInput | undefined,
  },
  actions: {
    /**
     * Asks the network for one operation; the adapter answers with `net.done` (same `op`). Default: an
     * ideal network that completes every operation at once.
     */
    requestNet: ({ self }, params: NetRequest) => {
      self.send({ type: 'net.done', op: params.op, hr: HR.S_OK, ...(params.op === 'connect' ? { pushId: '1' } : {}) });
    },
    /** Abandons the operation in flight: its `net.done` must not come. */
    cancelNet: () => {},
    /** Closes the TCP connection, without `$E` (Disconnect, a failure, EndSession before any header). */
    closeConnection: () => {},
  },
});

/** The step of (state, context, event), computed once: the guards of one state's list run in a row on the same pair. */
let memoKey: { state: PushSinkState; context: PushSinkContext; event: PushSinkEvent } | undefined;
let memoStep: PushStep | undefined;
function stepFor(state: PushSinkState, context: PushSinkContext, event: PushSinkEvent): PushStep | undefined {
  if (!memoKey || memoKey.state !== state || memoKey.context !== context || memoKey.event !== event) {
    memoStep = pushSinkStep(state, context, event);
    memoKey = { state, context, event };
  }
  return memoStep;
}

/** Applies a step: the new context, then what it emits (the reply first), then its network effects. */
const apply = (state: PushSinkState) =>
  base.enqueueActions(({ context, event, enqueue }) => {
    const step = stepFor(state, context, event);
    if (!step) return;
    enqueue.assign(() => step.context);
    for (const emitted of step.emitted) enqueue.emit(emitted);
    for (const effect of step.effects) {
      if (effect.type === 'requestNet') enqueue({ type: 'requestNet', params: effect.params });
      else enqueue(effect.type);
    }
  });

const targetId = (state: PushSinkState) => `#pushSink.${state}`;

/** Every event, in one state: stay (targetless) or move to the state the step lands in. */
function leaf(state: PushSinkState) {
  return {
    on: {
      '*': [
        {
          guard: ({ context, event }: { context: PushSinkContext; event: PushSinkEvent }) => stepFor(state, context, event)?.state === state,
          actions: apply(state),
        },
        ...PUSH_SINK_STATES.filter((target) => target !== state).map((target) => ({
          guard: ({ context, event }: { context: PushSinkContext; event: PushSinkEvent }) => stepFor(state, context, event)?.state === target,
          target: targetId(target),
          actions: apply(state),
        })),
      ],
    },
  };
}

/** The IWMWriterPushSink statechart. */
export const pushSinkMachine = base.createMachine({
  id: 'pushSink',
  context: ({ input }) => initialPushSinkContext(input),
  initial: 'created',
  states: {
    created: leaf('created'),
    connecting: leaf('connecting'),
    connected: leaf('connected'),
    streaming: {
      initial: 'afterHeader',
      states: {
        afterHeader: leaf('streaming.afterHeader'),
        afterEndOfEntry: leaf('streaming.afterEndOfEntry'),
      },
    },
    ending: leaf('ending'),
    ended: leaf('ended'),
    broken: leaf('broken'),
  },
});

/** The type of the push-sink statechart. */
export type PushSinkMachine = typeof pushSinkMachine;

/** The flat state name of a snapshot value (`{ streaming: 'afterHeader' }` → `streaming.afterHeader`). */
export function pushSinkStateOf(value: StateValue | SnapshotFrom<PushSinkMachine>): PushSinkState {
  const v: StateValue = typeof value === 'object' && value !== null && 'value' in value ? (value.value as StateValue) : (value as StateValue);
  if (typeof v === 'string') return v as PushSinkState;
  const [parent, child] = Object.entries(v)[0]!;
  return `${parent}.${String(child)}` as PushSinkState;
}
