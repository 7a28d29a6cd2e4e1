/**
 * Lays a {@link Chart} out with ELK (elkjs, layered algorithm): compound states become nested
 * boxes, state-changing transitions become routed edges with their events as labels, and each
 * compound state gets UML's filled initial dot. The result is absolute coordinates the SVG view
 * draws as they are; nothing here touches the DOM, so it runs the same in a test under Node.
 *
 * Edges come from the diagram writers' {@link edgesOf} (one arrow per source/target pair), so the
 * page draws the same transitions `mfchart diagram` exports. Targetless transitions (getters, the
 * event generator) are listed in a state's tooltip instead of drawn, for the same reason as there.
 * @module
 */
import type { ELK, ElkExtendedEdge, ElkLabel, ElkNode } from 'elkjs/lib/elk-api.js';
import { edgesOf, groupLabels, noteLines } from '../diagram/drawing.js';
import { eventLabel } from '../diagram/labels.js';
import type { Chart, ChartNode } from '../diagram/model.js';

/** Measures the rendered width of a label in pixels (the page passes a canvas-based one). */
export type MeasureText = (text: string, font: LabelFont) => number;

/** The two fonts the drawing uses. */
export type LabelFont = 'state' | 'edge';

/** Font sizes in px, shared with the SVG view so measured and drawn text agree. */
export const FONT_SIZE: Readonly<Record<LabelFont, number>> = { state: 13, edge: 10 };

/** Rough width for when no measuring context exists (tests, workers): average glyph ≈ 0.6 em. */
export const approximateMeasure: MeasureText = (text, font) => Math.ceil(text.length * FONT_SIZE[font] * 0.6);

/** A state's box, in absolute coordinates. */
export interface StateBox {
  ref: string;
  key: string;
  kind: ChartNode['kind'];
  /** Depth below the chart's root (0 for the root). */
  depth: number;
  x: number;
  y: number;
  width: number;
  height: number;
  /** True when it has children (drawn as a container with its name at the top). A `choice` is drawn as a small diamond. */
  compound: boolean;
  /** Tooltip: entry/exit actions and the calls handled without a state change. */
  notes: string[];
}

/** An edge's route and label, in absolute coordinates. */
export interface TransitionEdge {
  id: string;
  source: string;
  target: string;
  /** Polyline through start, bend points and end. */
  points: { x: number; y: number }[];
  /** The event labels shown on the edge (`always` for eventless). */
  text: string[];
  label?: { x: number; y: number; width: number; height: number };
  /** Every transition the edge stands for, with guards and actions, for the tooltip. */
  detail: string[];
  /** True for the edge from an initial dot to its initial state. */
  initial: boolean;
}

/** A filled initial-state dot. */
export interface InitialDot {
  /** The compound state it belongs to. */
  parent: string;
  cx: number;
  cy: number;
  r: number;
}

/** A laid-out chart. */
export interface ChartDrawing {
  id: string;
  width: number;
  height: number;
  states: StateBox[];
  edges: TransitionEdge[];
  dots: InitialDot[];
}

const DOT_SIZE = 10;
/** Side of a choice node's box (its diamond is drawn inside it). */
const CHOICE_SIZE = 18;
const STATE_HEIGHT = 28;
const STATE_PADDING_X = 14;
const LABEL_LINE = FONT_SIZE.edge + 3;
const MAX_LABEL_LINE_CHARS = 34;

/** Spacing for the root and every compound state (ELK reads most options from an edge's container). */
const SPACING: Readonly<Record<string, string>> = {
  'elk.layered.spacing.nodeNodeBetweenLayers': '36',
  'elk.spacing.nodeNode': '20',
  'elk.spacing.edgeLabel': '2',
  'elk.spacing.edgeEdge': '4',
  'elk.spacing.edgeNode': '8',
  'elk.layered.spacing.edgeEdgeBetweenLayers': '4',
  'elk.layered.spacing.edgeNodeBetweenLayers': '8',
};

const initialDotId = (ref: string) => `${ref}#initial`;

/** The short text drawn on an edge: events only, grouped by interface, eventless ones as `always`. */
function edgeText(chart: Chart, source: string, target: string): string[] {
  const node = findNode(chart.root, source);
  const events: string[] = [];
  for (const transition of node?.transitions ?? []) {
    if (!transition.targets.includes(target)) continue;
    // A choice's branches are eventless by nature: their guard is what tells them apart.
    const label =
      node?.kind === 'choice' && transition.guard !== undefined ? `[${transition.guard}]` : transition.event === null ? 'always' : eventLabel(transition.event);
    if (!events.includes(label)) events.push(label);
  }
  return wrap(groupLabels(events, 3));
}

/** Splits long grouped lines at their commas so a label stays narrow. */
function wrap(lines: string[]): string[] {
  return lines.flatMap((line) => {
    if (line.length <= MAX_LABEL_LINE_CHARS) return [line];
    const out: string[] = [];
    let current = '';
    for (const part of line.split(/(?<=,) /)) {
      if (current && (current + ' ' + part).length > MAX_LABEL_LINE_CHARS) {
        out.push(current);
        current = '  ' + part;
      } else current = current ? `${current} ${part}` : part;
    }
    if (current) out.push(current);
    return out;
  });
}

function findNode(node: ChartNode, ref: string): ChartNode | undefined {
  if (node.ref === ref) return node;
  for (const child of node.children) {
    const found = findNode(child, ref);
    if (found) return found;
  }
  return undefined;
}

/**
 * Lays the chart out with `elk` (the page passes one running in a Web Worker, so a two-second
 * layout never blocks the list; Node passes `elk.bundled.js`). Async because ELK is; the page
 * calls it once per chart and keeps the result, so highlighting never re-runs the layout.
 */
export async function layoutChart(elk: ELK, chart: Chart, measure: MeasureText = approximateMeasure): Promise<ChartDrawing> {
  const notesOf = new Map<string, string[]>();
  const elkNodeOf = (node: ChartNode): ElkNode => {
    notesOf.set(node.ref, node.kind === 'choice' ? [node.description ?? 'choice'] : noteLines(node, true));
    if (node.kind === 'choice') return { id: node.ref, width: CHOICE_SIZE, height: CHOICE_SIZE };
    const labelWidth = measure(node.key, 'state');
    const label: ElkLabel = { text: node.key, width: labelWidth, height: FONT_SIZE.state + 4 };
    if (node.children.length === 0) {
      return { id: node.ref, width: labelWidth + 2 * STATE_PADDING_X, height: STATE_HEIGHT, labels: [label] };
    }
    const children = node.children.map(elkNodeOf);
    const edges: ElkExtendedEdge[] = [];
    if (node.kind === 'compound' && node.initial.length > 0) {
      children.unshift({ id: initialDotId(node.ref), width: DOT_SIZE, height: DOT_SIZE });
      for (const target of node.initial) {
        edges.push({ id: `${initialDotId(node.ref)}->${target}`, sources: [initialDotId(node.ref)], targets: [target] });
      }
    }
    return {
      id: node.ref,
      labels: [label],
      children,
      edges,
      layoutOptions: {
        ...SPACING,
        'elk.nodeLabels.placement': 'H_LEFT V_TOP INSIDE',
        'elk.padding': `[top=${FONT_SIZE.state + 18},left=14,bottom=14,right=14]`,
        'elk.nodeSize.constraints': 'NODE_LABELS MINIMUM_SIZE',
        'elk.nodeSize.minimum': `(${labelWidth + 40}, 40)`,
      },
    };
  };

  const transitionEdges = edgesOf(chart).map((edge, index): ElkExtendedEdge & { text: string[]; detail: string[] } => {
    const text = edgeText(chart, edge.source, edge.target);
    const width = Math.max(...text.map((line) => measure(line, 'edge')), 0);
    return {
      id: `t${index}`,
      sources: [edge.source],
      targets: [edge.target],
      labels: text.length > 0 ? [{ text: text.join('\n'), width, height: text.length * LABEL_LINE }] : [],
      text,
      // A compact chart's edge stands for many transitions: the tooltip lists them with their full guards.
      detail: edge.represents.length > 0 ? [...edge.labels, '', ...edge.represents] : edge.labels,
    };
  });

  const graph: ElkNode = {
    id: '#graph',
    children: [elkNodeOf(chart.root)],
    edges: transitionEdges.map(({ id, sources, targets, labels }) => ({ id, sources, targets, labels })),
    layoutOptions: {
      ...SPACING,
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      // One layout across the nesting, so edges between states of different parents are routed too.
      'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
      // Every coordinate the drawing needs in one system: edges and their labels relative to the root.
      'elk.json.edgeCoords': 'ROOT',
      'elk.edgeRouting': 'ORTHOGONAL',
      'elk.edgeLabels.placement': 'CENTER',
      'elk.padding': '[top=8,left=8,bottom=8,right=8]',
    },
  };

  const laid = await elk.layout(graph);

  const states: StateBox[] = [];
  const dots: InitialDot[] = [];
  const visit = (node: ElkNode, offsetX: number, offsetY: number, depth: number, parent: string | null) => {
    const x = offsetX + (node.x ?? 0);
    const y = offsetY + (node.y ?? 0);
    if (node.id.endsWith('#initial')) {
      dots.push({ parent: parent ?? '', cx: x + DOT_SIZE / 2, cy: y + DOT_SIZE / 2, r: DOT_SIZE / 2 });
      return;
    }
    const chartNode = findNode(chart.root, node.id);
    if (!chartNode) throw new Error(`layout returned an unknown node ${node.id}`);
    states.push({
      ref: node.id,
      key: chartNode.key,
      kind: chartNode.kind,
      depth,
      x,
      y,
      width: node.width ?? 0,
      height: node.height ?? 0,
      compound: chartNode.children.length > 0,
      notes: notesOf.get(node.id) ?? [],
    });
    for (const child of node.children ?? []) visit(child, x, y, depth + 1, node.id);
  };
  for (const child of laid.children ?? []) visit(child, 0, 0, 0, null);

  const edges: TransitionEdge[] = [];
  const collectEdges = (node: ElkNode) => {
    for (const edge of (node.edges ?? []) as ElkExtendedEdge[]) {
      const isInitial = edge.sources[0].endsWith('#initial');
      const meta = transitionEdges.find((candidate) => candidate.id === edge.id);
      const points = (edge.sections ?? []).flatMap((section) => [section.startPoint, ...(section.bendPoints ?? []), section.endPoint]);
      const label = edge.labels?.[0];
      edges.push({
        id: edge.id,
        source: isInitial ? edge.sources[0].slice(0, -'#initial'.length) : edge.sources[0],
        target: edge.targets[0],
        points,
        text: meta?.text ?? [],
        ...(label && label.x !== undefined && label.y !== undefined
          ? { label: { x: label.x, y: label.y, width: label.width ?? 0, height: label.height ?? 0 } }
          : {}),
        detail: meta?.detail ?? [],
        initial: isInitial,
      });
    }
    for (const child of node.children ?? []) collectEdges(child);
  };
  collectEdges(laid);

  return { id: chart.id, width: laid.width ?? 0, height: laid.height ?? 0, states, edges, dots };
}
