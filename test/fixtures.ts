/** Fixtures shared by the test files. */
import type { TopologySpec } from '../machines/types.js';
import type { PlatformAdapter } from '../adapters/PlatformAdapter.js';
import { idealAdapter } from '../adapters/idealAdapter.js';
import { mediaSessionMachine } from '../machines/mediaSessionMachine.js';

/** One source `s1` rendered by one sink `k1`: the smallest topology a session can play. */
export const sourceToSink: TopologySpec = {
  nodes: [
    { id: 'src', type: 'source', source: 's1' },
    { id: 'out', type: 'output', sink: 'k1' },
  ],
  links: [['src', 'out']],
};

/**
 * An adapter whose Shutdown action throws, provided straight to the machine (not through
 * `providePlatform`, which would absorb the throw): it stops the session's actor with an error, the
 * case the facades and the host must survive and report.
 */
export const faultingAdapter: PlatformAdapter = {
  ...idealAdapter,
  name: 'boom',
  machine: mediaSessionMachine.provide({
    actions: {
      shutdownPipeline: () => {
        throw new Error('boom');
      },
    },
  }),
};
