/**
 * The session never shuts down a media source, not even in Shutdown: the source belongs to the
 * application. The only way the model shuts anything down is the `shutdownPipeline` request, so no
 * source it holds (current, queued, removed, or being set) may be named there.
 * @module
 */
import type { SessionContext } from '../../machines/sessionContext.js';
import type { Invariant } from './invariant.js';

function sourcesHeld(ctx: SessionContext): Set<string> {
  const ids = new Set<string>();
  for (const topology of [...(ctx.current ? [ctx.current] : []), ...ctx.queued, ...ctx.removed]) {
    for (const source of topology.sources) ids.add(source.id);
  }
  for (const command of ctx.commands) {
    if (command.kind !== 'SetTopology' || !command.topology) continue;
    for (const node of command.topology.nodes) if (node.type === 'source') ids.add(node.source);
  }
  return ids;
}

/** Spec §2.7 "The media source is NOT shut down by the session" (WT T:396-400, T:3146). */
export const sourceNeverShutDown: Invariant = {
  name: 'source-never-shut-down',
  source: 'spec §2.7 (WT: the stub source\'s Shutdown is an unexpected call, T:396-400, T:3146)',
  description: 'the session never shuts down a media source',
  check({ from, step }) {
    if (!step.shutDown) return undefined;
    const held = sourcesHeld(from.context);
    const named = [...step.shutDown.sinks, ...step.shutDown.transforms].filter((id) => held.has(id));
    return named.length > 0 ? `the session shut down source ${named.join(', ')}` : undefined;
  },
};
