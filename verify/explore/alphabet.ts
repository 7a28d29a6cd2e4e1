/**
 * The input alphabet of the exhaustive explorer: every IMFMediaSession, IMFMediaEventGenerator and
 * IMFRateControl method with representative arguments, and the platform's own inputs (completing
 * the pending pipeline operation, a source shut down from outside, the end of the presentation).
 * Each input has a stable short label, used in tables, paths, coverage and counterexamples.
 *
 * Platform inputs are enabled only where the platform could really send them (a completion only
 * while an operation is pending, the end of the presentation only while sources run, ...), so the
 * explored orderings are orderings the platform can produce.
 * @module
 */
import type { SnapshotFrom } from 'xstate';
import { HR, type HResult } from '../../machines/hresult.js';
import { ME } from '../../machines/mediaEventType.js';
import { GETFULLTOPOLOGY_CURRENT, MF_EVENT_FLAG_NO_WAIT, SETTOPOLOGY } from '../../machines/constants.js';
import { FLAG, type SessionContext } from '../../machines/sessionContext.js';
import {
  defaultSinkInfo,
  defaultSourceInfo,
  describeTopology,
  unresolvableNode,
  type OpRequest,
} from '../../machines/idealPlatform.js';
import type { MediaSessionMachine } from '../../machines/mediaSessionMachine.js';
import type { PlatformOp, SessionMachineEvent } from '../../machines/sessionEvents.js';
import type { TopologySpec } from '../../machines/types.js';

/** A snapshot of the session statechart. */
export type SessionSnapshot = SnapshotFrom<MediaSessionMachine>;

/** What an input looks at to decide whether it is enabled and which event it sends. */
export interface InputState {
  readonly context: SessionContext;
  /** The active state node path, e.g. `alive.starting.sources` (see {@link statePath}). */
  readonly path: string;
  /** The pipeline operation the session asked for and has not been answered, if any. */
  readonly pending: OpRequest | undefined;
}

/** One letter of the alphabet. */
export interface AlphabetInput {
  /** Stable short label, e.g. `Start(I8:past)` or `done:E_FAIL`. */
  readonly label: string;
  /** A method call (answered synchronously with `mf.reply`) or a platform input (no reply). */
  readonly kind: 'call' | 'platform';
  /** The method (or platform event) name, the column of the coverage matrix. */
  readonly method: string;
  /** A control command: an accepted call (S_OK) joins the FIFO and owes one completion event. */
  readonly control: boolean;
  /**
   * The HRESULT of the argument check this call fails, if it fails one. Argument checks come
   * before the shutdown check (spec §2.7), so this is the answer even after Shutdown.
   */
  readonly argumentCheck?: HResult;
  /** The event this input sends in a state, or undefined when the input is not enabled there. */
  event(state: InputState): SessionMachineEvent | undefined;
}

/** The active state node path of a snapshot (`alive.starting.sinks`, `shutdown`). */
export function statePath(snapshot: SessionSnapshot): string {
  let value: unknown = snapshot.value;
  let path = '';
  while (typeof value === 'object' && value !== null) {
    const key = Object.keys(value)[0];
    path = path ? `${path}.${key}` : key;
    value = (value as Record<string, unknown>)[key];
  }
  return path ? `${path}.${String(value)}` : String(value);
}

/** The topology nodes every representative topology uses: one source `s1`, one sink `k1`. */
function topology(sink: string | null, missingSource = false): TopologySpec {
  return {
    nodes: [
      missingSource ? { id: 'src', type: 'source', source: 's1', missing: ['MF_TOPONODE_SOURCE'] } : { id: 'src', type: 'source', source: 's1' },
      { id: 'out', type: 'output', sink },
    ],
    links: [['src', 'out']],
  };
}

/** A valid topology (resolves on the ideal platform). */
export const VALID_TOPOLOGY: TopologySpec = topology('k1');
/** A topology the synchronous check rejects: the source node lacks MF_TOPONODE_SOURCE. */
export const INVALID_TOPOLOGY: TopologySpec = topology('k1', true);
/** A topology that passes the check but cannot be resolved: its output node holds no sink. */
export const UNRESOLVABLE_TOPOLOGY: TopologySpec = topology(null);

/** The default source's duration (defaultSourceInfo): 5 s. A seek within it, and one past it. */
const WITHIN_DURATION = 10_000_000;
const PAST_DURATION = 60_000_000;

const call = (
  label: string,
  method: string,
  event: SessionMachineEvent,
  extra: { control?: boolean; argumentCheck?: HResult } = {},
): AlphabetInput => ({ label, kind: 'call', method, control: extra.control ?? false, argumentCheck: extra.argumentCheck, event: () => event });

const control = (label: string, method: string, event: SessionMachineEvent, argumentCheck?: HResult) =>
  call(label, method, event, { control: true, argumentCheck });

/**
 * Completes the pending operation with `hr`. A successful resolution carries the topology the
 * ideal platform builds (default source and sink infos); an unresolvable topology cannot resolve
 * successfully, so `done:S_OK` is not enabled for it.
 */
function done(hr: HResult, label: string, enabledFor?: (pending: OpRequest) => boolean): AlphabetInput {
  return {
    label: `done:${label}`,
    kind: 'platform',
    method: 'platform.done',
    control: false,
    event: ({ pending }) => {
      if (!pending || (enabledFor && !enabledFor(pending))) return undefined;
      if (pending.op !== 'resolveTopology' || hr !== HR.S_OK) return { type: 'platform.done', op: pending.op, hr };
      const input = pending.input;
      if (!input.noResolution && unresolvableNode(input.topology) !== undefined) return undefined;
      const resolved = describeTopology(input, { source: defaultSourceInfo, sink: defaultSinkInfo, transform: (id) => ({ id, async: false }) });
      return { type: 'platform.done', op: 'resolveTopology', hr, topology: resolved };
    },
  };
}

/** The sources run: the session is started or paused, or its sinks are being started. */
function sourcesRun({ context, path }: InputState): boolean {
  return context.settled === 'started' || context.settled === 'paused' || path === 'alive.starting.sinks';
}

/** The session's method calls with their representative arguments. */
export const CALL_INPUTS: readonly AlphabetInput[] = [
  control('SetTopology(T)', 'SetTopology', { type: 'session.SetTopology', flags: 0, topology: VALID_TOPOLOGY }),
  control('SetTopology(T!src)', 'SetTopology', { type: 'session.SetTopology', flags: 0, topology: INVALID_TOPOLOGY }, HR.MF_E_TOPO_MISSING_SOURCE),
  control('SetTopology(T!sink)', 'SetTopology', { type: 'session.SetTopology', flags: 0, topology: UNRESOLVABLE_TOPOLOGY }),
  control('SetTopology(NULL,CLEAR)', 'SetTopology', { type: 'session.SetTopology', flags: SETTOPOLOGY.CLEAR_CURRENT, topology: null }),
  control('SetTopology(T,IMM)', 'SetTopology', { type: 'session.SetTopology', flags: SETTOPOLOGY.IMMEDIATE, topology: VALID_TOPOLOGY }),
  control('SetTopology(T,NORES)', 'SetTopology', { type: 'session.SetTopology', flags: SETTOPOLOGY.NORESOLUTION, topology: VALID_TOPOLOGY }),
  control('ClearTopologies', 'ClearTopologies', { type: 'session.ClearTopologies' }),
  control('Start(EMPTY)', 'Start', { type: 'session.Start', timeFormat: null, position: { vt: 'VT_EMPTY' } }),
  control('Start(I8)', 'Start', { type: 'session.Start', timeFormat: null, position: { vt: 'VT_I8', value: WITHIN_DURATION } }),
  control('Start(I8:past)', 'Start', { type: 'session.Start', timeFormat: null, position: { vt: 'VT_I8', value: PAST_DURATION } }),
  control('Start(NULL)', 'Start', { type: 'session.Start', timeFormat: null, position: null }, HR.E_POINTER),
  control('Pause', 'Pause', { type: 'session.Pause' }),
  control('Stop', 'Stop', { type: 'session.Stop' }),
  control('Close', 'Close', { type: 'session.Close' }),
  control('SetRate(F,2)', 'SetRate', { type: 'rate.SetRate', thin: false, rate: 2 }),
  control('SetRate(T,2)', 'SetRate', { type: 'rate.SetRate', thin: true, rate: 2 }),
  control('SetRate(F,0)', 'SetRate', { type: 'rate.SetRate', thin: false, rate: 0 }),
  call('Shutdown', 'Shutdown', { type: 'session.Shutdown' }),
  call('GetEvent(NO_WAIT)', 'GetEvent', { type: 'session.GetEvent', flags: MF_EVENT_FLAG_NO_WAIT }),
  call('BeginGetEvent(A)', 'BeginGetEvent', { type: 'session.BeginGetEvent', callback: 'A', state: null }),
  call('BeginGetEvent(A,x)', 'BeginGetEvent', { type: 'session.BeginGetEvent', callback: 'A', state: 'x' }),
  call('BeginGetEvent(B)', 'BeginGetEvent', { type: 'session.BeginGetEvent', callback: 'B', state: null }),
  call('BeginGetEvent(NULL)', 'BeginGetEvent', { type: 'session.BeginGetEvent', callback: null, state: null }, { argumentCheck: HR.E_INVALIDARG }),
  call('EndGetEvent(pending)', 'EndGetEvent', { type: 'session.EndGetEvent', result: 'pending' }),
  call('EndGetEvent(foreign)', 'EndGetEvent', { type: 'session.EndGetEvent', result: 'foreign' }),
  call('GetSessionCapabilities', 'GetSessionCapabilities', { type: 'session.GetSessionCapabilities' }),
  call('GetSessionCapabilities(NULL)', 'GetSessionCapabilities', { type: 'session.GetSessionCapabilities', nullPointer: true }, { argumentCheck: HR.E_POINTER }),
  call('GetFullTopology(CURRENT)', 'GetFullTopology', { type: 'session.GetFullTopology', flags: GETFULLTOPOLOGY_CURRENT, topoId: 0 }),
  call('GetClock', 'GetClock', { type: 'session.GetClock' }),
  // An application event (spec §2.14): any type works; MESessionUnknown cannot be mistaken for the session's own.
  call('QueueEvent', 'QueueEvent', { type: 'session.QueueEvent', eventType: ME.MESessionUnknown, status: HR.S_OK }),
];

/** The platform's inputs, each enabled only where the platform could send it. */
export const PLATFORM_INPUTS: readonly AlphabetInput[] = [
  done(HR.S_OK, 'S_OK'),
  done(HR.E_FAIL, 'E_FAIL'),
  // The source died under the operation (Windows' race tests, spec §2.17).
  done(HR.MF_E_SHUTDOWN, 'MF_E_SHUTDOWN'),
  // What a source that cannot thin answers a thinned rate (Windows-tested, spec §2.16).
  done(HR.MF_E_THINNING_UNSUPPORTED, 'MF_E_THINNING_UNSUPPORTED', (p) => p.op === 'changeRate' && p.input.thin === true),
  {
    label: 'sourceShutdown',
    kind: 'platform',
    method: 'platform.sourceShutdown',
    control: false,
    // A source can die once it exists (a current topology, or one being resolved) and has not died yet.
    event: ({ context, path }) =>
      (context.current !== null || path === 'alive.settingTopology') && (context.flags & FLAG.SOURCE_SHUTDOWN) === 0
        ? { type: 'platform.sourceShutdown', source: 's1' }
        : undefined,
  },
  {
    label: 'endOfPresentation',
    kind: 'platform',
    method: 'platform.endOfPresentation',
    control: false,
    // Only running sources reach the end of their streams, once per presentation.
    event: (state) =>
      state.context.current !== null && (state.context.flags & (FLAG.PRESENTATION_ENDING | FLAG.SOURCE_SHUTDOWN)) === 0 && sourcesRun(state)
        ? { type: 'platform.endOfPresentation', source: 's1' }
        : undefined,
  },
  {
    label: 'presentationEnded',
    kind: 'platform',
    method: 'platform.presentationEnded',
    control: false,
    // The sinks finish rendering only after the end was announced, once.
    event: ({ context }) =>
      (context.flags & FLAG.PRESENTATION_ENDING) !== 0 && (context.flags & FLAG.PRESENTATION_ENDED) === 0 ? { type: 'platform.presentationEnded' } : undefined,
  },
];

/** The whole alphabet: calls first, then platform inputs. */
export const ALPHABET: readonly AlphabetInput[] = [...CALL_INPUTS, ...PLATFORM_INPUTS];

/** The platform operation a transitional state waits for (the op its entry requested). */
export const OP_OF_STATE: Readonly<Record<string, PlatformOp>> = {
  'alive.settingTopology': 'resolveTopology',
  'alive.starting.sources': 'startSources',
  'alive.starting.sinks': 'startSinks',
  'alive.pausing': 'pausePipeline',
  'alive.stopping': 'stopPipeline',
  'alive.ending': 'stopPipeline',
  'alive.closing': 'closePipeline',
  'alive.changingRate': 'changeRate',
};

/** Finds an input by label (throws on an unknown label, so a typo in a test fails loudly). */
export function inputByLabel(label: string, alphabet: readonly AlphabetInput[] = ALPHABET): AlphabetInput {
  const found = alphabet.find((input) => input.label === label);
  if (!found) throw new Error(`no input labelled ${label}`);
  return found;
}
