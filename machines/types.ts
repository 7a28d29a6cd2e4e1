/**
 * Data types shared by the session model, the adapters and the scenario runner.
 * @module
 */
import type { HResult } from './hresult.js';
import type { SetTopologyFlag } from './constants.js';

/** The public (settled) states a scenario and an observer see (scenario format, "Public state names"). */
export type PublicState =
  | 'fresh'
  | 'ready'
  | 'started'
  | 'paused'
  | 'stopped'
  | 'closing'
  | 'closed'
  | 'shutdown';

/** The settled states the model returns to after each command (spec §1.4, F R ST PA SP CL). */
export type SettledState = 'fresh' | 'ready' | 'started' | 'paused' | 'stopped' | 'closed';

/** A node attribute a source node can lack (SetTopology validation, spec §2.1). */
export type MissingSourceAttribute =
  | 'MF_TOPONODE_SOURCE'
  | 'MF_TOPONODE_PRESENTATION_DESCRIPTOR'
  | 'MF_TOPONODE_STREAM_DESCRIPTOR';

/** A topology node as a scenario writes it. */
export type TopologyNodeSpec =
  | {
      id: string;
      type: 'source';
      source: string;
      stream?: number;
      selected?: boolean;
      missing?: MissingSourceAttribute[];
    }
  | { id: string; type: 'transform'; transform: string }
  | { id: string; type: 'output'; sink: string | null }
  | { id: string; type: 'tee' };

/** A topology, the argument of SetTopology (scenario format, "Topology"). */
export interface TopologySpec {
  nodes: TopologyNodeSpec[];
  links?: [string, string][];
  resolved?: boolean;
  /** TOPOID; when absent the session gives the n-th topology it is handed the id n. */
  topoId?: number;
}

/** What the platform tells the model about a source once a topology is resolved. */
export interface SourceInfo {
  id: string;
  /** MFMEDIASOURCE_* characteristics. */
  characteristics: number;
  durationHns: number;
  /** IMFRateSupport::GetFastestRate(forward, thin=TRUE); 0 when unsupported. */
  fastestForward: number;
  /** IMFRateSupport::GetFastestRate(reverse, thin=TRUE) as a positive magnitude; 0 when unsupported. */
  fastestReverse: number;
  thinnable: boolean;
  streams: number;
}

/** What the platform tells the model about a sink. */
export interface SinkInfo {
  id: string;
  /** MEDIASINK_* characteristics. */
  characteristics: number;
  finalizable: boolean;
  /** IMFRateSupport::GetFastestRate(forward, thin=TRUE); 0 when the sink has no IMFRateSupport. */
  fastestForward: number;
  /** The same for reverse, as a positive magnitude. */
  fastestReverse: number;
}

/** What the platform tells the model about a transform. */
export interface TransformInfo {
  id: string;
  async: boolean;
}

/** A topology as the session holds it once the platform has looked at (and maybe resolved) it. */
export interface SessionTopology {
  /** TOPOID. */
  topoId: number;
  /** Identity of the object the application passed to SetTopology. */
  passedObject: number;
  /** Identity of the object the session holds (the same with NORESOLUTION, else a resolved clone). */
  object: number;
  sources: SourceInfo[];
  sinks: SinkInfo[];
  transforms: TransformInfo[];
}

/** The value of a media event (a PROPVARIANT, reduced to what the session uses). */
export type EventValue =
  | { vt: 'VT_EMPTY' }
  | { vt: 'VT_UNKNOWN'; object: number; passedObject?: number }
  | { vt: 'VT_R4'; value: number }
  | { vt: 'VT_UI8'; value: number };

/** One event in the session's event queue. */
export interface MediaEvent {
  /** MediaEventType value. */
  type: number;
  /** The event's status HRESULT. */
  status: HResult;
  value: EventValue;
  /** UINT32/UINT64 attributes, by name. */
  attributes?: Readonly<Record<string, number>>;
}

/** A Start position: NULL pointer, VT_EMPTY (current position) or VT_I8 in 100-ns units. */
export type StartPosition = null | { vt: 'VT_EMPTY' } | { vt: 'VT_I8'; value: number };

/** A control command waiting in, or at the head of, the session's command queue (spec §1.3). */
export type Command =
  | {
      kind: 'SetTopology';
      flags: number;
      topology: TopologySpec | null;
      /** Identity of the object passed in. */
      passedObject: number;
      /** Identity reserved for its resolved clone. */
      resolvedObject: number;
      topoId: number;
    }
  | { kind: 'ClearTopologies' }
  | { kind: 'Start'; position: { vt: 'VT_EMPTY' } | { vt: 'VT_I8'; value: number } }
  | { kind: 'Pause' }
  | { kind: 'Stop' }
  | { kind: 'Close' }
  | { kind: 'SetRate'; thin: boolean; rate: number };

/** The kinds of control command. */
export type CommandKind = Command['kind'];

/** SetTopology flags by name, as scenarios write them. */
export type SetTopologyFlags = SetTopologyFlag[];
