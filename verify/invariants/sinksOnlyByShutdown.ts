/**
 * The session shuts its sinks (and async transforms) down only in Shutdown, and then every sink of
 * the current, queued and removed topologies; never on Close, ClearTopologies, a topology change
 * or a source that died (MF_TOPONODE_NOSHUTDOWN_ON_REMOVE is ignored).
 * @module
 */
import { pipelineToShutDown } from '../../machines/sessionContext.js';
import { isShutDown, type Invariant } from './invariant.js';

/** Spec §2.7 "All sinks of the current, queued and removed topologies are shut down". */
export const sinksOnlyByShutdown: Invariant = {
  name: 'sinks-only-by-shutdown',
  source: 'spec §2.7 (WT T:2954, 9594, 9676, 11886-11888, 9890)',
  description: 'sinks are shut down only by Shutdown, and Shutdown shuts down every sink the session holds',
  check({ from, input, step }) {
    const isFirstShutdown = input.method === 'Shutdown' && !isShutDown(from);
    if (!isFirstShutdown) return step.shutDown ? `${input.label} shut down sinks [${step.shutDown.sinks.join(', ')}]` : undefined;
    if (!step.shutDown) return 'Shutdown did not shut down the pipeline';
    const expected = new Set(pipelineToShutDown(from.context).sinks);
    const actual = new Set(step.shutDown.sinks);
    const same = expected.size === actual.size && [...expected].every((sink) => actual.has(sink));
    return same ? undefined : `Shutdown shut down sinks [${[...actual].join(', ')}], expected [${[...expected].join(', ')}]`;
  },
};
