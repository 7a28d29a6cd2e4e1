/**
 * MESessionClosed is the last event of a session, unless the application issues a later command:
 * once the session is closed and idle, only an accepted command (or the application's own
 * QueueEvent) queues events; and within one step, events after MESessionClosed belong to commands
 * that completed after the Close.
 * @module
 */
import { ME, eventName } from '../../machines/mediaEventType.js';
import type { Invariant } from './invariant.js';

/** MS "Step 7: Shut Down the Media Session", qualified by spec §2.6 (T:2859). */
export const closedIsLast: Invariant = {
  name: 'closed-is-last',
  source: 'spec §2.6 (MS tutorial "MESessionClosed is guaranteed to be the last event", unless a later command: WT T:2859)',
  description: 'MESessionClosed is the last event unless a later command was issued',
  check({ from, input, step }) {
    const idleClosed = from.path === 'alive.closed' && from.context.commands.length === 0;
    if (idleClosed && step.accepted === undefined && input.method !== 'QueueEvent' && step.events.length > 0) {
      return `${input.label} on a closed idle session queued ${step.events.map((e) => eventName(e.type)).join(', ')}`;
    }
    const closedAt = step.events.findIndex((event) => event.type === ME.MESessionClosed);
    if (closedAt < 0 || closedAt === step.events.length - 1) return undefined;
    const closeIndex = step.completed.indexOf('Close');
    const laterCommand = closeIndex >= 0 && closeIndex < step.completed.length - 1;
    const appEvent = input.method === 'QueueEvent' && closedAt === step.events.length - 2;
    if (laterCommand || appEvent) return undefined;
    return `events after MESessionClosed with no later command: ${step.events.slice(closedAt + 1).map((e) => eventName(e.type)).join(', ')}`;
  },
};
