/**
 * Compiles the session statechart into a transition table, once, by exploring it with XState's pure
 * `transition()` from the initial snapshot over the alphabet, breadth first, keeping one snapshot
 * per canonical key. Every later exploration runs on the table (integer lookups), which is what
 * makes deep exhaustive exploration cheap.
 *
 * No side effect runs: the `requestOp` / `cancelOp` / `shutdownPipeline` actions and the emitted
 * `mf.reply` / `mf.callback` events come back as data from `transition()` and are read from there.
 *
 * The state space is infinite (the command FIFO and the event queue grow without limit), so the
 * table is bounded: states are expanded up to `maxDepth` inputs from the start, an input whose
 * outcome holds more than `maxCommands` commands or `maxEvents` events is cut (reported, not
 * followed), and compilation stops at `maxStates`.
 * @module
 */
import { initialTransition, transition } from 'xstate';
import { performance } from 'node:perf_hooks';
import { mediaSessionMachine, type MediaSessionMachine } from '../../machines/mediaSessionMachine.js';
import { COMPLETION_EVENT, type SessionContext } from '../../machines/sessionContext.js';
import { EVENT_ATTR } from '../../machines/constants.js';
import type { OpRequest } from '../../machines/idealPlatform.js';
import type { PlatformOp, SessionMachineEvent } from '../../machines/sessionEvents.js';
import type { CommandKind, MediaEvent, PublicState } from '../../machines/types.js';
import type { HResult } from '../../machines/hresult.js';
import { ALPHABET, statePath, type AlphabetInput, type InputState, type SessionSnapshot } from './alphabet.js';
import { canonicalKey, type EventQueueDetail } from './canonicalState.js';

/** An event queued during a step: type, status, and the new caps of MESessionCapabilitiesChanged. */
export interface EventSummary {
  readonly type: number;
  readonly status: HResult;
  /** MF_EVENT_SESSIONCAPS, for MESessionCapabilitiesChanged. */
  readonly caps?: number;
}

/** One compiled transition: what one input does in one state. */
export interface TableStep {
  /** The next state's id. */
  readonly to: number;
  /** The synchronous HRESULT (calls only). */
  readonly reply?: HResult;
  /** Events queued during the step, in order. */
  readonly events: readonly EventSummary[];
  /** How many events the step took off the queue (GetEvent, EndGetEvent, Shutdown). */
  readonly consumed: number;
  /** The BeginGetEvent callback was invoked. */
  readonly callback: boolean;
  /** The pipeline operation requested on entering a transitional state. */
  readonly op?: PlatformOp;
  /** The pending operation was cancelled (its state left before it answered). */
  readonly cancelled: boolean;
  /** Sinks (and async transforms) the step asked the platform to shut down; undefined when none was asked. */
  readonly shutDown?: { readonly sinks: readonly string[]; readonly transforms: readonly string[] };
  /** Command kinds that left the FIFO during the step (completed, or dropped by Shutdown), in order. */
  readonly completed: readonly CommandKind[];
  /** The kind of the command this call added to the FIFO, if it was accepted. */
  readonly accepted?: CommandKind;
}

/** A compiled state: its key, a representative snapshot's context, and where it was first met. */
export interface TableState {
  readonly id: number;
  readonly key: string;
  readonly path: string;
  /** The public state an observer sees (createSession's `state`). */
  readonly publicState: PublicState;
  /** The representative snapshot's context (any snapshot with this key behaves the same). */
  readonly context: SessionContext;
  /** The operation pending in this state, if any. */
  readonly pending: OpRequest | undefined;
  /** Inputs from the initial state (BFS: a shortest path). */
  readonly depth: number;
  /** Whether its transitions were compiled (false on the depth frontier). */
  readonly expanded: boolean;
}

/** Bounds of the compilation. */
export interface CompileOptions {
  /** The alphabet (default {@link ALPHABET}). */
  readonly alphabet?: readonly AlphabetInput[];
  /** The statechart (default the session machine; any `provide`d variant works). */
  readonly machine?: MediaSessionMachine;
  /** Expand states up to this many inputs from the start (default 8). */
  readonly maxDepth?: number;
  /** Stop after this many states (default 100 000). */
  readonly maxStates?: number;
  /** Cut inputs whose outcome holds more commands than this (default 1: the running one; 2 lets a call queue behind it). */
  readonly maxCommands?: number;
  /** Cut inputs whose outcome holds more queued events than this (default 10). */
  readonly maxEvents?: number;
  /** How much of the event queue tells states apart (default `length`, see {@link canonicalKey}). */
  readonly events?: EventQueueDetail;
}

/** Step value in {@link TransitionTable.next} for an input that is not enabled. */
export const DISABLED = -1;
/** Step value for an input cut at the queue bounds. */
export const CUT = -2;
/** Step value for a state that was not expanded (depth frontier or state limit). */
export const UNEXPANDED = -3;

/** The compiled transition table. */
export interface TransitionTable {
  readonly alphabet: readonly AlphabetInput[];
  readonly states: readonly TableState[];
  /** `steps[state][input]`: the step, or undefined (not enabled, cut, or not expanded: see `next`). */
  readonly steps: readonly (readonly (TableStep | undefined)[])[];
  /** `next[state * alphabet.length + input]`: the next state id, or DISABLED / CUT / UNEXPANDED. */
  readonly next: Int32Array;
  readonly options: Required<Omit<CompileOptions, 'alphabet' | 'machine'>>;
  /** Every reachable state within the bounds was expanded (the state limit was not hit). */
  readonly complete: boolean;
  /** How many inputs were cut at the queue bounds. */
  readonly cut: number;
  /** XState `transition()` calls made. */
  readonly xstateTransitions: number;
  readonly compileMs: number;
}

/** The public state of a snapshot (as createSession reports it). */
export function publicStateOf(path: string, context: SessionContext): PublicState {
  if (path === 'shutdown') return 'shutdown';
  if (path === 'alive.closing') return 'closing';
  return context.settled;
}

/** Events queued by a step: the tail of `after` that `before` (minus what was taken off its head) does not hold. */
export function queuedEvents(before: readonly MediaEvent[], after: readonly MediaEvent[]): { queued: readonly MediaEvent[]; consumed: number } {
  // Events are immutable and shared between contexts: identity tells which survived.
  for (let consumed = 0; consumed <= before.length; consumed++) {
    const kept = before.length - consumed;
    if (kept > after.length) continue;
    let same = true;
    for (let i = 0; i < kept && same; i++) same = before[consumed + i] === after[i];
    if (same) return { queued: after.slice(kept), consumed };
  }
  return { queued: after, consumed: before.length };
}

function summary(event: MediaEvent): EventSummary {
  const caps = event.attributes?.[EVENT_ATTR.SESSIONCAPS];
  return caps === undefined ? { type: event.type, status: event.status } : { type: event.type, status: event.status, caps };
}

/** The observable outcome of one `transition()` call, read from its actions. */
export interface StepOutcome {
  readonly snapshot: SessionSnapshot;
  readonly reply?: HResult;
  readonly callback: boolean;
  readonly request?: OpRequest;
  readonly cancelled: boolean;
  readonly shutDown?: { sinks: string[]; transforms: string[] };
}

/** Runs one event through XState's pure `transition()` and reads what it asked for. */
export function step(machine: MediaSessionMachine, snapshot: SessionSnapshot, event: SessionMachineEvent): StepOutcome {
  const [next, actions] = transition(machine, snapshot, event);
  let reply: HResult | undefined;
  let callback = false;
  let request: OpRequest | undefined;
  let cancelled = false;
  let shutDown: { sinks: string[]; transforms: string[] } | undefined;
  for (const action of actions as { type: string; params?: unknown }[]) {
    switch (action.type) {
      case 'xstate.emit': {
        const emitted = (action.params as { event: { type: string; hr?: number } }).event;
        if (emitted.type === 'mf.reply') reply = emitted.hr;
        else if (emitted.type === 'mf.callback') callback = true;
        break;
      }
      case 'requestOp':
        request = action.params as OpRequest;
        break;
      case 'cancelOp':
        cancelled = true;
        break;
      case 'shutdownPipeline':
        shutDown = action.params as { sinks: string[]; transforms: string[] };
        break;
    }
  }
  return { snapshot: next, reply, callback, request, cancelled, shutDown };
}

/** Compiles the statechart into a transition table (see the module comment for the bounds). */
export function compileTable(options: CompileOptions = {}): TransitionTable {
  const started = performance.now();
  const alphabet = options.alphabet ?? ALPHABET;
  const machine = options.machine ?? mediaSessionMachine;
  const bounds = {
    maxDepth: options.maxDepth ?? 8,
    maxStates: options.maxStates ?? 100_000,
    maxCommands: options.maxCommands ?? 1,
    maxEvents: options.maxEvents ?? 10,
    events: options.events ?? 'length',
  };
  const n = alphabet.length;
  const ids = new Map<string, number>();
  const states: TableState[] = [];
  const snapshots: SessionSnapshot[] = [];
  const steps: (TableStep | undefined)[][] = [];
  let next = new Int32Array(1024 * n).fill(UNEXPANDED);
  let xstateTransitions = 0;
  let cut = 0;
  let complete = true;

  const intern = (snapshot: SessionSnapshot, pending: OpRequest | undefined, depth: number): number => {
    const key = canonicalKey(snapshot, bounds.events);
    const known = ids.get(key);
    if (known !== undefined) return known;
    const id = states.length;
    ids.set(key, id);
    const path = statePath(snapshot);
    states.push({ id, key, path, publicState: publicStateOf(path, snapshot.context), context: snapshot.context, pending, depth, expanded: false });
    snapshots.push(snapshot);
    steps.push([]);
    if (next.length < states.length * n) {
      const grown = new Int32Array(next.length * 2).fill(UNEXPANDED);
      grown.set(next);
      next = grown;
    }
    return id;
  };

  const [initial] = initialTransition(machine, { key: 0 });
  intern(initial, undefined, 0);
  // BFS: states are appended in depth order, so a cursor is the queue.
  for (let cursor = 0; cursor < states.length; cursor++) {
    const from = states[cursor];
    if (from.depth >= bounds.maxDepth) continue;
    if (states.length >= bounds.maxStates) {
      complete = false;
      break;
    }
    const snapshot = snapshots[cursor];
    const inputState: InputState = { context: from.context, path: from.path, pending: from.pending };
    for (let i = 0; i < n; i++) {
      const input = alphabet[i];
      const event = input.event(inputState);
      if (event === undefined) {
        next[cursor * n + i] = DISABLED;
        continue;
      }
      const outcome = step(machine, snapshot, { ...event, now: 0 } as SessionMachineEvent);
      xstateTransitions++;
      const after = outcome.snapshot.context;
      if (after.commands.length > bounds.maxCommands || after.events.length > bounds.maxEvents) {
        next[cursor * n + i] = CUT;
        cut++;
        continue;
      }
      const afterPath = statePath(outcome.snapshot);
      // A request made during the step is the pending one; otherwise the pending one stays while the path does.
      const pending = outcome.request ?? (afterPath === from.path && !outcome.cancelled ? from.pending : undefined);
      const to = intern(outcome.snapshot, pending, from.depth + 1);
      const { queued, consumed } = queuedEvents(from.context.events, after.events);
      const acceptedKind = input.control && outcome.reply === 0 ? commandKindOf(event) : undefined;
      steps[cursor][i] = {
        to,
        reply: outcome.reply,
        events: queued.map(summary),
        consumed,
        callback: outcome.callback,
        op: outcome.request?.op,
        cancelled: outcome.cancelled,
        shutDown: outcome.shutDown,
        completed: completedCommandsOf(from.context, after, acceptedKind),
        accepted: acceptedKind,
      };
      next[cursor * n + i] = to;
    }
    states[cursor] = { ...from, expanded: true };
  }
  return {
    alphabet,
    states,
    steps,
    next: next.subarray(0, states.length * n),
    options: bounds,
    complete,
    cut,
    xstateTransitions,
    compileMs: performance.now() - started,
  };
}

/** The command kind a control call event adds. */
function commandKindOf(event: SessionMachineEvent): CommandKind | undefined {
  switch (event.type) {
    case 'session.SetTopology':
      return 'SetTopology';
    case 'session.ClearTopologies':
      return 'ClearTopologies';
    case 'session.Start':
      return 'Start';
    case 'session.Pause':
      return 'Pause';
    case 'session.Stop':
      return 'Stop';
    case 'session.Close':
      return 'Close';
    case 'rate.SetRate':
      return 'SetRate';
    default:
      return undefined;
  }
}

/** Commands that left the FIFO: the old FIFO plus the accepted kind, minus what is still queued. */
function completedCommandsOf(before: SessionContext, after: SessionContext, accepted: CommandKind | undefined): CommandKind[] {
  const all: CommandKind[] = before.commands.map((command) => command.kind);
  if (accepted) all.push(accepted);
  return all.slice(0, Math.max(0, all.length - after.commands.length));
}

/** The completion event type each command kind owes (re-exported for invariants). */
export const COMPLETION_OF: Readonly<Record<CommandKind, number>> = COMPLETION_EVENT;

/** The id of a state reached by following labels from the initial state (throws if a label is not enabled). */
export function followLabels(table: TransitionTable, labels: readonly string[]): number {
  let state = 0;
  for (const label of labels) {
    const input = table.alphabet.findIndex((candidate) => candidate.label === label);
    if (input < 0) throw new Error(`no input labelled ${label}`);
    const to = table.next[state * table.alphabet.length + input];
    if (to < 0) throw new Error(`${label} has no compiled step in state ${state} (${to === DISABLED ? 'disabled' : to === CUT ? 'cut' : 'not expanded'})`);
    state = to;
  }
  return state;
}
