/**
 * Mermaid `stateDiagram-v2` writer. The machine root is drawn as the outermost composite state
 * (it has transitions of its own: the session's clock calls, the clock's routing); compound states
 * are composite states with their `[*]` initial arrow; entry / exit actions are state descriptions;
 * targetless handlers are one note per state (see drawing.ts).
 * @module
 */
import { edgeLabel, edgesOf, entryExitLines, noteLines } from './drawing.js';
import { allNodes, type Chart, type ChartNode } from './model.js';

/**
 * Words Mermaid's state grammar reserves, plus `root`: Mermaid names its own document root so, and a
 * state with that id silently loses its box.
 */
const RESERVED = new Set(['root', 'end', 'state', 'note', 'direction', 'as', 'class', 'classDef', 'style', 'click', 'left', 'right', 'of', 'default']);

/**
 * Mermaid ids, one per node ref. State ids are global in Mermaid, so a key is used as is only when
 * no other node has it; otherwise (or when it is not a plain identifier) the path, `_`-joined.
 */
export function mermaidIds(chart: Chart): Map<string, string> {
  const nodes = allNodes(chart);
  const keyCount = new Map<string, number>();
  for (const node of nodes) keyCount.set(node.key, (keyCount.get(node.key) ?? 0) + 1);
  const ids = new Map<string, string>();
  const used = new Set<string>();
  for (const node of nodes) {
    const plain = /^[A-Za-z_][A-Za-z0-9_]*$/.test(node.key) && !RESERVED.has(node.key) && keyCount.get(node.key) === 1;
    let id = plain ? node.key : `s_${node.ref.replace(/[^A-Za-z0-9_]/g, '_')}`;
    while (used.has(id)) id += '_';
    used.add(id);
    ids.set(node.ref, id);
  }
  return ids;
}

/** Text Mermaid would read as syntax: `;` ends a statement, `#` starts an entity code. */
const text = (value: string) => value.replace(/#/g, '#35;').replace(/;/g, '#59;');
/** A quoted state label: Mermaid's entity codes for what would end the string or read as HTML. */
const label = (value: string) => text(value).replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;');

/** The chart as a Mermaid `stateDiagram-v2`, without the Markdown fence. */
export function toMermaid(chart: Chart): string {
  const ids = mermaidIds(chart);
  const id = (ref: string) => ids.get(ref)!;
  const out: string[] = ['stateDiagram-v2', `  [*] --> ${id(chart.root.ref)}`];

  const declare = (node: ChartNode) => (id(node.ref) === node.key ? id(node.ref) : `"${label(node.key)}" as ${id(node.ref)}`);

  const block = (node: ChartNode, pad: string) => {
    const nodeId = id(node.ref);
    if (node.kind === 'compound' || node.kind === 'parallel') {
      out.push(`${pad}state ${declare(node)} {`);
      for (const initial of node.initial) out.push(`${pad}  [*] --> ${id(initial)}`);
      node.children.forEach((child, index) => {
        // Why `--`: Mermaid's separator between the orthogonal regions of a parallel state.
        if (node.kind === 'parallel' && index > 0) out.push(`${pad}  --`);
        block(child, pad + '  ');
      });
      out.push(`${pad}}`);
    } else if (node.kind === 'choice') {
      out.push(`${pad}state ${nodeId} <<choice>>`);
    } else if (node.kind === 'history') {
      out.push(`${pad}state "${node.history === 'deep' ? 'H*' : 'H'}" as ${nodeId}`);
    } else {
      out.push(`${pad}${node.key === nodeId ? nodeId : `state ${declare(node)}`}`);
      for (const line of entryExitLines(node)) out.push(`${pad}${nodeId} : ${text(line)}`);
      if (node.kind === 'final') out.push(`${pad}${nodeId} --> [*]`);
    }
    const note = noteLines(node, node.children.length > 0);
    if (note.length > 0) {
      out.push(`${pad}note right of ${nodeId}`);
      for (const line of note) out.push(`${pad}  ${text(line)}`);
      out.push(`${pad}end note`);
    }
  };
  block(chart.root, '  ');

  // Why at the top level: an arrow written inside a composite block makes Mermaid re-parent both of
  // its ends into that block, which moves a nested source (`sources` of `starting`) out of its parent.
  for (const edge of edgesOf(chart)) {
    const words = edgeLabel(edge);
    out.push(`  ${id(edge.source)} --> ${id(edge.target)}${words ? ` : ${text(words)}` : ''}`);
  }
  return out.join('\n') + '\n';
}
