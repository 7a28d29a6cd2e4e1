/**
 * Which states of a chart are active: from an XState state value (what the server sends), or from
 * a recorded trace at a step (the last `state` entry at or before it), so the statechart highlight
 * follows the step cursor the same way it follows the live session.
 * @module
 */
import type { Chart, ChartNode } from '../diagram/model.js';
import type { StateValue, TraceEntry } from '../live/protocol.js';

/** The active configuration: every active state's ref, and the active leaves (the deepest ones). */
export interface ActiveStates {
  all: ReadonlySet<string>;
  leaves: ReadonlySet<string>;
}

/** The chart refs a state value names (refs are key paths joined by `.`, the root is the machine id). */
export function activeStates(chart: Chart, value: StateValue): ActiveStates {
  const all = new Set<string>([chart.root.ref]);
  const leaves = new Set<string>();
  const walk = (path: string[], part: StateValue) => {
    if (typeof part === 'string') {
      const ref = [...path, part].join('.');
      all.add(ref);
      leaves.add(ref);
      return;
    }
    const keys = Object.keys(part);
    if (keys.length === 0 && path.length > 0) leaves.add(path.join('.'));
    for (const key of keys) {
      const childPath = [...path, key];
      all.add(childPath.join('.'));
      walk(childPath, part[key]);
    }
  };
  walk([], value);
  return { all, leaves };
}

/** The state value a fresh actor of the chart starts in (initial children, recursively). */
export function initialValue(chart: Chart): StateValue {
  const valueOf = (node: ChartNode): StateValue => {
    if (node.kind === 'parallel') {
      return Object.fromEntries(node.children.map((child) => [child.key, valueOf(child)]));
    }
    const initial = node.children.find((child) => node.initial.includes(child.ref));
    if (!initial) return {};
    return initial.children.length === 0 ? initial.key : { [initial.key]: valueOf(initial) };
  };
  return valueOf(chart.root);
}

/**
 * The state value after the first `step` entries of a trace: the last `state` entry among them,
 * else `before` (the value the session had when recording began).
 */
export function valueAtStep(entries: readonly TraceEntry[], step: number, before: StateValue): StateValue {
  for (let index = Math.min(step, entries.length) - 1; index >= 0; index--) {
    const entry = entries[index];
    if (entry.kind === 'state') return entry.value;
  }
  return before;
}

/**
 * The presentation clock's state after the first `step` entries of a trace: the last entry among
 * them that carries one (state entries always do, calls when they changed it), else `before`.
 */
export function clockAtStep(entries: readonly TraceEntry[], step: number, before: string | undefined): string | undefined {
  for (let index = Math.min(step, entries.length) - 1; index >= 0; index--) {
    const entry = entries[index];
    if ((entry.kind === 'state' || entry.kind === 'call') && entry.clock !== undefined) return entry.clock;
  }
  return before;
}

/** `alive.starting.sources`: a state value as one dotted path per active leaf, joined by `, `. */
export function valueText(value: StateValue): string {
  if (typeof value === 'string') return value;
  return Object.entries(value)
    .map(([key, child]) => {
      const rest = valueText(child);
      return rest ? `${key}.${rest}` : key;
    })
    .join(', ');
}
