/**
 * The statechart as the diagram writers see it: a plain tree of states and transitions, read once
 * from an XState machine's definition ({@link readChart}) and rendered by each format. Keeping the
 * writers away from XState's `StateNode` means a format never re-derives names, guards or targets.
 * @module
 */

/**
 * The kind of a state node, as XState names it, plus `choice`: a pseudo-state XState has not, added
 * only by the compact view (`compactChart.ts`), never read from a machine.
 */
export type ChartNodeKind = 'atomic' | 'compound' | 'parallel' | 'final' | 'history' | 'choice';

/** An action, by the name the machine gives it. */
export interface ChartAction {
  /** `requestOp`, `assign`, `emit`, … (`inline` for an anonymous function). */
  name: string;
  /**
   * True when the machine refers to the action by name (a string or `{ type }`, implemented in
   * `setup`/`provide`); false for XState's built-in action creators and inline functions. The
   * graphical formats show only these on edges: `assign` / `emit` on every call would be noise.
   */
  referenced: boolean;
}

/** One transition of a state node. */
export interface ChartTransition {
  /** XState's event type (`xstate.after.…` for delayed ones); `null` for an eventless (`always`) transition. */
  event: string | null;
  /** Refs of the target nodes; empty for a targetless transition (actions only, no state change). */
  targets: readonly string[];
  /** The guard's label (`callbackDue`, `clockIn(RUNNING)`, `?` for an inline guard), if guarded. */
  guard?: string;
  actions: readonly ChartAction[];
  /** XState's `reenter`: the source is exited and re-entered even if the target is a descendant. */
  reenter: boolean;
  /**
   * Set only in a compact chart (`compactChart.ts`), on the transitions into and out of a choice:
   * the machine's own transitions this one stands for, with their full guards.
   */
  represents?: readonly RepresentedTransition[];
}

/** One transition of the machine, flattened: the unit the compact view must keep (see `compactChart.ts`). */
export interface RepresentedTransition {
  source: string;
  event: string | null;
  guard?: string;
  target: string;
}

/** One state node. */
export interface ChartNode {
  /**
   * Unique reference of the node in its chart: the machine id for the root, else the path of keys
   * joined by `.` (`alive.starting.sources`). The formats derive their own identifiers from it.
   */
  ref: string;
  /** The node's key (the machine id for the root). */
  key: string;
  /** Keys from the root (empty for the root). */
  path: readonly string[];
  kind: ChartNodeKind;
  /** For history nodes: shallow or deep. */
  history?: 'shallow' | 'deep';
  /** Refs of the initial child (compound nodes). */
  initial: readonly string[];
  children: readonly ChartNode[];
  entry: readonly ChartAction[];
  exit: readonly ChartAction[];
  /** `src` of each invoked actor. */
  invoke: readonly string[];
  /** Every transition, evented ones first (document order), then eventless ones. */
  transitions: readonly ChartTransition[];
  description?: string;
}

/** A machine's statechart. */
export interface Chart {
  /** The machine's id (`mfSession`). */
  id: string;
  /** The root node; the formats draw it as the outermost state, named by the machine id. */
  root: ChartNode;
}

/** Every node of the chart, root first, in document order. */
export function allNodes(chart: Chart): ChartNode[] {
  const out: ChartNode[] = [];
  const visit = (node: ChartNode) => {
    out.push(node);
    node.children.forEach(visit);
  };
  visit(chart.root);
  return out;
}

/** True for a transition that changes no state: its handlers only run actions (getters, clock calls). */
export const isTargetless = (transition: ChartTransition): boolean => transition.targets.length === 0;
