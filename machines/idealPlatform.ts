/**
 * The default pipeline services of the session statechart: an ideal platform whose sources and
 * sinks have the scenario format's default knobs and answer every operation at once with S_OK.
 * Adapters replace them with `.provide({ actions: platformActions(theirOps, theirClock) })`.
 * @module
 */
import { HR, type HResult } from './hresult.js';
import { MEDIASOURCE } from './constants.js';
import { topologyObjects } from './topologyCheck.js';
import type { PlatformEvent, PlatformOp } from './sessionEvents.js';
import type { SessionTopology, SourceInfo, SinkInfo, TopologySpec, TransformInfo } from './types.js';

/** Input of the `resolveTopology` operation. */
export interface ResolveInput {
  /** The session's runtime key. */
  session: number;
  topology: TopologySpec;
  noResolution: boolean;
  topoId: number;
  passedObject: number;
  /** Identity for the resolved clone. */
  resolvedObject: number;
}

/** Input of the operations that act on the current topology. */
export interface PipelineInput {
  /** The session's runtime key. */
  session: number;
  topology: SessionTopology;
  /** Start: VT_I8 position, or null for VT_EMPTY. */
  position?: number | null;
  /** Start: a seek from started or paused (sources stop first, sinks are flushed). */
  seek?: boolean;
  /** Start: resume from paused. */
  resume?: boolean;
  /** Start: prerolling sinks is due. */
  preroll?: boolean;
  /** Close: the pipeline was running (started or paused). */
  running?: boolean;
  /** Rate change. */
  rate?: number;
  thin?: boolean;
  /** The session's rate when this runs. */
  sessionRate?: number;
}

/** The input each operation receives. */
export interface PlatformOpInputs {
  resolveTopology: ResolveInput;
  startSources: PipelineInput;
  startSinks: PipelineInput;
  pausePipeline: PipelineInput;
  stopPipeline: PipelineInput;
  closePipeline: PipelineInput;
  changeRate: PipelineInput;
}

/**
 * The body of one pipeline operation. It answers exactly once through `reply`, at once or later
 * (a timer, I/O), or by returning a promise; it may return a cancel function, called when the state
 * that asked for it is left first (e.g. by Shutdown). A body that throws or rejects is reported as
 * `platform.done` with E_UNEXPECTED and `fault`.
 */
export type PlatformOpBody<Op extends PlatformOp> = (
  input: PlatformOpInputs[Op],
  reply: (hr: HResult, topology?: SessionTopology) => void,
) => void | (() => void) | Promise<{ hr: HResult; topology?: SessionTopology } | HResult>;

/** Every operation's body: what an adapter implements. */
export type PlatformOps = { [Op in PlatformOp]: PlatformOpBody<Op> };

/** The parameters of the `requestOp` action the statechart runs on entering a transitional state. */
export type OpRequest = { [Op in PlatformOp]: { op: Op; input: PlatformOpInputs[Op] } }[PlatformOp];

/** The statechart's pipeline actions, `requestOp` and `cancelOp`, implemented by a set of operations. */
export function platformActions(ops: PlatformOps, now: () => number = () => 0) {
  // One pending operation per session at most (commands run one at a time), keyed by the actor.
  const pending = new WeakMap<object, { cancel?: () => void }>();
  return {
    requestOp: ({ self }: { self: { send(event: PlatformEvent & { fault?: string }): void } }, params: OpRequest) => {
      const entry: { cancel?: () => void } = {};
      pending.set(self, entry);
      const answer = (hr: HResult, topology?: SessionTopology, fault?: string) => {
        if (pending.get(self) !== entry) return; // cancelled, or already answered
        pending.delete(self);
        const event: PlatformEvent & { fault?: string } = { type: 'platform.done', op: params.op, hr: hr >>> 0, topology, now: now() };
        if (fault !== undefined) event.fault = fault;
        self.send(event);
      };
      const fail = (error: unknown) => answer(HR.E_UNEXPECTED, undefined, error instanceof Error ? error.message : String(error));
      try {
        const body = ops[params.op] as PlatformOpBody<PlatformOp>;
        const result = body(params.input, (hr, topology) => answer(hr, topology));
        if (result instanceof Promise) result.then((value) => (typeof value === 'number' ? answer(value) : answer(value.hr, value.topology)), fail);
        else if (typeof result === 'function') entry.cancel = result;
      } catch (error) {
        fail(error);
      }
    },
    cancelOp: ({ self }: { self: object }) => {
      const entry = pending.get(self);
      if (!entry) return;
      pending.delete(self);
      entry.cancel?.();
    },
  };
}

/** The scenario format's default source (durationHns 5 s, seekable, can pause, local; rates up to 2× forward, no reverse). */
export function defaultSourceInfo(id: string): SourceInfo {
  return {
    id,
    characteristics: MEDIASOURCE.CAN_SEEK | MEDIASOURCE.CAN_PAUSE | MEDIASOURCE.DOES_NOT_USE_NETWORK,
    durationHns: 50_000_000,
    fastestForward: 2,
    fastestReverse: 0,
    thinnable: false,
    streams: 1,
  };
}

/** The scenario format's default sink. */
export function defaultSinkInfo(id: string): SinkInfo {
  return { id, characteristics: 0, finalizable: false, fastestForward: 0, fastestReverse: 0 };
}

/** Builds the session's view of a topology from per-object descriptions. */
export function describeTopology(
  input: ResolveInput,
  describe: {
    source: (id: string) => SourceInfo;
    sink: (id: string) => SinkInfo;
    transform: (id: string) => TransformInfo;
  },
): SessionTopology {
  const objects = topologyObjects(input.topology);
  return {
    topoId: input.topoId,
    passedObject: input.passedObject,
    object: input.noResolution ? input.passedObject : input.resolvedObject,
    sources: objects.sources.map(describe.source),
    sinks: objects.sinks.map(describe.sink),
    transforms: objects.transforms.map(describe.transform),
  };
}

/** Whether a topology can be resolved at all: every output node must hold an object. */
export function unresolvableNode(topology: TopologySpec): string | undefined {
  return topology.nodes.find((node) => node.type === 'output' && node.sink === null)?.id;
}

/** The ideal platform: default objects, every operation succeeds at once. */
export const idealPlatformOps: PlatformOps = {
  resolveTopology: (input, reply) => {
    if (!input.noResolution && unresolvableNode(input.topology) !== undefined) return reply(HR.E_FAIL);
    reply(
      HR.S_OK,
      describeTopology(input, {
        source: defaultSourceInfo,
        sink: defaultSinkInfo,
        transform: (id) => ({ id, async: false }),
      }),
    );
  },
  startSources: (_input, reply) => reply(HR.S_OK),
  startSinks: (_input, reply) => reply(HR.S_OK),
  pausePipeline: (_input, reply) => reply(HR.S_OK),
  stopPipeline: (_input, reply) => reply(HR.S_OK),
  closePipeline: (_input, reply) => reply(HR.S_OK),
  changeRate: (input, reply) => reply(input.thin && !input.topology.sources.every((s) => s.thinnable) ? HR.MF_E_THINNING_UNSUPPORTED : HR.S_OK),
};
