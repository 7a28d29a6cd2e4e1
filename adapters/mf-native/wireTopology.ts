/**
 * Scenario topologies as the bridge builds them: one JS media source (createJsSource) feeding Media
 * Foundation's sample grabber. {@link topologyUnsupportedReason} names what the JS pipeline cannot
 * do (several streams, transforms, sink knobs the grabber has no form for, ...), so such a scenario
 * is skipped with that reason instead of run against different objects.
 * @module
 */
import type { MockPlatformSpec, SinkKnobs, SourceKnobs } from '../mock/createMockPlatform.js';
import type { TopologySpec } from '../../machines/types.js';
import type { WireSourceKnobs, WireTopology } from './protocol.js';

/** Sink knobs the sample grabber cannot take on (it is always an activation object, so `activate` is not here). */
const UNSUPPORTED_SINK_KNOBS: readonly (keyof SinkKnobs)[] = ['prerollCapable', 'rateless', 'finalizable', 'rejectsInputType', 'offersNoTypes', 'hasCurrentType', 'fastestRate'];

/** Why the JS source cannot take on `knobs`, or undefined. */
export function sourceKnobsUnsupportedReason(id: string, knobs: Partial<SourceKnobs> = {}): string | undefined {
  if ((knobs.streams ?? 1) !== 1) return `source ${id} has ${knobs.streams} streams (the JS source has one)`;
  if (knobs.thinnable) return `source ${id} is thinnable (the JS source has no IMFRateSupport)`;
  if (knobs.usesNetwork) return `source ${id} uses the network (the JS source always reports DOES_NOT_USE_NETWORK)`;
  // fastestRate 0 is the mock's "no IMFRateSupport", which is what the JS source is.
  if ((knobs.fastestRate ?? 0) !== 0 || (knobs.fastestReverseRate ?? 0) !== 0) return `source ${id} supports rates (the JS source has no IMFRateSupport)`;
  return undefined;
}

/** Why `topology` cannot be built from JS pipeline objects, or undefined. */
export function topologyUnsupportedReason(topology: TopologySpec, platform: MockPlatformSpec): string | undefined {
  if (topology.resolved) return 'a topology marked resolved (the JS pipeline builds partial topologies only)';
  const sources = topology.nodes.filter((node) => node.type === 'source');
  const outputs = topology.nodes.filter((node) => node.type === 'output');
  if (topology.nodes.some((node) => node.type === 'transform' || node.type === 'tee')) return 'a topology with a transform or tee node (the JS pipeline has no transforms)';
  if (sources.length !== 1 || outputs.length !== 1) return `a topology with ${sources.length} source and ${outputs.length} output nodes (the JS pipeline builds one source → one sink)`;
  const source = sources[0]!;
  const output = outputs[0]!;
  if (source.type !== 'source' || output.type !== 'output') return 'unexpected node kinds';
  if ((source.stream ?? 0) !== 0 || source.selected === false) return 'a source node on another stream than a selected stream 0';
  const links = topology.links ?? [];
  if (links.length > 1 || (links.length === 1 && (links[0]![0] !== source.id || links[0]![1] !== output.id))) return 'links other than source → output';
  const sourceReason = sourceKnobsUnsupportedReason(source.source, platform.sources?.[source.source]);
  if (sourceReason) return sourceReason;
  if (output.sink !== null) {
    const knobs = platform.sinks?.[output.sink] ?? {};
    const knob = UNSUPPORTED_SINK_KNOBS.find((name) => knobs[name] !== undefined && knobs[name] !== false && knobs[name] !== 0);
    if (knob) return `sink ${output.sink} sets ${knob} (the sample grabber has no such knob)`;
  }
  return undefined;
}

/** The source knobs the bridge takes (HRESULTs unsigned). */
export function toWireSourceKnobs(knobs: Partial<SourceKnobs> = {}): WireSourceKnobs {
  const wire: WireSourceKnobs = {};
  if (knobs.durationHns !== undefined) wire.durationHns = knobs.durationHns;
  if (knobs.seekable !== undefined) wire.seekable = knobs.seekable;
  if (knobs.canPause !== undefined) wire.canPause = knobs.canPause;
  if (knobs.live !== undefined) wire.live = knobs.live;
  if (knobs.beginGetEventResult !== undefined) wire.beginGetEventResult = knobs.beginGetEventResult >>> 0;
  if (knobs.startResult !== undefined) wire.startResult = knobs.startResult >>> 0;
  if (knobs.seekResult !== undefined) wire.seekResult = knobs.seekResult >>> 0;
  return wire;
}

/** The bridge's form of `topology`; throws with {@link topologyUnsupportedReason}'s reason when it has none. */
export function toWireTopology(topology: TopologySpec, platform: MockPlatformSpec): WireTopology {
  const reason = topologyUnsupportedReason(topology, platform);
  if (reason) throw new Error(`mf-native cannot build this topology: ${reason}`);
  const source = topology.nodes.find((node) => node.type === 'source')!;
  const output = topology.nodes.find((node) => node.type === 'output')!;
  if (source.type !== 'source' || output.type !== 'output') throw new Error('unexpected node kinds');
  const wire: WireTopology = { source: source.source, sourceKnobs: toWireSourceKnobs(platform.sources?.[source.source]), sink: output.sink };
  const noShutdown = output.sink === null ? null : platform.sinks?.[output.sink]?.noShutdownOnRemove;
  if (noShutdown === 0 || noShutdown === 1) wire.noShutdownOnRemove = noShutdown;
  if (output.sink !== null && platform.sinks?.[output.sink]?.activate) wire.sinkActivate = true;
  if (source.missing?.length) wire.missing = [...source.missing];
  return wire;
}
