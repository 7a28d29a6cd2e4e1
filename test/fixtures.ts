/** Fixtures shared by the test files. */
import type { TopologySpec } from '../machines/types.js';

/** One source `s1` rendered by one sink `k1`: the smallest topology a session can play. */
export const sourceToSink: TopologySpec = {
  nodes: [
    { id: 'src', type: 'source', source: 's1' },
    { id: 'out', type: 'output', sink: 'k1' },
  ],
  links: [['src', 'out']],
};
