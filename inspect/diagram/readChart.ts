/**
 * Reads a statechart from an XState v5 machine's definition: the `root` StateNode tree with its
 * `states`, `transitions` (every evented transition, grouped by event type), `always`, `initial`,
 * `entry` / `exit` and `invoke`. Nothing is run: no actor, no snapshot, so a diagram shows every
 * transition the author wrote, reachable or not.
 * @module
 */
import type { AnyStateMachine, AnyStateNode, AnyTransitionDefinition } from 'xstate';
import { actionOf, guardLabel } from './labels.js';
import type { Chart, ChartNode, ChartTransition } from './model.js';

/** The chart of a machine. */
export function readChart(machine: AnyStateMachine): Chart {
  const root = machine.root;
  const refOf = (node: AnyStateNode): string => (node.path.length === 0 ? machine.id : node.path.join('.'));

  const transitionOf = (transition: AnyTransitionDefinition, eventless: boolean): ChartTransition => ({
    event: eventless ? null : transition.eventType,
    targets: (transition.target ?? []).map(refOf),
    ...(transition.guard !== undefined ? { guard: guardLabel(transition.guard) } : {}),
    actions: transition.actions.map(actionOf),
    reenter: transition.reenter,
  });

  const nodeOf = (node: AnyStateNode): ChartNode => {
    const evented = [...node.transitions.values()].flat().map((transition) => transitionOf(transition, false));
    const eventless = (node.always ?? []).map((transition) => transitionOf(transition, true));
    return {
      ref: refOf(node),
      key: node.path.length === 0 ? machine.id : node.key,
      path: node.path,
      kind: node.type,
      ...(node.type === 'history' && node.history ? { history: node.history } : {}),
      // Only compound nodes have an initial child; XState gives the others an empty initial transition.
      initial: node.type === 'compound' ? node.initial.target.map(refOf) : [],
      children: Object.values(node.states as Record<string, AnyStateNode>).map(nodeOf),
      entry: node.entry.map(actionOf),
      exit: node.exit.map(actionOf),
      invoke: node.invoke.map((invoke) => (typeof invoke.src === 'string' ? invoke.src : invoke.id)),
      transitions: [...evented, ...eventless],
      ...(node.description ? { description: node.description } : {}),
    };
  };

  return { id: machine.id, root: nodeOf(root) };
}
