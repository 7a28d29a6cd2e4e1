/**
 * The default pipeline services of the session statechart: an ideal platform whose sources and
 * sinks have the scenario format's default knobs and answer every operation at once with S_OK.
 * Adapters replace them with `.provide({ actors })`.
 * @module
 */
import { fromCallback, type CallbackActorLogic, type EventObject } from 'xstate';
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

/** The callback logic of one operation: it sends back exactly one `platform.done` for its op. */
export type PlatformOpLogic<Op extends PlatformOp> = CallbackActorLogic<EventObject, PlatformOpInputs[Op]>;

/** Every operation's logic, the `actors` an adapter provides. */
export type PlatformOpLogics = { [Op in PlatformOp]: PlatformOpLogic<Op> };

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

/**
 * Wraps an operation body into the callback logic the statechart invokes. The body answers with
 * an HRESULT (and for resolveTopology the resolved topology), synchronously or through a promise;
 * a body that throws or rejects is reported as `platform.done` with E_UNEXPECTED and `fault`, so an
 * adapter bug never crashes the session. The returned `cancel` of the body runs when the state that
 * invoked it is left (e.g. by Shutdown). `now` reads the platform clock stamped on the answer.
 */
export function fromPlatformOp<Op extends PlatformOp>(
  op: Op,
  body: (
    input: PlatformOpInputs[Op],
    reply: (hr: HResult, topology?: SessionTopology) => void,
  ) => void | (() => void) | Promise<{ hr: HResult; topology?: SessionTopology } | HResult>,
  now: () => number = () => 0,
): PlatformOpLogic<Op> {
  return fromCallback<EventObject, PlatformOpInputs[Op]>(({ input, sendBack }) => {
    let answered = false;
    const reply = (hr: HResult, topology?: SessionTopology, fault?: string) => {
      if (answered) return;
      answered = true;
      const event: PlatformEvent & { fault?: string } = { type: 'platform.done', op, hr: hr >>> 0, topology, now: now() };
      if (fault !== undefined) event.fault = fault;
      sendBack(event);
    };
    const fail = (error: unknown) => reply(HR.E_UNEXPECTED, undefined, error instanceof Error ? error.message : String(error));
    let cleanup: void | (() => void) = undefined;
    try {
      const result = body(input, (hr, topology) => reply(hr, topology));
      if (result instanceof Promise) {
        result.then((value) => (typeof value === 'number' ? reply(value) : reply(value.hr, value.topology)), fail);
      } else {
        cleanup = result;
      }
    } catch (error) {
      fail(error);
    }
    return () => {
      answered = true;
      if (typeof cleanup === 'function') cleanup();
    };
  });
}

/** The ideal platform: default objects, every operation succeeds at once. */
export const idealPlatformOps: PlatformOpLogics = {
  resolveTopology: fromPlatformOp('resolveTopology', (input, reply) => {
    if (!input.noResolution && unresolvableNode(input.topology) !== undefined) return reply(HR.E_FAIL);
    reply(
      HR.S_OK,
      describeTopology(input, {
        source: defaultSourceInfo,
        sink: defaultSinkInfo,
        transform: (id) => ({ id, async: false }),
      }),
    );
  }),
  startSources: fromPlatformOp('startSources', (_input, reply) => reply(HR.S_OK)),
  startSinks: fromPlatformOp('startSinks', (_input, reply) => reply(HR.S_OK)),
  pausePipeline: fromPlatformOp('pausePipeline', (_input, reply) => reply(HR.S_OK)),
  stopPipeline: fromPlatformOp('stopPipeline', (_input, reply) => reply(HR.S_OK)),
  closePipeline: fromPlatformOp('closePipeline', (_input, reply) => reply(HR.S_OK)),
  changeRate: fromPlatformOp('changeRate', (input, reply) => reply(input.thin && !input.topology.sources.every((s) => s.thinnable) ? HR.MF_E_THINNING_UNSUPPORTED : HR.S_OK)),
};
