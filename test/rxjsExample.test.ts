// The RxJS example (examples/rxjs/reactivePipeline.ts): three sessions run at once, watched
// through merged state$ / events$ streams, with a retried Start, a timed-out SetTopology, and every
// session shut down and released however its pipeline ends.
import { describe, expect, it } from 'vitest';
import { firstValueFrom, filter, Subject } from 'rxjs';
import { createReactivePipeline, runReactivePipeline, START_RETRIES, TOPOLOGY_TIMEOUT_MS } from '../examples/rxjs/reactivePipeline.js';
import { HR } from '../machines/hresult.js';

/** The completion events of control commands, in the order a session queued them. */
const completions = (events: readonly string[]) => events.filter((event) => /^MESession(TopologySet|Started|Paused|Stopped|Closed) /.test(event));

describe('RxJS example', () => {
  it('plays movie through, starts camera on its third attempt, and times out network’s SetTopology, all at once', async () => {
    const printed: string[] = [];
    const report = await runReactivePipeline((line) => printed.push(line));

    expect(report.outcomes).toEqual({
      movie: 'played and closed',
      camera: 'started after 3 attempts',
      network: `SetTopology timed out after ${TOPOLOGY_TIMEOUT_MS} ms`,
    });
    // state$ filtered (no `closing`) and without repeats; the teardown's `shutdown` may follow.
    expect(report.states.movie.slice(0, 6)).toEqual(['fresh', 'ready', 'started', 'paused', 'stopped', 'closed']);
    expect(report.states.camera.slice(0, 3)).toEqual(['fresh', 'ready', 'started']);
    expect(report.states.network[0]).toBe('fresh');
    expect(report.states.network).not.toContain('ready');

    expect(completions(report.events.movie)).toEqual([
      'MESessionTopologySet S_OK',
      'MESessionStarted S_OK',
      'MESessionPaused S_OK',
      'MESessionStopped S_OK',
      'MESessionClosed S_OK',
    ]);
    // The device is ready at 20 ms of platform time; attempts at ~2 ms and ~13 ms fail, the third starts.
    expect(report.cameraStartAttempts).toBe(3);
    expect(report.cameraStartAttempts).toBeLessThanOrEqual(START_RETRIES + 1);
    expect(completions(report.events.camera)).toEqual([
      'MESessionTopologySet S_OK',
      'MESessionStarted MF_E_NOT_INITIALIZED',
      'MESessionStarted MF_E_NOT_INITIALIZED',
      'MESessionStarted S_OK',
    ]);
    expect(report.events.network ?? []).toEqual([]);

    // Every line was printed as it happened, each retry announced.
    expect(printed).toEqual(report.lines);
    expect(printed.filter((line) => line.startsWith('[camera] Start attempt'))).toEqual([
      '[camera] Start attempt 1 failed (MediaEventError MF_E_NOT_INITIALIZED); retrying in 10 ms',
      '[camera] Start attempt 2 failed (MediaEventError MF_E_NOT_INITIALIZED); retrying in 10 ms',
    ]);
    expect(printed).toContain('[movie] event MESessionStarted S_OK');
  });

  it('shuts every session down and releases it without a leak when its pipeline ends', async () => {
    const report = await runReactivePipeline();
    for (const id of ['movie', 'camera', 'network']) expect(report.teardowns[id]).toEqual({ id, shutdown: HR.S_OK, leak: false });
    // Shutdown shut the sinks of the topologies that were set.
    expect(report.sinksShutDown).toMatchObject({ speaker: true, screen: true });
    // Each session is torn down right after its outcome, not when the others finish.
    const { lines } = report;
    expect(lines.indexOf('[camera] torn down: Shutdown S_OK, Release no leak')).toBe(lines.indexOf('[camera] outcome: started after 3 attempts') + 2);
  });

  it('tears every session down when the subscriber unsubscribes mid-run', async () => {
    const lines = new Subject<string>();
    const pipeline = createReactivePipeline((line) => lines.next(line));
    const movieStarted = firstValueFrom(lines.pipe(filter((line) => line === '[movie] state started')));
    const subscription = pipeline.run$.subscribe();
    await movieStarted;
    subscription.unsubscribe();

    const report = pipeline.report();
    expect(report.outcomes.movie).toBeUndefined(); // it never got to close
    for (const id of ['movie', 'camera', 'network']) expect(report.teardowns[id]).toEqual({ id, shutdown: HR.S_OK, leak: false });
    expect(report.sinksShutDown.speaker).toBe(true);
  });
});
