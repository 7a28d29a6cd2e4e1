/**
 * Graphviz DOT writer. Every compound state (the machine root included) is a `cluster_` subgraph
 * holding a small filled dot, its initial pseudo-state; arrows from or to a compound state are drawn
 * from or to that dot and clipped at the cluster's border (`compound=true`, `ltail` / `lhead`),
 * Graphviz's way of connecting clusters. Targetless handlers are a note node per state (drawing.ts).
 * @module
 */
import { edgeLabel, edgesOf, entryExitLines, noteLines } from './drawing.js';
import { allNodes, type Chart, type ChartNode } from './model.js';

/** A DOT double-quoted string. */
const quote = (value: string) => `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
/** Lines of a left-justified label (`\l` ends each line). */
const leftLines = (lines: readonly string[]) => `"${lines.map((line) => line.replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '\\l').join('')}"`;

const clusterId = (node: ChartNode) => quote(`cluster_${node.ref}`);
/** The node standing for a compound state at the end of an arrow: its initial dot. */
const anchorId = (node: ChartNode) => quote(`${node.ref}:initial`);

/** The chart as a Graphviz `digraph`. */
export function toDot(chart: Chart): string {
  const nodes = new Map(allNodes(chart).map((node) => [node.ref, node]));
  const isCluster = (node: ChartNode) => node.children.length > 0;
  const within = (ref: string, ancestor: ChartNode) => ref === ancestor.ref || ref.startsWith(ancestor.path.length === 0 ? '' : `${ancestor.ref}.`);
  const out: string[] = [
    `digraph ${quote(chart.id)} {`,
    '  compound=true;',
    '  node [shape=box, style=rounded, fontname="Helvetica", fontsize=11];',
    '  edge [fontname="Helvetica", fontsize=9];',
  ];

  const block = (node: ChartNode, pad: string) => {
    if (isCluster(node)) {
      out.push(`${pad}subgraph ${clusterId(node)} {`);
      const title = [node.key, ...entryExitLines(node)].join('\n');
      out.push(`${pad}  label=${quote(title)}; style=${node.kind === 'parallel' ? '"rounded,dashed"' : 'rounded'};`);
      // A parallel state has no initial child; its dot is still the anchor of arrows to or from it.
      out.push(`${pad}  ${anchorId(node)} [shape=point, width=0.12, label=""${node.kind === 'parallel' ? ', style=invis' : ''}];`);
      for (const initial of node.initial) {
        const child = nodes.get(initial)!;
        out.push(`${pad}  ${anchorId(node)} -> ${isCluster(child) ? `${anchorId(child)} [lhead=${clusterId(child)}]` : quote(initial)};`);
      }
      for (const child of node.children) block(child, pad + '  ');
    } else {
      const shape =
        node.kind === 'final' ? ', shape=doublecircle' : node.kind === 'history' ? ', shape=circle' : node.kind === 'choice' ? ', shape=diamond, style="", width=0.3, height=0.3' : '';
      const label =
        node.kind === 'history' ? (node.history === 'deep' ? 'H*' : 'H') : node.kind === 'choice' ? '' : [node.key, ...entryExitLines(node)].join('\n');
      out.push(`${pad}${quote(node.ref)} [label=${quote(label)}${shape}];`);
    }
    const note = noteLines(node, false);
    if (note.length > 0) {
      const noteId = quote(`${node.ref}:note`);
      out.push(`${pad}${isCluster(node) ? '  ' : ''}${noteId} [shape=note, style="", fontsize=9, label=${leftLines(note)}];`);
      // An atomic state points at its note; a cluster's note sits inside the cluster.
      if (!isCluster(node)) out.push(`${pad}${quote(node.ref)} -> ${noteId} [style=dashed, arrowhead=none];`);
    }
    if (isCluster(node)) out.push(`${pad}}`);
  };
  block(chart.root, '  ');

  for (const edge of edgesOf(chart)) {
    const source = nodes.get(edge.source)!;
    const target = nodes.get(edge.target)!;
    const tail = isCluster(source) ? anchorId(source) : quote(source.ref);
    const head = isCluster(target) ? anchorId(target) : quote(target.ref);
    const attributes = [`label=${quote(edgeLabel(edge, 4, '\n'))}`];
    // Clipping at a cluster that holds the other end makes Graphviz warn and draw nothing different.
    if (isCluster(source) && !within(target.ref, source)) attributes.push(`ltail=${clusterId(source)}`);
    if (isCluster(target) && !within(source.ref, target)) attributes.push(`lhead=${clusterId(target)}`);
    out.push(`  ${tail} -> ${head} [${attributes.join(', ')}];`);
  }
  out.push('}');
  return out.join('\n') + '\n';
}
