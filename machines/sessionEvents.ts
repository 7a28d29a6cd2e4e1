/**
 * The events of the IMFMediaSession statechart, namespaced and kept in one place:
 * `session.*` are method calls of IMFMediaSession and IMFMediaEventGenerator, `rate.*` the
 * session's IMFRateControl, `clock.*` calls on the clock GetClock returned, and `platform.*`
 * what the pipeline (through an adapter) reports back.
 * @module
 */
import type { HResult } from './hresult.js';
import type { EventValue, SessionTopology, StartPosition, TopologySpec } from './types.js';

/** Event type names, by method. */
export const SESSION_EVENT = {
  SetTopology: 'session.SetTopology',
  ClearTopologies: 'session.ClearTopologies',
  Start: 'session.Start',
  Pause: 'session.Pause',
  Stop: 'session.Stop',
  Close: 'session.Close',
  Shutdown: 'session.Shutdown',
  GetClock: 'session.GetClock',
  GetFullTopology: 'session.GetFullTopology',
  GetSessionCapabilities: 'session.GetSessionCapabilities',
  GetEvent: 'session.GetEvent',
  BeginGetEvent: 'session.BeginGetEvent',
  EndGetEvent: 'session.EndGetEvent',
  QueueEvent: 'session.QueueEvent',
  SetRate: 'rate.SetRate',
  GetRate: 'rate.GetRate',
} as const;

/** Clock method event names (the clock GetClock returned). */
export const CLOCK_EVENT = {
  GetState: 'clock.GetState',
  GetTime: 'clock.GetTime',
  Start: 'clock.Start',
  Pause: 'clock.Pause',
  Stop: 'clock.Stop',
  Shutdown: 'clock.Shutdown',
  GetProperties: 'clock.GetProperties',
  GetTimeSource: 'clock.GetTimeSource',
  SetTimeSource: 'clock.SetTimeSource',
  SetRate: 'clock.SetRate',
  GetRate: 'clock.GetRate',
  GetShutdownStatus: 'clock.GetShutdownStatus',
} as const;

/** Platform event names. */
export const PLATFORM_EVENT = {
  done: 'platform.done',
  sourceShutdown: 'platform.sourceShutdown',
  endOfPresentation: 'platform.endOfPresentation',
  presentationEnded: 'platform.presentationEnded',
  fault: 'platform.fault',
} as const;

/** The asynchronous pipeline operations an adapter implements (the `op` of `requestOp` and `platform.done`). */
export type PlatformOp =
  | 'resolveTopology'
  | 'startSources'
  | 'startSinks'
  | 'pausePipeline'
  | 'stopPipeline'
  | 'closePipeline'
  | 'changeRate';

/** `now` (100-ns units on the adapter's clock) travels with every event so the model stays pure. */
export interface Timed {
  now?: number;
}

/** IMFMediaSession / IMFMediaEventGenerator / IMFRateControl calls. */
export type SessionCallEvent = Timed &
  (
    | { type: 'session.SetTopology'; flags: number; topology: TopologySpec | null }
    | { type: 'session.ClearTopologies' }
    | { type: 'session.Start'; timeFormat?: string | null; position: StartPosition }
    | { type: 'session.Pause' }
    | { type: 'session.Stop' }
    | { type: 'session.Close' }
    | { type: 'session.Shutdown' }
    | { type: 'session.GetClock' }
    | { type: 'session.GetFullTopology'; flags: number; topoId: number }
    | { type: 'session.GetSessionCapabilities'; nullPointer?: boolean }
    | { type: 'session.GetEvent'; flags: number }
    | { type: 'session.BeginGetEvent'; callback: string | null; state: string | null }
    | { type: 'session.EndGetEvent'; result: 'pending' | 'foreign' }
    | { type: 'session.QueueEvent'; eventType: number; status: HResult; value?: EventValue }
    | { type: 'rate.SetRate'; thin: boolean; rate: number }
    | { type: 'rate.GetRate'; nullThin?: boolean; nullRate?: boolean }
  );

/** Calls on the presentation clock. */
export type ClockCallEvent = Timed &
  (
    | { type: 'clock.GetState' }
    | { type: 'clock.GetTime'; nullPointer?: boolean }
    | { type: 'clock.Start'; position: number | null }
    | { type: 'clock.Pause' }
    | { type: 'clock.Stop' }
    | { type: 'clock.Shutdown' }
    | { type: 'clock.GetProperties' }
    | { type: 'clock.GetTimeSource' }
    | { type: 'clock.SetTimeSource' }
    | { type: 'clock.SetRate'; thin: boolean; rate: number }
    | { type: 'clock.GetRate' }
    | { type: 'clock.GetShutdownStatus'; nullPointer?: boolean }
  );

/** What the platform reports. */
export type PlatformEvent = Timed &
  (
    | { type: 'platform.done'; op: PlatformOp; hr: HResult; topology?: SessionTopology }
    | { type: 'platform.sourceShutdown'; source: string }
    | { type: 'platform.endOfPresentation'; source?: string }
    | { type: 'platform.presentationEnded' }
    /** An adapter action threw: reported as MEError(E_UNEXPECTED) while the session lives. */
    | { type: 'platform.fault'; message: string }
  );

/** Every event the session machine accepts. */
export type SessionMachineEvent = SessionCallEvent | ClockCallEvent | PlatformEvent;

/** Every method-call event type. */
export type CallEventType = SessionCallEvent['type'] | ClockCallEvent['type'];
