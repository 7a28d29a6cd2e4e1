/**
 * The README's first example, runnable: a session on the simulated platform plays, stops, and is
 * shut down and released. Run it with `node dist/examples/quickstart.js` after `npx tsc`, or import
 * `quickstart()`.
 */
import { createSession } from '../actors/createSession.js';
import { createMockPlatform } from '../adapters/mock/createMockPlatform.js';
import { formatHr } from '../machines/hresult.js';

/** Plays a topology and returns what each call answered, in order. */
export function quickstart(): string[] {
  const log: string[] = [];
  const platform = createMockPlatform({ sources: { file: { durationHns: 100_000_000 } }, sinks: { speaker: {} } });
  const session = createSession({ adapter: platform.adapter });
  const note = (what: string, value: unknown) => log.push(`${what}: ${typeof value === 'number' ? formatHr(value) : JSON.stringify(value)}`);

  note('SetTopology', session.SetTopology([], {
    nodes: [{ id: 'src', type: 'source', source: 'file' }, { id: 'out', type: 'output', sink: 'speaker' }],
    links: [['src', 'out']],
  }));
  note('Start', session.Start());
  platform.clock.advanceBy(50_000); // 5 ms of simulated time: the pipeline runs
  note('state', session.state);
  note('Stop', session.Stop());
  note('Shutdown', session.Shutdown());
  note('Stop after Shutdown', session.Stop());
  note('Release', session.Release());
  return log;
}
