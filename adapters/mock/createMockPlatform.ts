/**
 * The mock platform: simulated media sources, sinks and transforms with every knob of the scenario
 * format, a simulated clock, a log of the pipeline calls the session makes, and fault injection.
 * `createMockPlatform(spec).adapter` plugs it into the session runtime.
 * @module
 */
import { HR, failed, type HResult } from '../../machines/hresult.js';
import { MEDIASINK, MEDIASOURCE, HNS_PER_MS } from '../../machines/constants.js';
import {
  describeTopology,
  unresolvableNode,
  type PipelineInput,
  type PlatformOps,
  type ResolveInput,
} from '../../machines/idealPlatform.js';
import type { SinkInfo, SourceInfo, TransformInfo } from '../../machines/types.js';
import type { PlatformAdapter, SessionLink } from '../PlatformAdapter.js';
import { providePlatform } from '../providePlatform.js';
import { SimulatedClock } from './SimulatedClock.js';

/** Source knobs (scenario format "Source"), all optional. */
export interface SourceKnobs {
  durationHns: number;
  seekable: boolean;
  canPause: boolean;
  thinnable: boolean;
  live: boolean;
  streams: number;
  beginGetEventResult: HResult;
  startResult: HResult;
  /** Defaults to S_OK when seekable, E_FAIL when not. */
  seekResult: HResult | undefined;
  /** Added knob: the source reads from the network (clears MFMEDIASOURCE_DOES_NOT_USE_NETWORK). */
  usesNetwork: boolean;
  /** Added knob: IMFRateSupport fastest forward rate (0: no IMFRateSupport). */
  fastestRate: number;
  /** Added knob: fastest reverse rate magnitude (0: no reverse playback). */
  fastestReverseRate: number;
}

/** Sink knobs (scenario format "Sink"). */
export interface SinkKnobs {
  activate: boolean;
  prerollCapable: boolean;
  rateless: boolean;
  finalizable: boolean;
  noShutdownOnRemove: 0 | 1 | null;
  rejectsInputType: boolean;
  offersNoTypes: boolean;
  hasCurrentType: boolean;
  /** Added knob: IMFRateSupport fastest forward rate of the sink (0: none). */
  fastestRate: number;
}

/** Transform knobs (scenario format "Transform"). */
export interface TransformKnobs {
  async: boolean;
  needsConverter: boolean;
}

/** The `platform` section of a scenario. */
export interface MockPlatformSpec {
  sources?: Record<string, Partial<SourceKnobs>>;
  sinks?: Record<string, Partial<SinkKnobs>>;
  transforms?: Record<string, Partial<TransformKnobs>>;
  /** Added field: simulated time each pipeline step takes, in ms (default 1). */
  latencyMs?: number;
}

/** Names of the pipeline calls the log records (scenario format, `calls`). */
export type PipelineCallName =
  | 'SourceStart'
  | 'SourceStop'
  | 'SourcePause'
  | 'SourceBeginGetEvent'
  | 'OnClockStart'
  | 'OnClockStop'
  | 'OnClockPause'
  | 'OnClockRestart'
  | 'OnClockSetRate'
  | 'NotifyPreroll'
  | 'SinkFlush'
  | 'SinkShutdown'
  | 'FinalizeSink'
  | 'MftFlush'
  | 'MftStartOfStream'
  | 'MftShutdown'
  | 'SetCurrentMediaType'
  | 'PlaceMarker';

/** One recorded pipeline call. */
export interface PipelineCall {
  name: PipelineCallName;
  /** The object called. */
  object: string;
  /** The session that made the call. */
  session: number;
  /** Simulated time of the call. */
  at: number;
}

const DEFAULT_SOURCE: SourceKnobs = {
  durationHns: 50_000_000,
  seekable: true,
  canPause: true,
  thinnable: false,
  live: false,
  streams: 1,
  beginGetEventResult: HR.S_OK,
  startResult: HR.S_OK,
  seekResult: undefined,
  usesNetwork: false,
  fastestRate: 2,
  fastestReverseRate: 0,
};

const DEFAULT_SINK: SinkKnobs = {
  activate: false,
  prerollCapable: false,
  rateless: false,
  finalizable: false,
  noShutdownOnRemove: null,
  rejectsInputType: false,
  offersNoTypes: false,
  hasCurrentType: false,
  fastestRate: 0,
};

const DEFAULT_TRANSFORM: TransformKnobs = { async: false, needsConverter: false };

/** A simulated media source. */
export interface MockSource {
  readonly id: string;
  knobs: SourceKnobs;
  shutdown: boolean;
  state: 'stopped' | 'started' | 'paused';
  /** Streams that reached end of stream since the last start. */
  ended: Set<number>;
  /** Sessions subscribed to this source's events. */
  subscribers: Set<number>;
}

/** A simulated media sink. */
export interface MockSink {
  readonly id: string;
  knobs: SinkKnobs;
  shutdown: boolean;
  samples: number;
  pendingRequests: number;
}

/** A simulated transform (MFT). */
export interface MockTransform {
  readonly id: string;
  knobs: TransformKnobs;
  shutdown: boolean;
}

/** The mock platform. */
export interface MockPlatform {
  readonly clock: SimulatedClock;
  readonly sources: ReadonlyMap<string, MockSource>;
  readonly sinks: ReadonlyMap<string, MockSink>;
  readonly transforms: ReadonlyMap<string, MockTransform>;
  /**
   * The pipeline calls, in order: every one, up to the last {@link MockPlatformOptions.callLogLimit}
   * once there were more (a long-running platform does not keep its whole history).
   */
  readonly calls: readonly PipelineCall[];
  /** Calls recorded since the last {@link takeCalls} (those the bounded log still holds), which empties that record. */
  takeCalls(): PipelineCall[];
  /** The adapter that runs sessions on this platform. */
  readonly adapter: PlatformAdapter;
  /** Shuts a source down from outside the session (IMFMediaSource::Shutdown by someone else). */
  shutdownSource(id: string): void;
  /** MEEndOfStream on one stream; once every stream ended, the source raises MEEndOfPresentation. */
  endOfStream(id: string, stream?: number): void;
  /** A sink asks for a sample; it is served while a session runs a topology with that sink. */
  requestSample(id: string): void;
  /** Changes knobs mid-run. */
  configure(kind: 'source' | 'sink' | 'transform', id: string, set: Record<string, unknown>): void;
  /** Adds an object (a scenario's topology may name objects the platform section did not list). */
  ensure(kind: 'source' | 'sink' | 'transform', id: string): void;
}

/** How the mock platform itself behaves (not part of a scenario's `platform` section). */
export interface MockPlatformOptions {
  /**
   * The pipeline calls `calls` keeps at least (default 10,000): past twice this many, the oldest are
   * dropped down to this many, so the log's memory stays bounded however long the platform runs.
   */
  callLogLimit?: number;
}

/** Creates a mock platform from a scenario's `platform` section. */
export function createMockPlatform(spec: MockPlatformSpec = {}, options: MockPlatformOptions = {}): MockPlatform {
  const callLogLimit = Math.max(1, Math.floor(options.callLogLimit ?? 10_000));
  const clock = new SimulatedClock();
  const latency = Math.round((spec.latencyMs ?? 1) * HNS_PER_MS);
  const sources = new Map<string, MockSource>();
  const sinks = new Map<string, MockSink>();
  const transforms = new Map<string, MockTransform>();
  const calls: PipelineCall[] = [];
  let unread = 0;
  const links = new Map<number, SessionLink>();
  /** Sessions whose sinks are running, by session key, with the sink ids of their topology. */
  const running = new Map<number, string[]>();

  const addSource = (id: string, knobs: Partial<SourceKnobs> = {}) =>
    sources.set(id, { id, knobs: { ...DEFAULT_SOURCE, ...knobs }, shutdown: false, state: 'stopped', ended: new Set(), subscribers: new Set() });
  const addSink = (id: string, knobs: Partial<SinkKnobs> = {}) =>
    sinks.set(id, { id, knobs: { ...DEFAULT_SINK, ...knobs }, shutdown: false, samples: 0, pendingRequests: 0 });
  const addTransform = (id: string, knobs: Partial<TransformKnobs> = {}) =>
    transforms.set(id, { id, knobs: { ...DEFAULT_TRANSFORM, ...knobs }, shutdown: false });
  for (const [id, knobs] of Object.entries(spec.sources ?? {})) addSource(id, knobs);
  for (const [id, knobs] of Object.entries(spec.sinks ?? {})) addSink(id, knobs);
  for (const [id, knobs] of Object.entries(spec.transforms ?? {})) addTransform(id, knobs);

  const ensure: MockPlatform['ensure'] = (kind, id) => {
    if (kind === 'source' && !sources.has(id)) addSource(id);
    if (kind === 'sink' && !sinks.has(id)) addSink(id);
    if (kind === 'transform' && !transforms.has(id)) addTransform(id);
  };
  const source = (id: string) => (ensure('source', id), sources.get(id)!);
  const sink = (id: string) => (ensure('sink', id), sinks.get(id)!);
  const transform = (id: string) => (ensure('transform', id), transforms.get(id)!);

  const record = (name: PipelineCallName, object: string, session: number) => {
    calls.push({ name, object, session, at: clock.now });
    unread++;
    if (calls.length > 2 * callLogLimit) {
      // Trimmed in place (the array `calls` hands out stays the log), amortized over callLogLimit calls.
      calls.splice(0, calls.length - callLogLimit);
      unread = Math.min(unread, calls.length);
    }
  };

  const sourceInfo = (id: string): SourceInfo => {
    const k = source(id).knobs;
    return {
      id,
      characteristics:
        (k.seekable ? MEDIASOURCE.CAN_SEEK : 0) |
        (k.canPause ? MEDIASOURCE.CAN_PAUSE : 0) |
        (k.live ? MEDIASOURCE.IS_LIVE : 0) |
        (k.usesNetwork ? 0 : MEDIASOURCE.DOES_NOT_USE_NETWORK),
      durationHns: k.durationHns,
      fastestForward: k.fastestRate,
      fastestReverse: k.fastestReverseRate,
      thinnable: k.thinnable,
      streams: k.streams,
    };
  };
  const sinkInfo = (id: string): SinkInfo => {
    const k = sink(id).knobs;
    return {
      id,
      characteristics: (k.rateless ? MEDIASINK.RATELESS : 0) | (k.prerollCapable ? MEDIASINK.CAN_PREROLL : 0),
      finalizable: k.finalizable,
      fastestForward: k.fastestRate,
      fastestReverse: 0,
    };
  };
  const transformInfo = (id: string): TransformInfo => ({ id, async: transform(id).knobs.async });

  /** Runs `step` after one latency, through the session's link; the op's cleanup cancels it. */
  const later = (session: number, step: () => void) =>
    clock.schedule(latency, () => {
      const link = links.get(session);
      if (link) link.run(step);
      else step();
    });

  /** Subscribes the session to a source's events (IMFMediaEventGenerator::BeginGetEvent). */
  const subscribe = (session: number, id: string): HResult => {
    const s = source(id);
    if (s.shutdown) return HR.MF_E_SHUTDOWN;
    if (s.subscribers.has(session)) return HR.S_OK;
    record('SourceBeginGetEvent', id, session);
    if (failed(s.knobs.beginGetEventResult)) return s.knobs.beginGetEventResult;
    s.subscribers.add(session);
    return HR.S_OK;
  };

  const sinksOf = (input: PipelineInput) => input.topology.sinks.map((info) => info.id);
  const sourcesOf = (input: PipelineInput) => input.topology.sources.map((info) => info.id);
  const mftsOf = (input: PipelineInput) => input.topology.transforms.map((info) => info.id);

  const serveSamples = (session: number) => {
    for (const id of running.get(session) ?? []) {
      const s = sink(id);
      while (s.pendingRequests > 0 && !s.shutdown) {
        s.pendingRequests--;
        s.samples++;
      }
    }
  };

  const ops: PlatformOps = {
    resolveTopology: (input: ResolveInput, reply) =>
      later(input.session, () => {
        const describe = { source: sourceInfo, sink: sinkInfo, transform: transformInfo };
        if (input.noResolution) return reply(HR.S_OK, describeTopology(input, describe));
        if (unresolvableNode(input.topology) !== undefined) return reply(HR.E_FAIL);
        for (const node of input.topology.nodes) {
          if (node.type !== 'output' || node.sink === null) continue;
          const k = sink(node.sink).knobs;
          if (k.offersNoTypes) return reply(HR.MF_E_NO_MORE_TYPES);
          if (k.rejectsInputType) return reply(HR.MF_E_INVALIDMEDIATYPE);
          if (!k.hasCurrentType) record('SetCurrentMediaType', node.sink, input.session);
        }
        reply(HR.S_OK, describeTopology(input, describe));
      }),
    startSources: (input, reply) => {
      for (const id of sourcesOf(input)) {
        const hr = subscribe(input.session, id);
        if (failed(hr)) return later(input.session, () => reply(hr));
      }
      return later(input.session, () => {
        for (const id of sourcesOf(input)) {
          const s = source(id);
          if (s.shutdown) return reply(HR.MF_E_SHUTDOWN);
          if (input.seek) {
            record('SourceStop', id, input.session);
            for (const mft of mftsOf(input)) record('MftFlush', mft, input.session);
          }
          record('SourceStart', id, input.session);
          const explicit = input.position !== null && input.position !== undefined && input.position !== 0;
          const hr = explicit ? (s.knobs.seekResult ?? (s.knobs.seekable ? HR.S_OK : HR.E_FAIL)) : s.knobs.startResult;
          if (failed(hr)) return reply(hr);
          s.state = 'started';
          s.ended.clear();
          // MESourceStarted arrives; the session re-arms its subscription.
          record('SourceBeginGetEvent', id, input.session);
        }
        reply(HR.S_OK);
      });
    },
    startSinks: (input, reply) =>
      later(input.session, () => {
        const ids = sinksOf(input);
        if (input.seek) for (const id of ids) record('SinkFlush', id, input.session);
        if (!input.seek && !input.resume) for (const mft of mftsOf(input)) record('MftStartOfStream', mft, input.session);
        if (input.preroll) for (const id of ids) if (sink(id).knobs.prerollCapable) record('NotifyPreroll', id, input.session);
        for (const id of ids) record(input.resume ? 'OnClockRestart' : 'OnClockStart', id, input.session);
        running.set(input.session, ids);
        serveSamples(input.session);
        reply(HR.S_OK);
      }),
    pausePipeline: (input, reply) =>
      later(input.session, () => {
        for (const id of sinksOf(input)) record('OnClockPause', id, input.session);
        running.delete(input.session);
        for (const id of sourcesOf(input)) {
          const s = source(id);
          if (s.shutdown) return reply(HR.MF_E_SHUTDOWN);
          record('SourcePause', id, input.session);
          if (!s.knobs.canPause) return reply(HR.MF_E_INVALID_STATE_TRANSITION);
          s.state = 'paused';
        }
        reply(HR.S_OK);
      }),
    stopPipeline: (input, reply) =>
      later(input.session, () => {
        stopAll(input);
        reply(input.topology.sources.some((info) => source(info.id).shutdown) ? HR.MF_E_SHUTDOWN : HR.S_OK);
      }),
    closePipeline: (input, reply) =>
      later(input.session, () => {
        if (input.running) stopAll(input);
        for (const info of input.topology?.sinks ?? []) if (sink(info.id).knobs.finalizable) record('FinalizeSink', info.id, input.session);
        const dead = input.running && input.topology.sources.some((info) => source(info.id).shutdown);
        reply(dead ? HR.MF_E_SHUTDOWN : HR.S_OK);
      }),
    changeRate: (input, reply) => {
      const rate = input.rate ?? 1;
      const first = input.topology.sources[0];
      if (rate !== 0 && first) {
        const k = source(first.id).knobs;
        if (k.fastestRate === 0) return later(input.session, () => reply(HR.E_NOINTERFACE));
        if (input.thin && !k.thinnable) return later(input.session, () => reply(HR.MF_E_THINNING_UNSUPPORTED));
        if (rate < 0 && k.fastestReverseRate === 0) return later(input.session, () => reply(HR.MF_E_REVERSE_UNSUPPORTED));
        if (Math.abs(rate) > (rate < 0 ? k.fastestReverseRate : k.fastestRate)) return later(input.session, () => reply(HR.MF_E_UNSUPPORTED_RATE));
      }
      for (const id of sourcesOf(input)) {
        const hr = subscribe(input.session, id);
        if (failed(hr)) return later(input.session, () => reply(hr));
      }
      return later(input.session, () => {
        // The source confirms with MESourceRateChanged; the session re-arms, then the clock rate changes.
        if (first) record('SourceBeginGetEvent', first.id, input.session);
        for (const id of sinksOf(input)) record('OnClockSetRate', id, input.session);
        reply(HR.S_OK);
      });
    },
  };

  function stopAll(input: PipelineInput) {
    for (const id of sinksOf(input)) record('OnClockStop', id, input.session);
    running.delete(input.session);
    for (const id of sourcesOf(input)) {
      const s = source(id);
      if (s.shutdown) continue;
      record('SourceStop', id, input.session);
      s.state = 'stopped';
    }
    for (const mft of mftsOf(input)) record('MftFlush', mft, input.session);
    for (const id of sinksOf(input)) record('SinkFlush', id, input.session);
  }

  const machine = providePlatform({
    ops,
    now: () => clock.now,
    shutdownPipeline: (session, params) => {
      for (const id of params.sinks) {
        const s = sink(id);
        if (!s.shutdown) {
          s.shutdown = true;
          record('SinkShutdown', id, session.key);
        }
      }
      for (const id of params.transforms) {
        const t = transform(id);
        if (!t.shutdown) {
          t.shutdown = true;
          record('MftShutdown', id, session.key);
        }
      }
      running.delete(session.key);
    },
  });

  const notifySubscribers = (s: MockSource, make: (link: SessionLink) => void) => {
    for (const key of [...s.subscribers]) {
      const link = links.get(key);
      if (link) make(link);
    }
  };

  const adapter: PlatformAdapter = {
    name: 'mock',
    machine,
    now: () => clock.now,
    attach: (link) => void links.set(link.key, link),
    detach: (key) => {
      links.delete(key);
      running.delete(key);
      for (const s of sources.values()) s.subscribers.delete(key);
    },
    settle: () => clock.runDue(),
    waitUntil: async (until, deadline) => {
      clock.runDue();
      while (!until()) {
        const next = clock.nextDue();
        if (next === undefined || next > deadline) {
          if (deadline > clock.now) clock.advanceTo(deadline);
          return until();
        }
        clock.advanceTo(next);
      }
      return true;
    },
  };

  return {
    clock,
    sources,
    sinks,
    transforms,
    calls,
    takeCalls: () => {
      const taken = calls.slice(calls.length - unread);
      unread = 0;
      return taken;
    },
    adapter,
    ensure,
    shutdownSource(id) {
      const s = source(id);
      if (s.shutdown) return;
      s.shutdown = true;
      s.state = 'stopped';
      // The source's event queue shuts down; a subscribed session learns it from its pending request.
      notifySubscribers(s, (link) => link.send({ type: 'platform.sourceShutdown', source: id, now: clock.now }));
    },
    endOfStream(id, stream = 0) {
      const s = source(id);
      if (s.shutdown || s.state !== 'started') return;
      s.ended.add(stream);
      if (s.ended.size < s.knobs.streams) return;
      notifySubscribers(s, (link) => {
        link.send({ type: 'platform.endOfPresentation', source: id, now: clock.now });
        for (const sinkId of running.get(link.key) ?? []) record('PlaceMarker', sinkId, link.key);
        // The sinks render up to the marker and report it.
        clock.schedule(latency, () => link.send({ type: 'platform.presentationEnded', now: clock.now }));
      });
    },
    requestSample(id) {
      const s = sink(id);
      s.pendingRequests++;
      for (const [session, ids] of running) if (ids.includes(id)) serveSamples(session);
    },
    configure(kind, id, set) {
      ensure(kind, id);
      const target = kind === 'source' ? sources.get(id)! : kind === 'sink' ? sinks.get(id)! : transforms.get(id)!;
      target.knobs = { ...target.knobs, ...set } as never;
    },
  };
}
