/**
 * The IMFMediaSession statechart (XState v5).
 *
 * Settled states: `fresh`, `ready`, `started`, `paused`, `stopped`, `closed`, and the terminal
 * `shutdown`. Control methods (SetTopology, ClearTopologies, Start, Pause, Stop, Close, SetRate)
 * return S_OK at once and join a FIFO; a settled state with a command waiting goes through
 * `dispatch`, which runs the head command at once or in a transitional state (`settingTopology`,
 * `starting`, `pausing`, `stopping`, `closing`, `changingRate`; `ending` for the end of the
 * presentation) whose entry asks the platform for a pipeline step (`requestOp`) and which finishes on
 * `platform.done`, landing straight in the settled state the outcome leaves the session in.
 * Each command yields exactly one completion event. Every call's synchronous HRESULT (and out value)
 * is emitted as `mf.reply` during the call.
 *
 * The machine is pure: time arrives as `now` on events, the pipeline is reached only through the
 * provided actions `requestOp`, `cancelOp` and `shutdownPipeline`, the application's BeginGetEvent
 * callback is invoked with the emitted `mf.callback` event, and clock-sink notifications are the
 * emitted `mf.clockSinks`.
 * @module
 */
import { emit, setup } from 'xstate';
import { HR } from './hresult.js';
import { ME } from './mediaEventType.js';
import { GETFULLTOPOLOGY_CURRENT, MF_EVENT_FLAG_NO_WAIT, SETTOPOLOGY } from './constants.js';
import { applyClockShutdown, type ClockSinkNotification } from './clockTable.js';
import { checkTopology } from './topologyCheck.js';
import { clockCall, CLOCK_CALLS } from './clockCalls.js';
import {
  FLAG,
  NONE,
  REPLY,
  headCommand,
  initialSessionContext,
  pipelineToShutDown,
  sessionEvent,
  type Reply,
  type SessionContext,
} from './sessionContext.js';
import {
  adapterFailure,
  endIsDue,
  endOfPresentation,
  finishClose,
  finishPause,
  finishRate,
  finishSetTopology,
  finishStartSinks,
  finishStartSources,
  finishStop,
  pauseClock,
  stopClock,
  planCommand,
  beginEnding,
  finishEnding,
  sourceShutdown,
  startPlan,
  type CommandState,
} from './sessionCommands.js';
import { idealPlatformOps, platformActions, type OpRequest, type PipelineInput, type ResolveInput } from './idealPlatform.js';
import type { ClockCallEvent, PlatformOp, SessionCallEvent, SessionMachineEvent } from './sessionEvents.js';
import type { Command, SessionTopology, SettledState } from './types.js';

/** Events the session emits to its runtime. */
export type SessionEmitted =
  | { type: 'mf.callback'; callback: string; state: string | null }
  | { type: 'mf.clockSinks'; notification: ClockSinkNotification }
  | { type: 'mf.fault'; message: string }
  | { type: 'mf.reply'; hr: number; out?: unknown };

type Ev<T extends SessionMachineEvent['type']> = Extract<SessionMachineEvent, { type: T }>;
type Done = Ev<'platform.done'> & { fault?: string };

const SETTLED: readonly SettledState[] = ['fresh', 'ready', 'started', 'paused', 'stopped', 'closed'];

/** The changes of a call that changes nothing (assign copies the context all the same). */
const NO_CHANGES: Partial<SessionContext> = Object.freeze({});

const replyWith = (hr: number, out?: unknown): Reply => (out === undefined ? { hr } : { hr, out });

/** What a call does: the context changes it makes, and its synchronous answer. */
interface CallOutcome {
  readonly reply?: Reply;
  readonly changes?: Partial<SessionContext>;
}

/** The `mf.reply` of a call, as emitted. */
type ReplyEvent = Extract<SessionEmitted, { type: 'mf.reply' }>;
/** The answer of an accepted control call, shared: most calls answer S_OK with no out value. */
const REPLY_S_OK: ReplyEvent = Object.freeze({ type: 'mf.reply', hr: HR.S_OK, out: undefined });
const replyEvent = (reply: Reply | undefined): ReplyEvent =>
  reply === REPLY.S_OK ? REPLY_S_OK : { type: 'mf.reply', hr: reply?.hr ?? HR.E_UNEXPECTED, out: reply?.out };

/**
 * Runs a call: applies its changes (if any) and emits its reply. The outcome is computed once, from
 * the context before the call: `assign` computes it and hands it to the `emit` that follows it in
 * the same transition (actions run in order), which takes it back.
 */
function answer(outcome: (ctx: SessionContext, event: SessionMachineEvent) => CallOutcome) {
  let handoffEvent: SessionMachineEvent | undefined;
  let handoffReply: Reply | undefined;
  return [
    base.assign(({ context, event }) => {
      const { reply, changes } = outcome(context, event);
      handoffEvent = event;
      handoffReply = reply;
      return changes ?? NO_CHANGES;
    }),
    emit(({ event }) => {
      const taken = handoffEvent === event ? handoffReply : undefined;
      handoffEvent = undefined;
      handoffReply = undefined;
      return replyEvent(taken);
    }),
  ];
}

/** Runs a call that only reads: emits its reply, the context untouched. */
function read(outcome: (ctx: SessionContext, event: SessionMachineEvent) => Reply) {
  return emit(({ context, event }: { context: SessionContext; event: SessionMachineEvent }) => {
    const reply = outcome(context, event);
    return { type: 'mf.reply' as const, hr: reply.hr, out: reply.out };
  });
}

/** The synchronous answer of a getter or event-generator call on a live session. */
function liveCall(ctx: SessionContext, event: SessionCallEvent): CallOutcome {
  switch (event.type) {
    case 'session.GetClock':
      return { reply: REPLY.S_OK };
    case 'session.GetFullTopology': {
      if (event.flags & GETFULLTOPOLOGY_CURRENT) {
        return { reply: ctx.current ? replyWith(HR.S_OK, 'current') : replyWith(HR.MF_E_INVALIDREQUEST) };
      }
      const found = ctx.queued.some((topology) => topology.topoId === event.topoId);
      return { reply: replyWith(HR.S_OK, found ? 'queued' : 'null') };
    }
    case 'session.GetSessionCapabilities':
      return { reply: event.nullPointer ? REPLY.E_POINTER : replyWith(HR.S_OK, ctx.caps) };
    case 'session.GetEvent': {
      if (ctx.sub) return { reply: replyWith(HR.MF_E_MULTIPLE_SUBSCRIBERS) };
      if (ctx.events.length === 0) {
        const wouldBlock = (event.flags & MF_EVENT_FLAG_NO_WAIT) === 0;
        return { reply: replyWith(HR.MF_E_NO_EVENTS_AVAILABLE, wouldBlock ? { wouldBlock } : undefined) };
      }
      return { reply: replyWith(HR.S_OK, ctx.events[0]), changes: { events: ctx.events.slice(1) } };
    }
    case 'session.BeginGetEvent': {
      if (event.callback === null) return { reply: REPLY.E_INVALIDARG };
      const sub = ctx.sub;
      if (sub) {
        if (sub.callback !== event.callback) return { reply: replyWith(HR.MF_E_MULTIPLE_SUBSCRIBERS) };
        return { reply: replyWith(sub.state === event.state ? HR.MF_S_MULTIPLE_BEGIN : HR.MF_E_MULTIPLE_BEGIN) };
      }
      return { reply: REPLY.S_OK, changes: { sub: { callback: event.callback, state: event.state, invoked: false } } };
    }
    case 'session.EndGetEvent': {
      if (event.result !== 'pending' || !ctx.sub) return { reply: REPLY.E_FAIL };
      if (ctx.events.length === 0) return { reply: REPLY.E_FAIL, changes: { sub: null } };
      return { reply: replyWith(HR.S_OK, ctx.events[0]), changes: { events: ctx.events.slice(1), sub: null } };
    }
    case 'session.QueueEvent':
      return {
        reply: REPLY.S_OK,
        changes: { events: [...ctx.events, sessionEvent(event.eventType, event.status, event.value)] },
      };
    case 'rate.GetRate':
      // The rate is the clock's: a rate is visible once it reached the clock (spec §2.16).
      if (event.nullRate) return { reply: REPLY.E_INVALIDARG };
      return { reply: replyWith(HR.S_OK, { thin: ctx.thin, rate: ctx.clock.rate }) };
    default:
      return {};
  }
}

/** The synchronous answer of any session call after Shutdown: argument checks first (spec §2.7). */
function shutDownCall(ctx: SessionContext, event: SessionCallEvent): CallOutcome {
  switch (event.type) {
    case 'session.SetTopology': {
      const hr = checkTopology(event.topology);
      return { reply: hr === HR.S_OK ? REPLY.MF_E_SHUTDOWN : replyWith(hr) };
    }
    case 'session.Start':
      return { reply: event.position === null ? REPLY.E_POINTER : REPLY.MF_E_SHUTDOWN };
    case 'session.GetSessionCapabilities':
      return { reply: event.nullPointer ? REPLY.E_POINTER : REPLY.MF_E_SHUTDOWN };
    case 'session.BeginGetEvent':
      return { reply: event.callback === null ? REPLY.E_INVALIDARG : REPLY.MF_E_SHUTDOWN };
    case 'rate.GetRate':
      return liveCall(ctx, event);
    default:
      return { reply: REPLY.MF_E_SHUTDOWN };
  }
}

/** A control call on a live session: argument checks, then S_OK and the command joins the FIFO. */
function enqueue(ctx: SessionContext, event: SessionCallEvent): CallOutcome {
  let command: Command;
  let counters: Partial<SessionContext> = {};
  switch (event.type) {
    case 'session.SetTopology': {
      const hr = checkTopology(event.topology);
      if (hr !== HR.S_OK) return { reply: replyWith(hr) };
      // Both identities are reserved now, so a SetTopology queued meanwhile never reuses the clone's.
      const passedObject = ctx.serial + 1;
      const resolvedObject = ctx.serial + 2;
      const topoId = event.topology?.topoId ?? ctx.topologiesSeen + 1;
      command = { kind: 'SetTopology', flags: event.flags, topology: event.topology, passedObject, resolvedObject, topoId };
      counters = { serial: resolvedObject, topologiesSeen: event.topology ? ctx.topologiesSeen + 1 : ctx.topologiesSeen };
      break;
    }
    case 'session.Start':
      if (event.position === null) return { reply: REPLY.E_POINTER };
      command = { kind: 'Start', position: event.position };
      break;
    case 'session.ClearTopologies':
      command = { kind: 'ClearTopologies' };
      break;
    case 'session.Pause':
      command = { kind: 'Pause' };
      break;
    case 'session.Stop':
      command = { kind: 'Stop' };
      break;
    case 'session.Close':
      command = { kind: 'Close' };
      break;
    case 'rate.SetRate':
      command = { kind: 'SetRate', thin: event.thin, rate: event.rate };
      break;
    default:
      return {};
  }
  return { reply: REPLY.S_OK, changes: { ...counters, commands: [...ctx.commands, command] } };
}

const SESSION_CALLS = [
  'session.SetTopology',
  'session.ClearTopologies',
  'session.Start',
  'session.Pause',
  'session.Stop',
  'session.Close',
  'rate.SetRate',
] as const;
/** Clock calls that only read the clock. */
const CLOCK_READS = new Set<string>(['clock.GetState', 'clock.GetTime', 'clock.GetProperties', 'clock.GetTimeSource', 'clock.GetRate', 'clock.GetShutdownStatus']);

/** Calls that only read the session. */
const READ_CALLS = ['session.GetClock', 'session.GetFullTopology', 'session.GetSessionCapabilities', 'rate.GetRate'] as const;
/** Event-generator calls: they may change the event queue or the subscription. */
const GETTER_CALLS = ['session.GetEvent', 'session.BeginGetEvent', 'session.EndGetEvent', 'session.QueueEvent'] as const;

const base = setup({
  types: {
    context: {} as SessionContext,
    events: {} as SessionMachineEvent,
    emitted: {} as SessionEmitted,
    input: {} as { key?: number } | undefined,
  },
  actions: {
    /** Asks the platform for a pipeline operation; it answers with `platform.done` (default: the ideal platform). */
    ...(platformActions(idealPlatformOps) as {
      requestOp: (args: { self: { send(event: SessionMachineEvent): void } }, params: OpRequest) => void;
      cancelOp: (args: { self: object }) => void;
    }),
    /** Shut down the sinks and async transforms of every topology the session holds (spec §2.7). */
    shutdownPipeline: (_args, _params: { sinks: string[]; transforms: string[] }) => {},
  },
  guards: {
    callbackDue: ({ context }) => context.sub !== null && !context.sub.invoked && context.events.length > 0,
    endIsDue: ({ context }) => endIsDue(context),
    /** The outcome `via` computes leaves the session in `state` (see `settling`). */
    landsIn: ({ context, event }, params: { state: SettledState; via: string }) => {
      const landing = LANDINGS.get(params.via)!;
      return (landing.when === undefined || landing.when(context, event)) && (landing.memo(context, event).settled ?? context.settled) === params.state;
    },
    commandWaiting: ({ context }) => context.commands.length > 0,
    commandRunsIn: ({ context }, params: { state: CommandState }) => context.commands.length > 0 && headPlan(context)?.run === params.state,
    /** A control call on an idle session whose command starts its pipeline step at once (see `directRun`). */
    callRunsAtOnce: ({ context, event }) => directRun(context, event) !== undefined,
    presentationEnding: ({ context }) => (context.flags & FLAG.PRESENTATION_ENDING) !== 0,
    sourcesStarted: ({ event }) => event.type === 'platform.done' && event.op === 'startSources' && (event as Done).fault === undefined && event.hr < 0x80000000,
  },
});

type Changes = (ctx: SessionContext, event: SessionMachineEvent) => Partial<SessionContext>;

/** The landing computations of {@link settling}, by name (what the `landsIn` guard evaluates). */
const LANDINGS = new Map<string, { memo: Changes; when?: (ctx: SessionContext, event: SessionMachineEvent) => boolean }>();

/**
 * Transitions that apply `changes` and land straight in the settled state the changes leave the
 * session in (one guarded transition per settled state, no transient routing state, so a command's
 * completion costs one microstep). The changes are computed once per (context, event) pair: the
 * guards of one transition list are evaluated in a row on the same pair.
 */
function settling(via: string, changes: Changes, when?: (ctx: SessionContext, event: SessionMachineEvent) => boolean) {
  let lastContext: SessionContext | undefined;
  let lastEvent: SessionMachineEvent | undefined;
  let lastChanges: Partial<SessionContext> = {};
  const memo = (ctx: SessionContext, event: SessionMachineEvent) => {
    if (ctx !== lastContext || event !== lastEvent) {
      lastChanges = changes(ctx, event);
      lastContext = ctx;
      lastEvent = event;
    }
    return lastChanges;
  };
  if (LANDINGS.has(via)) throw new Error(`two landings named ${via}: give each its own name`);
  LANDINGS.set(via, { memo, when });
  return SETTLED.map((state) => ({
    // A named guard, so diagrams read `[landsIn(stopped, stopPipeline)]`.
    guard: { type: 'landsIn' as const, params: { state, via } },
    target: `#mfSession.alive.${state}`,
    actions: base.assign(({ context, event }) => memo(context, event)),
  }));
}

/** The plan of the head command, once per context. */
let planFor: SessionContext | undefined;
let plan: ReturnType<typeof planCommand>;
function headPlan(ctx: SessionContext) {
  if (ctx !== planFor) {
    plan = ctx.commands.length > 0 ? planCommand(ctx) : undefined;
    planFor = ctx;
  }
  return plan;
}

const now = (event: SessionMachineEvent) => event.now ?? 0;

/** The transitional states whose command begins with the clock (before the pipeline step is asked for). */
const COMMAND_BEGINS_WITH_CLOCK: ReadonlySet<CommandState> = new Set(['pausing', 'stopping', 'closing']);

/**
 * What a command changes as it enters its transitional state, before the pipeline step: Pause, Stop
 * and a running Close begin with the clock. Run by the transition into the state (not as an entry
 * action), so that a call going straight there applies it in the same `assign` as the call itself.
 */
function commandEntry(state: CommandState, ctx: SessionContext, event: SessionMachineEvent): Partial<SessionContext> {
  switch (state) {
    case 'pausing':
      return pauseClock(ctx, now(event));
    case 'stopping':
      return stopClock(ctx, now(event));
    case 'closing':
      return ctx.settled === 'started' || ctx.settled === 'paused' ? stopClock(ctx, now(event)) : NO_CHANGES;
    default:
      return NO_CHANGES;
  }
}

/** The control calls whose command can need the pipeline, and the transitional state it then runs in. */
const RUNS_IN: Readonly<Partial<Record<SessionMachineEvent['type'], CommandState>>> = {
  'session.SetTopology': 'settingTopology',
  'session.Start': 'starting',
  'session.Pause': 'pausing',
  'session.Stop': 'stopping',
  'session.Close': 'closing',
  'rate.SetRate': 'changingRate',
};

let directContext: SessionContext | undefined;
let directEvent: SessionMachineEvent | undefined;
let directChanges: Partial<SessionContext> | undefined;

/**
 * A control call on an idle settled session (nothing queued) whose command needs the pipeline: the
 * context changes that queue it and begin it, or `undefined` when the call takes the FIFO path. The
 * outcome is the FIFO path's (queue the command, `dispatch` runs it into its transitional state), in
 * one microstep instead of three — the common case of a session driven one command at a time.
 * Computed once per (context, event): the guard and the `assign` that follows ask in a row.
 */
function directRun(ctx: SessionContext, event: SessionMachineEvent): Partial<SessionContext> | undefined {
  if (ctx === directContext && event === directEvent) return directChanges;
  directContext = ctx;
  directEvent = event;
  directChanges = undefined;
  const state = RUNS_IN[event.type];
  if (state === undefined || ctx.commands.length > 0) return undefined;
  const { reply, changes } = enqueue(ctx, event as SessionCallEvent);
  if (reply !== REPLY.S_OK || changes === undefined) return undefined;
  const queued: SessionContext = { ...ctx, ...changes };
  if (planCommand(queued)?.run !== state) return undefined;
  const entry = commandEntry(state, queued, event);
  directChanges = entry === NO_CHANGES ? changes : { ...changes, ...entry };
  return directChanges;
}

/**
 * What every settled state checks after each event: when a command waits, run it at once (landing
 * in the settled state it leaves) or enter its transitional state.
 */
const dispatch = [
  // The pipeline commands first: the plan is either one of these or `now`, so the order changes no
  // outcome, and a command that needs the pipeline (the common case) is found without the six landings.
  ...(['settingTopology', 'starting', 'pausing', 'stopping', 'closing', 'changingRate'] as const).map((state) => ({
    guard: { type: 'commandRunsIn' as const, params: { state } },
    target: `#mfSession.alive.${state}`,
    actions: COMMAND_BEGINS_WITH_CLOCK.has(state) ? [base.assign(({ context, event }) => commandEntry(state, context, event))] : [],
  })),
  ...settling(
    'runNow',
    (ctx) => {
      const p = headPlan(ctx);
      return p?.run === 'now' ? p.changes : {};
    },
    (ctx) => ctx.commands.length > 0 && headPlan(ctx)?.run === 'now',
  ),
];

/** A pipeline operation's outcome; an adapter fault (`fault`) adds MEError before the completion event. */
function onDone(op: PlatformOp, finish: (ctx: SessionContext, event: Done) => Partial<SessionContext>, name: string = op) {
  return {
    'platform.done': settling(
      name,
      (context, event) => {
        const done = event as Done;
        return done.fault !== undefined ? adapterFailure(context, done.hr) : finish(context, done);
      },
      (_context, event) => event.type === 'platform.done' && event.op === op,
    ),
  };
}

/** A source shut down from outside, while a command runs (`executing`) or not. */
const SOURCE_SHUTDOWN = {
  idle: settling('sourceShutdown', (context) => sourceShutdown(context, false)),
  running: settling('sourceShutdown(running)', (context) => sourceShutdown(context, true)),
};
const onSourceShutdown = (executing: boolean) => ({ 'platform.sourceShutdown': executing ? SOURCE_SHUTDOWN.running : SOURCE_SHUTDOWN.idle });

/** Input of the resolveTopology operation for the head SetTopology. */
function resolveInput(context: SessionContext): ResolveInput {
  const command = headCommand(context) as Extract<Command, { kind: 'SetTopology' }>;
  return {
    session: context.key,
    topology: command.topology!,
    noResolution: (command.flags & SETTOPOLOGY.NORESOLUTION) !== 0,
    topoId: command.topoId,
    passedObject: command.passedObject,
    resolvedObject: command.resolvedObject,
  };
}

/** The pipeline a session runs when its presentation was cleared under it: nothing. */
const NO_TOPOLOGY: SessionTopology = Object.freeze({ topoId: 0, passedObject: 0, object: 0, sources: [], sinks: [], transforms: [] });

const pipelineInput = ({ context }: { context: SessionContext }): PipelineInput => ({
  session: context.key,
  topology: context.current ?? NO_TOPOLOGY,
  ...startPlan(context),
  running: context.settled === 'started' || context.settled === 'paused',
  sessionRate: context.clock.rate,
  ...(headCommand(context)?.kind === 'SetRate'
    ? { rate: (headCommand(context) as Extract<Command, { kind: 'SetRate' }>).rate, thin: (headCommand(context) as Extract<Command, { kind: 'SetRate' }>).thin }
    : {}),
});

/** Idle settled states check one guard per microstep; a waiting command goes through `dispatch`. */
const commandWaiting = { guard: 'commandWaiting' as const, target: '#mfSession.alive.dispatch' };
/** A control call joins the FIFO; `dispatch` runs the command once the session is idle. */
const queueCall = { actions: answer((context, event) => enqueue(context, event as SessionCallEvent)) };
/**
 * A control call, in any live state: straight into its command's transitional state when the session
 * is idle and the command needs the pipeline (`directRun`), else into the FIFO. `ending` is not idle
 * but has nothing queued either, so it queues every call itself.
 */
const controlCall = (type: (typeof SESSION_CALLS)[number]) => {
  const state = RUNS_IN[type];
  if (state === undefined) return queueCall;
  return [
    {
      guard: 'callRunsAtOnce' as const,
      target: `#mfSession.alive.${state}`,
      actions: [base.assign(({ context, event }) => directRun(context, event)!), emit(REPLY_S_OK)],
    },
    queueCall,
  ];
};
const settled = () => ({ always: commandWaiting });

/** The IMFMediaSession statechart. */
export const mediaSessionMachine = base.createMachine({
  id: 'mfSession',
  context: ({ input }) => initialSessionContext(input?.key ?? 0),
  initial: 'alive',
  on: {
    'platform.fault': { actions: emit(({ event }) => ({ type: 'mf.fault' as const, message: (event as Ev<'platform.fault'>).message })) },
    ...Object.fromEntries(
      CLOCK_CALLS.map((type) => [
        type,
        {
          actions: CLOCK_READS.has(type)
            ? read((context, event) => clockCall(context.clock, event as ClockCallEvent).reply)
            : base.enqueueActions(({ context, event, enqueue: queue }) => {
                const { clock, reply, notify } = clockCall(context.clock, event as ClockCallEvent);
                if (clock !== context.clock) queue.assign({ clock });
                queue.emit({ type: 'mf.reply', hr: reply.hr, out: reply.out });
                if (notify) queue.emit({ type: 'mf.clockSinks', notification: notify });
              }),
        },
      ]),
    ),
  },
  states: {
    alive: {
      initial: 'fresh',
      always: {
        guard: 'callbackDue',
        actions: [
          base.assign(({ context }) => ({ sub: { ...context.sub!, invoked: true } })),
          emit(({ context }) => ({ type: 'mf.callback' as const, callback: context.sub!.callback, state: context.sub!.state })),
        ],
      },
      on: {
        ...Object.fromEntries(
          SESSION_CALLS.map((type) => [type, controlCall(type)]),
        ),
        ...Object.fromEntries(
          GETTER_CALLS.map((type) => [type, { actions: answer((context, event) => liveCall(context, event as SessionCallEvent)) }]),
        ),
        ...Object.fromEntries(
          READ_CALLS.map((type) => [type, { actions: read((context, event) => liveCall(context, event as SessionCallEvent).reply!) }]),
        ),
        'session.Shutdown': {
          target: 'shutdown',
          actions: [
            { type: 'shutdownPipeline', params: ({ context }) => pipelineToShutDown(context) },
            emit({ type: 'mf.reply' as const, hr: HR.S_OK }),
            base.assign(({ context }) => ({
              events: NONE,
              sub: null,
              commands: NONE,
              clock: applyClockShutdown(context.clock).clock,
            })),
          ],
        },
        ...onSourceShutdown(false),
        'platform.endOfPresentation': { actions: base.assign(({ context }) => endOfPresentation(context)) },
        'platform.fault': {
          actions: [
            base.assign(({ context }) => ({ events: [...context.events, sessionEvent(ME.MEError, HR.E_UNEXPECTED)] })),
            emit(({ event }) => ({ type: 'mf.fault' as const, message: (event as Ev<'platform.fault'>).message })),
          ],
        },
        'platform.presentationEnded': {
          guard: 'presentationEnding',
          actions: base.assign(({ context }) => ({ flags: context.flags | FLAG.PRESENTATION_ENDED })),
        },
      },
      states: {
        dispatch: { always: dispatch },
        fresh: settled(),
        ready: settled(),
        started: {
          always: [{ guard: 'endIsDue', target: 'ending' }, commandWaiting],
        },
        ending: {
          entry: [
            base.assign(({ context, event }) => ({ ...beginEnding(context), ...stopClock(context, now(event)) })),
            { type: 'requestOp', params: ({ context }): OpRequest => ({ op: 'stopPipeline', input: pipelineInput({ context }) }) },
          ],
          exit: 'cancelOp',
          on: {
            ...onDone('stopPipeline', (ctx, event) => finishEnding(ctx, event.hr), 'ending'),
            ...onSourceShutdown(false),
            // Not idle, though nothing is queued: calls wait in the FIFO (see `controlCall`).
            ...Object.fromEntries(SESSION_CALLS.map((type) => [type, queueCall])),
          },
        },
        paused: settled(),
        stopped: settled(),
        closed: settled(),
        settingTopology: {
          exit: 'cancelOp',
          entry: {
            type: 'requestOp',
            params: ({ context }): OpRequest => ({ op: 'resolveTopology', input: resolveInput(context) }),
          },
          on: {
            ...onDone('resolveTopology', (ctx, event) => finishSetTopology(ctx, event.hr, event.topology)),
            'platform.sourceShutdown': { actions: base.assign(({ context }) => ({ flags: context.flags | FLAG.SOURCE_SHUTDOWN })) },
          },
        },
        starting: {
          initial: 'sources',
          on: onSourceShutdown(true),
          states: {
            sources: {
              entry: { type: 'requestOp', params: ({ context }): OpRequest => ({ op: 'startSources', input: pipelineInput({ context }) }) },
              exit: 'cancelOp',
              on: {
                'platform.done': [
                  {
                    guard: 'sourcesStarted',
                    target: 'sinks',
                    actions: base.assign(({ context, event }) => finishStartSources(context, (event as Done).hr).changes),
                  },
                  ...onDone('startSources', (ctx, done) => finishStartSources(ctx, done.hr).changes)['platform.done'],
                ],
              },
            },
            sinks: {
              entry: { type: 'requestOp', params: ({ context }): OpRequest => ({ op: 'startSinks', input: pipelineInput({ context }) }) },
              exit: 'cancelOp',
              on: onDone('startSinks', (ctx, event) => finishStartSinks(ctx, event.hr, now(event))),
            },
          },
        },
        pausing: {
          // The clock changed on the way in (commandEntry).
          entry: { type: 'requestOp', params: ({ context }): OpRequest => ({ op: 'pausePipeline', input: pipelineInput({ context }) }) },
          exit: 'cancelOp',
          on: {
            ...onDone('pausePipeline', (ctx, event) => finishPause(ctx, event.hr)),
            ...onSourceShutdown(true),
          },
        },
        stopping: {
          // The clock changed on the way in (commandEntry).
          entry: { type: 'requestOp', params: ({ context }): OpRequest => ({ op: 'stopPipeline', input: pipelineInput({ context }) }) },
          exit: 'cancelOp',
          on: {
            ...onDone('stopPipeline', (ctx, event) => finishStop(ctx, event.hr)),
            ...onSourceShutdown(true),
          },
        },
        closing: {
          // The clock changed on the way in (commandEntry).
          entry: { type: 'requestOp', params: ({ context }): OpRequest => ({ op: 'closePipeline', input: pipelineInput({ context }) }) },
          exit: 'cancelOp',
          on: {
            ...onDone('closePipeline', (ctx, event) => finishClose(ctx, event.hr)),
            ...onSourceShutdown(true),
          },
        },
        changingRate: {
          entry: { type: 'requestOp', params: ({ context }): OpRequest => ({ op: 'changeRate', input: pipelineInput({ context }) }) },
              exit: 'cancelOp',
          on: {
            ...onDone('changeRate', (ctx, event) => finishRate(ctx, event.hr)),
            'platform.sourceShutdown': { actions: base.assign(({ context }) => ({ flags: context.flags | FLAG.SOURCE_SHUTDOWN })) },
          },
        },
      },
    },
    shutdown: {
      on: Object.fromEntries(
        [...SESSION_CALLS, ...GETTER_CALLS, ...READ_CALLS, 'session.Shutdown' as const].map((type) => [
          type,
          { actions: read((context, event) => shutDownCall(context, event as SessionCallEvent).reply!) },
        ]),
      ),
    },
  },
});


/** The type of the session statechart. */
export type MediaSessionMachine = typeof mediaSessionMachine;

/** The names of the transitional (command) states. */
export const COMMAND_STATES: readonly CommandState[] = ['settingTopology', 'starting', 'pausing', 'stopping', 'closing', 'changingRate'];

/** Transitional states that run no command: the end of the presentation. */
export const PIPELINE_STATES = ['ending'] as const;
