/**
 * The JS pipeline objects of one bridged session: JS media sources and sample grabber sinks made on
 * first mention in a topology (same id, same object, as on the mock platform), the topologies built
 * from them, the scenario's platform actions on them, and one call log shared by all of them in the
 * order the session made the calls.
 * @module
 */
import type { ComPtr } from '../com/createComCaller.js';
import { buildTopology } from '../pipeline/buildTopology.js';
import { createJsSource, type JsSource, type JsSourceKnobs } from '../pipeline/createJsSource.js';
import type { MfRuntime } from '../pipeline/createMfRuntime.js';
import { createSampleGrabberSink, type SampleGrabberSink } from '../pipeline/createSampleGrabberSink.js';
import { IID } from '../pipeline/mfGuids.js';
import { VT } from '../pipeline/mfVtables.js';

/** A grabber, and its media sink and stream sink once activated for a stream-sink output node. */
interface GrabberEntry {
  grabber: SampleGrabberSink;
  mediaSink?: ComPtr;
  streamSink?: ComPtr;
}
import type { WirePipelineAction, WireResult, WireSourceKnobs, WireTopology } from '../protocol.js';

/** Grabber calls that have a scenario-format name (OnSetPresentationClock has none). */
const SCENARIO_SINK_CALLS = new Set(['OnClockStart', 'OnClockStop', 'OnClockPause', 'OnClockRestart', 'OnClockSetRate', 'SinkShutdown']);

/** One session's pipeline objects. */
export class SessionPipeline {
  readonly #rt: MfRuntime;
  readonly #sources = new Map<string, JsSource>();
  readonly #sinks = new Map<string, GrabberEntry>();
  /** Calls in the order they were made; `SourceShutdown` is kept out (not a scenario name). */
  #calls: string[] = [];
  /** TOPOIDs of the topologies built, in order: a scenario's topoId n names the n-th. */
  readonly built: bigint[] = [];
  /** JS exceptions inside COM methods (they answer E_UNEXPECTED): reported by `observe`. */
  readonly errors: string[] = [];

  constructor(rt: MfRuntime) {
    this.#rt = rt;
  }

  /** Builds `topology` (objects made on first mention); the caller releases the returned IMFTopology. */
  build(topology: WireTopology): ComPtr {
    const source = this.#source(topology.source, topology.sourceKnobs);
    const sink = topology.sink === null ? null : this.#sink(topology.sink, source);
    const object = sink === null ? null : topology.sinkActivate ? sink.grabber.activate : this.#streamSink(sink);
    const built = buildTopology(this.#rt, { source, sink: object, noShutdownOnRemove: topology.noShutdownOnRemove, missing: topology.missing });
    this.built.push(built.id);
    return built.topology;
  }

  /** A scenario platform step. */
  act(action: WirePipelineAction): WireResult {
    let source = this.#sources.get(action.source);
    if (!source) {
      if (!action.knobs) throw new Error(`no source "${action.source}" in this session's topologies yet (pass its knobs to make it)`);
      source = this.#source(action.source, action.knobs);
    }
    switch (action.action) {
      case 'shutdownSource':
        source.shutdownSource();
        break;
      case 'endOfStream':
        source.endOfStream();
        break;
      case 'configure':
        source.configure(toKnobs(action.set));
        break;
    }
    return { hr: 0 };
  }

  /** Shutdown flags and sample counts, and the calls recorded since the last drain. */
  observe(drainCalls: boolean): WireResult {
    const sources = Object.fromEntries([...this.#sources].map(([id, s]) => [id, { shutdown: s.shutdown, delivered: s.samplesDelivered }]));
    const sinks = Object.fromEntries([...this.#sinks].map(([id, k]) => [id, { shutdown: k.grabber.shutdown, samples: k.grabber.samples.length }]));
    const calls = this.#calls;
    if (drainCalls) this.#calls = [];
    return { hr: 0, sources, sinks, calls, errors: this.errors };
  }

  /** Releases the creator's references (after the session released its own). */
  release(): void {
    for (const source of this.#sources.values()) source.release();
    for (const sink of this.#sinks.values()) {
      if (sink.streamSink) this.#rt.com.release(sink.streamSink);
      if (sink.mediaSink) this.#rt.com.release(sink.mediaSink);
      sink.grabber.release();
    }
    this.#sources.clear();
    this.#sinks.clear();
  }

  #source(id: string, knobs: WireSourceKnobs): JsSource {
    let source = this.#sources.get(id);
    if (!source) {
      source = createJsSource(this.#rt, {
        knobs: toKnobs(knobs),
        onError: this.#onError,
        onCall: (name) => {
          if (name !== 'SourceShutdown') this.#calls.push(name);
        },
      });
      this.#sources.set(id, source);
    }
    return source;
  }

  /**
   * The grabber's stream sink, activating it once. An output node with the sink itself (not its
   * activate) is what the scenario default `activate: false` means, and it is the form whose
   * Shutdown the session calls directly (Wine 8.0's grabber activate does not forward ShutdownObject).
   */
  #streamSink(entry: GrabberEntry): ComPtr {
    if (entry.streamSink) return entry.streamSink;
    const { com, guids } = this.#rt;
    const out: unknown[] = [null];
    this.#rt.check('IMFActivate::ActivateObject', com.call(entry.grabber.activate, VT.IMFActivate.ActivateObject, 'void *riid, _Out_ void **object', guids.pointer(IID.IMFMediaSink), out));
    entry.mediaSink = BigInt(out[0] as bigint);
    this.#rt.check('IMFMediaSink::GetStreamSinkByIndex', com.call(entry.mediaSink, VT.IMFMediaSink.GetStreamSinkByIndex, 'uint32_t index, _Out_ void **stream', 0, out));
    entry.streamSink = BigInt(out[0] as bigint);
    return entry.streamSink;
  }

  #sink(id: string, source: JsSource): GrabberEntry {
    let sink = this.#sinks.get(id);
    if (!sink) {
      // Samples at their presentation times: a source never ends by itself, so taking samples as
      // fast as they come would spin the CPU for as long as a scenario keeps the session started.
      const grabber = createSampleGrabberSink(this.#rt, source.mediaType, {
        ignoreClock: false,
        onError: this.#onError,
        onCall: (name) => {
          if (SCENARIO_SINK_CALLS.has(name)) this.#calls.push(name);
        },
      });
      sink = { grabber };
      this.#sinks.set(id, sink);
    }
    return sink;
  }

  readonly #onError = (method: string, error: unknown) => {
    this.errors.push(`${method}: ${(error as Error)?.message ?? String(error)}`);
  };
}

function toKnobs(wire: WireSourceKnobs): Partial<JsSourceKnobs> {
  const knobs: Partial<JsSourceKnobs> = {};
  for (const [name, value] of Object.entries(wire)) if (value !== undefined) (knobs as Record<string, unknown>)[name] = value;
  return knobs;
}
