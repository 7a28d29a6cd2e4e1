/**
 * The presentation clock follows the session: RUNNING only while the session is started or in the
 * middle of a command, PAUSED only while paused or mid-command; an idle started session has a
 * running clock and an idle paused one a paused clock; Shutdown shuts the clock down.
 * @module
 */
import type { Invariant } from './invariant.js';

/** Settled state nodes: anything else under `alive` is a command (or the end) in progress. */
const SETTLED_NODES = new Set(['alive.fresh', 'alive.ready', 'alive.started', 'alive.paused', 'alive.stopped', 'alive.closed']);

/** Spec §6.1 "Session → clock mapping"; docs/decisions.md rows 24, 39. */
export const clockConsistent: Invariant = {
  name: 'clock-consistent',
  source: 'spec §6.1 (S:3159-3180; WT T:9523-9579, T:3437-3439); docs/decisions.md rows 24, 39',
  description: 'clock RUNNING only when started or mid-command, PAUSED only when paused or mid-command, shut down with the session',
  check({ to }) {
    const { clock, settled } = to.context;
    if (to.path === 'shutdown') return clock.shutdown ? undefined : 'the clock is not shut down after Shutdown';
    const idle = SETTLED_NODES.has(to.path);
    if (clock.state === 'RUNNING' && idle && settled !== 'started') return `clock RUNNING while ${settled}`;
    if (clock.state === 'PAUSED' && idle && settled !== 'paused') return `clock PAUSED while ${settled}`;
    if (to.path === 'alive.started' && clock.state !== 'RUNNING') return `started, but the clock is ${clock.state}`;
    if (to.path === 'alive.paused' && clock.state !== 'PAUSED') return `paused, but the clock is ${clock.state}`;
    return undefined;
  },
};
