/**
 * A reactive pipeline over `mfchart/rxjs`: three sessions on the mock platform, run at once and
 * watched through one merged stream of their states and events.
 *
 * - `movie` plays: SetTopology, Start, 30 ms of playback, Pause, Stop, Close.
 * - `camera`'s device is not ready for its first 20 ms, so its Start completes with
 *   MF_E_NOT_INITIALIZED; `retry` backs off 10 ms of platform time and tries again until it starts.
 * - `network`'s platform takes a minute to resolve a topology, so `timeout` gives up on SetTopology.
 *
 * Each session is a resource (`session$`): however its pipeline ends — completed, timed out, or
 * unsubscribed from outside — the session is shut down and released.
 *
 * Run it: `npx tsc && node dist/examples/rxjs/reactivePipeline.js` (this repository), or import
 * {@link runReactivePipeline}. An application imports `state$` and `events$` from `mfchart/rxjs`.
 * @module
 */
import { pathToFileURL } from 'node:url';
import {
  Observable,
  TimeoutError,
  catchError,
  concatMap,
  filter,
  forkJoin,
  ignoreElements,
  map,
  merge,
  of,
  retry,
  switchMap,
  take,
  tap,
  timeout,
} from 'rxjs';
import { events$, state$ } from '../../actors/rxjs.js';
import type { MediaSessionHandle } from '../../actors/createSession.js';
import { createMockPlatform, type MockPlatform } from '../../adapters/mock/createMockPlatform.js';
import { HR, formatHr, hrName, type HResult } from '../../machines/hresult.js';
import { eventName } from '../../machines/mediaEventType.js';
import { HNS_PER_MS } from '../../machines/constants.js';
import type { PublicState, TopologySpec } from '../../machines/types.js';
import { drivePlatformClock$, platformTimer$ } from './platformTime.js';
import { session$, type SessionTeardown } from './sessionResource.js';
import { command$ } from './sessionCommand.js';

/** How long `network` may take to set its topology, in real milliseconds. */
export const TOPOLOGY_TIMEOUT_MS = 300;
/** When `camera`'s device becomes ready, in ms of platform time. */
export const CAMERA_READY_MS = 20;
/** The back-off between Start attempts, in ms of platform time. */
export const RETRY_BACKOFF_MS = 10;
/** How many times a failed Start is retried. */
export const START_RETRIES = 3;

/** What the pipeline observed, per session. */
export interface PipelineReport {
  /** Every line printed, in order. */
  readonly lines: readonly string[];
  /** Each session's public states as `state$` emitted them, without `closing`. */
  readonly states: Readonly<Record<string, PublicState[]>>;
  /** Each session's events as `events$` emitted them: `name status`. */
  readonly events: Readonly<Record<string, string[]>>;
  /** How each session's pipeline ended. */
  readonly outcomes: Readonly<Record<string, string>>;
  /** How many times `camera` called Start. */
  readonly cameraStartAttempts: number;
  /** Each session's teardown. */
  readonly teardowns: Readonly<Record<string, SessionTeardown>>;
  /** Whether each sink was shut down (a session's Shutdown shuts its sinks down). */
  readonly sinksShutDown: Readonly<Record<string, boolean>>;
}

/** The pipeline and what it reports, before anything runs. */
export interface ReactivePipeline {
  /** Runs every session while subscribed; emits the report once all three pipelines ended, then completes. */
  readonly run$: Observable<PipelineReport>;
  /** The report so far (filled while `run$` runs, also when it is unsubscribed early). */
  report(): PipelineReport;
}

const topology = (source: string, sink: string): TopologySpec => ({
  nodes: [
    { id: 'src', type: 'source', source },
    { id: 'out', type: 'output', sink },
  ],
  links: [['src', 'out']],
});

/** Builds the pipeline; `print` receives each line as it happens (default: nothing). */
export function createReactivePipeline(print: (line: string) => void = () => {}): ReactivePipeline {
  const local = createMockPlatform({
    sources: { movie: {}, camera: { startResult: HR.MF_E_NOT_INITIALIZED } },
    sinks: { speaker: {}, screen: {} },
  });
  // A platform whose every pipeline step takes a minute: nothing it starts completes in time.
  const remote = createMockPlatform({ sources: { stream: { usesNetwork: true } }, sinks: { headphones: {} }, latencyMs: 60_000 });

  const lines: string[] = [];
  const states: Record<string, PublicState[]> = {};
  const events: Record<string, string[]> = {};
  const outcomes: Record<string, string> = {};
  const teardowns: Record<string, SessionTeardown> = {};
  let cameraStartAttempts = 0;
  const log = (id: string, text: string) => {
    const line = `[${id}] ${text}`;
    lines.push(line);
    print(line);
  };
  const onTeardown = (teardown: SessionTeardown) => {
    teardowns[teardown.id] = teardown;
    log(teardown.id, `torn down: Shutdown ${hrName(teardown.shutdown)}, Release ${teardown.leak ? 'leaked' : 'no leak'}`);
  };

  /** The merged view of one session: its settled states and its events, by name. */
  const watch = (session: MediaSessionHandle): Observable<never> =>
    merge(
      state$(session).pipe(
        filter((state) => state !== 'closing'),
        tap((state) => {
          (states[session.id] ??= []).push(state);
          log(session.id, `state ${state}`);
        }),
      ),
      events$(session).pipe(
        map((event) => `${eventName(event.type)} ${hrName(event.status) ?? formatHr(event.status)}`),
        tap((event) => {
          (events[session.id] ??= []).push(event);
          log(session.id, `event ${event}`);
        }),
      ),
    ).pipe(ignoreElements());

  /** One session's life: the resource, its watcher, and `play` until it reports an outcome. */
  const lifetime = (platform: MockPlatform, id: string, play: (session: MediaSessionHandle) => Observable<string>): Observable<string> =>
    session$(platform.adapter, id, onTeardown).pipe(
      switchMap((session) => merge(watch(session), play(session))),
      // A command that failed for good is this session's outcome, not the end of the others.
      catchError((error: unknown) => of(`failed: ${errorText(error)}`)),
      take(1), // the outcome ends the subscription, and with it the session
      tap((outcome) => {
        outcomes[id] = outcome;
        log(id, `outcome: ${outcome}`);
      }),
    );

  const setTopology = (session: MediaSessionHandle, source: string, sink: string) =>
    command$(session, 'SetTopology', (s) => s.SetTopology([], topology(source, sink)), 'MESessionTopologySet');
  const start = (session: MediaSessionHandle) => command$(session, 'Start', (s) => s.Start(), 'MESessionStarted');

  const movie = lifetime(local, 'movie', (session) =>
    setTopology(session, 'movie', 'speaker').pipe(
      concatMap(() => start(session)),
      concatMap(() => platformTimer$(local.clock, 30)),
      concatMap(() => command$(session, 'Pause', (s) => s.Pause(), 'MESessionPaused')),
      concatMap(() => command$(session, 'Stop', (s) => s.Stop(), 'MESessionStopped')),
      concatMap(() => command$(session, 'Close', (s) => s.Close(), 'MESessionClosed')),
      map(() => 'played and closed'),
    ),
  );

  // The device becomes ready after a while: until then the source's start fails.
  local.clock.schedule(CAMERA_READY_MS * HNS_PER_MS, () => local.configure('source', 'camera', { startResult: HR.S_OK }));
  const camera = lifetime(local, 'camera', (session) =>
    setTopology(session, 'camera', 'screen').pipe(
      concatMap(() =>
        start(session).pipe(
          tap({ subscribe: () => cameraStartAttempts++ }),
          retry({
            count: START_RETRIES,
            delay: (error: unknown, attempt) => {
              log(session.id, `Start attempt ${attempt} failed (${errorText(error)}); retrying in ${RETRY_BACKOFF_MS} ms`);
              return platformTimer$(local.clock, RETRY_BACKOFF_MS);
            },
          }),
        ),
      ),
      map(() => `started after ${cameraStartAttempts} attempts`),
    ),
  );

  const network = lifetime(remote, 'network', (session) =>
    setTopology(session, 'stream', 'headphones').pipe(
      timeout({ first: TOPOLOGY_TIMEOUT_MS }),
      map(() => 'topology set'),
      catchError((error: unknown) => {
        if (error instanceof TimeoutError) return of(`SetTopology timed out after ${TOPOLOGY_TIMEOUT_MS} ms`);
        throw error;
      }),
    ),
  );

  const report = (): PipelineReport => ({
    lines: [...lines],
    states,
    events,
    outcomes,
    cameraStartAttempts,
    teardowns,
    sinksShutDown: Object.fromEntries([...local.sinks, ...remote.sinks].map(([id, sink]) => [id, sink.shutdown])),
  });

  // The platforms' clocks run only while the pipeline is subscribed.
  const clocks = merge(drivePlatformClock$(local.clock), drivePlatformClock$(remote.clock)).pipe(ignoreElements());
  const run$ = merge(clocks, forkJoin([movie, camera, network])).pipe(
    take(1),
    map(() => report()),
  );
  return { run$, report };
}

/** Runs the pipeline to its end and resolves with its report; `print` receives each line. */
export function runReactivePipeline(print: (line: string) => void = () => {}): Promise<PipelineReport> {
  const { run$ } = createReactivePipeline(print);
  return new Promise((resolve, reject) => run$.subscribe({ next: resolve, error: reject }));
}

function errorText(error: unknown): string {
  const hr = (error as { hr?: HResult }).hr;
  return hr === undefined ? String(error) : `${error instanceof Error ? error.name : 'error'} ${hrName(hr) ?? formatHr(hr)}`;
}

// Run as a program: print the lines as they happen, then the outcomes.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const report = await runReactivePipeline((line) => console.log(line));
  console.log(JSON.stringify(report.outcomes));
}
