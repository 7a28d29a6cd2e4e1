/**
 * Plays scenario files on the real mf.dll through the bridge: `mfchart run --adapter mf-native`.
 * Scenarios run with JS pipeline objects for their topologies and JS IMFAsyncCallback objects for
 * their BeginGetEvent callbacks (EndGetEvent("pending") passes the result the session handed to the
 * latest Invoke); {@link nativeUnsupportedReason} says why another one is skipped. `wait` steps
 * poll GetEvent(NO_WAIT) in the bridge on real time; a `timeoutMs` below {@link MIN_WAIT_MS} is
 * raised to it, since real completions take milliseconds, not zero. A run the bridge process failed
 * under (Wine 8.0's mf.dll faults now and then) says so in `bridgeFailure`, so that callers can tell it
 * from a divergence and run it again on a fresh bridge.
 * @module
 */
import { HR, formatHr, type HResult } from '../../machines/hresult.js';
import { eventName, eventType } from '../../machines/mediaEventType.js';
import type { MediaEvent } from '../../machines/types.js';
import { toStartPosition, type CallStep, type ObserveStep, type PlatformStep, type Scenario, type Step, type WaitStep } from '../../verify/scenario/parseScenario.js';
import { checkCallResult, parseStatus, type ScenarioResult, type StepResult } from '../../verify/scenario/runScenario.js';
import { createNativeSession, NativeSessionFailed, type NativeOutcome, type NativeSession } from './createNativeSession.js';
import { BridgeError, type NativeBridge } from './nativeBridge.js';
import type { ClockMethod, Handle, SessionMethod } from './protocol.js';
import type { MockPlatformSpec } from '../mock/createMockPlatform.js';
import type { TopologySpec } from '../../machines/types.js';
import { sourceKnobsUnsupportedReason, toWireSourceKnobs, toWireTopology, topologyUnsupportedReason } from './wireTopology.js';

/** Pipeline call names the JS source and the sample grabber record (`observe calls`). */
export const NATIVE_CALL_NAMES: ReadonlySet<string> = new Set(['SourceStart', 'SourceStop', 'SourcePause', 'SourceBeginGetEvent', 'OnClockStart', 'OnClockStop', 'OnClockPause', 'OnClockRestart', 'OnClockSetRate', 'SinkShutdown']);
/** How long `observe samples` waits, on real time, for the count to be reached. */
export const SAMPLES_WAIT_MS = 2000;

/** The shortest real wait for an event that is expected to come. */
export const MIN_WAIT_MS = 1000;
/** How long a wait expecting TIMEOUT watches on a real platform. */
export const TIMEOUT_WAIT_MS = 150;
/** How long EndGetEvent("pending") waits, on real time, for the Invoke that hands the result out. */
export const INVOKE_WAIT_MS = 2000;

/** Calls after which the session may have an event queued (its own completions, or the one QueueEvent adds). */
const EVENT_QUEUEING_CALLS = new Set(['QueueEvent', 'SetTopology', 'ClearTopologies', 'Start', 'Pause', 'Stop', 'Close', 'SetRate']);

/**
 * Why a scenario cannot run on mf-native, or undefined when it can. Topologies run when the JS
 * pipeline can build them (one source → one sample grabber, see wireTopology.ts); simulated time,
 * transforms, sink-driven sample requests and calls the JS objects do not record cannot.
 */
export function nativeUnsupportedReason(scenario: Scenario): string | undefined {
  const hasTopology = scenario.steps.some((step) => step.kind === 'call' && step.method === 'SetTopology' && step.args.topology);
  let mayHaveQueued = false;
  for (const step of scenario.steps) {
    if ((step.kind === 'call' && EVENT_QUEUEING_CALLS.has(step.method)) || step.kind === 'platform') mayHaveQueued = true;
    if (hasTopology && step.kind === 'call' && (step.method === 'SetRate' || step.method === 'GetRate')) return 'needs rate support on the source (the JS source has no IMFRateSupport, so the session answers SetRate with E_NOINTERFACE)';
    if (step.kind === 'observe' && step.what === 'state' && step.expect === 'closing') return 'observes the transitional state closing (real completions cannot be held back; the state is inferred from completion events)';
    if (step.kind === 'call') {
      if (step.method === 'SetTopology' && step.args.topology) {
        const reason = topologyUnsupportedReason(step.args.topology as TopologySpec, scenario.platform);
        if (reason) return `needs ${reason}`;
      }
      // The pending result reaches an application only through Invoke, which needs an event in the queue.
      if (step.method === 'EndGetEvent' && step.args.result !== 'foreign' && !mayHaveQueued) return 'passes the pending result of a subscription no event can have reached (on a real platform the result is only handed out by Invoke)';
    }
    if (step.kind === 'platform') {
      if (step.action === 'advanceClock') return 'needs simulated time (advanceClock)';
      if (step.action === 'requestSample') return 'needs sink-driven sample requests (the sample grabber requests samples by itself)';
      if (step.action === 'configure') {
        if (!step.source) return 'configures a sink or transform (only JS source knobs can change)';
        const reason = sourceKnobsUnsupportedReason(step.source, step.set as Parameters<typeof sourceKnobsUnsupportedReason>[1]);
        if (reason) return `needs ${reason}`;
      }
      if (step.action === 'endOfStream' && (step.stream ?? 0) !== 0) return 'ends a stream other than 0 (the JS source has one)';
    }
    if (step.kind === 'observe') {
      if (step.what === 'clockTime') return 'needs simulated time (observe clockTime)';
      if (step.what === 'transformShutdown') return 'observes a transform (the JS pipeline has none)';
      if (step.what === 'calls' && !step.reset) {
        const unknown = [...((step.expect as string[] | undefined) ?? []), ...(step.only ?? [])].find((name) => !NATIVE_CALL_NAMES.has(name));
        if (unknown) return `observes ${unknown} calls, which the JS source and the sample grabber do not record`;
      }
    }
  }
  return undefined;
}

const describe = (step: Step) => (step.kind === 'call' ? `call ${step.method}` : step.kind === 'wait' ? `wait ${step.event}` : step.kind === 'platform' ? `platform ${step.action}` : `observe ${step.what}`);

/** A scenario's result on mf-native, and whether the bridge process failed under it. */
export interface NativeScenarioResult extends ScenarioResult {
  /**
   * Set when the bridge process died or stopped answering during the run (its first such message),
   * teardown included: the Windows side failed, so the steps after it say nothing about mf.dll's
   * behaviour (see `runNativeScenarios`, which reruns such a scenario on a fresh bridge process).
   */
  bridgeFailure?: string;
}

/** Whether `error` says the bridge process failed (a crash or a hang), not the scenario or the adapter. */
function isBridgeFailure(error: unknown): error is Error {
  return error instanceof NativeSessionFailed || error instanceof BridgeError;
}

/** Runs one scenario on a fresh real session (or a standalone clock). Check {@link nativeUnsupportedReason} first. */
export async function runNativeScenario(scenario: Scenario, bridge: NativeBridge): Promise<NativeScenarioResult> {
  // A bridge found dead before the run is restarted by the run's first call: that start is not a failure of this run.
  const generation = bridge.alive ? bridge.generation : bridge.generation + 1;
  let bridgeFailure: string | undefined;
  const steps: StepResult[] = [];
  const noteFailure = (error: unknown) => {
    if (isBridgeFailure(error)) bridgeFailure ??= error.message;
  };
  let run: NativeScenarioRun | undefined;
  try {
    run = new NativeScenarioRun(scenario, bridge);
  } catch (error) {
    // Creating the session is the run's first bridge call: a bridge that died after the previous
    // scenario (Wine's fault on an MF thread of a released session) is found here.
    if (!isBridgeFailure(error)) throw error;
    noteFailure(error);
    steps.push({ index: 0, step: 'MFCreateMediaSession', pass: false, expected: 'the session to be created', actual: 'session failed', message: error.message });
  }
  if (run) {
    for (const step of scenario.steps) {
      try {
        steps.push(await run.step(step));
      } catch (error) {
        noteFailure(error);
        steps.push({ index: step.index, step: describe(step), pass: false, expected: 'the step to run', actual: isBridgeFailure(error) ? 'session failed' : 'error', message: (error as Error).message });
      }
    }
    try {
      run.dispose();
    } catch (error) {
      // Shutdown/Release of a started session is where Wine 8.0's mf.dll faults now and then.
      if (!isBridgeFailure(error)) throw error;
      noteFailure(error);
      steps.push({ index: scenario.steps.length, step: 'teardown (Shutdown, Release)', pass: false, expected: 'the session to be released', actual: 'session failed', message: error.message });
    }
  }
  // A bridge restarted under the run (a failure no call of this run saw as an error) is a failure too.
  if (!bridgeFailure && bridge.generation > generation) bridgeFailure = `the bridge process was restarted during the run (generation ${generation} → ${bridge.generation})`;
  const result: NativeScenarioResult = { file: scenario.file, name: scenario.name, pass: !bridgeFailure && steps.every((step) => step.pass), steps };
  if (bridgeFailure) result.bridgeFailure = bridgeFailure;
  return result;
}

class NativeScenarioRun {
  readonly #bridge: NativeBridge;
  #session: NativeSession | undefined;
  /** The clock Clock.* calls go to: the session's (`session`) or one from MFCreatePresentationClock. */
  #clock: 'session' | Handle | undefined;
  readonly #platform: MockPlatformSpec;
  /** A helper session that owns the standalone clock's time source. */
  #helper: NativeSession | undefined;

  constructor(scenario: Scenario, bridge: NativeBridge) {
    this.#bridge = bridge;
    this.#platform = scenario.platform;
    const first = scenario.steps[0];
    const explicit = first?.kind === 'call' && (first.method === 'MFCreateMediaSession' || first.method === 'MFCreatePresentationClock');
    if (!explicit) {
      this.#session = createNativeSession(bridge);
      this.#session.platform = this.#platform;
    }
  }

  dispose(): void {
    if (typeof this.#clock === 'number') {
      try {
        this.#bridge.call1({ op: 'clock', h: this.#clock, method: 'Release' });
      } catch {
        // the bridge is gone; nothing is held any more
      }
    }
    this.#session?.dispose();
    this.#helper?.dispose();
  }

  async step(step: Step): Promise<StepResult> {
    switch (step.kind) {
      case 'call':
        return this.#call(step);
      case 'wait':
        return this.#wait(step);
      case 'observe':
        return this.#observe(step);
      case 'platform':
        return this.#platformStep(step);
    }
  }

  #requireSession(): NativeSession {
    if (!this.#session) throw new Error('there is no media session (the scenario began with MFCreatePresentationClock)');
    if (this.#session.released) throw new Error('the session was released; no method may be called on it');
    return this.#session;
  }

  #call(step: CallStep): StepResult {
    const base = { index: step.index, step: describe(step) };
    const { hr, out } = this.#invoke(step);
    const problems: string[] = [];
    const expected: Record<string, unknown> = {};
    const actual: Record<string, unknown> = { hr: formatHr(hr) };
    if (step.expect) {
      expected.hr = step.expect.text.length === 1 ? step.expect.text[0] : step.expect.text;
      if (!step.expect.hrs.includes(hr >>> 0)) problems.push(`returned ${formatHr(hr)}, expected ${step.expect.text.join(' or ')}`);
    }
    if (step.result) {
      expected.result = step.result;
      const { problem, seen } = checkCallResult(step, hr, out);
      actual.result = seen;
      if (problem) problems.push(problem);
    }
    const hasChecks = step.expect !== undefined || step.result !== undefined;
    return { ...base, pass: problems.length === 0, expected: hasChecks ? expected : null, actual, ...(problems.length ? { message: problems.join('; ') } : {}) };
  }

  #invoke(step: CallStep): NativeOutcome {
    const a = step.args;
    switch (step.method) {
      case 'MFCreateMediaSession':
        this.#session = createNativeSession(this.#bridge, (a.attributes as Record<string, unknown> | undefined) ?? {});
        this.#session.platform = this.#platform;
        return { hr: this.#session.createHr };
      case 'MFCreatePresentationClock': {
        const result = this.#bridge.call1({ op: 'MFCreatePresentationClock' });
        if (typeof result.clock === 'number') this.#clock = result.clock;
        return { hr: (result.hr ?? HR.E_FAIL) >>> 0 };
      }
      case 'Release':
        return { hr: HR.S_OK, out: this.#requireSession().release() };
    }
    if (step.method.startsWith('Clock.')) return this.#clockCall(step);
    const session = this.#requireSession();
    if (step.method === 'GetEvent' && !(a.flags as string[] | undefined)?.includes('NO_WAIT')) {
      // GetEvent(0) blocks until an event comes; the bridge waits for it (5 s at most) without blocking.
      const { events, found, readHr } = session.waitFor(undefined, 5000);
      // MF_E_SHUTDOWN, MF_E_MULTIPLE_SUBSCRIBERS: GetEvent answers at once instead of blocking.
      if (!found && readHr !== undefined) return { hr: readHr };
      if (!found) throw new Error('GetEvent blocked: no event arrived within 5000 ms');
      return { hr: HR.S_OK, out: events[events.length - 1] };
    }
    const outcome = session.session(toSessionMethod(step, this.#platform));
    if (step.method === 'GetClock' && outcome.hr === HR.S_OK) {
      session.keepClock();
      this.#clock = 'session';
    }
    return outcome;
  }

  #clockCall(step: CallStep): NativeOutcome {
    if (this.#clock === undefined) throw new Error('no clock: call GetClock or MFCreatePresentationClock first');
    const a = step.args;
    const name = step.method.slice('Clock.'.length);
    let method: ClockMethod;
    switch (name) {
      case 'Start': {
        const position = toStartPosition(a.position);
        method = { method: 'Start', offset: position && position.vt === 'VT_I8' ? position.value : null };
        break;
      }
      case 'GetTime':
        method = { method: 'GetTime', nullPointer: a.null === true };
        break;
      case 'GetShutdownStatus':
        method = { method: 'GetShutdownStatus', nullPointer: a.null === true };
        break;
      case 'SetRate':
        method = { method: 'SetRate', thin: a.thin === true, rate: (a.rate as number | undefined) ?? 1 };
        break;
      case 'SetTimeSource':
        method = { method: 'SetTimeSource', timeSource: this.#timeSourceOwner().timeSource() };
        break;
      default:
        method = { method: name } as ClockMethod;
    }
    if (this.#clock === 'session') return this.#requireSession().clock(method);
    return this.#timeSourceOwner().clock(method, this.#clock);
  }

  /** A session object that owns helper objects (time sources) when the scenario has no session of its own. */
  #timeSourceOwner(): NativeSession {
    if (this.#session && !this.#session.released) return this.#session;
    this.#helper ??= createNativeSession(this.#bridge);
    return this.#helper;
  }

  #wait(step: WaitStep): StepResult {
    const base = { index: step.index, step: describe(step) };
    const session = this.#requireSession();
    const expected: Record<string, unknown> = { event: step.event };
    if (step.status) expected.status = step.status.text.length === 1 ? step.status.text[0] : step.status.text;
    if (step.value !== undefined) expected.value = step.value;
    if (step.attributes) expected.attributes = step.attributes;
    const expectsTimeout = step.status?.timeout === true;
    const timeoutMs = expectsTimeout ? Math.max(step.timeoutMs, TIMEOUT_WAIT_MS) : Math.max(step.timeoutMs, MIN_WAIT_MS);
    const { events, found, readHr } = session.waitFor(step.type, timeoutMs);
    if (!found && readHr === HR.MF_E_MULTIPLE_SUBSCRIBERS) {
      return { ...base, pass: false, expected, actual: 'not run', message: "the scenario's own BeginGetEvent is pending (GetEvent answers MF_E_MULTIPLE_SUBSCRIBERS), so the runner cannot read events to wait" };
    }
    const event: MediaEvent | undefined = found ? events[events.length - 1] : undefined;
    if (!event) {
      return { ...base, pass: expectsTimeout, expected, actual: 'TIMEOUT', ...(expectsTimeout ? {} : { message: `no ${step.event} arrived within ${timeoutMs} ms` }) };
    }
    const actual: Record<string, unknown> = { event: eventName(event.type), status: formatHr(event.status), value: valueText(event) };
    if (event.attributes) actual.attributes = event.attributes;
    const problems: string[] = [];
    if (expectsTimeout && !step.status!.hrs.includes(event.status)) problems.push(`${step.event} arrived, expected none`);
    else if (step.status && !step.status.hrs.includes(event.status)) problems.push(`status ${formatHr(event.status)}, expected ${step.status.text.join(' or ')}`);
    if (step.value !== undefined && JSON.stringify(step.value) !== JSON.stringify(actual.value)) problems.push(`value ${JSON.stringify(actual.value)}, expected ${JSON.stringify(step.value)}`);
    for (const [name, value] of Object.entries(step.attributes ?? {})) {
      const got = event.attributes?.[name];
      if (got !== value) problems.push(`attribute ${name} = ${got === undefined ? 'absent' : got}, expected ${value}`);
    }
    return { ...base, pass: problems.length === 0, expected, actual, ...(problems.length ? { message: problems.join('; ') } : {}) };
  }

  #platformStep(step: PlatformStep): StepResult {
    const session = this.#requireSession();
    const source = step.source!;
    // A source no topology named yet is made with the scenario's knobs, as the mock makes it on first mention.
    const knobs = toWireSourceKnobs(this.#platform.sources?.[source]);
    if (step.action === 'shutdownSource') session.pipeline({ action: 'shutdownSource', source, knobs });
    else if (step.action === 'endOfStream') session.pipeline({ action: 'endOfStream', source, knobs });
    else if (step.action === 'configure') session.pipeline({ action: 'configure', source, set: toWireSourceKnobs(step.set as Record<string, never>), knobs });
    else throw new Error(`platform ${step.action} needs the mock platform`);
    return { index: step.index, step: describe(step), pass: true, expected: null, actual: 'done' };
  }

  async #observe(step: ObserveStep): Promise<StepResult> {
    const base = { index: step.index, step: describe(step) };
    const verdict = (pass: boolean, expected: unknown, actual: unknown, message: string): StepResult => ({ ...base, pass, expected, actual, ...(pass ? {} : { message }) });
    if (step.what === 'state') {
      const state = this.#session?.state;
      return verdict(state === step.expect, step.expect, state ?? 'no session', `state ${String(state)} (inferred from completion events), expected ${String(step.expect)}`);
    }
    const session = this.#requireSession();
    switch (step.what) {
      case 'sourceShutdown':
      case 'sinkShutdown': {
        const seen = session.observePipeline(false);
        const object = step.what === 'sourceShutdown' ? seen.sources[step.object!] : seen.sinks[step.object!];
        // An object no topology named yet exists on the mock and is not shut down.
        const shutdown = object?.shutdown ?? false;
        return verdict(shutdown === step.expect, step.expect, shutdown, `${step.object} shut down: ${shutdown}, expected ${String(step.expect)}`);
      }
      case 'samples': {
        // Samples flow on real time: wait for the count, within SAMPLES_WAIT_MS.
        const deadline = Date.now() + SAMPLES_WAIT_MS;
        let samples = 0;
        for (;;) {
          samples = session.observePipeline(false).sinks[step.object!]?.samples ?? 0;
          if (samples >= step.atLeast! || Date.now() >= deadline) break;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        return verdict(samples >= step.atLeast!, { atLeast: step.atLeast }, samples, `${samples} samples, expected at least ${step.atLeast}`);
      }
      case 'calls': {
        const names = session.observePipeline(true).calls;
        if (step.reset) return verdict(true, null, 'reset', '');
        const seen = step.only ? names.filter((name) => step.only!.includes(name)) : names;
        const want = step.expect as string[];
        const match = step.match ?? 'exact';
        return verdict(matchCalls(seen, want, match), { [match]: want }, seen, `calls ${JSON.stringify(seen)} do not ${match === 'includes' ? 'include' : match === 'subsequence' ? 'contain in order' : 'equal'} ${JSON.stringify(want)}`);
      }
      default:
        throw new Error(`observe ${step.what} needs the mock platform`);
    }
  }
}

/** The scenario format's three ways of comparing recorded calls. */
function matchCalls(seen: readonly string[], want: readonly string[], match: 'exact' | 'subsequence' | 'includes'): boolean {
  if (match === 'includes') return want.every((name) => seen.includes(name));
  if (match === 'exact') return seen.length === want.length && seen.every((name, i) => name === want[i]);
  let at = 0;
  for (const name of seen) if (at < want.length && name === want[at]) at++;
  return at === want.length;
}

/** The event value as a scenario names it; a real topology's identity is not tracked, so it reads `other-topology`. */
function valueText(event: MediaEvent): unknown {
  switch (event.value.vt) {
    case 'VT_EMPTY':
      return 'VT_EMPTY';
    case 'VT_UNKNOWN':
      return 'other-topology';
    case 'VT_R4':
      return { VT_R4: event.value.value };
    case 'VT_UI8':
      return { VT_UI8: event.value.value };
  }
}

function toSessionMethod(step: CallStep, platform: MockPlatformSpec): SessionMethod {
  const a = step.args;
  switch (step.method) {
    case 'SetTopology': {
      const flags = ((a.flags as string[] | undefined) ?? []).reduce((acc, flag) => acc | ({ IMMEDIATE: 1, NORESOLUTION: 2, CLEAR_CURRENT: 4 } as Record<string, number>)[flag]!, 0);
      return { method: 'SetTopology', flags, topology: a.topology ? toWireTopology(a.topology as TopologySpec, platform) : null };
    }
    case 'Start':
      return { method: 'Start', position: toStartPosition(a.position), timeFormat: a.timeFormat === null ? null : 'GUID_NULL' };
    case 'GetFullTopology':
      return { method: 'GetFullTopology', flags: (a.flags as string[] | undefined)?.includes('CURRENT') ? 1 : 0, topoId: (a.topoId as number | undefined) ?? 0 };
    case 'GetSessionCapabilities':
      return { method: 'GetSessionCapabilities', nullPointer: a.null === true };
    case 'GetEvent':
      return { method: 'GetEvent', flags: 1 };
    case 'BeginGetEvent':
      // As the model's runner: an absent callback is the scenario's default one.
      return { method: 'BeginGetEvent', callback: a.callback === undefined ? 'callback' : (a.callback as string | null), state: (a.state as string | null | undefined) ?? null };
    case 'EndGetEvent':
      return { method: 'EndGetEvent', result: a.result === 'foreign' ? 'foreign' : 'pending', waitMs: INVOKE_WAIT_MS };
    case 'QueueEvent': {
      const status: HResult = a.status === undefined ? HR.S_OK : parseStatus(a.status as string)!;
      return { method: 'QueueEvent', type: eventType(a.type as string)!, status };
    }
    case 'SetRate':
      return { method: 'SetRate', thin: a.thin === true, rate: (a.rate as number | undefined) ?? 1 };
    default:
      return { method: step.method } as SessionMethod;
  }
}
