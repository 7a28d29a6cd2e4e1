/**
 * What the graphical formats (Mermaid, DOT) draw: edges for the transitions that change state, and
 * for each state a short list of the calls it answers without changing state.
 *
 * Why the split: the session answers some thirty calls (getters, the event generator, the clock)
 * at the `mfSession` and `alive` levels with targetless transitions. Drawn as self-loops they would
 * bury the dozen edges that carry the lifecycle, so they are listed once per state instead, with
 * events of one interface grouped (`clock.{GetState, GetTime, …}`).
 * @module
 */
import { eventLabel } from './labels.js';
import { allNodes, isTargetless, type Chart, type ChartNode, type ChartTransition, type RepresentedTransition } from './model.js';

/** UML's `event [guard] / actions`, with only the actions the machine names (see `ChartAction.referenced`). */
export function transitionLabel(transition: ChartTransition): string {
  const parts: string[] = [];
  if (transition.event !== null) parts.push(eventLabel(transition.event));
  if (transition.guard !== undefined) parts.push(`[${transition.guard}]`);
  const named = transition.actions.filter((action) => action.referenced).map((action) => action.name);
  if (named.length > 0) parts.push(`/ ${named.join(', ')}`);
  return parts.join(' ');
}

/** An arrow from one state to another, standing for one or more transitions. */
export interface Edge {
  source: string;
  target: string;
  /** One label per transition it stands for, in document order; `''` for an unlabelled one. */
  labels: string[];
  /**
   * In a compact chart, the machine's transitions routed over this edge (`source —event [guard]→
   * target`), for tooltips and legends; empty for a plain edge, whose labels already say everything.
   */
  represents: string[];
}

/** `alive.pausing —platform.done [landsIn(fresh, pausePipeline)]→ alive.fresh`: one represented transition. */
export function representedLabel(transition: RepresentedTransition): string {
  const words = [transition.event === null ? 'always' : eventLabel(transition.event), ...(transition.guard !== undefined ? [`[${transition.guard}]`] : [])];
  return `${transition.source} —${words.join(' ')}→ ${transition.target}`;
}

/**
 * Every state-changing transition as edges, one per (source, target) pair: the session lands in a
 * settled state through six guarded transitions per event, and several events share a target, so
 * merging pairs keeps one arrow per pair with all its events on it.
 */
export function edgesOf(chart: Chart): Edge[] {
  const edges = new Map<string, Edge>();
  for (const node of allNodes(chart)) {
    for (const transition of node.transitions) {
      if (isTargetless(transition)) continue;
      for (const target of transition.targets) {
        const id = JSON.stringify([node.ref, target]);
        const edge = edges.get(id) ?? { source: node.ref, target, labels: [], represents: [] };
        const label = transitionLabel(transition);
        if (!edge.labels.includes(label)) edge.labels.push(label);
        for (const represented of transition.represents ?? []) edge.represents.push(representedLabel(represented));
        edges.set(id, edge);
      }
    }
  }
  return [...edges.values()];
}

/** An edge's label, events of one interface grouped; `separator` between groups (and wrapped lines). */
export function edgeLabel(edge: Edge, perLine = Infinity, separator = ', '): string {
  return groupLabels(edge.labels, perLine).join(separator);
}

/**
 * Lines of a state's note: its entry / exit actions when `withActions`, then the calls it handles
 * without changing state (`always [callbackDue]` for an eventless one). Empty when there is nothing.
 */
export function noteLines(node: ChartNode, withActions: boolean, perLine = 4): string[] {
  const lines = withActions ? entryExitLines(node) : [];
  const stay = node.transitions.filter(isTargetless);
  const evented = stay.filter((transition) => transition.event !== null).map(transitionLabel);
  const eventless = stay.filter((transition) => transition.event === null).map((transition) => `always ${transitionLabel(transition)}`.trim());
  if (evented.length + eventless.length > 0) {
    lines.push('handled without a state change:');
    lines.push(...groupLabels(evented, perLine), ...eventless);
  }
  return lines;
}

/** `entry / a, b` and `exit / c`, for the states that have them. */
export function entryExitLines(node: ChartNode): string[] {
  const lines: string[] = [];
  if (node.entry.length > 0) lines.push(`entry / ${node.entry.map((action) => action.name).join(', ')}`);
  if (node.exit.length > 0) lines.push(`exit / ${node.exit.map((action) => action.name).join(', ')}`);
  if (node.invoke.length > 0) lines.push(`invoke / ${node.invoke.join(', ')}`);
  return lines;
}

/**
 * Labels grouped by the interface prefix of their event: `clock.Start, clock.Stop` →
 * `clock.{Start, Stop}`; `perLine` wraps long groups.
 */
export function groupLabels(labels: readonly string[], perLine = Infinity): string[] {
  const groups = new Map<string, string[]>();
  for (const label of labels) {
    const match = /^([A-Za-z_$][\w$]*)\.(\S.*)$/.exec(label);
    const prefix = match ? match[1] : '';
    const rest = match ? match[2] : label;
    const members = groups.get(prefix) ?? [];
    if (!members.includes(rest)) members.push(rest);
    groups.set(prefix, members);
  }
  const lines: string[] = [];
  for (const [prefix, members] of groups) {
    if (prefix === '') lines.push(...members);
    else if (members.length === 1) lines.push(`${prefix}.${members[0]}`);
    else {
      for (let i = 0; i < members.length; i += perLine) {
        const last = i + perLine >= members.length;
        const chunk = members.slice(i, i + perLine).join(', ') + (last ? '}' : ',');
        lines.push(i === 0 ? `${prefix}.{${chunk}` : `  ${chunk}`);
      }
    }
  }
  return lines;
}
