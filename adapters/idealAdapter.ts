/**
 * The ideal platform as an adapter: the statechart's default services (every pipeline step
 * succeeds at once with default objects) and a clock that stands still. What `createSession()`
 * uses when no adapter is given; the model with nothing in the way.
 * @module
 */
import { mediaSessionMachine } from '../machines/mediaSessionMachine.js';
import type { PlatformAdapter } from './PlatformAdapter.js';

/** The ideal adapter (shared; it keeps no per-session state). */
export const idealAdapter: PlatformAdapter = {
  name: 'ideal',
  machine: mediaSessionMachine,
  now: () => 0,
  attach: () => {},
  detach: () => {},
  settle: () => {},
  waitUntil: async (until) => until(),
};
