/**
 * The exhaustive explorer's frontier as orderings for the differential run: a shortest path to every
 * state of a compiled table, translated into the calls and platform actions a session under test
 * takes. Random orderings rarely reach deep states (started, then paused, then a source dying while
 * a seek runs); fed to fast-check as examples, these paths make sure every state the model can be
 * in is visited on the adapter too, before any random ordering runs.
 * @module
 */
import { compileTable, type TransitionTable } from '../explore/compileTable.js';
import type { AlphabetInput, InputState } from '../explore/alphabet.js';
import { SETTOPOLOGY, GETFULLTOPOLOGY_CURRENT } from '../../machines/constants.js';
import type { SessionMachineEvent } from '../../machines/sessionEvents.js';
import type { SetTopologyFlag } from '../../machines/constants.js';
import type { SutAction } from '../sut/sutActions.js';

/** One pipeline step of the mock platform (1 ms), the time a `done:S_OK` stands for. */
const ONE_STEP = 10_000;
/** Time to let everything still pending finish at the end of an ordering. */
const SETTLE = 1_000_000;

/** Options of {@link frontierOrderings}. */
export interface FrontierOptions {
  /** Depth of the table the paths come from (default 6). */
  readonly depth?: number;
  /** At most this many orderings, shortest first (default 300). */
  readonly limit?: number;
  /** Whether the SUT can shut sources down and end streams from outside (default true). */
  readonly sourceEvents?: boolean;
}

/**
 * Translates one table input into an action, `null` for an input the SUT's vocabulary leaves out
 * (the event-generator calls the verifier reads events with), or `undefined` when the path cannot
 * be played at all (a platform answer the mock cannot be made to give, such as a failed step).
 */
function toAction(input: AlphabetInput, event: SessionMachineEvent, sourceEvents: boolean): SutAction | null | undefined {
  switch (event.type) {
    case 'session.SetTopology': {
      const flags = (Object.keys(SETTOPOLOGY) as SetTopologyFlag[]).filter((name) => (event.flags & SETTOPOLOGY[name]) !== 0);
      return { call: 'SetTopology', args: { flags, topology: event.topology } };
    }
    case 'session.Start':
      return { call: 'Start', args: { position: event.position } };
    case 'session.ClearTopologies':
    case 'session.Pause':
    case 'session.Stop':
    case 'session.Close':
    case 'session.Shutdown':
      return { call: input.method as 'Pause' };
    case 'rate.SetRate':
      return { call: 'SetRate', args: { thin: event.thin, rate: event.rate } };
    case 'rate.GetRate':
      return { call: 'GetRate' };
    case 'session.GetClock':
      return { call: 'GetClock' };
    case 'session.GetSessionCapabilities':
      return event.nullPointer ? null : { call: 'GetSessionCapabilities' };
    case 'session.GetFullTopology':
      return { call: 'GetFullTopology', args: { flags: event.flags & GETFULLTOPOLOGY_CURRENT ? ['CURRENT'] : [] } };
    case 'platform.done':
      // The mock answers every step with S_OK after one latency; a failed answer cannot be forced.
      return event.hr === 0 ? { platform: 'advanceClock', hns: ONE_STEP } : undefined;
    case 'platform.sourceShutdown':
      return sourceEvents ? { platform: 'shutdownSource', source: event.source } : undefined;
    case 'platform.endOfPresentation':
      return sourceEvents ? { platform: 'endOfStream', source: event.source ?? 's1', stream: 0 } : undefined;
    case 'platform.presentationEnded':
      return sourceEvents ? { platform: 'advanceClock', hns: ONE_STEP } : undefined;
    default:
      return null;
  }
}

/** Shortest orderings reaching every state of `table` that the SUT's vocabulary can play. */
export function orderingsFromTable(table: TransitionTable, options: FrontierOptions = {}): SutAction[][] {
  const limit = options.limit ?? 300;
  const sourceEvents = options.sourceEvents ?? true;
  const n = table.alphabet.length;
  // BFS parents: the first way each state was reached is a shortest one.
  const parent = new Int32Array(table.states.length).fill(-1);
  const via = new Int32Array(table.states.length).fill(-1);
  const order: number[] = [0];
  parent[0] = 0;
  for (let head = 0; head < order.length; head++) {
    const from = order[head];
    for (let input = 0; input < n; input++) {
      const to = table.next[from * n + input];
      if (to < 0 || parent[to] !== -1) continue;
      parent[to] = from;
      via[to] = input;
      order.push(to);
    }
  }
  // One path per coarse class of state (node, public state, capabilities, flags, queued command
  // kinds, clock state): the limit then spreads over every kind of state instead of filling up with
  // the many shallow variants of the event queue.
  const classes = new Set<string>();
  const seen = new Set<string>();
  const orderings: SutAction[][] = [];
  for (const target of order) {
    if (target === 0) continue;
    const st = table.states[target];
    const coarse = `${st.path}|${st.publicState}|${st.context.caps}|${st.context.flags}|${st.context.commands.map((c) => c.kind).join(',')}|${st.context.clock.state}`;
    if (classes.has(coarse)) continue;
    const inputs: number[] = [];
    for (let state = target; state !== 0; state = parent[state]) inputs.push(via[state]);
    inputs.reverse();
    const actions: SutAction[] = [];
    let state = 0;
    let playable = true;
    for (const input of inputs) {
      const from = table.states[state];
      const inputState: InputState = { context: from.context, path: from.path, pending: from.pending };
      const event = table.alphabet[input].event(inputState);
      const action = event ? toAction(table.alphabet[input], event, sourceEvents) : undefined;
      if (action === undefined) {
        playable = false;
        break;
      }
      if (action !== null) actions.push(action);
      state = table.next[state * n + input];
    }
    if (!playable || !actions.some((action) => 'call' in action)) continue;
    classes.add(coarse);
    actions.push({ platform: 'advanceClock', hns: SETTLE });
    const key = JSON.stringify(actions);
    if (seen.has(key)) continue;
    seen.add(key);
    orderings.push(actions);
    if (orderings.length >= limit) break;
  }
  return orderings;
}

/** Compiles a small table (one command at a time) and returns its frontier orderings. */
export function frontierOrderings(options: FrontierOptions = {}): SutAction[][] {
  const table = compileTable({ maxDepth: options.depth ?? 6, maxCommands: 1, maxEvents: 10 });
  return orderingsFromTable(table, options);
}
