/**
 * Each accepted control command yields exactly one completion event, and the commands complete in
 * the order they were accepted: the completion events a step queues are those of the commands that
 * left the FIFO in that step, in FIFO order, and what stays in the FIFO is the rest, in order.
 * Shutdown is the exception: it drops the FIFO and queues nothing (decision 7); so is the
 * MESessionStopped(MF_E_SHUTDOWN) a source dying under an idle running session causes (§2.17).
 * @module
 */
import { COMPLETION_EVENT } from '../../machines/sessionContext.js';
import { ME, eventName } from '../../machines/mediaEventType.js';
import { HR } from '../../machines/hresult.js';
import type { CommandKind } from '../../machines/types.js';
import { isShutDown, type Invariant } from './invariant.js';

const COMPLETION_TYPES = new Set<number>(Object.values(COMPLETION_EVENT));

/** Spec §1.3 "Command pipeline". */
export const completionFifo: Invariant = {
  name: 'completion-fifo',
  source: 'spec §1.3 "each one emits exactly one completion event", FIFO; §2.17; docs/decisions.md rows 7, 16',
  description: 'one completion event per accepted control command, in FIFO order',
  check({ from, input, step, to }) {
    if (input.method === 'Shutdown' && !isShutDown(from)) return undefined;
    const kinds: CommandKind[] = from.context.commands.map((command) => command.kind);
    if (step.accepted) kinds.push(step.accepted);
    else if (input.control && step.reply === 0) return `${input.label} returned S_OK but joined no FIFO`;
    const remaining = to.context.commands.map((command) => command.kind);
    const left = kinds.length - remaining.length;
    if (left < 0 || kinds.slice(left).join() !== remaining.join()) {
      return `FIFO not preserved: [${kinds.join(', ')}] became [${remaining.join(', ')}]`;
    }
    // The application's own QueueEvent may carry any type: its event is not a completion.
    let events = input.method === 'QueueEvent' ? step.events.slice(0, -1) : step.events;
    // A source dying while the session is started or paused and idle is reported with an unsolicited
    // MESessionStopped(MF_E_SHUTDOWN) (spec §2.17 "COMPLETE while ST/PA"): no command owes it.
    if (input.method === 'platform.sourceShutdown' && kinds.length === 0) {
      events = events.filter((event) => !(event.type === ME.MESessionStopped && event.status === HR.MF_E_SHUTDOWN));
    }
    const completions = events.filter((event) => COMPLETION_TYPES.has(event.type)).map((event) => event.type);
    const expected = kinds.slice(0, left).map((kind) => COMPLETION_EVENT[kind]);
    if (completions.join() !== expected.join()) {
      return `commands [${kinds.slice(0, left).join(', ')}] completed with [${completions.map(eventName).join(', ')}]`;
    }
    return undefined;
  },
};
