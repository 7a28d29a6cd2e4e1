/**
 * Media Foundation's own sample grabber sink (MFCreateSampleGrabberSinkActivate) with a JS
 * IMFSampleGrabberSinkCallback that counts the samples reaching the end of the pipeline and records
 * the clock-state calls, named as the scenario format names sink calls.
 * @module
 */
import type { ComPtr } from '../com/createComCaller.js';
import { createComObject, type ComObject } from '../com/createComObject.js';
import type { MfRuntime } from './createMfRuntime.js';
import { IID, MFGUID } from './mfGuids.js';
import { VT } from './mfVtables.js';

const S_OK = 0;

/** Calls the grabber makes on its callback (scenario names where one exists). */
export type GrabberCallName = 'OnClockStart' | 'OnClockStop' | 'OnClockPause' | 'OnClockRestart' | 'OnClockSetRate' | 'OnSetPresentationClock' | 'SinkShutdown';

/** A sample the grabber handed to JS (the bytes are not kept; their first byte is). */
export interface GrabbedSample {
  readonly timeHns: bigint;
  readonly durationHns: bigint;
  readonly size: number;
  readonly firstByte: number | undefined;
}

/** The grabber and its JS callback. */
export interface SampleGrabberSink {
  /** The IMFActivate for an output node (the session activates it during resolution). */
  readonly activate: ComPtr;
  /** The JS IMFSampleGrabberSinkCallback. */
  readonly callback: ComObject;
  /** Samples received (OnProcessSample calls). */
  readonly samples: readonly GrabbedSample[];
  /** Clock and shutdown calls, in order. */
  readonly calls: readonly GrabberCallName[];
  /** OnShutdown was called (the session shut the sink down). */
  readonly shutdown: boolean;
  /** Releases the creator's references (the activate and the callback). */
  release(): void;
}

/** Options of {@link createSampleGrabberSink}. */
export interface SampleGrabberOptions {
  /** MF_SAMPLEGRABBERSINK_IGNORE_CLOCK: take samples as fast as they come instead of at their presentation time [true]. */
  readonly ignoreClock?: boolean;
  /** Called for each sample, after it was recorded. */
  readonly onSample?: (sample: GrabbedSample) => void;
  readonly onError?: (method: string, error: unknown) => void;
  /** Called with each clock or shutdown call as it is recorded, for a log shared with other objects. */
  readonly onCall?: (name: GrabberCallName) => void;
}

/** Creates a sample grabber sink activate for `mediaType` (the grabber accepts that type only). */
export function createSampleGrabberSink(rt: MfRuntime, mediaType: ComPtr, options: SampleGrabberOptions = {}): SampleGrabberSink {
  const { koffi, com, guids } = rt;
  const samples: GrabbedSample[] = [];
  const calls: GrabberCallName[] = [];
  let shutdown = false;
  const record = (name: GrabberCallName) => () => {
    calls.push(name);
    options.onCall?.(name);
    return S_OK;
  };
  const callback = createComObject(koffi, guids, {
    name: 'JsSampleGrabberCallback',
    iids: [IID.IMFClockStateSink, IID.IMFSampleGrabberSinkCallback],
    onError: options.onError,
    methods: [
      { name: 'OnClockStart', parameters: 'int64_t systemTime, int64_t startOffset', impl: record('OnClockStart') },
      { name: 'OnClockStop', parameters: 'int64_t systemTime', impl: record('OnClockStop') },
      { name: 'OnClockPause', parameters: 'int64_t systemTime', impl: record('OnClockPause') },
      { name: 'OnClockRestart', parameters: 'int64_t systemTime', impl: record('OnClockRestart') },
      { name: 'OnClockSetRate', parameters: 'int64_t systemTime, float rate', impl: record('OnClockSetRate') },
      { name: 'OnSetPresentationClock', parameters: 'void *clock', impl: record('OnSetPresentationClock') },
      {
        name: 'OnProcessSample',
        parameters: 'void *majorType, uint32_t flags, int64_t time, int64_t duration, void *buffer, uint32_t size',
        impl: ((_major: bigint, _flags: number, time: bigint | number, duration: bigint | number, buffer: bigint, size: number) => {
          const sample: GrabbedSample = {
            timeHns: BigInt(time),
            durationHns: BigInt(duration),
            size,
            firstByte: buffer && size > 0 ? (koffi.decode(buffer, 0, 'uint8') as number) : undefined,
          };
          samples.push(sample);
          options.onSample?.(sample);
          return S_OK;
        }) as (...a: never[]) => number,
      },
      {
        name: 'OnShutdown',
        parameters: '',
        impl: () => {
          shutdown = true;
          calls.push('SinkShutdown');
          options.onCall?.('SinkShutdown');
          return S_OK;
        },
      },
    ],
  });
  const out: unknown[] = [null];
  rt.check('MFCreateSampleGrabberSinkActivate', rt.fn.MFCreateSampleGrabberSinkActivate(mediaType, callback.ptr, out));
  const activate = BigInt(out[0] as bigint);
  if (options.ignoreClock ?? true) {
    rt.check(
      'SetUINT32 MF_SAMPLEGRABBERSINK_IGNORE_CLOCK',
      com.call(activate, VT.IMFAttributes.SetUINT32, 'void *key, uint32_t value', guids.pointer(MFGUID.MF_SAMPLEGRABBERSINK_IGNORE_CLOCK), 1),
    );
  }
  let released = false;
  return {
    activate,
    callback,
    samples,
    calls,
    get shutdown() {
      return shutdown;
    },
    release() {
      if (released) return;
      released = true;
      com.release(activate);
      callback.release();
    },
  };
}
