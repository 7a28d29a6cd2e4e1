/**
 * SCXML writer (W3C State Chart XML 1.0). The machine root becomes the document's only top-level
 * `<state>`, because `<scxml>` itself cannot carry transitions and the root has some. Targetless
 * transitions stay what they are in XState and SCXML alike: transitions without a target, which
 * change no state (marked `type="internal"`). Eventless (`always`) transitions are transitions
 * without `event`. Guards go to `cond` and actions to `<mf:action name>` elements of mfchart's own
 * namespace, which SCXML allows in executable content: a guard's name is not an ECMAScript
 * expression, so this documents the chart rather than runs it.
 * @module
 */
import { allNodes, isTargetless, type Chart, type ChartAction, type ChartNode, type ChartTransition } from './model.js';

/** The namespace of the `<mf:action>` elements. */
export const MF_NAMESPACE = 'urn:mfchart:diagram';

/** Text safe in an XML attribute value or element content. */
export const xmlEscape = (value: string) =>
  value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * SCXML ids (`xsd:ID`, an XML NCName): the node's ref (`alive.starting.sources`; dots are allowed),
 * other characters replaced by `_`, made unique.
 */
export function scxmlIds(chart: Chart): Map<string, string> {
  const ids = new Map<string, string>();
  const used = new Set<string>();
  for (const node of allNodes(chart)) {
    let id = node.ref.replace(/[^A-Za-z0-9._-]/g, '_');
    if (!/^[A-Za-z_]/.test(id)) id = `_${id}`;
    while (used.has(id)) id += '_';
    used.add(id);
    ids.set(node.ref, id);
  }
  return ids;
}

/** The chart as an SCXML document. */
export function toScxml(chart: Chart): string {
  // SCXML has no junction pseudo-state: a compact chart (compactChart.ts) is for drawing only.
  if (allNodes(chart).some((node) => node.kind === 'choice')) throw new Error('SCXML cannot express a compact chart\'s choice nodes: write the full chart');
  const ids = scxmlIds(chart);
  const id = (ref: string) => xmlEscape(ids.get(ref)!);
  const out: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<scxml xmlns="http://www.w3.org/2005/07/scxml" xmlns:mf="${MF_NAMESPACE}" version="1.0" name="${xmlEscape(chart.id)}" initial="${id(chart.root.ref)}">`,
  ];

  const actions = (list: readonly ChartAction[], pad: string) => {
    for (const action of list) out.push(`${pad}<mf:action name="${xmlEscape(action.name)}"/>`);
  };

  /** True when every target lies inside `source`: XState's `reenter: false` is then SCXML's internal transition. */
  const insideSource = (source: ChartNode, targets: readonly string[]) =>
    targets.every((target) => source.path.length === 0 || target.startsWith(`${source.ref}.`));

  const transition = (source: ChartNode, t: ChartTransition, pad: string) => {
    const attributes: string[] = [];
    if (t.event !== null) attributes.push(`event="${xmlEscape(t.event)}"`);
    if (t.guard !== undefined) attributes.push(`cond="${xmlEscape(t.guard)}"`);
    if (!isTargetless(t)) attributes.push(`target="${t.targets.map(id).join(' ')}"`);
    if (isTargetless(t) || (!t.reenter && insideSource(source, t.targets))) attributes.push('type="internal"');
    const open = `${pad}<transition${attributes.length > 0 ? ' ' + attributes.join(' ') : ''}`;
    if (t.actions.length === 0) {
      out.push(`${open}/>`);
      return;
    }
    out.push(`${open}>`);
    actions(t.actions, pad + '  ');
    out.push(`${pad}</transition>`);
  };

  const element = (node: ChartNode, pad: string) => {
    const tag = node.kind === 'parallel' ? 'parallel' : node.kind === 'final' ? 'final' : node.kind === 'history' ? 'history' : 'state';
    const attributes = [`id="${id(node.ref)}"`];
    if (node.kind === 'history') attributes.push(`type="${node.history ?? 'shallow'}"`);
    // SCXML's `initial` attribute names the default child; it is only allowed on compound states.
    if (node.kind === 'compound' && node.initial.length > 0) attributes.push(`initial="${node.initial.map(id).join(' ')}"`);
    const body = node.entry.length + node.exit.length + node.invoke.length + node.transitions.length + node.children.length;
    if (body === 0) {
      out.push(`${pad}<${tag} ${attributes.join(' ')}/>`);
      return;
    }
    out.push(`${pad}<${tag} ${attributes.join(' ')}>`);
    const inner = pad + '  ';
    if (node.entry.length > 0) {
      out.push(`${inner}<onentry>`);
      actions(node.entry, inner + '  ');
      out.push(`${inner}</onentry>`);
    }
    if (node.exit.length > 0) {
      out.push(`${inner}<onexit>`);
      actions(node.exit, inner + '  ');
      out.push(`${inner}</onexit>`);
    }
    for (const src of node.invoke) out.push(`${inner}<invoke type="xstate" src="${xmlEscape(src)}"/>`);
    for (const t of node.transitions) transition(node, t, inner);
    for (const child of node.children) element(child, inner);
    out.push(`${pad}</${tag}>`);
  };
  element(chart.root, '  ');
  out.push('</scxml>');
  return out.join('\n') + '\n';
}
