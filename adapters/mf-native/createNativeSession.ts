/**
 * One real IMFMediaSession behind the bridge, seen from Linux: the session's methods with their
 * HRESULTs, its presentation clock, the events it queues, and a public state inferred from the
 * completion events (mf.dll does not expose its state). Real Media Foundation is asynchronous —
 * events come from its work-queue threads — so {@link NativeSession.settle} polls until every
 * accepted command has its completion event, or a timeout says one never came.
 * @module
 */
import { HR, type HResult } from '../../machines/hresult.js';
import { eventName, eventType } from '../../machines/mediaEventType.js';
import { SETTOPOLOGY, MF_EVENT_FLAG_NO_WAIT } from '../../machines/constants.js';
import type { EventValue, MediaEvent, PublicState } from '../../machines/types.js';
import type { SutCall } from '../../verify/sut/sutActions.js';
import { BridgeError, type NativeBridge } from './nativeBridge.js';
import { COMPLETION_EVENT_TYPES, type ClockMethod, type Handle, type SessionMethod, type WireCall, type WireEvent, type WirePipelineAction, type WireResult } from './protocol.js';
import type { MockPlatformSpec } from '../mock/createMockPlatform.js';
import { DEFAULT_PLATFORM } from '../../verify/sut/modelSut.js';
import { toWireTopology } from './wireTopology.js';

/** The session's JS pipeline objects as `observe` reports them. */
export interface PipelineObservation {
  sources: Record<string, { shutdown: boolean; delivered: number }>;
  sinks: Record<string, { shutdown: boolean; samples: number }>;
  /** Calls since the last drain, in the order the session made them (scenario names). */
  calls: string[];
  /** Exceptions inside JS COM methods. */
  errors: string[];
  /** Names of the scenario callbacks the session invoked, in order (present once a BeginGetEvent named one). */
  invocations?: string[];
}

/** The session can no longer be used: its bridge crashed, hung or was restarted. */
export class NativeSessionFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NativeSessionFailed';
  }
}

/** A call's synchronous answer. */
export interface NativeOutcome {
  hr: HResult;
  out?: unknown;
}

/** Timing of event reads. */
export interface SettleOptions {
  /** How long to wait for the completion events of accepted commands (default 400 ms). */
  timeoutMs?: number;
  /** How long no event may come before reading stops, once the completions are in: for events queued just behind them (default 3 ms; 40 ms once a topology with pipeline objects was set). */
  graceMs?: number;
}

/** MediaEventType MESessionEnded. */
const SESSION_ENDED = 107;
/** Settle grace once pipeline objects are in play (see {@link NativeSession.settle}). */
const PIPELINE_GRACE_MS = 40;
const COMPLETION_TYPES = new Set(Object.values(COMPLETION_EVENT_TYPES));
/** The commands that answer S_OK and complete later with one event. */
const ASYNC_METHODS = new Set(Object.keys(COMPLETION_EVENT_TYPES));

/** An event as the model writes it; values the model has no form for become VT_EMPTY. */
export function toMediaEvent(event: WireEvent): MediaEvent {
  const v = event.value;
  const value: EventValue = v.vt === 'VT_R4' || v.vt === 'VT_UI8' ? v : v.vt === 'VT_UNKNOWN' ? { vt: 'VT_UNKNOWN', object: -1 } : { vt: 'VT_EMPTY' };
  return event.attributes ? { type: event.type, status: event.status >>> 0, value, attributes: event.attributes } : { type: event.type, status: event.status >>> 0, value };
}

/** A real session. Create it with {@link createNativeSession}. */
export class NativeSession {
  readonly bridge: NativeBridge;
  /** The creation HRESULT of MFCreateMediaSession. */
  readonly createHr: HResult;
  /** The bridge generation the session lives in. */
  readonly generation: number;
  /** Inferred from completion events and Shutdown (see the module comment). */
  state: PublicState = 'fresh';
  released = false;
  /** Why the session failed, once it has. */
  failure: string | undefined;
  /** Accepted commands whose completion event has not been read yet. */
  outstanding = 0;
  /** Every event read so far, in order. */
  readonly events: MediaEvent[] = [];
  /** The knobs of the sources and sinks topologies name (a scenario's `platform`). */
  platform: MockPlatformSpec = DEFAULT_PLATFORM;
  readonly #handle: Handle | undefined;
  #clock: Handle | undefined;
  #timeSource: Handle | undefined;
  #shutdownHr: HResult | undefined;
  /** A topology with pipeline objects was set. */
  #hasPipeline = false;
  /** Event types the next {@link settle} also waits for (an end of stream ends the presentation with MESessionEnded). */
  #awaitTypes: number[] = [];

  constructor(bridge: NativeBridge, attributes: Record<string, unknown> = {}) {
    this.bridge = bridge;
    const result = this.#send([{ op: 'MFCreateMediaSession', ...(Object.keys(attributes).length ? { attributes } : {}) }], undefined)[0]!;
    this.generation = bridge.generation;
    this.createHr = (result.hr ?? HR.E_FAIL) >>> 0;
    this.#handle = result.session as Handle | undefined;
    if (this.#handle === undefined) this.state = 'shutdown';
  }

  /** The bridge handle (undefined when creation failed). */
  get handle(): Handle | undefined {
    return this.#handle;
  }

  /** Makes one call of the verifier's vocabulary. */
  invoke(call: SutCall): NativeOutcome {
    switch (call.call) {
      case 'SetTopology':
        return this.session({
          method: 'SetTopology',
          flags: call.args.flags.reduce((acc, flag) => acc | SETTOPOLOGY[flag], 0),
          topology: call.args.topology === null ? null : toWireTopology(call.args.topology, this.platform),
        });
      case 'Start':
        return this.session({ method: 'Start', position: call.args.position, timeFormat: 'GUID_NULL' });
      case 'SetRate':
        return this.session({ method: 'SetRate', thin: call.args.thin, rate: call.args.rate });
      case 'GetFullTopology':
        return this.session({ method: 'GetFullTopology', flags: call.args.flags.includes('CURRENT') ? 1 : 0, topoId: 0 });
      case 'GetClock':
        return this.session({ method: 'GetClock', keep: false });
      case 'QueueEvent': {
        const type = eventType(call.args.type);
        if (type === undefined) throw new Error(`unknown MediaEventType ${JSON.stringify(call.args.type)}`);
        return this.session({ method: 'QueueEvent', type, status: (HR as Record<string, number>)[call.args.status] ?? HR.S_OK });
      }
      default:
        return this.session({ method: call.call } as SessionMethod);
    }
  }

  /** Calls a session method and turns its result into the model's out form. */
  session(method: SessionMethod): NativeOutcome {
    if (this.#handle === undefined) return { hr: this.createHr };
    if (method.method === 'SetTopology' && method.topology) this.#hasPipeline = true;
    const result = this.#call({ op: 'session', h: this.#handle, ...method } as WireCall);
    const hr = (result.hr ?? HR.E_FAIL) >>> 0;
    if (hr === HR.S_OK && ASYNC_METHODS.has(method.method)) this.outstanding++;
    switch (method.method) {
      case 'Shutdown':
        if (hr === HR.S_OK) {
          this.state = 'shutdown';
          this.#shutdownHr = hr;
          this.outstanding = 0;
        }
        return { hr };
      case 'GetClock':
        if (typeof result.clock === 'number') {
          if (this.#clock !== undefined) this.#call({ op: 'clock', h: this.#clock, method: 'Release' });
          this.#clock = result.clock;
        }
        return { hr };
      case 'GetSessionCapabilities':
        return result.caps === undefined ? { hr } : { hr, out: result.caps };
      case 'GetFullTopology':
        // The model's answers: CURRENT finds the current topology, an id finds a queued one.
        return hr === HR.S_OK ? { hr, out: result.topology === null ? 'null' : method.flags & 1 ? 'current' : 'queued' } : { hr };
      case 'GetRate':
        return hr === HR.S_OK ? { hr, out: { thin: result.thin, rate: result.rate } } : { hr };
      case 'GetEvent':
      case 'EndGetEvent': {
        if (!result.event) return { hr };
        const event = toMediaEvent(result.event as WireEvent);
        this.#record([event]);
        return { hr, out: event };
      }
      case 'Release':
        return { hr, out: result.refs };
      default:
        return { hr };
    }
  }

  /** A platform action on the session's JS pipeline objects. */
  pipeline(action: WirePipelineAction): void {
    if (this.#handle === undefined) throw new Error('the session was never created');
    this.#call({ op: 'pipeline', h: this.#handle, ...action });
    // A running source's end of stream ends the presentation: the session reports MESessionEnded.
    if (action.action === 'endOfStream' && this.state === 'started' && !this.#awaitTypes.includes(SESSION_ENDED)) this.#awaitTypes.push(SESSION_ENDED);
  }

  /** The session's JS pipeline objects; `drainCalls` empties the call record. */
  observePipeline(drainCalls: boolean): PipelineObservation {
    if (this.#handle === undefined) return { sources: {}, sinks: {}, calls: [], errors: [] };
    return this.#call({ op: 'observe', h: this.#handle, drainCalls }) as unknown as PipelineObservation;
  }

  /** GetEvent(NO_WAIT) once. */
  getEvent(): NativeOutcome {
    return this.session({ method: 'GetEvent', flags: MF_EVENT_FLAG_NO_WAIT });
  }

  /** Keeps the clock GetClock returned, for clock calls. */
  keepClock(): NativeOutcome {
    return this.session({ method: 'GetClock', keep: true });
  }

  /** Reads events until every accepted command has its completion event (or the timeout); returns them in order. */
  settle(options: SettleOptions = {}): MediaEvent[] {
    if (this.#handle === undefined || this.released) return [];
    // With pipeline objects, events follow a completion by milliseconds (TopologyStatus, CapabilitiesChanged
    // come from the JS source's threads): a longer grace keeps them with the action that caused them.
    const graceMs = options.graceMs ?? (this.#hasPipeline ? PIPELINE_GRACE_MS : 3);
    const awaitTypes = this.#awaitTypes;
    this.#awaitTypes = [];
    const result = this.#call({ op: 'settle', h: this.#handle, completions: this.outstanding, awaitTypes, timeoutMs: options.timeoutMs ?? 400, graceMs });
    const events = ((result.events as WireEvent[] | undefined) ?? []).map(toMediaEvent);
    this.#record(events);
    return events;
  }

  /**
   * Reads events until one of `type` (any type when undefined) arrives or `timeoutMs` passes; returns
   * every event read, and `readHr`, GetEvent's failure that ended the wait early (MF_E_SHUTDOWN,
   * MF_E_MULTIPLE_SUBSCRIBERS while a BeginGetEvent is pending), if any.
   */
  waitFor(type: number | undefined, timeoutMs: number): { events: MediaEvent[]; found: boolean; readHr?: HResult } {
    if (this.#handle === undefined || this.released) return { events: [], found: false };
    const result = this.#call({ op: 'waitEvent', h: this.#handle, type: type ?? -1, timeoutMs }, timeoutMs + 10_000);
    const events = ((result.events as WireEvent[] | undefined) ?? []).map(toMediaEvent);
    this.#record(events);
    const readHr = typeof result.readHr === 'number' ? result.readHr >>> 0 : undefined;
    return { events, found: result.found === true, ...(readHr !== undefined && readHr !== HR.MF_E_NO_EVENTS_AVAILABLE ? { readHr } : {}) };
  }

  /** Calls a method of the session's clock (kept by {@link keepClock}) or of `clock`. */
  clock(method: ClockMethod, clock: Handle | undefined = this.#clock): NativeOutcome {
    if (clock === undefined) throw new Error('no clock: call GetClock first');
    const result = this.#call({ op: 'clock', h: clock, ...method } as WireCall);
    const hr = (result.hr ?? HR.E_FAIL) >>> 0;
    if (hr !== HR.S_OK) return { hr };
    switch (method.method) {
      case 'GetState':
        return { hr, out: result.state };
      case 'GetTime':
        return result.time === undefined ? { hr } : { hr, out: result.time };
      case 'GetRate':
        return { hr, out: result.rate };
      case 'GetShutdownStatus':
        return result.status === undefined ? { hr } : { hr, out: result.status };
      case 'GetProperties':
        return { hr, out: result.properties };
      default:
        return { hr };
    }
  }

  /** A system time source for Clock.SetTimeSource (created once, released with the session). */
  timeSource(): Handle {
    if (this.#timeSource === undefined) {
      const result = this.#call({ op: 'MFCreateSystemTimeSource' });
      if (typeof result.timeSource !== 'number') throw new Error(`MFCreateSystemTimeSource failed: 0x${((result.hr ?? 0) >>> 0).toString(16)}`);
      this.#timeSource = result.timeSource;
    }
    return this.#timeSource;
  }

  /** Releases the session (IUnknown::Release, once); `leak` is true when Shutdown never succeeded before it. */
  release(): { leak: boolean } {
    if (this.released) throw new Error('the session was already released');
    this.#releaseHelpers();
    if (this.#handle !== undefined) this.#call({ op: 'session', h: this.#handle, method: 'Release' });
    this.released = true;
    return { leak: this.#shutdownHr !== HR.S_OK };
  }

  /** Shuts the session down if needed and releases it; a failed session is only forgotten. */
  dispose(): void {
    if (this.released) return;
    if (this.failure || this.bridge.generation !== this.generation || !this.bridge.alive) {
      this.released = true;
      return;
    }
    if (this.state !== 'shutdown') this.session({ method: 'Shutdown' });
    this.release();
  }

  #releaseHelpers(): void {
    if (this.#clock !== undefined) this.#call({ op: 'clock', h: this.#clock, method: 'Release' });
    if (this.#timeSource !== undefined) this.#call({ op: 'releaseTimeSource', h: this.#timeSource });
    this.#clock = undefined;
    this.#timeSource = undefined;
  }

  #record(events: readonly MediaEvent[]): void {
    for (const event of events) {
      this.events.push(event);
      if (COMPLETION_TYPES.has(event.type) && this.outstanding > 0) this.outstanding--;
      this.#infer(event);
    }
  }

  /** The public state a successful completion event leaves the session in. */
  #infer(event: MediaEvent): void {
    if (this.state === 'shutdown' || event.status !== HR.S_OK) return;
    const next: Partial<Record<string, PublicState>> = {
      MESessionStarted: 'started',
      MESessionPaused: 'paused',
      MESessionStopped: 'stopped',
      MESessionClosed: 'closed',
    };
    const name = eventName(event.type);
    if (name === 'MESessionTopologySet' && this.state === 'fresh') this.state = 'ready';
    // Stop on a session that never started leaves it where it was (fresh or ready), as the model says.
    else if (name === 'MESessionStopped' && (this.state === 'fresh' || this.state === 'ready')) return;
    else if (next[name]) this.state = next[name]!;
  }

  #call(call: WireCall, timeoutMs?: number): WireResult {
    return this.#send([call], this.generation, timeoutMs)[0]!;
  }

  /** `generation`: the bridge generation the session lives in (undefined while it is being created). */
  #send(calls: WireCall[], generation: number | undefined, timeoutMs?: number): WireResult[] {
    if (this.failure) throw new NativeSessionFailed(this.failure);
    if (generation !== undefined && (this.bridge.generation !== generation || !this.bridge.alive)) {
      this.failure = `the bridge process this session lived in is gone (bridge generation ${generation}, now ${this.bridge.alive ? this.bridge.generation : 'none running'})`;
      throw new NativeSessionFailed(this.failure);
    }
    try {
      const results = this.bridge.call(calls, timeoutMs);
      for (const result of results) if (result.error) throw new Error(`bridge call ${calls[0]!.op} failed: ${result.error}`);
      return results;
    } catch (error) {
      if (error instanceof BridgeError) {
        this.failure = `the bridge failed during ${describeCalls(calls)}: ${error.message}`;
        throw new NativeSessionFailed(this.failure);
      }
      throw error;
    }
  }
}

function describeCalls(calls: readonly WireCall[]): string {
  return calls.map((call) => ('method' in call ? `${call.op}.${call.method}` : call.op)).join(', ');
}

/** Creates a real session on `bridge` (MFCreateMediaSession with `attributes`). */
export function createNativeSession(bridge: NativeBridge, attributes: Record<string, unknown> = {}): NativeSession {
  return new NativeSession(bridge, attributes);
}
