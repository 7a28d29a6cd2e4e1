/**
 * A partial topology (source-stream node → output node) for IMFMediaSession::SetTopology, built with
 * MFCreateTopology / MFCreateTopologyNode and the MF_TOPONODE_* attributes; the session's topology
 * loader resolves it.
 * @module
 */
import type { ComPtr } from '../com/createComCaller.js';
import type { MfRuntime } from './createMfRuntime.js';
import type { JsSource } from './createJsSource.js';
import { MFGUID } from './mfGuids.js';
import { TOPOLOGY_NODE, VT } from './mfVtables.js';

/** A source-node attribute a scenario may leave out (`missing` in the scenario format). */
export type SourceNodeAttribute = 'MF_TOPONODE_SOURCE' | 'MF_TOPONODE_PRESENTATION_DESCRIPTOR' | 'MF_TOPONODE_STREAM_DESCRIPTOR';

/** What {@link buildTopology} connects. */
export interface TopologySpec {
  /** The source whose stream 0 feeds the output node. */
  readonly source: JsSource;
  /** The output node's object: an IMFActivate (e.g. a sample grabber's) or an IMFStreamSink; null leaves the node empty. */
  readonly sink: ComPtr | null;
  /** MF_TOPONODE_NOSHUTDOWN_ON_REMOVE on the output node, when given. */
  readonly noShutdownOnRemove?: 0 | 1;
  /** Source-node attributes to leave out (the node still exists). */
  readonly missing?: readonly SourceNodeAttribute[];
}

/** A built topology; the caller owns the reference (release it after SetTopology). */
export interface BuiltTopology {
  /** IMFTopology. */
  readonly topology: ComPtr;
  /** TOPOID, as GetTopologyID reports it. */
  readonly id: bigint;
}

/** Builds the two-node topology of `spec`. */
export function buildTopology(rt: MfRuntime, spec: TopologySpec): BuiltTopology {
  const { com, guids } = rt;
  const missing = new Set(spec.missing ?? []);
  for (const name of missing) {
    if (!['MF_TOPONODE_SOURCE', 'MF_TOPONODE_PRESENTATION_DESCRIPTOR', 'MF_TOPONODE_STREAM_DESCRIPTOR'].includes(name)) {
      throw new Error(`buildTopology: unknown source-node attribute in missing: ${name}`);
    }
  }
  const take = (what: string, make: (out: unknown[]) => number): ComPtr => {
    const out: unknown[] = [null];
    rt.check(what, make(out));
    return BigInt(out[0] as bigint);
  };
  const setUnknown = (node: ComPtr, key: SourceNodeAttribute, value: ComPtr) => {
    if (missing.has(key)) return;
    rt.check(`SetUnknown ${key}`, com.call(node, VT.IMFAttributes.SetUnknown, 'void *key, void *value', guids.pointer(MFGUID[key]), value));
  };

  const topology = take('MFCreateTopology', (o) => rt.fn.MFCreateTopology(o));
  const pd = spec.source.createPresentationDescriptor();
  const selected = [0];
  const sd = take('GetStreamDescriptorByIndex', (o) =>
    com.call(pd, VT.IMFPresentationDescriptor.GetStreamDescriptorByIndex, 'uint32_t index, _Out_ int32_t *selected, _Out_ void **sd', 0, selected, o),
  );
  const sourceNode = take('MFCreateTopologyNode(SOURCESTREAM)', (o) => rt.fn.MFCreateTopologyNode(TOPOLOGY_NODE.SOURCESTREAM, o));
  const outputNode = take('MFCreateTopologyNode(OUTPUT)', (o) => rt.fn.MFCreateTopologyNode(TOPOLOGY_NODE.OUTPUT, o));
  try {
    setUnknown(sourceNode, 'MF_TOPONODE_SOURCE', spec.source.ptr);
    setUnknown(sourceNode, 'MF_TOPONODE_PRESENTATION_DESCRIPTOR', pd);
    setUnknown(sourceNode, 'MF_TOPONODE_STREAM_DESCRIPTOR', sd);
    if (spec.sink) rt.check('IMFTopologyNode::SetObject', com.call(outputNode, VT.IMFTopologyNode.SetObject, 'void *object', spec.sink));
    if (spec.noShutdownOnRemove !== undefined) {
      rt.check(
        'SetUINT32 MF_TOPONODE_NOSHUTDOWN_ON_REMOVE',
        com.call(outputNode, VT.IMFAttributes.SetUINT32, 'void *key, uint32_t value', guids.pointer(MFGUID.MF_TOPONODE_NOSHUTDOWN_ON_REMOVE), spec.noShutdownOnRemove),
      );
    }
    rt.check('IMFTopology::AddNode(source)', com.call(topology, VT.IMFTopology.AddNode, 'void *node', sourceNode));
    rt.check('IMFTopology::AddNode(output)', com.call(topology, VT.IMFTopology.AddNode, 'void *node', outputNode));
    rt.check('IMFTopologyNode::ConnectOutput', com.call(sourceNode, VT.IMFTopologyNode.ConnectOutput, 'uint32_t output, void *downstream, uint32_t input', 0, outputNode, 0));
    const id = [0n];
    rt.check('IMFTopology::GetTopologyID', com.call(topology, VT.IMFTopology.GetTopologyID, '_Out_ uint64_t *id', id));
    return { topology, id: BigInt(id[0]) };
  } catch (error) {
    com.release(topology);
    throw error;
  } finally {
    com.release(sourceNode);
    com.release(outputNode);
    com.release(sd);
    com.release(pd);
  }
}
