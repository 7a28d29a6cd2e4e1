/**
 * SetTopology's synchronous argument check (spec §2.1): it runs before the shutdown check, so an
 * invalid topology is reported with its own code even on a shut-down session.
 * @module
 */
import { HR, type HResult } from './hresult.js';
import type { TopologySpec } from './types.js';

/**
 * The synchronous HRESULT SetTopology returns for this topology's shape, or S_OK. A NULL topology
 * is allowed (for CLEAR_CURRENT). The order of checks is the session's: no nodes, then per source
 * node the missing MF_TOPONODE_SOURCE, PRESENTATION_DESCRIPTOR, STREAM_DESCRIPTOR attributes, then
 * a stream descriptor that is not selected.
 */
export function checkTopology(topology: TopologySpec | null): HResult {
  if (topology === null) return HR.S_OK;
  if (topology.nodes.length === 0) return HR.E_INVALIDARG;
  for (const node of topology.nodes) {
    if (node.type !== 'source') continue;
    const missing = node.missing ?? [];
    if (missing.includes('MF_TOPONODE_SOURCE')) return HR.MF_E_TOPO_MISSING_SOURCE;
    if (missing.includes('MF_TOPONODE_PRESENTATION_DESCRIPTOR')) return HR.MF_E_TOPO_MISSING_PRESENTATION_DESCRIPTOR;
    if (missing.includes('MF_TOPONODE_STREAM_DESCRIPTOR')) return HR.MF_E_TOPO_MISSING_STREAM_DESCRIPTOR;
    if (node.selected === false) return HR.MF_E_TOPO_STREAM_DESCRIPTOR_NOT_SELECTED;
  }
  return HR.S_OK;
}

/** The ids of every source, sink and transform a topology names, each once, in node order. */
export function topologyObjects(topology: TopologySpec): { sources: string[]; sinks: string[]; transforms: string[] } {
  const sources = new Set<string>();
  const sinks = new Set<string>();
  const transforms = new Set<string>();
  for (const node of topology.nodes) {
    if (node.type === 'source') sources.add(node.source);
    else if (node.type === 'output' && node.sink !== null) sinks.add(node.sink);
    else if (node.type === 'transform') transforms.add(node.transform);
  }
  return { sources: [...sources], sinks: [...sinks], transforms: [...transforms] };
}
