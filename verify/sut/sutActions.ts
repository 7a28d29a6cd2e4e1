/**
 * The vocabulary of an ordering: method calls on the session and actions of the outside world on
 * the platform. Both are written in the shapes of scenario steps (`../shared/spec/scenario-format.md`),
 * so an ordering turns into a scenario file without translation.
 * @module
 */
import { HR, type HResult } from '../../machines/hresult.js';
import { eventType } from '../../machines/mediaEventType.js';
import { GETFULLTOPOLOGY_CURRENT, MF_EVENT_FLAG_NO_WAIT, SETTOPOLOGY, type SetTopologyFlag } from '../../machines/constants.js';
import type { SessionCallEvent } from '../../machines/sessionEvents.js';
import type { StartPosition, TopologySpec } from '../../machines/types.js';

/**
 * A method call, as a scenario's `call` step writes it. The event-generator calls (GetEvent,
 * BeginGetEvent, EndGetEvent) are not here: they are how the differential runner observes events.
 */
export type SutCall =
  | { call: 'SetTopology'; args: { flags: SetTopologyFlag[]; topology: TopologySpec | null } }
  | { call: 'ClearTopologies' }
  | { call: 'Start'; args: { position: StartPosition } }
  | { call: 'Pause' }
  | { call: 'Stop' }
  | { call: 'Close' }
  | { call: 'Shutdown' }
  | { call: 'SetRate'; args: { thin: boolean; rate: number } }
  | { call: 'GetRate' }
  | { call: 'GetClock' }
  | { call: 'GetFullTopology'; args: { flags: ('CURRENT')[] } }
  | { call: 'GetSessionCapabilities' }
  | { call: 'QueueEvent'; args: { type: string; status: string } };

/** Something the outside world does, as a scenario's `platform` step writes it. */
export type SutPlatformAction =
  | { platform: 'advanceClock'; hns: number }
  | { platform: 'shutdownSource'; source: string }
  | { platform: 'endOfStream'; source: string; stream: number };

/** One element of an ordering. */
export type SutAction = SutCall | SutPlatformAction;

/** Whether an action is a method call (the unit counterexample sizes are measured in). */
export function isCall(action: SutAction): action is SutCall {
  return 'call' in action;
}

/** A short readable form: `Start(VT_I8 100)`, `advanceClock 5000`, `shutdownSource s1`. */
export function describeAction(action: SutAction): string {
  if (!isCall(action)) {
    switch (action.platform) {
      case 'advanceClock':
        return `advanceClock ${action.hns}`;
      case 'shutdownSource':
        return `shutdownSource ${action.source}`;
      case 'endOfStream':
        return `endOfStream ${action.source}#${action.stream}`;
    }
  }
  switch (action.call) {
    case 'SetTopology': {
      const t = action.args.topology;
      const nodes = t === null ? 'NULL' : t.nodes.map((node) => ('source' in node ? node.source : 'sink' in node ? String(node.sink) : node.type)).join('→');
      return `SetTopology([${action.args.flags.join(',')}], ${nodes})`;
    }
    case 'Start': {
      const p = action.args.position;
      return `Start(${p === null ? 'NULL' : p.vt === 'VT_EMPTY' ? 'VT_EMPTY' : `VT_I8 ${p.value}`})`;
    }
    case 'SetRate':
      return `SetRate(${action.args.thin}, ${action.args.rate})`;
    case 'GetFullTopology':
      return `GetFullTopology(${action.args.flags.join(',') || '0'})`;
    case 'QueueEvent':
      return `QueueEvent(${action.args.type}, ${action.args.status})`;
    default:
      return `${action.call}()`;
  }
}

/** The statechart event of a call. */
export function toSessionCall(action: SutCall): SessionCallEvent {
  switch (action.call) {
    case 'SetTopology':
      return {
        type: 'session.SetTopology',
        flags: action.args.flags.reduce((acc, flag) => acc | SETTOPOLOGY[flag], 0),
        topology: action.args.topology,
      };
    case 'Start':
      return { type: 'session.Start', position: action.args.position, timeFormat: 'GUID_NULL' };
    case 'SetRate':
      return { type: 'rate.SetRate', thin: action.args.thin, rate: action.args.rate };
    case 'GetRate':
      return { type: 'rate.GetRate' };
    case 'GetFullTopology':
      return { type: 'session.GetFullTopology', flags: action.args.flags.includes('CURRENT') ? GETFULLTOPOLOGY_CURRENT : 0, topoId: 0 };
    case 'GetSessionCapabilities':
      return { type: 'session.GetSessionCapabilities', nullPointer: false };
    case 'QueueEvent':
      return { type: 'session.QueueEvent', eventType: eventType(action.args.type)!, status: (HR as Record<string, HResult>)[action.args.status] ?? HR.S_OK };
    default:
      return { type: `session.${action.call}` } as SessionCallEvent;
  }
}

/** GetEvent with MF_EVENT_FLAG_NO_WAIT: how the runner drains the queue. */
export const GET_EVENT_NO_WAIT: SessionCallEvent = { type: 'session.GetEvent', flags: MF_EVENT_FLAG_NO_WAIT };
