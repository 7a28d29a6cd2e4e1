/**
 * The mf-native bridge's line protocol (docs/mf-native-protocol.md): one JSON document per line,
 * Linux adapter → bridge on the bridge's stdin, bridge → adapter on its stdout. Types only, shared
 * by both ends (the bridge runs in Windows node under Wine, the adapter in Linux node).
 * @module
 */

/** A handle the bridge hands out for a COM object it holds (a session, a clock, a time source). */
export type Handle = number;

/** Kinds of objects behind handles. */
export type HandleKind = 'session' | 'clock' | 'timeSource';

/** A Start position as the scenario format writes it. */
export type WirePosition = null | { vt: 'VT_EMPTY' } | { vt: 'VT_I8'; value: number };

/** A PROPVARIANT as read from an event. */
export type WireValue =
  | { vt: 'VT_EMPTY' }
  | { vt: 'VT_UNKNOWN' }
  | { vt: 'VT_R4'; value: number }
  | { vt: 'VT_UI8'; value: number }
  | { vt: 'VT_I8'; value: number }
  | { vt: 'VT_UI4'; value: number }
  | { vt: 'other'; code: number };

/** An IMFMediaEvent, read and released by the bridge. */
export interface WireEvent {
  type: number;
  /** HRESULT, unsigned. */
  status: number;
  value: WireValue;
  /** The UINT32/UINT64 attributes the model knows (MF_EVENT_SESSIONCAPS, ...), by name. */
  attributes?: Record<string, number>;
}

/** Knobs of a JS media source (adapters/mf-native/pipeline/createJsSource.ts); HRESULTs unsigned. */
export interface WireSourceKnobs {
  durationHns?: number;
  seekable?: boolean;
  canPause?: boolean;
  live?: boolean;
  beginGetEventResult?: number;
  startResult?: number;
  seekResult?: number;
}

/**
 * A one-source, one-sink partial topology: stream 0 of the JS source `source` feeds Media
 * Foundation's sample grabber `sink` (null: an output node without an object). Objects are made on
 * first mention with `sourceKnobs` and kept per session, so the same id is the same object.
 */
export interface WireTopology {
  source: string;
  sourceKnobs: WireSourceKnobs;
  sink: string | null;
  /** The output node holds the grabber's IMFActivate (true) or its stream sink, activated by the bridge (false, the scenario default). */
  sinkActivate?: boolean;
  /** MF_TOPONODE_NOSHUTDOWN_ON_REMOVE on the output node, when set. */
  noShutdownOnRemove?: 0 | 1;
  /** Source-node attributes left out. */
  missing?: ('MF_TOPONODE_SOURCE' | 'MF_TOPONODE_PRESENTATION_DESCRIPTOR' | 'MF_TOPONODE_STREAM_DESCRIPTOR')[];
}

/**
 * What the outside world does to a session's pipeline objects (scenario `platform` steps). A source
 * no topology named yet is made first, with `knobs` (as the mock platform makes it on first mention).
 */
export type WirePipelineAction = (
  | { action: 'shutdownSource'; source: string }
  | { action: 'endOfStream'; source: string }
  | { action: 'configure'; source: string; set: WireSourceKnobs }
) & { knobs?: WireSourceKnobs };

/** IMFMediaSession (+ IMFMediaEventGenerator, + IMFRateControl through MFGetService) methods. */
export type SessionMethod =
  | { method: 'SetTopology'; flags: number; topology: WireTopology | null }
  | { method: 'ClearTopologies' }
  | { method: 'Start'; position: WirePosition; timeFormat: 'GUID_NULL' | null }
  | { method: 'Pause' }
  | { method: 'Stop' }
  | { method: 'Close' }
  | { method: 'Shutdown' }
  /** `keep: false` releases the clock at once (no handle); otherwise the reply carries a clock handle. */
  | { method: 'GetClock'; keep?: boolean }
  | { method: 'GetSessionCapabilities'; nullPointer?: boolean }
  | { method: 'GetFullTopology'; flags: number; topoId: number }
  | { method: 'GetEvent'; flags: number }
  /**
   * `callback`: a scenario's callback name (a JS IMFAsyncCallback the bridge makes on first mention,
   * per session) or null; `state`: a state object's name (a JS IUnknown) or null.
   */
  | { method: 'BeginGetEvent'; callback: string | null; state?: string | null }
  /**
   * `pending`: the IMFAsyncResult the session handed to the latest Invoke (waiting up to `waitMs`
   * for that Invoke); `foreign`: one from MFCreateAsyncResult. The reply carries `event` on success.
   */
  | { method: 'EndGetEvent'; result: 'pending' | 'foreign'; waitMs?: number }
  | { method: 'QueueEvent'; type: number; status: number }
  | { method: 'SetRate'; thin: boolean; rate: number }
  | { method: 'GetRate' }
  | { method: 'AddRef' }
  | { method: 'Release' };

/** IMFPresentationClock (+ IMFShutdown, IMFRateControl through QueryInterface) methods. */
export type ClockMethod =
  | { method: 'GetState' }
  | { method: 'GetTime'; nullPointer?: boolean }
  | { method: 'GetProperties' }
  | { method: 'GetClockCharacteristics' }
  | { method: 'GetTimeSource' }
  | { method: 'SetTimeSource'; timeSource: Handle | null }
  | { method: 'Start'; offset: number | null }
  | { method: 'Stop' }
  | { method: 'Pause' }
  | { method: 'Shutdown' }
  | { method: 'GetShutdownStatus'; nullPointer?: boolean }
  | { method: 'SetRate'; thin: boolean; rate: number }
  | { method: 'GetRate' }
  | { method: 'Release' };

/** One call of a batch. */
export type WireCall =
  | { op: 'MFCreateMediaSession'; attributes?: Record<string, unknown> }
  | { op: 'MFCreatePresentationClock' }
  | { op: 'MFCreateSystemTimeSource' }
  | ({ op: 'session'; h: Handle } & SessionMethod)
  | ({ op: 'clock'; h: Handle } & ClockMethod)
  | { op: 'releaseTimeSource'; h: Handle }
  /** A platform action on the pipeline objects of session `h`. */
  | ({ op: 'pipeline'; h: Handle } & WirePipelineAction)
  /** The pipeline objects of session `h` (shutdown flags, sample counts) and the calls recorded since the last `observe` with `drainCalls`. */
  | { op: 'observe'; h: Handle; drainCalls?: boolean }
  /**
   * Polls GetEvent(NO_WAIT) until `completions` completion events and one event of each type in
   * `awaitTypes` arrived (or `timeoutMs`), then until no event came for `graceMs`.
   */
  | { op: 'settle'; h: Handle; completions: number; awaitTypes?: number[]; timeoutMs: number; graceMs: number }
  /** Polls GetEvent(NO_WAIT) until an event of `type` (any type when negative) arrives (every event read is returned) or `timeoutMs`. */
  | { op: 'waitEvent'; h: Handle; type: number; timeoutMs: number }
  /** The handles still held, and call counters. */
  | { op: 'stats' }
  /** Test hook: the bridge dies at once with `code` (no reply), as a crash would. */
  | { op: 'crash'; code: number };

/** One call's answer: `hr` (unsigned HRESULT) and out values, or `error` when the call could not be made. */
export interface WireResult {
  hr?: number;
  error?: string;
  [out: string]: unknown;
}

/** Adapter → bridge. */
export type WireRequest = { id: number; calls: WireCall[] } | { id: number; ping: true } | { id: number; exit: true };

/** Bridge → adapter. The first line is always a {@link WireReady}. */
export type WireResponse =
  | { id: number; results: WireResult[] }
  | { id: number; pong: true; handles: number }
  | { id: number; bye: true; leaked: { h: Handle; kind: HandleKind }[]; MFShutdown: number }
  | { id: number; error: string };

/** The bridge's first line. */
export interface WireReady {
  ready: boolean;
  error?: string;
  node?: string;
  koffi?: string;
  /** HRESULTs of CoInitializeEx and MFStartup. */
  startup?: Record<string, number>;
}

/** MediaEventType values that complete a command (one per accepted command, spec §1.3). */
export const COMPLETION_EVENT_TYPES: Readonly<Record<string, number>> = {
  SetTopology: 101,
  ClearTopologies: 102,
  Start: 103,
  Pause: 104,
  Stop: 105,
  Close: 106,
  SetRate: 108,
};
