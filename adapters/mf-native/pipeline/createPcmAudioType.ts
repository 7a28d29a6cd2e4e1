/**
 * An uncompressed PCM audio media type, the format the JS source delivers and the sample grabber
 * accepts as is (no converter needed in the topology).
 * @module
 */
import type { ComPtr } from '../com/createComCaller.js';
import type { MfRuntime } from './createMfRuntime.js';
import { MFGUID } from './mfGuids.js';
import { VT } from './mfVtables.js';

/** PCM parameters. */
export interface PcmFormat {
  /** Frames per second [8000]. */
  readonly sampleRate?: number;
  /** Channels [1]. */
  readonly channels?: number;
  /** Bits per sample, 8 or 16 [16]. */
  readonly bitsPerSample?: number;
}

/** Bytes per second of a PCM format. */
export function pcmBytesPerSecond(format: PcmFormat = {}): number {
  const { sampleRate = 8000, channels = 1, bitsPerSample = 16 } = format;
  return (sampleRate * channels * bitsPerSample) / 8;
}

/** Creates an IMFMediaType for PCM audio; the caller owns the returned reference. */
export function createPcmAudioType(rt: MfRuntime, format: PcmFormat = {}): ComPtr {
  const { sampleRate = 8000, channels = 1, bitsPerSample = 16 } = format;
  if (![8, 16].includes(bitsPerSample) || channels < 1 || sampleRate < 1) {
    throw new Error(`unsupported PCM format: ${sampleRate} Hz, ${channels} channel(s), ${bitsPerSample} bits`);
  }
  const out: unknown[] = [null];
  rt.check('MFCreateMediaType', rt.fn.MFCreateMediaType(out));
  const type = BigInt(out[0] as bigint);
  const g = (name: keyof typeof MFGUID) => rt.guids.pointer(MFGUID[name]);
  const setGuid = (key: keyof typeof MFGUID, value: keyof typeof MFGUID) =>
    rt.check(`SetGUID ${key}`, rt.com.call(type, VT.IMFAttributes.SetGUID, 'void *key, void *value', g(key), g(value)));
  const setU32 = (key: keyof typeof MFGUID, value: number) =>
    rt.check(`SetUINT32 ${key}`, rt.com.call(type, VT.IMFAttributes.SetUINT32, 'void *key, uint32_t value', g(key), value));
  setGuid('MF_MT_MAJOR_TYPE', 'MFMediaType_Audio');
  setGuid('MF_MT_SUBTYPE', 'MFAudioFormat_PCM');
  setU32('MF_MT_AUDIO_NUM_CHANNELS', channels);
  setU32('MF_MT_AUDIO_SAMPLES_PER_SECOND', sampleRate);
  setU32('MF_MT_AUDIO_BITS_PER_SAMPLE', bitsPerSample);
  setU32('MF_MT_AUDIO_BLOCK_ALIGNMENT', (channels * bitsPerSample) / 8);
  setU32('MF_MT_AUDIO_AVG_BYTES_PER_SECOND', pcmBytesPerSecond(format));
  setU32('MF_MT_ALL_SAMPLES_INDEPENDENT', 1);
  return type;
}
