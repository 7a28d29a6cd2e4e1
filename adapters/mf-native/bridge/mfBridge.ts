/**
 * The bridge's calls into Media Foundation: a table of the COM objects it holds (each behind a
 * numeric handle, each released exactly once) and one function per protocol call. Events are read
 * with GetEvent(MF_EVENT_FLAG_NO_WAIT) and polled on timers, so the JS thread never blocks and
 * koffi callbacks queued from MF's work-queue threads can still run.
 * @module
 */
import type { ClockMethod, Handle, HandleKind, SessionMethod, WireCall, WireEvent, WireResult, WireValue } from '../protocol.js';
import { COMPLETION_EVENT_TYPES } from '../protocol.js';
import { EVENT_ATTRIBUTES, GUIDS, PROPVARIANT_SIZE, SESSION_ATTRIBUTES, VARTYPE, VT, guid, type ComBinding, type ComPtr } from './comBinding.js';
import type { MfRuntime } from '../pipeline/createMfRuntime.js';
import { SessionPipeline } from './sessionPipeline.js';
import { SessionSubscriptions } from './sessionSubscriptions.js';
import { lateComCalls } from '../com/createComObject.js';

const S_OK = 0;
const MF_EVENT_FLAG_NO_WAIT = 1;
/** PRESENTATION_CURRENT_POSITION: IMFPresentationClock::Start's "from where you are". */
const PRESENTATION_CURRENT_POSITION = 0x7fffffffffffffffn;
const COMPLETIONS = new Set(Object.values(COMPLETION_EVENT_TYPES));
const CLOCK_STATES = ['INVALID', 'RUNNING', 'STOPPED', 'PAUSED'] as const;

interface HeldObject {
  kind: HandleKind;
  ptr: ComPtr;
  /** A session's Shutdown returned S_OK. */
  shutdown: boolean;
  /** The session's IMFRateControl (MFGetService), fetched on first use and released with the session. */
  rateControl?: ComPtr;
  /**
   * The session's JS pipeline objects, once a topology named them. From then on every call on the
   * session is made on a koffi worker thread: Media Foundation's threads call the JS objects while
   * holding the session's lock, so a synchronous call from the JS thread would deadlock.
   */
  pipeline?: SessionPipeline;
  /** The scenario's BeginGetEvent callbacks and states, once a BeginGetEvent named a callback. */
  subscriptions?: SessionSubscriptions;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const outPointer = (out: unknown[]): ComPtr | null => (out[0] === null || out[0] === undefined || out[0] === 0n ? null : (out[0] as ComPtr));
const toNumber = (value: unknown) => (typeof value === 'bigint' ? Number(value) : (value as number));

/** The bridge's state: the binding and the objects it holds. */
export class MfBridge {
  readonly #com: ComBinding;
  readonly #rt: MfRuntime | undefined;
  readonly #objects = new Map<Handle, HeldObject>();
  #nextHandle = 1;
  /** Set once a JS pipeline object exists: see {@link MfBridge.#invoke}. */
  #asyncCalls = false;
  /** Calls made, for `stats`. */
  calls = 0;

  /** `rt`: mfcom's runtime on the same koffi, for pipeline objects (without it SetTopology with a topology is refused). */
  constructor(com: ComBinding, rt?: MfRuntime) {
    this.#com = com;
    this.#rt = rt;
  }

  /**
   * A method of a held object: inline until the bridge made its first JS pipeline object, on a koffi
   * worker thread from then on (any session, clock or event call may wait for a lock that a Media
   * Foundation thread holds while it calls into JS; the JS thread must stay free to answer).
   */
  #invoke(_object: HeldObject, pointer: ComPtr, index: number, signature: string, ...args: unknown[]): Promise<number> | number {
    if (!this.#asyncCalls || !this.#rt) return this.#com.invoke(pointer, index, signature, ...args);
    // comBinding writes '(void *self, <params>)'; the mfcom caller takes '<params>'.
    const parameters = signature.replace(/^\(void \*self,?\s*/, '').replace(/\)$/, '');
    return this.#rt.com.callAsync(pointer, index, parameters, ...args);
  }

  /** How many objects are held. */
  get held(): number {
    return this.#objects.size;
  }

  /** Runs one call; an exception becomes `{ error }` for that call only. */
  async run(call: WireCall): Promise<WireResult> {
    this.calls++;
    try {
      return await this.#run(call);
    } catch (error) {
      return { error: error instanceof Error ? error.message : String(error) };
    }
  }

  /** Releases everything still held (sessions without Shutdown are released as they are: Release is observable) and reports it. */
  async releaseAll(): Promise<{ h: Handle; kind: HandleKind }[]> {
    const leaked = [...this.#objects.entries()].map(([h, object]) => ({ h, kind: object.kind }));
    for (const h of [...this.#objects.keys()]) await this.#release(h);
    return leaked;
  }

  async #run(call: WireCall): Promise<WireResult> {
    switch (call.op) {
      case 'MFCreateMediaSession':
        return this.#createSession(call.attributes ?? {});
      case 'MFCreatePresentationClock': {
        const out: unknown[] = [null];
        const hr = this.#com.MFCreatePresentationClock(out);
        return hr === S_OK ? { hr, clock: this.#hold('clock', outPointer(out)!) } : { hr };
      }
      case 'MFCreateSystemTimeSource': {
        const out: unknown[] = [null];
        const hr = this.#com.MFCreateSystemTimeSource(out);
        return hr === S_OK ? { hr, timeSource: this.#hold('timeSource', outPointer(out)!) } : { hr };
      }
      case 'session':
        return await this.#session(this.#get(call.h, 'session'), call.h, call);
      case 'clock':
        return await this.#clock(this.#get(call.h, 'clock'), call.h, call);
      case 'releaseTimeSource':
        this.#get(call.h, 'timeSource');
        return { hr: S_OK, refs: await this.#release(call.h) };
      case 'pipeline': {
        const session = this.#get(call.h, 'session');
        if (!session.pipeline && !call.knobs) throw new Error(`session ${call.h} has no pipeline objects (no topology named a source yet)`);
        if (!this.#rt) throw new Error('this bridge has no pipeline runtime');
        session.pipeline ??= new SessionPipeline(this.#rt);
        this.#asyncCalls = true;
        return session.pipeline.act(call);
      }
      case 'observe': {
        const session = this.#get(call.h, 'session');
        const seen = session.pipeline ? session.pipeline.observe(call.drainCalls === true) : { hr: S_OK, sources: {}, sinks: {}, calls: [], errors: [] };
        const subscriptions = session.subscriptions;
        return subscriptions ? { ...seen, errors: [...(seen.errors as string[]), ...subscriptions.errors], invocations: subscriptions.invocations } : seen;
      }
      case 'settle':
        return this.#settle(this.#get(call.h, 'session'), call.completions, call.awaitTypes ?? [], call.timeoutMs, call.graceMs);
      case 'waitEvent':
        return this.#waitEvent(this.#get(call.h, 'session'), call.type, call.timeoutMs);
      case 'stats':
        return { hr: S_OK, calls: this.calls, lateComCalls: lateComCalls(), handles: [...this.#objects.entries()].map(([h, object]) => ({ h, kind: object.kind, shutdown: object.shutdown })) };
      case 'crash':
        // A test hook: dies the way a crash would, with no reply and nothing released.
        process.exit(call.code);
    }
  }

  #hold(kind: HandleKind, ptr: ComPtr): Handle {
    const h = this.#nextHandle++;
    this.#objects.set(h, { kind, ptr, shutdown: false });
    return h;
  }

  #get(h: Handle, kind: HandleKind): HeldObject {
    const object = this.#objects.get(h);
    if (!object) throw new Error(`no ${kind} with handle ${h} (never created, or already released)`);
    if (object.kind !== kind) throw new Error(`handle ${h} is a ${object.kind}, not a ${kind}`);
    return object;
  }

  /** IUnknown::Release, once; returns the count Release returned. A session's JS objects are released after it. */
  async #release(h: Handle): Promise<number> {
    const object = this.#objects.get(h)!;
    this.#objects.delete(h);
    if (object.rateControl) await this.#invoke(object, object.rateControl, VT.IUnknown.Release, '(void *self)');
    const refs = await this.#invoke(object, object.ptr, VT.IUnknown.Release, '(void *self)');
    object.pipeline?.release();
    object.subscriptions?.release();
    return refs;
  }

  #createSession(attributes: Record<string, unknown>): WireResult {
    const com = this.#com;
    let config: ComPtr | null = null;
    const names = Object.keys(attributes);
    if (names.length > 0) {
      const out: unknown[] = [null];
      const hr = com.MFCreateAttributes(out, names.length);
      if (hr !== S_OK) return { hr, step: 'MFCreateAttributes' };
      config = outPointer(out)!;
      for (const name of names) {
        const known = SESSION_ATTRIBUTES[name];
        if (!known) throw new Error(`unknown session attribute ${JSON.stringify(name)} (known: ${Object.keys(SESSION_ATTRIBUTES).join(', ')})`);
        const value = attributes[name];
        const set =
          known.type === 'guid'
            ? com.invoke(config, VT.IMFAttributes.SetGUID, '(void *self, void *key, void *value)', known.guid, value === 'GUID_NULL' ? GUIDS.GUID_NULL : guid(String(value)))
            : com.invoke(config, VT.IMFAttributes.SetUINT32, '(void *self, void *key, uint32_t value)', known.guid, value === true ? 1 : Number(value) >>> 0);
        if (set !== S_OK) {
          com.invoke(config, VT.IUnknown.Release, '(void *self)');
          return { hr: set, step: `SetItem ${name}` };
        }
      }
    }
    const out: unknown[] = [null];
    const hr = com.MFCreateMediaSession(config, out);
    // The session keeps no reference to the attributes (spec §5): ours is released here.
    if (config) com.invoke(config, VT.IUnknown.Release, '(void *self)');
    return hr === S_OK ? { hr, session: this.#hold('session', outPointer(out)!) } : { hr };
  }

  async #session(object: HeldObject, h: Handle, call: SessionMethod): Promise<WireResult> {
    const p = object.ptr;
    const M = VT.IMFMediaSession;
    switch (call.method) {
      case 'SetTopology': {
        if (!call.topology) return { hr: await this.#invoke(object, p, M.SetTopology, '(void *self, uint32_t flags, void *topology)', call.flags, null) };
        if (!this.#rt) throw new Error('this bridge has no pipeline runtime: SetTopology with a topology is not available');
        object.pipeline ??= new SessionPipeline(this.#rt);
        this.#asyncCalls = true;
        const topology = object.pipeline.build(call.topology);
        try {
          return { hr: await this.#invoke(object, p, M.SetTopology, '(void *self, uint32_t flags, void *topology)', call.flags, topology) };
        } finally {
          // The session holds its own reference (or refused the topology).
          this.#rt.com.release(topology);
        }
      }
      case 'ClearTopologies':
        return { hr: await this.#invoke(object, p, M.ClearTopologies, '(void *self)') };
      case 'Start': {
        const timeFormat = call.timeFormat === null ? null : GUIDS.GUID_NULL;
        let position: Buffer | null = null;
        if (call.position) {
          position = Buffer.alloc(PROPVARIANT_SIZE);
          if (call.position.vt === 'VT_I8') {
            position.writeUInt16LE(VARTYPE.VT_I8, 0);
            position.writeBigInt64LE(BigInt(call.position.value), 8);
          }
        }
        return { hr: await this.#invoke(object, p, M.Start, '(void *self, void *timeFormat, void *position)', timeFormat, position) };
      }
      case 'Pause':
        return { hr: await this.#invoke(object, p, M.Pause, '(void *self)') };
      case 'Stop':
        return { hr: await this.#invoke(object, p, M.Stop, '(void *self)') };
      case 'Close':
        return { hr: await this.#invoke(object, p, M.Close, '(void *self)') };
      case 'Shutdown': {
        const hr = await this.#invoke(object, p, M.Shutdown, '(void *self)');
        if (hr === S_OK) object.shutdown = true;
        return { hr };
      }
      case 'GetClock': {
        const out: unknown[] = [null];
        const hr = await this.#invoke(object, p, M.GetClock, '(void *self, _Out_ void **clock)', out);
        const clock = outPointer(out);
        if (hr !== S_OK || !clock) return { hr };
        // GetClock hands out IMFClock; the object is the session's IMFPresentationClock.
        const presentation: unknown[] = [null];
        const qi = await this.#invoke(object, clock, VT.IUnknown.QueryInterface, '(void *self, void *riid, _Out_ void **out)', GUIDS.IID_IMFPresentationClock, presentation);
        await this.#invoke(object, clock, VT.IUnknown.Release, '(void *self)');
        if (qi !== S_OK) return { hr, qi };
        const held = this.#hold('clock', outPointer(presentation)!);
        if (call.keep === false) {
          await this.#release(held);
          return { hr };
        }
        return { hr, clock: held };
      }
      case 'GetSessionCapabilities': {
        const out: unknown[] = [0];
        const hr = await this.#invoke(object, p, M.GetSessionCapabilities, '(void *self, _Out_ uint32_t *caps)', call.nullPointer ? null : out);
        return hr === S_OK && !call.nullPointer ? { hr, caps: out[0] } : { hr };
      }
      case 'GetFullTopology': {
        const out: unknown[] = [null];
        // The scenario's topoId n (the model numbers topologies 1, 2, ...) is the n-th topology this bridge built.
        const id = object.pipeline?.built[call.topoId - 1] ?? BigInt(call.topoId);
        const hr = await this.#invoke(object, p, M.GetFullTopology, '(void *self, uint32_t flags, uint64_t id, _Out_ void **topology)', call.flags, id, out);
        const topology = outPointer(out);
        if (topology) await this.#invoke(object, topology, VT.IUnknown.Release, '(void *self)');
        return { hr, topology: topology ? 'object' : null };
      }
      case 'GetEvent': {
        // Without NO_WAIT, GetEvent blocks the thread until an event comes: the bridge would stop answering.
        if ((call.flags & MF_EVENT_FLAG_NO_WAIT) === 0) throw new Error('GetEvent without MF_EVENT_FLAG_NO_WAIT would block the bridge; use the waitEvent call');
        const { hr, event } = await this.#getEvent(object);
        return event ? { hr, event } : { hr };
      }
      case 'BeginGetEvent': {
        const subscriptions = this.#subscriptions(object);
        const callback = call.callback === null ? null : subscriptions.callback(call.callback);
        const invokedBefore = subscriptions.invocations.length;
        const hr = await this.#invoke(object, p, M.BeginGetEvent, '(void *self, void *callback, void *state)', callback, subscriptions.state(call.state));
        subscriptions.begun(hr, invokedBefore);
        return { hr };
      }
      case 'EndGetEvent': {
        const subscriptions = this.#subscriptions(object);
        const result = call.result === 'foreign' ? subscriptions.foreignResult((callback, out) => this.#com.MFCreateAsyncResult(callback, null, out)) : await subscriptions.pendingResult(call.waitMs ?? 0);
        if (result === undefined) return { error: `EndGetEvent("pending"): no callback of this session was invoked within ${call.waitMs ?? 0} ms, so there is no pending result to pass (an application only receives it through Invoke)` };
        const out: unknown[] = [null];
        const hr = await this.#invoke(object, p, M.EndGetEvent, '(void *self, void *result, _Out_ void **event)', result, out);
        const pointer = outPointer(out);
        if (!pointer) return { hr };
        try {
          return { hr, event: this.#readEvent(pointer) };
        } finally {
          this.#com.invoke(pointer, VT.IUnknown.Release, '(void *self)');
        }
      }
      case 'QueueEvent':
        return { hr: await this.#invoke(object, p, M.QueueEvent, '(void *self, uint32_t type, void *extendedType, int32_t status, void *value)', call.type, GUIDS.GUID_NULL, call.status | 0, null) };
      case 'SetRate': {
        const rate = await this.#rateControl(object);
        if (typeof rate === 'number') return { hr: rate, step: 'QueryInterface' };
        return { hr: await this.#invoke(object, rate, VT.IMFRateControl.SetRate, '(void *self, int32_t thin, float rate)', call.thin ? 1 : 0, call.rate) };
      }
      case 'GetRate': {
        const rate = await this.#rateControl(object);
        if (typeof rate === 'number') return { hr: rate, step: 'QueryInterface' };
        const thin: unknown[] = [0];
        const value: unknown[] = [0];
        const hr = await this.#invoke(object, rate, VT.IMFRateControl.GetRate, '(void *self, _Out_ int32_t *thin, _Out_ float *rate)', thin, value);
        return hr === S_OK ? { hr, thin: thin[0] !== 0, rate: value[0] } : { hr };
      }
      case 'AddRef':
        return { hr: S_OK, refs: await this.#invoke(object, p, VT.IUnknown.AddRef, '(void *self)') };
      case 'Release': {
        const shutdown = object.shutdown;
        return { hr: S_OK, refs: await this.#release(h), shutdown };
      }
    }
  }

  /**
   * The session's subscriptions. Made on first use; from then on the bridge calls on worker threads,
   * since Invoke needs the JS thread while a Media Foundation thread waits for it.
   */
  #subscriptions(object: HeldObject): SessionSubscriptions {
    if (!this.#rt) throw new Error('this bridge has no runtime for JS COM objects: BeginGetEvent with a callback is not available');
    this.#asyncCalls = true;
    object.subscriptions ??= new SessionSubscriptions(this.#rt);
    return object.subscriptions;
  }

  /**
   * The session's IMFRateControl, or the failing HRESULT of QueryInterface. QueryInterface (the
   * session implements IMFRateControl itself) keeps working after Shutdown, where
   * MFGetService(MF_RATE_CONTROL_SERVICE) answers MF_E_SHUTDOWN.
   */
  async #rateControl(object: HeldObject): Promise<ComPtr | number> {
    if (object.rateControl) return object.rateControl;
    const out: unknown[] = [null];
    const hr = await this.#invoke(object, object.ptr, VT.IUnknown.QueryInterface, '(void *self, void *riid, _Out_ void **out)', GUIDS.IID_IMFRateControl, out);
    if (hr !== S_OK) return hr;
    object.rateControl = outPointer(out)!;
    return object.rateControl;
  }

  /** GetEvent(NO_WAIT); an event is read into plain data and released at once. */
  async #getEvent(object: HeldObject): Promise<{ hr: number; event?: WireEvent }> {
    const out: unknown[] = [null];
    const hr = await this.#invoke(object, object.ptr, VT.IMFMediaSession.GetEvent, '(void *self, uint32_t flags, _Out_ void **event)', MF_EVENT_FLAG_NO_WAIT, out);
    const pointer = outPointer(out);
    if (hr !== S_OK || !pointer) return { hr };
    try {
      return { hr, event: this.#readEvent(pointer) };
    } finally {
      this.#com.invoke(pointer, VT.IUnknown.Release, '(void *self)');
    }
  }

  #readEvent(event: ComPtr): WireEvent {
    const com = this.#com;
    const type: unknown[] = [0];
    const status: unknown[] = [0];
    com.invoke(event, VT.IMFMediaEvent.GetType, '(void *self, _Out_ uint32_t *type)', type);
    com.invoke(event, VT.IMFMediaEvent.GetStatus, '(void *self, _Out_ int32_t *status)', status);
    const pv = Buffer.alloc(PROPVARIANT_SIZE);
    let value: WireValue = { vt: 'VT_EMPTY' };
    if (com.invoke(event, VT.IMFMediaEvent.GetValue, '(void *self, void *value)', pv) === S_OK) {
      value = readPropVariant(pv);
      // Releases a VT_UNKNOWN (a topology) the copy holds.
      com.PropVariantClear(pv);
    }
    const attributes: Record<string, number> = {};
    for (const attribute of EVENT_ATTRIBUTES) {
      const out: unknown[] = [0];
      const hr =
        attribute.type === 'uint32'
          ? com.invoke(event, VT.IMFAttributes.GetUINT32, '(void *self, void *key, _Out_ uint32_t *value)', attribute.guid, out)
          : com.invoke(event, VT.IMFAttributes.GetUINT64, '(void *self, void *key, _Out_ uint64_t *value)', attribute.guid, out);
      if (hr === S_OK) attributes[attribute.name] = toNumber(out[0]);
    }
    const wire: WireEvent = { type: type[0] as number, status: (status[0] as number) >>> 0, value };
    if (Object.keys(attributes).length > 0) wire.attributes = attributes;
    return wire;
  }

  /** Reads events until `completions` completion events and one of each `awaitTypes` came (or the timeout), then until no event came for `graceMs`. */
  async #settle(object: HeldObject, completions: number, awaitTypes: readonly number[], timeoutMs: number, graceMs: number): Promise<WireResult> {
    const events: WireEvent[] = [];
    let seen = 0;
    const awaited = new Set(awaitTypes);
    const done = () => seen >= completions && awaited.size === 0;
    const deadline = Date.now() + timeoutMs;
    let graceEnd = done() ? Date.now() + graceMs : Infinity;
    for (;;) {
      const { hr, event } = await this.#getEvent(object);
      if (event) {
        events.push(event);
        if (COMPLETIONS.has(event.type)) seen++;
        awaited.delete(event.type);
        // The grace is a quiet period: follow-up events of a completion (TopologyStatus and
        // CapabilitiesChanged after TopologySet) come one after another, later on a loaded machine.
        if (done()) graceEnd = Date.now() + graceMs;
        continue;
      }
      // MF_E_SHUTDOWN and the like: nothing more will come.
      if (hr !== 0xc00d3e80) return { hr: S_OK, events, timedOut: !done(), readHr: hr };
      const now = Date.now();
      if (now >= graceEnd) return { hr: S_OK, events, timedOut: false };
      if (now >= deadline) return { hr: S_OK, events, timedOut: true };
      await sleep(1);
    }
  }

  async #waitEvent(object: HeldObject, type: number, timeoutMs: number): Promise<WireResult> {
    const events: WireEvent[] = [];
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { hr, event } = await this.#getEvent(object);
      if (event) {
        events.push(event);
        if (type < 0 || event.type === type) return { hr: S_OK, events, found: true };
        continue;
      }
      if (hr !== 0xc00d3e80 || Date.now() >= deadline) return { hr: S_OK, events, found: false, readHr: hr };
      await sleep(1);
    }
  }

  async #clock(object: HeldObject, h: Handle, call: ClockMethod): Promise<WireResult> {
    const p = object.ptr;
    const C = VT.IMFPresentationClock;
    switch (call.method) {
      case 'GetState': {
        const out: unknown[] = [0];
        const hr = await this.#invoke(object, p, C.GetState, '(void *self, uint32_t reserved, _Out_ uint32_t *state)', 0, out);
        return hr === S_OK ? { hr, state: CLOCK_STATES[out[0] as number] ?? out[0] } : { hr };
      }
      case 'GetTime': {
        const out: unknown[] = [0];
        const hr = await this.#invoke(object, p, C.GetTime, '(void *self, _Out_ int64_t *time)', call.nullPointer ? null : out);
        return hr === S_OK && !call.nullPointer ? { hr, time: toNumber(out[0]) } : { hr };
      }
      case 'GetProperties': {
        const properties = Buffer.alloc(64);
        const hr = await this.#invoke(object, p, C.GetProperties, '(void *self, void *properties)', properties);
        if (hr !== S_OK) return { hr };
        // MFCLOCK_PROPERTIES: u64 rate, GUID id, u32 flags, (pad), u64 frequency, u32 tolerance, u32 jitter.
        return { hr, properties: { correlationRate: Number(properties.readBigUInt64LE(0)), clockFlags: properties.readUInt32LE(24), frequency: Number(properties.readBigUInt64LE(32)), tolerance: properties.readUInt32LE(40), jitter: properties.readUInt32LE(44) } };
      }
      case 'GetClockCharacteristics': {
        const out: unknown[] = [0];
        const hr = await this.#invoke(object, p, C.GetClockCharacteristics, '(void *self, _Out_ uint32_t *flags)', out);
        return hr === S_OK ? { hr, characteristics: out[0] } : { hr };
      }
      case 'GetTimeSource': {
        const out: unknown[] = [null];
        const hr = await this.#invoke(object, p, C.GetTimeSource, '(void *self, _Out_ void **source)', out);
        const source = outPointer(out);
        if (source) await this.#invoke(object, source, VT.IUnknown.Release, '(void *self)');
        return { hr };
      }
      case 'SetTimeSource': {
        const source = call.timeSource === null ? null : this.#get(call.timeSource, 'timeSource').ptr;
        return { hr: await this.#invoke(object, p, C.SetTimeSource, '(void *self, void *source)', source) };
      }
      case 'Start':
        return { hr: await this.#invoke(object, p, C.Start, '(void *self, int64_t offset)', call.offset === null ? PRESENTATION_CURRENT_POSITION : BigInt(call.offset)) };
      case 'Stop':
        return { hr: await this.#invoke(object, p, C.Stop, '(void *self)') };
      case 'Pause':
        return { hr: await this.#invoke(object, p, C.Pause, '(void *self)') };
      case 'Shutdown':
        return this.#onInterface(object, p, GUIDS.IID_IMFShutdown, async (shutdown) => ({ hr: await this.#invoke(object, shutdown, VT.IMFShutdown.Shutdown, '(void *self)') }));
      case 'GetShutdownStatus':
        return this.#onInterface(object, p, GUIDS.IID_IMFShutdown, async (shutdown) => {
          const out: unknown[] = [0];
          const hr = await this.#invoke(object, shutdown, VT.IMFShutdown.GetShutdownStatus, '(void *self, _Out_ uint32_t *status)', call.nullPointer ? null : out);
          return hr === S_OK && !call.nullPointer ? { hr, status: out[0] === 1 ? 'COMPLETED' : 'INITIATED' } : { hr };
        });
      case 'SetRate':
        return this.#onInterface(object, p, GUIDS.IID_IMFRateControl, async (rate) => ({ hr: await this.#invoke(object, rate, VT.IMFRateControl.SetRate, '(void *self, int32_t thin, float rate)', call.thin ? 1 : 0, call.rate) }));
      case 'GetRate':
        return this.#onInterface(object, p, GUIDS.IID_IMFRateControl, async (rate) => {
          const thin: unknown[] = [0];
          const value: unknown[] = [0];
          const hr = await this.#invoke(object, rate, VT.IMFRateControl.GetRate, '(void *self, _Out_ int32_t *thin, _Out_ float *rate)', thin, value);
          return hr === S_OK ? { hr, thin: thin[0] !== 0, rate: value[0] } : { hr };
        });
      case 'Release':
        return { hr: S_OK, refs: await this.#release(h) };
    }
  }

  /** QueryInterface for `iid`, runs `use` on it, releases it. */
  async #onInterface(held: HeldObject, object: ComPtr, iid: Buffer, use: (pointer: ComPtr) => Promise<WireResult>): Promise<WireResult> {
    const out: unknown[] = [null];
    const qi = await this.#invoke(held, object, VT.IUnknown.QueryInterface, '(void *self, void *riid, _Out_ void **out)', iid, out);
    const pointer = outPointer(out);
    if (qi !== S_OK || !pointer) return { hr: qi, step: 'QueryInterface' };
    try {
      return await use(pointer);
    } finally {
      await this.#invoke(held, pointer, VT.IUnknown.Release, '(void *self)');
    }
  }
}

/** A PROPVARIANT's value as plain data (VT_UNKNOWN is reported by type only). */
function readPropVariant(pv: Buffer): WireValue {
  const vt = pv.readUInt16LE(0);
  switch (vt) {
    case VARTYPE.VT_EMPTY:
      return { vt: 'VT_EMPTY' };
    case VARTYPE.VT_UNKNOWN:
      return { vt: 'VT_UNKNOWN' };
    case VARTYPE.VT_R4:
      return { vt: 'VT_R4', value: pv.readFloatLE(8) };
    case VARTYPE.VT_UI8:
      return { vt: 'VT_UI8', value: Number(pv.readBigUInt64LE(8)) };
    case VARTYPE.VT_I8:
      return { vt: 'VT_I8', value: Number(pv.readBigInt64LE(8)) };
    case VARTYPE.VT_UI4:
      return { vt: 'VT_UI4', value: pv.readUInt32LE(8) };
    default:
      return { vt: 'other', code: vt };
  }
}
