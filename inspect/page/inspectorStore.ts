/**
 * The page's state: the session list, the selected session's trace and the step cursor. Server
 * messages are queued and applied together once per animation frame (a thousand sessions moving
 * cost one React render per frame, however many batches arrived), and views subscribe with
 * `useSyncExternalStore`.
 * @module
 */
import type { Chart } from '../diagram/model.js';
import type { ClientMessage, ServerMessage, SessionSummary, StateValue, TraceEntry } from '../live/protocol.js';
import { initialValue } from './activeStates.js';
import type { TraceFile } from './traceFile.js';

/** Where the page's data comes from. */
export type ConnectionStatus = 'connecting' | 'open' | 'closed' | 'file';

/** The selected session's recorded trace. */
export interface TraceView {
  session: string;
  summary: SessionSummary;
  entries: TraceEntry[];
  /** The state value before the first entry (the chart's initial configuration). */
  startValue: StateValue;
  /** True when older entries were dropped (or recording began late): no scenario can be made of it. */
  truncated: boolean;
}

/** What the views read; a new object after every applied frame. */
export interface InspectorSnapshot {
  connection: ConnectionStatus;
  title: string;
  charts: Readonly<Record<string, Chart>>;
  /** Every session by id, in the order they appeared. Mutated in place; `listVersion` says when. */
  sessions: ReadonlyMap<string, SessionSummary>;
  /** Bumped whenever `sessions` changed. */
  listVersion: number;
  selected: string | null;
  trace: TraceView | null;
  /** Entries applied at the shown step, or `live` to follow the end as entries arrive. */
  cursor: number | 'live';
  /** The last error the server reported or the page met. */
  error: string | null;
}

/** How many entries are applied at the cursor. */
export const stepOf = (snapshot: InspectorSnapshot): number =>
  snapshot.cursor === 'live' ? (snapshot.trace?.entries.length ?? 0) : snapshot.cursor;

/** The chart a session's `value` belongs to: the server names it `session`. */
export const SESSION_CHART = 'session';
/** The presentation clock's chart; its highlight is the session's `clock` state. */
export const CLOCK_CHART = 'clock';

/** Creates an empty store; connect it with {@link InspectorStore.attach}. */
export function createInspectorStore(): InspectorStore {
  return new InspectorStore();
}

/** The store; see the module comment. */
export class InspectorStore {
  #snapshot: InspectorSnapshot = {
    connection: 'connecting',
    title: '',
    charts: {},
    sessions: new Map(),
    listVersion: 0,
    selected: null,
    trace: null,
    cursor: 'live',
    error: null,
  };
  readonly #sessions = new Map<string, SessionSummary>();
  #pending: ServerMessage[] = [];
  #scheduled = false;
  readonly #listeners = new Set<() => void>();
  #send: (message: ClientMessage) => void = () => {};

  /** Subscribes a view (React's `useSyncExternalStore`). */
  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  /** The current snapshot. */
  getSnapshot = (): InspectorSnapshot => this.#snapshot;

  /** Sets how messages reach the server (the connection calls this when it opens). */
  attach(send: (message: ClientMessage) => void): void {
    this.#send = send;
  }

  /** Records the connection's state; on reopening, asks again for the selected session. */
  setConnection(connection: ConnectionStatus): void {
    if (this.#snapshot.connection === 'file') return;
    this.#publish({ connection });
  }

  /** Queues a server message; applied at the next frame. */
  receive(message: ServerMessage): void {
    this.#pending.push(message);
    this.#schedule();
  }

  /** Applies every queued message now (the frame callback; tests may call it directly). */
  flush(): void {
    this.#scheduled = false;
    const pending = this.#pending;
    if (pending.length === 0) return;
    this.#pending = [];
    let next: Partial<InspectorSnapshot> = {};
    let listChanged = false;
    for (const message of pending) {
      const current = { ...this.#snapshot, ...next };
      switch (message.type) {
        case 'hello': {
          this.#sessions.clear();
          for (const summary of message.sessions) this.#sessions.set(summary.id, summary);
          listChanged = true;
          next = { ...next, title: message.title, charts: message.charts, error: null };
          // A reconnect: ask again for the session shown.
          if (current.selected !== null && current.connection !== 'file') this.#send({ type: 'select', session: current.selected });
          break;
        }
        case 'sessions': {
          for (const summary of message.added) this.#sessions.set(summary.id, summary);
          for (const summary of message.updated) this.#sessions.set(summary.id, summary);
          for (const id of message.removed) this.#sessions.delete(id);
          listChanged = true;
          break;
        }
        case 'trace': {
          if (message.session !== current.selected || current.connection === 'file') break;
          const chart = current.charts[SESSION_CHART];
          next = {
            ...next,
            trace: {
              session: message.session,
              summary: message.summary,
              entries: message.entries,
              startValue: chart ? initialValue(chart) : message.summary.value,
              truncated: message.truncated === true,
            },
          };
          break;
        }
        case 'entries': {
          const trace = current.trace;
          if (!trace || message.session !== trace.session || current.connection === 'file') break;
          const last = trace.entries.length > 0 ? trace.entries[trace.entries.length - 1].seq : 0;
          const fresh = message.entries.filter((entry) => entry.seq > last);
          if (fresh.length > 0) next = { ...next, trace: { ...trace, entries: [...trace.entries, ...fresh] } };
          break;
        }
        case 'error':
          next = { ...next, error: message.message };
          break;
      }
    }
    if (listChanged) next = { ...next, sessions: this.#sessions, listVersion: this.#snapshot.listVersion + 1 };
    const trace = next.trace ?? this.#snapshot.trace;
    const summary = trace ? this.#sessions.get(trace.session) : undefined;
    if (trace && summary && summary !== trace.summary && this.#snapshot.connection !== 'file') next = { ...next, trace: { ...trace, summary } };
    this.#publish(next);
  }

  /** Shows a session in detail (null: none); the server answers with its trace. */
  select(session: string | null): void {
    if (session === this.#snapshot.selected) return;
    if (this.#snapshot.connection === 'file') return;
    this.#send({ type: 'select', session });
    this.#publish({ selected: session, trace: null, cursor: 'live' });
  }

  /** Moves the step cursor to `step` entries applied (clamped), or back to following the end. */
  setCursor(step: number | 'live'): void {
    const length = this.#snapshot.trace?.entries.length ?? 0;
    const cursor = step === 'live' ? 'live' : Math.max(0, Math.min(length, Math.round(step)));
    this.#publish({ cursor: cursor === length && this.#snapshot.connection !== 'file' ? 'live' : cursor });
  }

  /** Steps `delta` entries back (negative) or forth. */
  step(delta: number): void {
    this.setCursor(stepOf(this.#snapshot) + delta);
  }

  /** Shows a saved trace instead of the live runtime; the connection is left alone but ignored. */
  openFile(file: TraceFile): void {
    const chart = file.charts[SESSION_CHART];
    this.#sessions.clear();
    this.#sessions.set(file.session, file.summary);
    this.#publish({
      connection: 'file',
      title: `${file.title} — saved trace of ${file.session}`,
      charts: file.charts,
      sessions: this.#sessions,
      listVersion: this.#snapshot.listVersion + 1,
      selected: file.session,
      trace: { session: file.session, summary: file.summary, entries: file.entries, startValue: chart ? initialValue(chart) : file.summary.value, truncated: file.truncated === true },
      cursor: file.entries.length,
      error: null,
    });
  }

  /** Records an error the page met (shown in the header). */
  reportError(message: string): void {
    this.#publish({ error: message });
  }

  #publish(change: Partial<InspectorSnapshot>): void {
    this.#snapshot = { ...this.#snapshot, ...change };
    for (const listener of this.#listeners) listener();
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    // A hidden tab gets no animation frames; the timeout keeps the store from growing a backlog.
    const frame = requestAnimationFrame(() => {
      clearTimeout(timer);
      this.flush();
    });
    const timer = setTimeout(() => {
      cancelAnimationFrame(frame);
      this.flush();
    }, 250);
  }
}
