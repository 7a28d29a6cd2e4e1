/**
 * The live inspector's wire protocol: JSON messages over one WebSocket between the runtime (Node)
 * and the inspector page (browser). This file is the contract both sides build on; it has no
 * runtime dependencies so the page can import it.
 *
 * Connection: `ws://127.0.0.1:<port>/live?token=<token>`. The server binds 127.0.0.1 only and
 * closes any upgrade whose token is missing or wrong (HTTP 401 before the upgrade).
 *
 * Flow: the server sends {@link HelloMessage} once, then {@link SessionsMessage} batches for the
 * session list (coalesced per tick so a thousand sessions cost one message per tick, not one per
 * change). The page sends {@link SelectMessage} for the session it shows in detail; the server
 * answers with a {@link TraceMessage} holding that session's whole recorded trace, then streams
 * {@link EntriesMessage} for it as it moves.
 * @module
 */
import type { Chart } from '../diagram/model.js';

/** Protocol version; bumped on any incompatible change. */
export const INSPECTOR_PROTOCOL = 1;

/** XState's state value: a leaf key or a nested object of keys (`{ alive: { starting: 'sources' } }`). */
export type StateValue = string | { [key: string]: StateValue };

/** One line of a session's summary in the list. */
export interface SessionSummary {
  id: string;
  /** The public (settled or transitional) state name the list shows: `fresh`, `started`, `shutdown`, … */
  state: string;
  /** The statechart's full state value, for highlighting. */
  value: StateValue;
  /** Method calls made so far. */
  calls: number;
  /** The last synchronous HRESULT returned, if any call was made. */
  lastHr?: number;
  /** True once the session reported an adapter fault or an actor error. */
  faulted: boolean;
  /** True when the session was released (leak = released without Shutdown). */
  released?: { leak: boolean };
  /** Which adapter drives it (`mock`, `mf-native`, …). */
  adapter: string;
  /**
   * Addition: the session's presentation clock state (`INVALID`, `RUNNING`, `STOPPED`, `PAUSED`) — a
   * state of the `clock` chart, for its highlight. Absent when the machine has no clock in its context.
   */
  clock?: string;
}

/**
 * One recorded step of a session's life, in order. `seq` is per session, from 1 (the first entry,
 * a `state` entry with the state the session was in when recording began). `at` is the platform's
 * clock in 100-ns units (simulated time on the mock). A call's entry comes before the entries of
 * what it caused (its platform requests, state changes and events).
 */
export type TraceEntry =
  | {
      seq: number;
      at: number;
      kind: 'call';
      /** Event type of the call (`session.start`, `session.getEvent`, `clock.getTime`, …). */
      method: string;
      /** The call's arguments as the session received them (the call event minus `type`). */
      args: Readonly<Record<string, unknown>>;
      hr: number;
      /**
       * Addition: the out value of a getter when it has one (GetEvent/EndGetEvent: the event
       * `{ type, status, value }`; GetRate: `{ thin, rate }`; GetSessionCapabilities: the flags;
       * GetFullTopology: `'current' | 'queued' | 'null'`; `session.Release`: `{ leak }`).
       * `session.Release` is recorded as a call too (it is no statechart event).
       */
      out?: unknown;
      /** Addition: the presentation clock's state after the call, when the call changed it. */
      clock?: string;
    }
  | { seq: number; at: number; kind: 'event'; eventType: number; status: number; value?: unknown }
  | {
      seq: number;
      at: number;
      kind: 'state';
      state: string;
      value: StateValue;
      /** Addition: the presentation clock's state at this point (see {@link SessionSummary.clock}). */
      clock?: string;
    }
  | {
      seq: number;
      at: number;
      kind: 'platform';
      /** The pipeline operation (`startSources`, `stopPipeline`, …). */
      op: string;
      phase: 'request' | 'done';
      hr?: number;
      /**
       * Addition: true for something the outside world did to the pipeline (the demo driver or a
       * scenario: `op` is `shutdownSource` or `endOfStream`, `phase` is `done`), as opposed to the
       * session's own pipeline operations and the platform events it received
       * (`sourceShutdown`, `endOfPresentation`, `presentationEnded`, phase `done`).
       */
      external?: boolean;
      /** Addition: the source an external action or a received platform event names. */
      source?: string;
      /** Addition: the stream of an external `endOfStream`. */
      stream?: number;
    }
  | { seq: number; at: number; kind: 'fault'; message: string };

/** Server → page, once per connection. */
export interface HelloMessage {
  type: 'hello';
  protocol: typeof INSPECTOR_PROTOCOL;
  /** Statecharts by machine name (`session`, `clock`), read from the machine definitions. */
  charts: Readonly<Record<string, Chart>>;
  sessions: SessionSummary[];
  /** Which adapter / demo the runtime runs, for the page header. */
  title: string;
}

/** Server → page: changes to the session list since the last batch. */
export interface SessionsMessage {
  type: 'sessions';
  added: SessionSummary[];
  updated: SessionSummary[];
  removed: string[];
}

/** Server → page: the whole recorded trace of the selected session (answer to {@link SelectMessage}). */
export interface TraceMessage {
  type: 'trace';
  session: string;
  summary: SessionSummary;
  entries: TraceEntry[];
  /**
   * Addition: true when the trace does not start at the session's creation — older entries were
   * dropped by the per-session bound (the server's `traceCapacity`, default 1000 entries) or the
   * session was created before the inspector attached. Such a trace cannot be turned into a scenario.
   */
  truncated?: boolean;
}

/** Server → page: new entries of the selected session. */
export interface EntriesMessage {
  type: 'entries';
  session: string;
  entries: TraceEntry[];
}

/** Server → page: a request could not be served (unknown session, bad message). */
export interface ErrorMessage {
  type: 'error';
  message: string;
}

/** Page → server: show this session in detail (or none). */
export interface SelectMessage {
  type: 'select';
  session: string | null;
}

export type ServerMessage = HelloMessage | SessionsMessage | TraceMessage | EntriesMessage | ErrorMessage;
export type ClientMessage = SelectMessage;
