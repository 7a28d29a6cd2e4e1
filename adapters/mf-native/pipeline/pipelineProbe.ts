/**
 * A standalone run of the JS pipeline objects on the real Media Foundation session, for Windows node
 * (on Windows, or under Wine). Each case builds a fresh session, JS source and sample grabber, plays
 * a short command sequence and records every session event, the samples the grabber received and
 * the calls the session made on the source and the sink. The results go to a JSON file (Windows node
 * under Wine cannot write to a Unix pipe through process.stdout).
 *
 *   wine node.exe dist/adapters/mf-native/pipeline/pipelineProbe.js <koffi folder> <out.json> [case ...]
 *
 * Session calls are made with koffi's asynchronous calls (see `com/createComCaller.ts`): the session
 * calls the JS source from its work-queue threads while holding its lock.
 * @module
 */
import { writeFileSync } from 'node:fs';
import { liveComObjects } from '../com/createComObject.js';
import type { ComPtr } from '../com/createComCaller.js';
import { loadKoffi } from '../com/koffi.js';
import { createJsSource, type JsSourceKnobs } from './createJsSource.js';
import { createMfRuntime, hex, type MfRuntime } from './createMfRuntime.js';
import { createSampleGrabberSink } from './createSampleGrabberSink.js';
import { buildTopology } from './buildTopology.js';
import { MFGUID } from './mfGuids.js';
import { VT } from './mfVtables.js';
import { allocI8PropVariant, allocPropVariant } from './propVariant.js';
import { subscribeEvents, type EventSubscription } from './subscribeEvents.js';
import type { MediaEventData } from './readMediaEvent.js';

/** One step's outcome: a synchronous HRESULT, or the event a wait found (or TIMEOUT). */
export interface ProbeStep {
  readonly step: string;
  readonly hr?: string;
  readonly event?: string;
  readonly status?: string;
  readonly note?: string;
  readonly ms: number;
}

/** What one case observed. */
export interface ProbeCaseResult {
  readonly name: string;
  readonly steps: ProbeStep[];
  /** Every session event, in order: `"<type>:<status hex>"`. */
  readonly events: string[];
  readonly samples: number;
  /** Samples the source delivered and RequestSample calls it received. */
  readonly delivered: number;
  readonly requests: number;
  readonly sourceCalls: string[];
  readonly sinkCalls: string[];
  readonly sourceShutdown: boolean;
  readonly sinkShutdown: boolean;
  /** JS COM objects still alive after the session was shut down and released. */
  readonly liveObjectsAfter: number;
  readonly error?: string;
}

/** The whole probe's output file. */
export interface ProbeOutput {
  readonly koffiVersion: string | undefined;
  readonly startup: { coInitialize: string; mfStartup: string };
  readonly cases: ProbeCaseResult[];
  readonly mfShutdown: string;
  readonly liveObjectsAtEnd: number;
}

const ME = { MESessionTopologySet: 101, MESessionStarted: 103, MESessionStopped: 105, MESessionClosed: 106, MESessionEnded: 107, MEEndOfPresentation: 211 } as const;
const E_NOTIMPL = 0x80004001;
const SHORT_MS = 1500;
const LONG_MS = 5000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A case: what to set on the source, and the script to play. */
interface ProbeCase {
  readonly knobs?: Partial<JsSourceKnobs>;
  readonly play: (ctx: CaseContext) => Promise<void>;
}

interface CaseContext {
  call(step: string, index: number, parameters: string, ...args: unknown[]): Promise<number>;
  wait(type: number, timeoutMs?: number): Promise<MediaEventData | undefined>;
  start(position?: bigint): Promise<number>;
  waitSamples(count: number, timeoutMs?: number): Promise<number>;
  note(step: string, note: string): void;
  readonly source: ReturnType<typeof createJsSource>;
  readonly session: ComPtr;
}

const CASES: Record<string, ProbeCase> = {
  /** End of stream after 5 samples: the presentation ends by itself. */
  play: {
    knobs: { endAfterSamples: 5 },
    async play(c) {
      await c.start();
      await c.wait(ME.MESessionStarted);
      await c.wait(ME.MEEndOfPresentation);
      await c.wait(ME.MESessionEnded);
    },
  },
  /** Stop while samples flow. */
  stopWhileRunning: {
    async play(c) {
      await c.start();
      await c.wait(ME.MESessionStarted);
      await c.waitSamples(3);
      await c.call('Stop', VT.IMFMediaSession.Stop, '');
      await c.wait(ME.MESessionStopped);
    },
  },
  /** Start returns a failure (the scenario format's startResult). */
  startFailure: {
    knobs: { startResult: E_NOTIMPL },
    async play(c) {
      await c.start();
      await c.wait(ME.MESessionStarted, SHORT_MS);
    },
  },
  /** Start succeeds but MESourceStarted carries a failure status. */
  startedStatusFailure: {
    knobs: { startedStatus: E_NOTIMPL },
    async play(c) {
      await c.start();
      await c.wait(ME.MESessionStarted, SHORT_MS);
    },
  },
  /** An unseekable source: capabilities, then a seek from stopped. */
  unseekable: {
    knobs: { seekable: false },
    async play(c) {
      await c.start();
      await c.wait(ME.MESessionStarted);
      const caps = [0];
      const hr = await c.call('GetSessionCapabilities', VT.IMFMediaSession.GetSessionCapabilities, '_Out_ uint32_t *caps', caps);
      c.note('GetSessionCapabilities', `hr ${hex(hr)} caps 0x${caps[0].toString(16)}`);
      await c.call('Stop', VT.IMFMediaSession.Stop, '');
      await c.wait(ME.MESessionStopped);
      await c.start(10_000_000n);
      await c.wait(ME.MESessionStarted, SHORT_MS);
    },
  },
  /** The source shuts itself down while running, then the application stops the session. */
  externalShutdown: {
    async play(c) {
      await c.start();
      await c.wait(ME.MESessionStarted);
      await c.waitSamples(2);
      c.source.shutdownSource();
      c.note('shutdownSource', 'source shut down from outside');
      await sleep(300);
      await c.call('Stop', VT.IMFMediaSession.Stop, '');
      await c.wait(ME.MESessionStopped, SHORT_MS);
    },
  },
  /** The outside world ends the stream (the scenario step `platform endOfStream`). */
  endOfStream: {
    async play(c) {
      await c.start();
      await c.wait(ME.MESessionStarted);
      await c.waitSamples(2);
      c.source.endOfStream();
      await c.wait(ME.MEEndOfPresentation);
      await c.wait(ME.MESessionEnded);
    },
  },
};

async function runCase(rt: MfRuntime, name: string, spec: ProbeCase): Promise<ProbeCaseResult> {
  const t0 = Date.now();
  const steps: ProbeStep[] = [];
  const errors: string[] = [];
  const onError = (method: string, error: unknown) => errors.push(`${method}: ${(error as Error)?.stack ?? String(error)}`);
  const source = createJsSource(rt, { knobs: spec.knobs, onError });
  const grabber = createSampleGrabberSink(rt, source.mediaType, { onError });
  const sessionOut: unknown[] = [null];
  rt.check('MFCreateMediaSession', rt.fn.MFCreateMediaSession(null, sessionOut));
  const session = BigInt(sessionOut[0] as bigint);
  let events: EventSubscription | undefined;
  let cursor = 0;
  const ctx: CaseContext = {
    source,
    session,
    async call(step, index, parameters, ...args) {
      const hr = await rt.com.callAsync(session, index, parameters, ...args);
      steps.push({ step, hr: hex(hr), ms: Date.now() - t0 });
      return hr;
    },
    async wait(type, timeoutMs = LONG_MS) {
      const from = cursor;
      const found = await events!.next((e) => e.type === type && events!.events.indexOf(e) >= from, timeoutMs);
      if (found) cursor = events!.events.indexOf(found) + 1;
      steps.push({ step: `wait ${type}`, event: found ? String(found.type) : 'TIMEOUT', status: found ? hex(found.status) : undefined, ms: Date.now() - t0 });
      return found;
    },
    async start(position) {
      const pv = position === undefined ? allocPropVariant(rt) : allocI8PropVariant(rt, position);
      try {
        return await ctx.call(position === undefined ? 'Start' : `Start(${position})`, VT.IMFMediaSession.Start, 'void *timeFormat, void *position', rt.guids.pointer(MFGUID.GUID_NULL), pv);
      } finally {
        rt.koffi.free(pv);
      }
    },
    async waitSamples(count, timeoutMs = LONG_MS) {
      const until = Date.now() + timeoutMs;
      while (grabber.samples.length < count && Date.now() < until) await sleep(10);
      steps.push({ step: `samples ≥ ${count}`, note: String(grabber.samples.length), ms: Date.now() - t0 });
      return grabber.samples.length;
    },
    note(step, note) {
      steps.push({ step, note, ms: Date.now() - t0 });
    },
  };
  let failure: string | undefined;
  try {
    events = await subscribeEvents(rt, session);
    const topology = buildTopology(rt, { source, sink: grabber.activate });
    await ctx.call('SetTopology', VT.IMFMediaSession.SetTopology, 'uint32_t flags, void *topology', 0, topology.topology);
    rt.com.release(topology.topology);
    await ctx.wait(ME.MESessionTopologySet);
    await spec.play(ctx);
    await ctx.call('Close', VT.IMFMediaSession.Close, '');
    await ctx.wait(ME.MESessionClosed, SHORT_MS);
  } catch (error) {
    failure = (error as Error).stack ?? String(error);
  }
  await ctx.call('Shutdown', VT.IMFMediaSession.Shutdown, '');
  events?.stop();
  const sessionRefs = await rt.com.callAsync(session, 2, '');
  steps.push({ step: 'Release', note: `refcount ${sessionRefs}`, ms: Date.now() - t0 });
  source.release();
  grabber.release();
  await sleep(100);
  return {
    name,
    steps,
    events: (events?.events ?? []).map((e) => `${e.type}:${hex(e.status)}`),
    samples: grabber.samples.length,
    delivered: source.samplesDelivered,
    requests: source.sampleRequests,
    sourceCalls: [...source.calls],
    sinkCalls: [...grabber.calls],
    sourceShutdown: source.shutdown,
    sinkShutdown: grabber.shutdown,
    liveObjectsAfter: liveComObjects(),
    error: failure ?? (errors.length ? errors.join('\n') : undefined),
  };
}

/** Runs the named cases (all by default) and writes {@link ProbeOutput} to `outFile`. */
export async function runPipelineProbe(koffiPath: string, outFile: string, names: readonly string[] = Object.keys(CASES)): Promise<ProbeOutput> {
  for (const name of names) if (!CASES[name]) throw new Error(`unknown probe case "${name}"; known: ${Object.keys(CASES).join(', ')}`);
  const koffi = loadKoffi(koffiPath);
  const rt = createMfRuntime(koffi);
  const startup = { coInitialize: hex(rt.fn.CoInitializeEx()), mfStartup: hex(rt.fn.MFStartup()) };
  const cases: ProbeCaseResult[] = [];
  for (const name of names) {
    cases.push(await runCase(rt, name, CASES[name]));
    writeFileSync(outFile, JSON.stringify({ partial: true, cases }, null, 2));
  }
  const mfShutdown = hex(await rt.fn.MFShutdown());
  const output: ProbeOutput = { koffiVersion: koffi.version, startup, cases, mfShutdown, liveObjectsAtEnd: liveComObjects() };
  writeFileSync(outFile, JSON.stringify(output, null, 2));
  return output;
}

/** The probe's case names. */
export const PROBE_CASES: readonly string[] = Object.keys(CASES);

const [, script, koffiPath, outFile, ...names] = process.argv;
if (script && /pipelineProbe\.js$/.test(script)) {
  if (!koffiPath || !outFile) {
    writeFileSync(2, 'usage: node pipelineProbe.js <koffi folder> <out.json> [case ...]\n');
    process.exit(2);
  }
  runPipelineProbe(koffiPath, outFile, names.length ? names : undefined).then(
    () => process.exit(0),
    (error) => {
      writeFileSync(outFile, JSON.stringify({ fatal: (error as Error).stack ?? String(error) }));
      process.exit(1);
    },
  );
}
