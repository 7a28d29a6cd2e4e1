/**
 * Plays a parsed scenario against a session on a platform and reports, step by step, what was
 * expected and what happened. A failing step does not stop the scenario.
 * @module
 */
import { createActor, type Actor } from 'xstate';
import { HR, failed, formatHr, type HResult } from '../../machines/hresult.js';
import { eventName, eventType } from '../../machines/mediaEventType.js';
import { HNS_PER_MS, SESSIONCAP, SETTOPOLOGY } from '../../machines/constants.js';
import { clockTime, type ClockData } from '../../machines/clockTable.js';
import { presentationClockMachine, type PresentationClockMachine } from '../../machines/presentationClockMachine.js';
import type { ClockCallEvent, SessionCallEvent } from '../../machines/sessionEvents.js';
import type { MediaEvent, TopologySpec } from '../../machines/types.js';
import { createSession, type CallResult, type MediaSessionHandle, type SessionOptions } from '../../actors/createSession.js';
import { createMockPlatform, type MockPlatform } from '../../adapters/mock/createMockPlatform.js';
import { toStartPosition, type CallStep, type ObserveStep, type Outcomes, type PlatformStep, type Scenario, type Step, type WaitStep } from './parseScenario.js';

/** One step's outcome. */
export interface StepResult {
  index: number;
  pass: boolean;
  expected: unknown;
  actual: unknown;
  /** A short human description of the step (`call Start`, `wait MESessionStarted`, ...). */
  step: string;
  message?: string;
}

/** One scenario's outcome. */
export interface ScenarioResult {
  file: string;
  name: string;
  pass: boolean;
  steps: StepResult[];
}

/** The callback name the runner subscribes with when it waits. */
export const RUNNER_CALLBACK = '$runner';

/** Options of {@link runScenario}. */
export interface RunScenarioOptions {
  /**
   * Makes the session (default `createSession`). Adapter selection plugs in here, e.g. a session with
   * planted contract faults (`verify/sut/adapterSpec.ts`: `sessionFactoryFor`).
   */
  createSession?: (options: SessionOptions) => MediaSessionHandle;
}

/** Runs a scenario on the mock platform (the only adapter scenarios can name today). */
export async function runScenario(scenario: Scenario, options: RunScenarioOptions = {}): Promise<ScenarioResult> {
  const platform = createMockPlatform(scenario.platform);
  const run = new ScenarioRun(scenario, platform, options.createSession ?? createSession);
  const steps: StepResult[] = [];
  for (const step of scenario.steps) {
    platform.adapter.settle();
    try {
      steps.push(await run.step(step));
    } catch (error) {
      steps.push({ index: step.index, step: describe(step), pass: false, expected: 'the step to run', actual: 'error', message: (error as Error).message });
    }
  }
  run.dispose();
  return { file: scenario.file, name: scenario.name, pass: steps.every((step) => step.pass), steps };
}

function describe(step: Step): string {
  switch (step.kind) {
    case 'call':
      return `call ${step.method}`;
    case 'wait':
      return `wait ${step.event}`;
    case 'platform':
      return `platform ${step.action}`;
    case 'observe':
      return `observe ${step.what}`;
  }
}

const hrText = (hr: HResult) => formatHr(hr);
const outcomesText = (outcomes: Outcomes) => (outcomes.text.length === 1 ? outcomes.text[0] : outcomes.text);

class ScenarioRun {
  readonly #scenario: Scenario;
  readonly #platform: MockPlatform;
  #session: MediaSessionHandle | undefined;
  #clock: 'session' | Actor<PresentationClockMachine> | undefined;
  #runnerInvoked = false;
  #runnerSubscribed = false;
  readonly #makeSession: (options: SessionOptions) => MediaSessionHandle;

  constructor(scenario: Scenario, platform: MockPlatform, makeSession: (options: SessionOptions) => MediaSessionHandle) {
    this.#scenario = scenario;
    this.#platform = platform;
    this.#makeSession = makeSession;
    for (const step of scenario.steps) if (step.kind === 'call' && step.method === 'SetTopology' && step.args.topology) this.#ensureObjects(step.args.topology as TopologySpec);
    const first = scenario.steps[0];
    const explicit = first?.kind === 'call' && (first.method === 'MFCreateMediaSession' || first.method === 'MFCreatePresentationClock');
    if (!explicit) this.#createSession({});
  }

  dispose(): void {
    if (this.#session && !this.#session.released) {
      if (this.#session.state !== 'shutdown') this.#session.Shutdown();
      this.#session.Release();
    }
    if (this.#clock && this.#clock !== 'session') this.#clock.stop();
  }

  #ensureObjects(topology: TopologySpec): void {
    for (const node of topology.nodes) {
      if (node.type === 'source') this.#platform.ensure('source', node.source);
      if (node.type === 'output' && node.sink !== null) this.#platform.ensure('sink', node.sink);
      if (node.type === 'transform') this.#platform.ensure('transform', node.transform);
    }
  }

  #createSession(attributes: Record<string, unknown>): MediaSessionHandle {
    const session = this.#makeSession({ adapter: this.#platform.adapter, attributes, id: this.#scenario.name });
    session.onCallback((invocation) => {
      if (invocation.callback === RUNNER_CALLBACK) this.#runnerInvoked = true;
    });
    this.#session = session;
    return session;
  }

  #requireSession(): MediaSessionHandle {
    if (!this.#session) throw new Error('there is no media session (the scenario began with MFCreatePresentationClock)');
    if (this.#session.released) throw new Error('the session was released; no method may be called on it');
    return this.#session;
  }

  async step(step: Step): Promise<StepResult> {
    switch (step.kind) {
      case 'call':
        return this.#call(step);
      case 'wait':
        return this.#wait(step);
      case 'platform':
        return this.#platformStep(step);
      case 'observe':
        return this.#observe(step);
    }
  }

  async #call(step: CallStep): Promise<StepResult> {
    const base = { index: step.index, step: describe(step) };
    const { hr, out } = await this.#invoke(step);
    const problems: string[] = [];
    const expected: Record<string, unknown> = {};
    const actual: Record<string, unknown> = { hr: hrText(hr) };
    if (step.expect) {
      expected.hr = outcomesText(step.expect);
      if (!step.expect.hrs.includes(hr >>> 0)) problems.push(`returned ${hrText(hr)}, expected ${step.expect.text.join(' or ')}`);
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

  async #invoke(step: CallStep): Promise<CallResult> {
    const args = step.args;
    switch (step.method) {
      case 'MFCreateMediaSession':
        this.#createSession((args.attributes as Record<string, unknown>) ?? {});
        return { hr: HR.S_OK };
      case 'MFCreatePresentationClock':
        this.#clock = createActor(presentationClockMachine).start();
        return { hr: HR.S_OK };
      case 'Release':
        return { hr: HR.S_OK, out: this.#requireSession().Release() };
    }
    if (step.method.startsWith('Clock.')) return this.#clockCall(step);
    const session = this.#requireSession();
    const event = toSessionEvent(step);
    if (event.type === 'session.GetEvent' && (event.flags & 1) === 0) return this.#blockingGetEvent(session);
    const result = session.call(event);
    if (event.type === 'session.GetClock' && result.hr === HR.S_OK) this.#clock = 'session';
    return result;
  }

  /** GetEvent(0) blocks until an event comes; on simulated time the runner lets time pass (5 s at most). */
  async #blockingGetEvent(session: MediaSessionHandle): Promise<CallResult> {
    const first = session.call({ type: 'session.GetEvent', flags: 0 });
    if (!(first.hr === HR.MF_E_NO_EVENTS_AVAILABLE && (first.out as { wouldBlock?: boolean } | undefined)?.wouldBlock)) return first;
    const deadline = session.adapter.now() + 5000 * HNS_PER_MS;
    await session.adapter.waitUntil(() => session.context.events.length > 0 || session.state === 'shutdown', deadline);
    const second = session.call({ type: 'session.GetEvent', flags: 0 });
    if (second.hr === HR.MF_E_NO_EVENTS_AVAILABLE) throw new Error('GetEvent blocked: no event arrived within 5000 ms of simulated time');
    return second;
  }

  #clockCall(step: CallStep): CallResult {
    if (!this.#clock) throw new Error('no clock: call GetClock or MFCreatePresentationClock first');
    const event = toClockEvent(step);
    if (this.#clock === 'session') return this.#requireSession().call(event);
    this.#clock.send({ ...event, now: this.#platform.clock.now } as ClockCallEvent);
    const reply = this.#clock.getSnapshot().context.reply;
    return reply.out === undefined ? { hr: reply.hr } : { hr: reply.hr, out: reply.out };
  }

  async #wait(step: WaitStep): Promise<StepResult> {
    const base = { index: step.index, step: describe(step) };
    const session = this.#requireSession();
    const expected: Record<string, unknown> = { event: step.event };
    if (step.status) expected.status = outcomesText(step.status);
    if (step.value !== undefined) expected.value = step.value;
    if (step.attributes) expected.attributes = step.attributes;
    const sub = session.context.sub;
    if (sub && sub.callback !== RUNNER_CALLBACK) {
      return { ...base, pass: false, expected, actual: 'not run', message: `the scenario's own BeginGetEvent (callback "${sub.callback}") is pending, so the runner cannot subscribe to wait` };
    }
    const deadline = session.adapter.now() + step.timeoutMs * HNS_PER_MS;
    let event: MediaEvent | undefined;
    for (;;) {
      if (!this.#runnerSubscribed) {
        const hr = session.BeginGetEvent(RUNNER_CALLBACK, null);
        if (failed(hr)) break; // a shut-down session delivers nothing: this wait times out
        this.#runnerSubscribed = true;
      }
      const arrived = await session.adapter.waitUntil(() => this.#runnerInvoked, deadline);
      if (!arrived) break;
      this.#runnerInvoked = false;
      this.#runnerSubscribed = false;
      const got = session.EndGetEvent('pending');
      if (failed(got.hr) || !got.out) continue;
      if (got.out.type === step.type) {
        event = got.out;
        break;
      }
    }
    if (!event) {
      if (session.adapter.now() < deadline) await session.adapter.waitUntil(() => false, deadline);
      const pass = step.status?.timeout === true;
      return { ...base, pass, expected, actual: 'TIMEOUT', ...(pass ? {} : { message: `no ${step.event} arrived within ${step.timeoutMs} ms` }) };
    }
    const actual: Record<string, unknown> = { event: eventName(event.type), status: hrText(event.status), value: valueText(event) };
    if (event.attributes) actual.attributes = event.attributes;
    const problems: string[] = [];
    if (step.status && !step.status.hrs.includes(event.status)) problems.push(`status ${hrText(event.status)}, expected ${step.status.text.join(' or ')}`);
    if (step.value !== undefined && JSON.stringify(step.value) !== JSON.stringify(actual.value)) problems.push(`value ${JSON.stringify(actual.value)}, expected ${JSON.stringify(step.value)}`);
    for (const [name, value] of Object.entries(step.attributes ?? {})) {
      const got = event.attributes?.[name];
      if (got !== value) problems.push(`attribute ${name} = ${got === undefined ? 'absent' : got}, expected ${value}`);
    }
    return { ...base, pass: problems.length === 0, expected, actual, ...(problems.length ? { message: problems.join('; ') } : {}) };
  }

  #platformStep(step: PlatformStep): StepResult {
    const p = this.#platform;
    switch (step.action) {
      case 'shutdownSource':
        p.shutdownSource(step.source!);
        break;
      case 'endOfStream':
        p.endOfStream(step.source!, step.stream);
        break;
      case 'advanceClock':
        p.clock.advanceBy(step.hns!);
        break;
      case 'requestSample':
        p.requestSample(step.sink!);
        break;
      case 'configure': {
        const kind = step.source !== undefined ? 'source' : step.sink !== undefined ? 'sink' : 'transform';
        p.configure(kind, (step.source ?? step.sink ?? step.transform)!, step.set ?? {});
        break;
      }
    }
    return { index: step.index, step: describe(step), pass: true, expected: null, actual: 'done' };
  }

  #observe(step: ObserveStep): StepResult {
    const base = { index: step.index, step: describe(step) };
    const verdict = (pass: boolean, expected: unknown, actual: unknown, message?: string): StepResult => ({ ...base, pass, expected, actual, ...(pass || !message ? {} : { message }) });
    const p = this.#platform;
    switch (step.what) {
      case 'sinkShutdown':
      case 'sourceShutdown':
      case 'transformShutdown': {
        const map = step.what === 'sinkShutdown' ? p.sinks : step.what === 'sourceShutdown' ? p.sources : p.transforms;
        const object = map.get(step.object!);
        if (!object) return verdict(false, step.expect, 'absent', `no object named ${JSON.stringify(step.object)} on the platform`);
        return verdict(object.shutdown === step.expect, step.expect, object.shutdown, `${step.object} shut down: ${object.shutdown}, expected ${String(step.expect)}`);
      }
      case 'calls': {
        const names = p.takeCalls().map((call) => call.name as string);
        if (step.reset) return verdict(true, null, 'reset');
        const seen = step.only ? names.filter((name) => step.only!.includes(name)) : names;
        const want = step.expect as string[];
        const pass = matchCalls(seen, want, step.match ?? 'exact');
        return verdict(pass, { [step.match ?? 'exact']: want }, seen, `calls ${JSON.stringify(seen)} do not ${step.match === 'includes' ? 'include' : step.match === 'subsequence' ? 'contain in order' : 'equal'} ${JSON.stringify(want)}`);
      }
      case 'samples': {
        const sink = p.sinks.get(step.object!);
        if (!sink) return verdict(false, { atLeast: step.atLeast }, 'absent', `no sink named ${JSON.stringify(step.object)}`);
        return verdict(sink.samples >= step.atLeast!, { atLeast: step.atLeast }, sink.samples, `${sink.samples} samples, expected at least ${step.atLeast}`);
      }
      case 'clockTime': {
        const clock = this.#clockData();
        if (!clock) return verdict(false, step.expectHns, 'no clock', 'no clock to read: the scenario has no session clock and no MFCreatePresentationClock');
        const time = clockTime(clock, p.clock.now);
        const pass = Math.abs(time - step.expectHns!) <= step.toleranceHns!;
        return verdict(pass, { hns: step.expectHns, toleranceHns: step.toleranceHns }, time, `clock time ${time} hns, expected ${step.expectHns} ± ${step.toleranceHns}`);
      }
      case 'state': {
        const state = this.#session ? this.#session.state : undefined;
        return verdict(state === step.expect, step.expect, state ?? 'no session', `state ${String(state)}, expected ${String(step.expect)}`);
      }
    }
  }

  #clockData(): ClockData | undefined {
    if (this.#clock && this.#clock !== 'session') return this.#clock.getSnapshot().context.clock;
    return this.#session?.context.clock;
  }
}

/** Checks a call step's `result` against the call's HRESULT and out value (shared with other adapters' runners). */
export function checkCallResult(step: CallStep, hr: HResult, out: unknown): { problem?: string; seen: unknown } {
  const want = step.result!;
  const problems: string[] = [];
  let seen: Record<string, unknown> = {};
  switch (step.method) {
    case 'Release':
      seen = { leak: (out as { leak: boolean }).leak };
      if (want.leak !== undefined && want.leak !== seen.leak) problems.push(`leak ${seen.leak}, expected ${want.leak}`);
      break;
    case 'GetFullTopology':
      seen = { topology: failed(hr) ? null : out };
      if (seen.topology !== want.topology) problems.push(`topology ${JSON.stringify(seen.topology)}, expected ${JSON.stringify(want.topology)}`);
      break;
    case 'GetSessionCapabilities': {
      if (failed(hr)) {
        problems.push(`no capabilities (returned ${hrText(hr)})`);
        break;
      }
      const caps = out as number;
      seen = { caps: (Object.keys(SESSIONCAP) as (keyof typeof SESSIONCAP)[]).filter((name) => caps & SESSIONCAP[name]) };
      const wantCaps = want.caps as { has?: string[]; lacks?: string[] };
      for (const name of wantCaps.has ?? []) if (!(caps & SESSIONCAP[name as keyof typeof SESSIONCAP])) problems.push(`lacks ${name}`);
      for (const name of wantCaps.lacks ?? []) if (caps & SESSIONCAP[name as keyof typeof SESSIONCAP]) problems.push(`has ${name}`);
      break;
    }
    case 'GetEvent':
    case 'EndGetEvent': {
      if (failed(hr) || !out || !('type' in (out as object))) {
        problems.push(`no event (returned ${hrText(hr)})`);
        seen = { event: null };
        break;
      }
      const event = out as MediaEvent;
      seen = { event: eventName(event.type), status: hrText(event.status) };
      if (want.event !== undefined && eventType(want.event as string) !== event.type) problems.push(`event ${eventName(event.type)}, expected ${want.event}`);
      if (want.status !== undefined) {
        const statuses = (Array.isArray(want.status) ? want.status : [want.status]) as string[];
        if (!statuses.some((text) => parseStatus(text) === event.status)) problems.push(`status ${hrText(event.status)}, expected ${statuses.join(' or ')}`);
      }
      break;
    }
    case 'GetRate': {
      const rate = out as { thin: boolean; rate: number } | undefined;
      seen = rate ? { thin: rate.thin, rate: rate.rate } : {};
      if (!rate) problems.push(`no rate (returned ${hrText(hr)})`);
      else {
        if (want.thin !== undefined && want.thin !== rate.thin) problems.push(`thin ${rate.thin}, expected ${want.thin}`);
        if (want.rate !== undefined && want.rate !== rate.rate) problems.push(`rate ${rate.rate}, expected ${want.rate}`);
      }
      break;
    }
    case 'Clock.GetState':
      seen = { clockState: out };
      if (out !== want.clockState) problems.push(`clock state ${String(out)}, expected ${String(want.clockState)}`);
      break;
    case 'Clock.GetTime': {
      seen = { timeHns: failed(hr) ? null : out };
      if (failed(hr)) problems.push(`no time (returned ${hrText(hr)})`);
      else if (want.timeHns !== undefined && Math.abs((out as number) - (want.timeHns as number)) > ((want.toleranceHns as number | undefined) ?? 0)) {
        problems.push(`time ${String(out)} hns, expected ${String(want.timeHns)} ± ${String(want.toleranceHns ?? 0)}`);
      }
      break;
    }
    case 'Clock.GetRate':
      seen = { rate: out };
      if (want.rate !== undefined && out !== want.rate) problems.push(`rate ${String(out)}, expected ${String(want.rate)}`);
      break;
    case 'Clock.GetShutdownStatus':
      seen = { shutdownStatus: failed(hr) ? null : out };
      if (seen.shutdownStatus !== want.shutdownStatus) problems.push(`shutdown status ${String(seen.shutdownStatus)} (returned ${hrText(hr)}), expected ${String(want.shutdownStatus)}`);
      break;
  }
  return { problem: problems.length ? problems.join('; ') : undefined, seen };
}

/** An event status as a scenario writes it: a catalog name or 0x hex. */
export function parseStatus(text: string): HResult | undefined {
  if (text.startsWith('0x')) return Number.parseInt(text.slice(2), 16) >>> 0;
  return (HR as Record<string, number>)[text];
}

/** The event value as a scenario names it; a topology is "same" when it is the very object the application passed. */
function valueText(event: MediaEvent): unknown {
  switch (event.value.vt) {
    case 'VT_EMPTY':
      return 'VT_EMPTY';
    case 'VT_UNKNOWN':
      return event.value.object === event.value.passedObject ? 'same-topology' : 'other-topology';
    case 'VT_R4':
      return { VT_R4: event.value.value };
    case 'VT_UI8':
      return { VT_UI8: event.value.value };
  }
}

function matchCalls(seen: string[], want: string[], match: 'exact' | 'subsequence' | 'includes'): boolean {
  if (match === 'exact') return seen.length === want.length && seen.every((name, i) => name === want[i]);
  if (match === 'includes') return want.every((name) => seen.includes(name));
  let at = 0;
  for (const name of seen) if (at < want.length && name === want[at]) at++;
  return at === want.length;
}

function toSessionEvent(step: CallStep): SessionCallEvent {
  const a = step.args;
  switch (step.method) {
    case 'SetTopology':
      return {
        type: 'session.SetTopology',
        flags: ((a.flags as string[] | undefined) ?? []).reduce((acc, flag) => acc | SETTOPOLOGY[flag as keyof typeof SETTOPOLOGY], 0),
        topology: (a.topology as TopologySpec | null | undefined) ?? null,
      };
    case 'Start':
      return { type: 'session.Start', position: toStartPosition(a.position), timeFormat: (a.timeFormat as string | null | undefined) ?? 'GUID_NULL' };
    case 'GetFullTopology':
      return { type: 'session.GetFullTopology', flags: (a.flags as string[] | undefined)?.includes('CURRENT') ? 1 : 0, topoId: (a.topoId as number | undefined) ?? 0 };
    case 'GetSessionCapabilities':
      return { type: 'session.GetSessionCapabilities', nullPointer: a.null === true };
    case 'GetEvent':
      return { type: 'session.GetEvent', flags: (a.flags as string[] | undefined)?.includes('NO_WAIT') ? 1 : 0 };
    case 'BeginGetEvent':
      return { type: 'session.BeginGetEvent', callback: a.callback === undefined ? 'callback' : (a.callback as string | null), state: (a.state as string | null | undefined) ?? null };
    case 'EndGetEvent':
      return { type: 'session.EndGetEvent', result: (a.result as 'pending' | 'foreign' | undefined) ?? 'pending' };
    case 'QueueEvent':
      return { type: 'session.QueueEvent', eventType: eventType(a.type as string)!, status: a.status === undefined ? HR.S_OK : parseStatus(a.status as string)! };
    case 'SetRate':
      return { type: 'rate.SetRate', thin: a.thin === true, rate: (a.rate as number | undefined) ?? 1 };
    case 'GetRate':
      return { type: 'rate.GetRate' };
    default:
      return { type: `session.${step.method}` } as SessionCallEvent;
  }
}

function toClockEvent(step: CallStep): ClockCallEvent {
  const a = step.args;
  switch (step.method) {
    case 'Clock.Start': {
      const position = toStartPosition(a.position);
      return { type: 'clock.Start', position: position && position.vt === 'VT_I8' ? position.value : null };
    }
    case 'Clock.GetTime':
      return { type: 'clock.GetTime', nullPointer: a.null === true };
    case 'Clock.GetShutdownStatus':
      return { type: 'clock.GetShutdownStatus', nullPointer: a.null === true };
    case 'Clock.SetRate':
      return { type: 'clock.SetRate', thin: a.thin === true, rate: (a.rate as number | undefined) ?? 1 };
    default:
      return { type: `clock.${step.method.slice('Clock.'.length)}` } as ClockCallEvent;
  }
}
