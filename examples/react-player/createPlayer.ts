/**
 * The media player's engine, free of React: one session on the mock platform, the platform's
 * clock driven by real time, the application's event loop (BeginGetEvent → callback →
 * EndGetEvent → BeginGetEvent) and a log of what each button's call returned. The React view
 * (`Player.tsx`) reads the session's state from its XState actor and this log from
 * {@link Player.subscribe}.
 *
 * An application outside this repository imports the same names from `mfchart/browser`.
 * @module
 */
import {
  HNS_PER_MS,
  HR,
  createMockPlatform,
  createSession,
  eventName,
  failed,
  type HResult,
  type MediaEvent,
  type MediaSessionHandle,
  type MockPlatform,
  type TopologySpec,
} from '../../browser.js';

/** The BeginGetEvent callback name the player's event loop subscribes with. */
export const PLAYER_CALLBACK = 'player';

/** The mock objects the player plays: a 10-minute file source and a speaker that plays up to 2×. */
export const PLAYER_PLATFORM = {
  sources: { file: { durationHns: 600 * 1_000 * HNS_PER_MS } },
  sinks: { speaker: { fastestRate: 2 } },
};

/** The topology the "Set topology" button hands to SetTopology: the file source to the speaker. */
export const PLAYER_TOPOLOGY: TopologySpec = {
  nodes: [
    { id: 'src', type: 'source', source: 'file' },
    { id: 'out', type: 'output', sink: 'speaker' },
  ],
  links: [['src', 'out']],
};

/** The playback rates offered; 4× is beyond the source's fastest rate, so its change fails. */
export const PLAYER_RATES = [0.5, 1, 2, 4] as const;

/** One button press: the method called and the HRESULT it returned synchronously. */
export interface CallEntry {
  readonly seq: number;
  readonly method: string;
  readonly hr: HResult;
}

/** One event the event loop read with EndGetEvent. */
export interface EventEntry {
  readonly seq: number;
  readonly name: string;
  readonly status: HResult;
  /** The event's value, e.g. `VT_R4 2` for MESessionRateChanged. */
  readonly value: string;
}

/** What the view shows besides the statechart's own state. */
export interface PlayerLog {
  readonly calls: readonly CallEntry[];
  readonly events: readonly EventEntry[];
  /** Why the event loop stopped (BeginGetEvent or EndGetEvent failed), or null while it runs. */
  readonly loopEnded: HResult | null;
  /** The presentation clock's GetTime, read on every tick: its HRESULT and the time in hns. */
  readonly clock: { readonly hr: HResult; readonly timeHns: number | null };
}

/** The player engine. */
export interface Player {
  readonly platform: MockPlatform;
  readonly session: MediaSessionHandle;
  /** The current log (a new object after every change, so React can compare by reference). */
  getLog(): PlayerLog;
  /** Calls `listener` after every change of the log; returns an unsubscribe function. */
  subscribe(listener: () => void): () => void;
  setTopology(): HResult;
  start(): HResult;
  pause(): HResult;
  stop(): HResult;
  close(): HResult;
  shutdown(): HResult;
  setRate(rate: number): HResult;
  /** Stops the clock driver and releases the session (shutting it down first if needed). */
  dispose(): void;
}

/** Options of {@link createPlayer}. */
export interface PlayerOptions {
  /** How often the platform clock catches up with real time and the clock is read, in ms (default 50). */
  tickMs?: number;
}

/** Creates the player: a session on a fresh mock platform, its event loop and its clock driver. */
export function createPlayer(options: PlayerOptions = {}): Player {
  const platform = createMockPlatform(PLAYER_PLATFORM);
  const session = createSession({ adapter: platform.adapter, id: 'player' });
  const listeners = new Set<() => void>();
  let log: PlayerLog = { calls: [], events: [], loopEnded: null, clock: { hr: HR.S_OK, timeHns: null } };
  let seq = 0;

  const update = (change: Partial<PlayerLog>) => {
    log = { ...log, ...change };
    for (const listener of listeners) listener();
  };
  const called = (method: string, hr: HResult): HResult => {
    update({ calls: [...log.calls, { seq: ++seq, method, hr }] });
    return hr;
  };

  // The application's event loop. The callback runs on a later microtask, as a COM callback runs on
  // a work-queue thread, not inside the call that queued the event.
  const read = () => {
    const end = session.EndGetEvent();
    if (failed(end.hr)) return update({ loopEnded: end.hr });
    update({ events: [...log.events, toEntry(++seq, end.out!)] });
    const begin = session.BeginGetEvent(PLAYER_CALLBACK);
    if (failed(begin)) update({ loopEnded: begin });
  };
  session.onCallback((invocation) => {
    if (invocation.callback === PLAYER_CALLBACK) queueMicrotask(read);
  });
  const begin = session.BeginGetEvent(PLAYER_CALLBACK);
  if (failed(begin)) update({ loopEnded: begin });

  // The mock platform's time only moves when told to: keep it in step with the wall clock, so the
  // pipeline's steps complete and the presentation clock runs as on a real platform.
  const startedAt = performance.now();
  const tick = () => {
    platform.clock.advanceTo(Math.round((performance.now() - startedAt) * HNS_PER_MS));
    if (session.released) return;
    const time = session.call<number>({ type: 'clock.GetTime' });
    if (time.hr !== log.clock.hr || (time.out ?? null) !== log.clock.timeHns) update({ clock: { hr: time.hr, timeHns: time.out ?? null } });
  };
  const driver = setInterval(tick, options.tickMs ?? 50);

  return {
    platform,
    session,
    getLog: () => log,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    setTopology: () => called('SetTopology', session.SetTopology([], PLAYER_TOPOLOGY)),
    start: () => called('Start', session.Start()),
    pause: () => called('Pause', session.Pause()),
    stop: () => called('Stop', session.Stop()),
    close: () => called('Close', session.Close()),
    shutdown: () => called('Shutdown', session.Shutdown()),
    setRate: (rate) => called(`SetRate(${rate})`, session.SetRate(false, rate)),
    dispose() {
      clearInterval(driver);
      listeners.clear();
      if (!session.released) session.Release();
    },
  };
}

function toEntry(seq: number, event: MediaEvent): EventEntry {
  const { value } = event;
  const shown = value.vt === 'VT_R4' || value.vt === 'VT_UI8' ? `${value.vt} ${value.value}` : value.vt;
  return { seq, name: eventName(event.type), status: event.status, value: shown };
}
