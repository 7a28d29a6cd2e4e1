/**
 * Shutdown discards the event queue and no event is queued afterwards; a pending BeginGetEvent
 * callback is never invoked after Shutdown.
 * @module
 */
import { eventName } from '../../machines/mediaEventType.js';
import { isShutDown, type Invariant } from './invariant.js';

/** Spec §2.7 "Queues no event", "undelivered and future events are lost"; decision 34. */
export const noEventAfterShutdown: Invariant = {
  name: 'no-event-after-shutdown',
  source: 'spec §1.3 and §2.7 (event queue shut down; the pending callback is not invoked); docs/decisions.md row 34',
  description: 'no event is queued and no callback invoked once Shutdown ran',
  check({ step, to }) {
    if (!isShutDown(to)) return undefined;
    if (step.events.length > 0) return `events queued at or after Shutdown: ${step.events.map((e) => eventName(e.type)).join(', ')}`;
    if (to.context.events.length > 0) return `${to.context.events.length} events left in the queue after Shutdown`;
    if (step.callback) return 'a BeginGetEvent callback was invoked at or after Shutdown';
    return undefined;
  },
};
