/**
 * A media source implemented in JS: IMFMediaSource (with IMFMediaEventGenerator through an MF event
 * queue from MFCreateEventQueue), one IMFMediaStream delivering PCM audio samples, and the same
 * knobs as the mock platform's sources (start failure, unseekable, external shutdown, end of stream).
 *
 * Event protocol (what Media Foundation sources do and Wine's session reads): Start queues
 * MENewStream (first start) or MEUpdatedStream carrying the stream, then MESourceStarted on the source
 * and MEStreamStarted on the stream; Stop and Pause queue MESourceStopped/MEStreamStopped and
 * MESourcePaused/MEStreamPaused; each RequestSample queues one MEMediaSample; end of stream is
 * MEEndOfStream on the stream followed by MEEndOfPresentation on the source.
 * @module
 */
import type { ComPtr } from '../com/createComCaller.js';
import { createComObject, type ComObject } from '../com/createComObject.js';
import type { MfRuntime } from './createMfRuntime.js';
import { createPcmAudioType, pcmBytesPerSecond, type PcmFormat } from './createPcmAudioType.js';
import { IID, MFGUID } from './mfGuids.js';
import { VT } from './mfVtables.js';
import { allocI8PropVariant, readPropVariant } from './propVariant.js';
import { ME } from '../../../machines/mediaEventType.js';

const S_OK = 0;
const E_FAIL = 0x80004005;
const E_POINTER = 0x80004003;
const MF_E_INVALIDREQUEST = 0xc00d36b2;
const MF_E_INVALID_STATE_TRANSITION = 0xc00d3e82;
const MF_E_END_OF_STREAM = 0xc00d3e84;
const MF_E_SHUTDOWN = 0xc00d3e85;
const MF_EVENT_FLAG_NO_WAIT = 1;
const failed = (hr: number) => hr >>> 0 >= 0x80000000;


/** MFMEDIASOURCE_CHARACTERISTICS. */
const CHARACTERISTIC = { IS_LIVE: 0x1, CAN_SEEK: 0x2, CAN_PAUSE: 0x4, DOES_NOT_USE_NETWORK: 0x80 } as const;

/** The source's knobs; the names and defaults follow the scenario format's `Source`. */
export interface JsSourceKnobs {
  /** MF_PD_DURATION, 100-ns units [50 000 000]. */
  durationHns: number;
  /** MFMEDIASOURCE_CAN_SEEK [true]. */
  seekable: boolean;
  /** MFMEDIASOURCE_CAN_PAUSE; without it Pause returns MF_E_INVALID_STATE_TRANSITION [true]. */
  canPause: boolean;
  /** MFMEDIASOURCE_IS_LIVE [false]. */
  live: boolean;
  /** What BeginGetEvent returns (a failure does not subscribe) [S_OK]. */
  beginGetEventResult: number;
  /** What Start returns for VT_EMPTY or position 0 (a failure starts nothing, queues nothing) [S_OK]. */
  startResult: number;
  /** What Start returns for a VT_I8 position other than 0; default S_OK when seekable, E_FAIL when not. */
  seekResult: number | undefined;
  /** Status of MESourceStarted; a failure is reported by the event alone and nothing starts [S_OK]. */
  startedStatus: number;
  /** After this many samples since the last start, the next request is answered with MEEndOfStream + MEEndOfPresentation; null = never [null]. */
  endAfterSamples: number | null;
  /** Duration of each sample, 100-ns units [100 000 = 10 ms]. */
  sampleDurationHns: number;
}

/** Default knobs (the scenario format's defaults). */
export const DEFAULT_SOURCE_KNOBS: Readonly<JsSourceKnobs> = {
  durationHns: 50_000_000,
  seekable: true,
  canPause: true,
  live: false,
  beginGetEventResult: S_OK,
  startResult: S_OK,
  seekResult: undefined,
  startedStatus: S_OK,
  endAfterSamples: null,
  sampleDurationHns: 100_000,
};

/** Calls recorded with the scenario format's names (`observe calls`), plus `SourceShutdown`. */
export type SourceCallName = 'SourceStart' | 'SourceStop' | 'SourcePause' | 'SourceBeginGetEvent' | 'SourceShutdown';

/** A JS media source. */
export interface JsSource {
  /** The IMFMediaSource pointer (also IMFMediaEventGenerator). */
  readonly ptr: ComPtr;
  /** The IMFMediaStream. */
  readonly stream: ComObject;
  /** The IMFMediaType the stream delivers (owned by the source; AddRef to keep it). */
  readonly mediaType: ComPtr;
  readonly knobs: Readonly<JsSourceKnobs>;
  readonly state: 'stopped' | 'started' | 'paused';
  /** Shut down (by the session, or by {@link JsSource.shutdownSource}). */
  readonly shutdown: boolean;
  /** Samples delivered since creation. */
  readonly samplesDelivered: number;
  /** IMFMediaStream::RequestSample calls since creation (kept out of `calls`: there is one per sample). */
  readonly sampleRequests: number;
  /** Every call the session made, in order. */
  readonly calls: readonly SourceCallName[];
  /** Changes knobs (the scenario step `platform configure`). */
  configure(set: Partial<JsSourceKnobs>): void;
  /** The outside world ends the stream: the next sample request is answered with MEEndOfStream, then MEEndOfPresentation. */
  endOfStream(): void;
  /** The outside world shuts the source down (IMFMediaSource::Shutdown by someone else). */
  shutdownSource(): void;
  /** Creates a presentation descriptor (what CreatePresentationDescriptor returns); the caller owns it. */
  createPresentationDescriptor(): ComPtr;
  /** Releases the creator's references; the objects live on while Media Foundation holds them. */
  release(): void;
}

/** Options of {@link createJsSource}. */
export interface JsSourceOptions {
  readonly knobs?: Partial<JsSourceKnobs>;
  readonly format?: PcmFormat;
  /** Reported when a method throws (the caller gets E_UNEXPECTED). */
  readonly onError?: (method: string, error: unknown) => void;
  /** Called with each call as it is recorded, for a log shared with other objects. */
  readonly onCall?: (name: SourceCallName) => void;
}

/** Creates a JS media source with one PCM audio stream. */
export function createJsSource(rt: MfRuntime, options: JsSourceOptions = {}): JsSource {
  const { com, koffi, guids } = rt;
  let knobs: JsSourceKnobs = { ...DEFAULT_SOURCE_KNOBS, ...options.knobs };
  validateKnobs(knobs);
  const calls: SourceCallName[] = [];
  const record = (name: SourceCallName) => {
    calls.push(name);
    options.onCall?.(name);
  };
  let state: JsSource['state'] = 'stopped';
  let shutdown = false;
  let announced = false;
  let ended = false;
  let endRequested = false;
  let samplesDelivered = 0;
  let sampleRequests = 0;
  let samplesSinceStart = 0;
  let nextSampleTime = 0n;
  let pendingRequests: bigint[] = [];

  const out = (): unknown[] => [null];
  const ptrOf = (o: unknown[]) => BigInt(o[0] as bigint);
  const bytesPerSample = () => Math.max(2, Math.round((pcmBytesPerSecond(options.format) * knobs.sampleDurationHns) / 10_000_000) & ~1);

  // Native objects the source owns.
  const mediaType = createPcmAudioType(rt, options.format);
  const sdOut = out();
  rt.check('MFCreateStreamDescriptor', rt.fn.MFCreateStreamDescriptor(0, mediaType, sdOut));
  const streamDescriptor = ptrOf(sdOut);
  const handlerOut = out();
  rt.check('GetMediaTypeHandler', com.call(streamDescriptor, VT.IMFStreamDescriptor.GetMediaTypeHandler, '_Out_ void **handler', handlerOut));
  const handler = ptrOf(handlerOut);
  rt.check('SetCurrentMediaType', com.call(handler, VT.IMFMediaTypeHandler.SetCurrentMediaType, 'void *type', mediaType));
  com.release(handler);
  const pdOut = out();
  rt.check('MFCreatePresentationDescriptor', rt.fn.MFCreatePresentationDescriptor(streamDescriptor, pdOut));
  const presentationDescriptor = ptrOf(pdOut);
  rt.check('SelectStream', com.call(presentationDescriptor, VT.IMFPresentationDescriptor.SelectStream, 'uint32_t index', 0));
  const queueOut = out();
  rt.check('MFCreateEventQueue', rt.fn.MFCreateEventQueue(queueOut));
  const sourceQueue = ptrOf(queueOut);
  rt.check('MFCreateEventQueue', rt.fn.MFCreateEventQueue(queueOut));
  const streamQueue = ptrOf(queueOut);

  const setDuration = () =>
    rt.check('SetUINT64 MF_PD_DURATION', com.call(presentationDescriptor, VT.IMFAttributes.SetUINT64, 'void *key, uint64_t value', guids.pointer(MFGUID.MF_PD_DURATION), BigInt(knobs.durationHns)));
  setDuration();

  const guidNull = guids.pointer(MFGUID.GUID_NULL);
  const queueVar = (queue: ComPtr, type: number, status: number, position?: bigint) => {
    const pv = position === undefined ? null : allocI8PropVariant(rt, position);
    try {
      return com.call(queue, VT.IMFMediaEventQueue.QueueEventParamVar, 'uint32_t type, void *ext, uint32_t status, void *value', type, guidNull, status, pv);
    } finally {
      if (pv) koffi.free(pv);
    }
  };
  const queueUnk = (queue: ComPtr, type: number, status: number, unknown: ComPtr) =>
    com.call(queue, VT.IMFMediaEventQueue.QueueEventParamUnk, 'uint32_t type, void *ext, uint32_t status, void *unk', type, guidNull, status, unknown);

  /** The IMFMediaEventGenerator methods, delegated to `queue`. GetEvent never blocks the JS thread. */
  const generatorMethods = (queue: ComPtr, onBegin?: () => number) => [
    {
      name: 'GetEvent',
      parameters: 'uint32_t flags, void *event',
      impl: ((flags: number, event: bigint) =>
        shutdown ? MF_E_SHUTDOWN : com.call(queue, VT.IMFMediaEventQueue.GetEvent, 'uint32_t flags, void *event', flags | MF_EVENT_FLAG_NO_WAIT, event)) as (...a: never[]) => number,
    },
    {
      name: 'BeginGetEvent',
      parameters: 'void *callback, void *state',
      impl: ((callback: bigint, stateObject: bigint) => {
        if (shutdown) return MF_E_SHUTDOWN;
        const refused = onBegin?.() ?? S_OK;
        if (failed(refused)) return refused;
        return com.call(queue, VT.IMFMediaEventQueue.BeginGetEvent, 'void *callback, void *state', callback, stateObject);
      }) as (...a: never[]) => number,
    },
    {
      name: 'EndGetEvent',
      parameters: 'void *result, void *event',
      impl: ((result: bigint, event: bigint) =>
        shutdown ? MF_E_SHUTDOWN : com.call(queue, VT.IMFMediaEventQueue.EndGetEvent, 'void *result, void *event', result, event)) as (...a: never[]) => number,
    },
    {
      name: 'QueueEvent',
      parameters: 'uint32_t type, void *ext, uint32_t status, void *value',
      impl: ((type: number, ext: bigint, status: number, value: bigint) =>
        shutdown ? MF_E_SHUTDOWN : com.call(queue, VT.IMFMediaEventQueue.QueueEventParamVar, 'uint32_t type, void *ext, uint32_t status, void *value', type, ext, status, value)) as (...a: never[]) => number,
    },
  ];

  const deliverSample = (token: bigint) => {
    const size = bytesPerSample();
    const bufferOut = out();
    rt.check('MFCreateMemoryBuffer', rt.fn.MFCreateMemoryBuffer(size, bufferOut));
    const buffer = ptrOf(bufferOut);
    const data = out();
    rt.check('IMFMediaBuffer::Lock', com.call(buffer, VT.IMFMediaBuffer.Lock, '_Out_ void **data, void *max, void *current', data, null, null));
    // A quiet ramp that changes from sample to sample, so the bytes carry the sample's index.
    const bytes = new Uint8Array(size);
    for (let i = 0; i < size; i++) bytes[i] = (samplesDelivered + i) & 0xff;
    koffi.encode(ptrOf(data), koffi.array('uint8', size, 'Typed'), bytes);
    com.call(buffer, VT.IMFMediaBuffer.Unlock, '');
    com.call(buffer, VT.IMFMediaBuffer.SetCurrentLength, 'uint32_t length', size);
    const sampleOut = out();
    rt.check('MFCreateSample', rt.fn.MFCreateSample(sampleOut));
    const sample = ptrOf(sampleOut);
    com.call(sample, VT.IMFSample.AddBuffer, 'void *buffer', buffer);
    com.call(sample, VT.IMFSample.SetSampleTime, 'int64_t time', nextSampleTime);
    com.call(sample, VT.IMFSample.SetSampleDuration, 'int64_t duration', BigInt(knobs.sampleDurationHns));
    if (token) com.call(sample, VT.IMFAttributes.SetUnknown, 'void *key, void *value', guids.pointer(MFGUID.MFSampleExtension_Token), token);
    const hr = queueUnk(streamQueue, ME.MEMediaSample, S_OK, sample);
    com.release(sample);
    com.release(buffer);
    if (failed(hr)) return hr;
    nextSampleTime += BigInt(knobs.sampleDurationHns);
    samplesDelivered++;
    samplesSinceStart++;
    return S_OK;
  };

  const servePending = () => {
    const tokens = pendingRequests;
    pendingRequests = [];
    for (const token of tokens) {
      if (state !== 'started' || ended || shutdown) break;
      if (endRequested || (knobs.endAfterSamples !== null && samplesSinceStart >= knobs.endAfterSamples)) signalEndOfStream();
      else deliverSample(token);
      if (token) com.release(token);
    }
  };

  /** Answers a sample request with the end of the stream (MEEndOfStream, then MEEndOfPresentation). */
  function signalEndOfStream() {
    ended = true;
    endRequested = false;
    queueVar(streamQueue, ME.MEEndOfStream, S_OK);
    queueVar(sourceQueue, ME.MEEndOfPresentation, S_OK);
  }

  function endOfStream() {
    // As on the mock platform: only a running source can end its stream.
    if (shutdown || state !== 'started' || ended) return;
    // Answered on the next RequestSample: Wine's session places the end-of-segment marker on the sink
    // only while a sample request is outstanding, so the end must answer a request, as real sources do.
    endRequested = true;
  }

  function doShutdown(): number {
    if (shutdown) return MF_E_SHUTDOWN;
    record('SourceShutdown');
    shutdown = true;
    state = 'stopped';
    for (const token of pendingRequests) if (token) com.release(token);
    pendingRequests = [];
    com.call(streamQueue, VT.IMFMediaEventQueue.Shutdown, '');
    com.call(sourceQueue, VT.IMFMediaEventQueue.Shutdown, '');
    return S_OK;
  }

  const createPresentationDescriptor = (): ComPtr => {
    const clone = out();
    rt.check('IMFPresentationDescriptor::Clone', com.call(presentationDescriptor, VT.IMFPresentationDescriptor.Clone, '_Out_ void **pd', clone));
    return ptrOf(clone);
  };

  let streamObject: ComObject;
  const source = createComObject(koffi, guids, {
    name: 'JsMediaSource',
    iids: [IID.IMFMediaEventGenerator, IID.IMFMediaSource],
    onError: options.onError,
    onFinalRelease: () => {
      com.release(sourceQueue);
      com.release(presentationDescriptor);
      com.release(mediaType);
    },
    methods: [
      ...generatorMethods(sourceQueue, () => {
        record('SourceBeginGetEvent');
        return knobs.beginGetEventResult;
      }),
      {
        name: 'GetCharacteristics',
        parameters: 'void *characteristics',
        impl: ((target: bigint) => {
          if (shutdown) return MF_E_SHUTDOWN;
          if (!target) return E_POINTER;
          const flags =
            (knobs.seekable ? CHARACTERISTIC.CAN_SEEK : 0) |
            (knobs.canPause ? CHARACTERISTIC.CAN_PAUSE : 0) |
            (knobs.live ? CHARACTERISTIC.IS_LIVE : 0) |
            CHARACTERISTIC.DOES_NOT_USE_NETWORK;
          koffi.encode(target, 0, 'uint32', flags);
          return S_OK;
        }) as (...a: never[]) => number,
      },
      {
        name: 'CreatePresentationDescriptor',
        parameters: 'void *pd',
        impl: ((target: bigint) => {
          if (shutdown) return MF_E_SHUTDOWN;
          if (!target) return E_POINTER;
          koffi.encode(target, 0, 'void *', createPresentationDescriptor());
          return S_OK;
        }) as (...a: never[]) => number,
      },
      {
        name: 'Start',
        parameters: 'void *pd, void *timeFormat, void *position',
        impl: ((_pd: bigint, _timeFormat: bigint, position: bigint) => {
          if (shutdown) return MF_E_SHUTDOWN;
          record('SourceStart');
          const start = readPropVariant(rt, position || null);
          const seekTo = start.vt === 'VT_I8' ? start.value : undefined;
          const explicitSeek = seekTo !== undefined && seekTo !== 0n;
          const hr = explicitSeek ? (knobs.seekResult ?? (knobs.seekable ? S_OK : E_FAIL)) : knobs.startResult;
          if (failed(hr)) return hr;
          if (failed(knobs.startedStatus)) {
            queueVar(sourceQueue, ME.MESourceStarted, knobs.startedStatus);
            return S_OK;
          }
          const resumeFrom = state === 'stopped' ? 0n : nextSampleTime;
          const at = seekTo ?? resumeFrom;
          if (state === 'stopped' || seekTo !== undefined) {
            nextSampleTime = at;
            ended = false;
            endRequested = false;
            samplesSinceStart = 0;
          }
          queueUnk(sourceQueue, announced ? ME.MEUpdatedStream : ME.MENewStream, S_OK, streamObject.ptr);
          announced = true;
          state = 'started';
          queueVar(sourceQueue, ME.MESourceStarted, S_OK, at);
          queueVar(streamQueue, ME.MEStreamStarted, S_OK, at);
          // Requests that arrived while paused are served now, after the start events.
          setImmediate(servePending);
          return S_OK;
        }) as (...a: never[]) => number,
      },
      {
        name: 'Stop',
        parameters: '',
        impl: () => {
          if (shutdown) return MF_E_SHUTDOWN;
          record('SourceStop');
          state = 'stopped';
          for (const token of pendingRequests) if (token) com.release(token);
          pendingRequests = [];
          queueVar(sourceQueue, ME.MESourceStopped, S_OK);
          queueVar(streamQueue, ME.MEStreamStopped, S_OK);
          return S_OK;
        },
      },
      {
        name: 'Pause',
        parameters: '',
        impl: () => {
          if (shutdown) return MF_E_SHUTDOWN;
          record('SourcePause');
          if (!knobs.canPause || state !== 'started') return MF_E_INVALID_STATE_TRANSITION;
          state = 'paused';
          queueVar(sourceQueue, ME.MESourcePaused, S_OK);
          queueVar(streamQueue, ME.MEStreamPaused, S_OK);
          return S_OK;
        },
      },
      { name: 'Shutdown', parameters: '', impl: doShutdown },
    ],
  });

  streamObject = createComObject(koffi, guids, {
    name: 'JsMediaStream',
    iids: [IID.IMFMediaEventGenerator, IID.IMFMediaStream],
    onError: options.onError,
    onFinalRelease: () => {
      com.release(streamQueue);
      com.release(streamDescriptor);
    },
    methods: [
      ...generatorMethods(streamQueue),
      {
        name: 'GetMediaSource',
        parameters: 'void *source',
        impl: ((target: bigint) => {
          if (shutdown) return MF_E_SHUTDOWN;
          if (!target) return E_POINTER;
          source.addRef();
          koffi.encode(target, 0, 'void *', source.ptr);
          return S_OK;
        }) as (...a: never[]) => number,
      },
      {
        name: 'GetStreamDescriptor',
        parameters: 'void *sd',
        impl: ((target: bigint) => {
          if (shutdown) return MF_E_SHUTDOWN;
          if (!target) return E_POINTER;
          com.addRef(streamDescriptor);
          koffi.encode(target, 0, 'void *', streamDescriptor);
          return S_OK;
        }) as (...a: never[]) => number,
      },
      {
        name: 'RequestSample',
        parameters: 'void *token',
        impl: ((token: bigint) => {
          if (shutdown) return MF_E_SHUTDOWN;
          sampleRequests++;
          if (ended) return MF_E_END_OF_STREAM;
          if (state === 'stopped') return MF_E_INVALIDREQUEST;
          if (state === 'paused') {
            if (token) com.addRef(token);
            pendingRequests.push(token ?? 0n);
            return S_OK;
          }
          if (endRequested || (knobs.endAfterSamples !== null && samplesSinceStart >= knobs.endAfterSamples)) {
            signalEndOfStream();
            return S_OK;
          }
          return deliverSample(token);
        }) as (...a: never[]) => number,
      },
    ],
  });

  let released = false;
  return {
    ptr: source.ptr,
    stream: streamObject,
    mediaType,
    get knobs() {
      return knobs;
    },
    get state() {
      return state;
    },
    get shutdown() {
      return shutdown;
    },
    get samplesDelivered() {
      return samplesDelivered;
    },
    get sampleRequests() {
      return sampleRequests;
    },
    calls,
    configure(set) {
      const next = { ...knobs, ...set };
      validateKnobs(next);
      knobs = next;
      if (set.durationHns !== undefined && !shutdown) setDuration();
    },
    endOfStream,
    shutdownSource: () => void doShutdown(),
    createPresentationDescriptor,
    release() {
      if (released) return;
      released = true;
      streamObject.release();
      source.release();
    },
  };
}

function validateKnobs(knobs: JsSourceKnobs): void {
  const hr = (name: keyof JsSourceKnobs) => {
    const value = knobs[name];
    if (value !== undefined && (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 0xffffffff)) {
      throw new Error(`source knob ${name}: expected an unsigned 32-bit HRESULT, got ${String(value)}`);
    }
  };
  hr('beginGetEventResult');
  hr('startResult');
  hr('seekResult');
  hr('startedStatus');
  if (!(knobs.durationHns >= 0)) throw new Error(`source knob durationHns: expected a number ≥ 0, got ${knobs.durationHns}`);
  if (!(knobs.sampleDurationHns > 0)) throw new Error(`source knob sampleDurationHns: expected a number > 0, got ${knobs.sampleDurationHns}`);
  if (knobs.endAfterSamples !== null && !(Number.isInteger(knobs.endAfterSamples) && knobs.endAfterSamples > 0)) {
    throw new Error(`source knob endAfterSamples: expected a positive integer or null, got ${knobs.endAfterSamples}`);
  }
}
