/**
 * Reads a scenario file (format version 1, `../shared/spec/scenario-format.md`) into typed steps.
 * Strict: an unknown field, a wrong type or an unknown name is an error that names the file, the
 * step index and the field, so that a typo never passes silently.
 * @module
 */
import { parseHr, type HResult } from '../../machines/hresult.js';
import { eventType } from '../../machines/mediaEventType.js';
import { SESSIONCAP, SETTOPOLOGY } from '../../machines/constants.js';
import type { MockPlatformSpec } from '../../adapters/mock/createMockPlatform.js';
import type { PublicState, StartPosition, TopologyNodeSpec, TopologySpec } from '../../machines/types.js';

/** A scenario file that is not valid; `exit 2` material. */
export class ScenarioError extends Error {
  constructor(
    readonly file: string,
    readonly step: number | undefined,
    readonly field: string,
    detail: string,
  ) {
    super(`${file}: ${step === undefined ? '' : `step ${step}: `}${field}: ${detail}`);
    this.name = 'ScenarioError';
  }
}

/** Accepted outcomes: HRESULT values, and `TIMEOUT` for "no such event in time". */
export interface Outcomes {
  hrs: HResult[];
  timeout: boolean;
  /** As the file wrote them, for reports. */
  text: string[];
}

/** A call step. */
export interface CallStep {
  kind: 'call';
  index: number;
  method: string;
  args: Record<string, unknown>;
  expect?: Outcomes;
  result?: Record<string, unknown>;
}

/** A wait step. */
export interface WaitStep {
  kind: 'wait';
  index: number;
  event: string;
  type: number;
  status?: Outcomes;
  timeoutMs: number;
  value?: unknown;
  attributes?: Record<string, number>;
}

/** A platform step. */
export interface PlatformStep {
  kind: 'platform';
  index: number;
  action: 'shutdownSource' | 'endOfStream' | 'advanceClock' | 'requestSample' | 'configure';
  source?: string;
  sink?: string;
  transform?: string;
  stream?: number;
  hns?: number;
  set?: Record<string, unknown>;
}

/** An observe step. */
export interface ObserveStep {
  kind: 'observe';
  index: number;
  what: 'sinkShutdown' | 'sourceShutdown' | 'transformShutdown' | 'calls' | 'samples' | 'clockTime' | 'state';
  object?: string;
  expect?: unknown;
  match?: 'exact' | 'subsequence' | 'includes';
  only?: string[];
  reset?: boolean;
  atLeast?: number;
  expectHns?: number;
  toleranceHns?: number;
}

/** One step. */
export type Step = CallStep | WaitStep | PlatformStep | ObserveStep;

/** A parsed scenario. */
export interface Scenario {
  file: string;
  name: string;
  description?: string;
  platform: MockPlatformSpec;
  steps: Step[];
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Method → the args it takes (null: any JSON the method's own check reads). */
const METHOD_ARGS: Record<string, readonly string[]> = {
  MFCreateMediaSession: ['attributes'],
  MFCreatePresentationClock: [],
  SetTopology: ['flags', 'topology'],
  ClearTopologies: [],
  Start: ['timeFormat', 'position'],
  Pause: [],
  Stop: [],
  Close: [],
  Shutdown: [],
  Release: [],
  GetClock: [],
  GetFullTopology: ['flags', 'topoId'],
  GetSessionCapabilities: ['null'],
  GetEvent: ['flags'],
  BeginGetEvent: ['callback', 'state'],
  EndGetEvent: ['result'],
  QueueEvent: ['type', 'status'],
  SetRate: ['thin', 'rate'],
  GetRate: [],
  'Clock.GetState': [],
  'Clock.GetTime': ['null'],
  'Clock.Start': ['position'],
  'Clock.Pause': [],
  'Clock.Stop': [],
  'Clock.Shutdown': [],
  'Clock.GetProperties': [],
  'Clock.GetTimeSource': [],
  'Clock.SetTimeSource': ['source'],
  'Clock.SetRate': ['thin', 'rate'],
  'Clock.GetRate': [],
  'Clock.GetShutdownStatus': ['null'],
};

/** Method → the `result` checks it supports. */
const METHOD_RESULTS: Record<string, readonly string[]> = {
  Release: ['leak'],
  GetFullTopology: ['topology'],
  GetSessionCapabilities: ['caps'],
  GetEvent: ['event', 'status'],
  EndGetEvent: ['event', 'status'],
  GetRate: ['thin', 'rate'],
  'Clock.GetState': ['clockState'],
  'Clock.GetTime': ['timeHns', 'toleranceHns'],
  'Clock.GetRate': ['rate'],
  'Clock.GetShutdownStatus': ['shutdownStatus'],
};

const SOURCE_KNOBS: Record<string, 'number' | 'boolean' | 'hr'> = {
  durationHns: 'number',
  seekable: 'boolean',
  canPause: 'boolean',
  thinnable: 'boolean',
  live: 'boolean',
  streams: 'number',
  beginGetEventResult: 'hr',
  startResult: 'hr',
  seekResult: 'hr',
  usesNetwork: 'boolean',
  fastestRate: 'number',
  fastestReverseRate: 'number',
};
const SINK_KNOBS: Record<string, 'number' | 'boolean' | 'hr' | 'flag01'> = {
  activate: 'boolean',
  prerollCapable: 'boolean',
  rateless: 'boolean',
  finalizable: 'boolean',
  noShutdownOnRemove: 'flag01',
  rejectsInputType: 'boolean',
  offersNoTypes: 'boolean',
  hasCurrentType: 'boolean',
  fastestRate: 'number',
};
const TRANSFORM_KNOBS: Record<string, 'boolean'> = { async: 'boolean', needsConverter: 'boolean' };

const PUBLIC_STATES: readonly PublicState[] = ['fresh', 'ready', 'started', 'paused', 'stopped', 'closing', 'closed', 'shutdown'];
const CALL_NAMES = [
  'SourceStart', 'SourceStop', 'SourcePause', 'SourceBeginGetEvent', 'OnClockStart', 'OnClockStop', 'OnClockPause',
  'OnClockRestart', 'OnClockSetRate', 'NotifyPreroll', 'SinkFlush', 'SinkShutdown', 'FinalizeSink', 'MftFlush',
  'MftStartOfStream', 'MftShutdown', 'SetCurrentMediaType', 'PlaceMarker',
];

/** Parses scenario JSON text. Throws {@link ScenarioError}. */
export function parseScenario(text: string, file: string): Scenario {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ScenarioError(file, undefined, '(file)', `not valid JSON: ${(error as Error).message}`);
  }
  return parseScenarioValue(json, file);
}

/** Parses an already-decoded scenario value. Throws {@link ScenarioError}. */
export function parseScenarioValue(json: unknown, file: string): Scenario {
  const fail = (step: number | undefined, field: string, detail: string): never => {
    throw new ScenarioError(file, step, field, detail);
  };
  if (!isObject(json)) fail(undefined, '(file)', 'a scenario is a JSON object');
  const root = json as Json;
  only(root, ['name', 'description', 'platform', 'steps'], undefined, '', fail);
  if (typeof root.name !== 'string' || root.name === '') fail(undefined, 'name', 'a non-empty string is required');
  if (root.description !== undefined && typeof root.description !== 'string') fail(undefined, 'description', 'must be a string');
  const platform = parsePlatform(root.platform, fail);
  if (!Array.isArray(root.steps)) fail(undefined, 'steps', 'an array of steps is required');
  const steps = (root.steps as unknown[]).map((raw, index) => parseStep(raw, index, fail));
  steps.forEach((step, index) => {
    if (step.kind === 'call' && (step.method === 'MFCreateMediaSession' || step.method === 'MFCreatePresentationClock') && index !== 0) {
      fail(index, 'call', `${step.method} may only be the first step (the session is created before the first step)`);
    }
  });
  return { file, name: root.name as string, description: root.description as string | undefined, platform, steps };
}

type Fail = (step: number | undefined, field: string, detail: string) => never;

function only(object: Json, allowed: readonly string[], step: number | undefined, prefix: string, fail: Fail): void {
  for (const key of Object.keys(object)) {
    if (!allowed.includes(key)) fail(step, prefix + key, `unknown field (allowed: ${allowed.join(', ') || 'none'})`);
  }
}

function parsePlatform(raw: unknown, fail: Fail): MockPlatformSpec {
  if (raw === undefined) return {};
  if (!isObject(raw)) return fail(undefined, 'platform', 'must be an object');
  only(raw, ['sources', 'sinks', 'transforms', 'latencyMs'], undefined, 'platform.', fail);
  const spec: MockPlatformSpec = {};
  if (raw.latencyMs !== undefined) {
    if (typeof raw.latencyMs !== 'number' || raw.latencyMs < 0) fail(undefined, 'platform.latencyMs', 'must be a number ≥ 0');
    spec.latencyMs = raw.latencyMs as number;
  }
  const group = (name: 'sources' | 'sinks' | 'transforms', knobs: Record<string, string>) => {
    const value = raw[name];
    if (value === undefined) return undefined;
    if (!isObject(value)) return fail(undefined, `platform.${name}`, 'must be an object of id → knobs');
    const out: Record<string, Record<string, unknown>> = {};
    for (const [id, objectKnobs] of Object.entries(value)) {
      out[id] = parseKnobs(objectKnobs, knobs, undefined, `platform.${name}.${id}`, fail);
    }
    return out;
  };
  spec.sources = group('sources', SOURCE_KNOBS);
  spec.sinks = group('sinks', SINK_KNOBS);
  spec.transforms = group('transforms', TRANSFORM_KNOBS);
  return spec;
}

function parseKnobs(raw: unknown, knobs: Record<string, string>, step: number | undefined, path: string, fail: Fail): Record<string, unknown> {
  if (!isObject(raw)) return fail(step, path, 'must be an object of knobs');
  only(raw, Object.keys(knobs), step, `${path}.`, fail);
  const out: Record<string, unknown> = {};
  for (const [knob, value] of Object.entries(raw)) {
    const kind = knobs[knob];
    const field = `${path}.${knob}`;
    if (kind === 'number' && typeof value !== 'number') fail(step, field, 'must be a number');
    if (kind === 'boolean' && typeof value !== 'boolean') fail(step, field, 'must be true or false');
    if (kind === 'flag01' && value !== null && value !== 0 && value !== 1) fail(step, field, 'must be 0, 1 or null');
    if (kind === 'hr') {
      const hr = typeof value === 'string' ? parseHr(value) : undefined;
      if (hr === undefined) fail(step, field, `unknown HRESULT ${JSON.stringify(value)} (a name such as "E_FAIL" or "0x80001234")`);
      out[knob] = hr;
    } else {
      out[knob] = value;
    }
  }
  return out;
}

function parseOutcomes(raw: unknown, step: number, field: string, allowTimeout: boolean, fail: Fail): Outcomes {
  const list = Array.isArray(raw) ? raw : [raw];
  if (list.length === 0) fail(step, field, 'an empty list accepts nothing');
  const outcomes: Outcomes = { hrs: [], timeout: false, text: [] };
  for (const item of list) {
    if (item === 'TIMEOUT' && allowTimeout) {
      outcomes.timeout = true;
      outcomes.text.push('TIMEOUT');
      continue;
    }
    const hr = typeof item === 'string' ? parseHr(item) : undefined;
    if (hr === undefined) fail(step, field, `unknown HRESULT ${JSON.stringify(item)} (a name such as "MF_E_SHUTDOWN" or "0x80001234"${allowTimeout ? ', or "TIMEOUT"' : ''})`);
    outcomes.hrs.push(hr as HResult);
    outcomes.text.push(item as string);
  }
  return outcomes;
}

function parseStep(raw: unknown, index: number, fail: Fail): Step {
  if (!isObject(raw)) return fail(index, '(step)', 'a step is a JSON object');
  const kinds = ['call', 'wait', 'platform', 'observe'].filter((key) => key in raw);
  if (kinds.length !== 1) return fail(index, '(step)', 'a step has exactly one of "call", "wait", "platform", "observe"');
  switch (kinds[0]) {
    case 'call':
      return parseCall(raw, index, fail);
    case 'wait':
      return parseWait(raw, index, fail);
    case 'platform':
      return parsePlatformStep(raw, index, fail);
    default:
      return parseObserve(raw, index, fail);
  }
}

function parseCall(raw: Json, index: number, fail: Fail): CallStep {
  only(raw, ['call', 'args', 'expect', 'result', 'note'], index, '', fail);
  const method = raw.call;
  if (typeof method !== 'string' || !(method in METHOD_ARGS)) {
    return fail(index, 'call', `unknown method ${JSON.stringify(method)} (known: ${Object.keys(METHOD_ARGS).join(', ')})`);
  }
  const args = raw.args === undefined ? {} : raw.args;
  if (!isObject(args)) return fail(index, 'args', 'must be an object');
  only(args, METHOD_ARGS[method], index, 'args.', fail);
  checkArgs(method, args, index, fail);
  const step: CallStep = { kind: 'call', index, method, args };
  if (raw.expect !== undefined) step.expect = parseOutcomes(raw.expect, index, 'expect', false, fail);
  if (raw.result !== undefined) {
    if (!isObject(raw.result)) return fail(index, 'result', 'must be an object');
    const allowed = METHOD_RESULTS[method] ?? [];
    if (allowed.length === 0) fail(index, 'result', `${method} has no result to check`);
    only(raw.result, allowed, index, 'result.', fail);
    checkResult(method, raw.result, index, fail);
    step.result = raw.result;
  }
  return step;
}

function checkPosition(value: unknown, index: number, field: string, fail: Fail): void {
  if (value === null) return;
  if (!isObject(value)) return fail(index, field, 'must be null, {"vt":"VT_EMPTY"} or {"vt":"VT_I8","value":<hns>}');
  if (value.vt === 'VT_EMPTY') return only(value, ['vt'], index, `${field}.`, fail);
  if (value.vt === 'VT_I8') {
    only(value, ['vt', 'value'], index, `${field}.`, fail);
    if (typeof value.value !== 'number' || !Number.isInteger(value.value)) fail(index, `${field}.value`, 'must be an integer (100-ns units)');
    return;
  }
  fail(index, `${field}.vt`, 'must be "VT_EMPTY" or "VT_I8"');
}

function checkArgs(method: string, args: Json, index: number, fail: Fail): void {
  const bool = (key: string) => args[key] !== undefined && typeof args[key] !== 'boolean' && fail(index, `args.${key}`, 'must be true or false');
  const num = (key: string) => args[key] !== undefined && typeof args[key] !== 'number' && fail(index, `args.${key}`, 'must be a number');
  switch (method) {
    case 'MFCreateMediaSession': {
      if (args.attributes === undefined) return;
      if (!isObject(args.attributes)) return fail(index, 'args.attributes', 'must be an object');
      only(args.attributes, ['MF_SESSION_TOPOLOADER', 'MF_SESSION_QUALITY_MANAGER', 'MF_SESSION_GLOBAL_TIME', 'MF_LOW_LATENCY'], index, 'args.attributes.', fail);
      for (const key of ['MF_SESSION_TOPOLOADER', 'MF_SESSION_QUALITY_MANAGER']) {
        const value = args.attributes[key];
        if (value !== undefined && (typeof value !== 'string' || !/^(GUID_NULL|\{[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\})$/.test(value))) {
          fail(index, `args.attributes.${key}`, 'must be a CLSID "{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}" or "GUID_NULL"');
        }
      }
      for (const key of ['MF_SESSION_GLOBAL_TIME', 'MF_LOW_LATENCY']) {
        if (args.attributes[key] !== undefined && typeof args.attributes[key] !== 'boolean') fail(index, `args.attributes.${key}`, 'must be true or false');
      }
      return;
    }
    case 'SetTopology': {
      const flags = args.flags ?? [];
      if (!Array.isArray(flags) || flags.some((flag) => !(typeof flag === 'string' && flag in SETTOPOLOGY))) {
        fail(index, 'args.flags', 'must be an array of "IMMEDIATE", "NORESOLUTION", "CLEAR_CURRENT"');
      }
      if (args.topology !== undefined && args.topology !== null) parseTopology(args.topology, index, fail);
      return;
    }
    case 'Start':
      if (args.timeFormat !== undefined && args.timeFormat !== null && args.timeFormat !== 'GUID_NULL') fail(index, 'args.timeFormat', 'must be "GUID_NULL" or null');
      if (args.position !== undefined) checkPosition(args.position, index, 'args.position', fail);
      return;
    case 'Clock.Start':
      if (args.position !== undefined) checkPosition(args.position, index, 'args.position', fail);
      return;
    case 'GetFullTopology': {
      const flags = args.flags ?? [];
      if (!Array.isArray(flags) || flags.some((flag) => flag !== 'CURRENT')) fail(index, 'args.flags', 'must be ["CURRENT"] or []');
      num('topoId');
      return;
    }
    case 'GetEvent': {
      const flags = args.flags ?? [];
      if (!Array.isArray(flags) || flags.some((flag) => flag !== 'NO_WAIT')) fail(index, 'args.flags', 'must be ["NO_WAIT"] or []');
      return;
    }
    case 'BeginGetEvent':
      for (const key of ['callback', 'state']) {
        if (args[key] !== undefined && args[key] !== null && typeof args[key] !== 'string') fail(index, `args.${key}`, 'must be a name or null');
      }
      return;
    case 'EndGetEvent':
      if (args.result !== undefined && args.result !== 'pending' && args.result !== 'foreign') fail(index, 'args.result', 'must be "pending" or "foreign"');
      return;
    case 'QueueEvent':
      if (typeof args.type !== 'string' || eventType(args.type) === undefined) fail(index, 'args.type', `unknown event type ${JSON.stringify(args.type)}`);
      if (args.status !== undefined && (typeof args.status !== 'string' || parseHr(args.status) === undefined)) fail(index, 'args.status', `unknown HRESULT ${JSON.stringify(args.status)}`);
      return;
    case 'SetRate':
    case 'Clock.SetRate':
      bool('thin');
      num('rate');
      return;
    case 'Clock.SetTimeSource':
      if (args.source !== undefined && args.source !== 'system') fail(index, 'args.source', 'must be "system"');
      return;
    case 'GetSessionCapabilities':
    case 'Clock.GetTime':
    case 'Clock.GetShutdownStatus':
      bool('null');
      return;
  }
}

function checkResult(method: string, result: Json, index: number, fail: Fail): void {
  const field = (key: string) => `result.${key}`;
  if ('leak' in result && typeof result.leak !== 'boolean') fail(index, field('leak'), 'must be true or false');
  if ('topology' in result && !['null', 'current', 'queued'].includes(result.topology as string)) fail(index, field('topology'), 'must be "null", "current" or "queued"');
  if ('caps' in result) {
    const caps = result.caps;
    if (!isObject(caps)) return fail(index, field('caps'), 'must be {"has": [...], "lacks": [...]}');
    only(caps, ['has', 'lacks'], index, 'result.caps.', fail);
    for (const key of ['has', 'lacks']) {
      const list = caps[key];
      if (list !== undefined && (!Array.isArray(list) || list.some((name) => !(typeof name === 'string' && name in SESSIONCAP)))) {
        fail(index, `result.caps.${key}`, `must list capability names: ${Object.keys(SESSIONCAP).join(', ')}`);
      }
    }
  }
  if ('event' in result && (typeof result.event !== 'string' || eventType(result.event) === undefined)) fail(index, field('event'), `unknown event type ${JSON.stringify(result.event)}`);
  if ('status' in result) parseOutcomes(result.status, index, field('status'), false, fail);
  if ('thin' in result && typeof result.thin !== 'boolean') fail(index, field('thin'), 'must be true or false');
  for (const key of ['rate', 'timeHns', 'toleranceHns']) if (key in result && typeof result[key] !== 'number') fail(index, field(key), 'must be a number');
  if ('clockState' in result && !['INVALID', 'RUNNING', 'STOPPED', 'PAUSED'].includes(result.clockState as string)) fail(index, field('clockState'), 'must be INVALID, RUNNING, STOPPED or PAUSED');
  if ('shutdownStatus' in result && !['INITIATED', 'COMPLETED'].includes(result.shutdownStatus as string)) fail(index, field('shutdownStatus'), 'must be INITIATED or COMPLETED');
  if (method === 'Clock.GetTime' && 'toleranceHns' in result && !('timeHns' in result)) fail(index, field('toleranceHns'), 'goes with timeHns');
}

/** Validates a topology; throws through `fail` with `args.topology...` field paths. */
export function parseTopology(raw: unknown, index: number, fail: Fail): TopologySpec {
  const path = 'args.topology';
  if (!isObject(raw)) return fail(index, path, 'must be an object or null');
  only(raw, ['nodes', 'links', 'resolved', 'topoId'], index, `${path}.`, fail);
  if (!Array.isArray(raw.nodes)) return fail(index, `${path}.nodes`, 'must be an array');
  const ids = new Set<string>();
  const nodes = raw.nodes.map((node: unknown, n: number): TopologyNodeSpec => {
    const at = `${path}.nodes[${n}]`;
    if (!isObject(node)) return fail(index, at, 'must be an object');
    if (typeof node.id !== 'string' || node.id === '') fail(index, `${at}.id`, 'must be a non-empty string');
    if (ids.has(node.id as string)) fail(index, `${at}.id`, `duplicate node id ${JSON.stringify(node.id)}`);
    ids.add(node.id as string);
    switch (node.type) {
      case 'source': {
        only(node, ['id', 'type', 'source', 'stream', 'selected', 'missing'], index, `${at}.`, fail);
        if (typeof node.source !== 'string') fail(index, `${at}.source`, 'must name a source');
        if (node.stream !== undefined && (typeof node.stream !== 'number' || !Number.isInteger(node.stream) || node.stream < 0)) fail(index, `${at}.stream`, 'must be a stream index ≥ 0');
        if (node.selected !== undefined && typeof node.selected !== 'boolean') fail(index, `${at}.selected`, 'must be true or false');
        const allowed = ['MF_TOPONODE_SOURCE', 'MF_TOPONODE_PRESENTATION_DESCRIPTOR', 'MF_TOPONODE_STREAM_DESCRIPTOR'];
        if (node.missing !== undefined && (!Array.isArray(node.missing) || node.missing.some((name) => !allowed.includes(name as string)))) {
          fail(index, `${at}.missing`, `must list attributes among ${allowed.join(', ')}`);
        }
        return node as unknown as TopologyNodeSpec;
      }
      case 'transform':
        only(node, ['id', 'type', 'transform'], index, `${at}.`, fail);
        if (typeof node.transform !== 'string') fail(index, `${at}.transform`, 'must name a transform');
        return node as unknown as TopologyNodeSpec;
      case 'output':
        only(node, ['id', 'type', 'sink'], index, `${at}.`, fail);
        if (node.sink !== null && typeof node.sink !== 'string') fail(index, `${at}.sink`, 'must name a sink or be null');
        return node as unknown as TopologyNodeSpec;
      case 'tee':
        only(node, ['id', 'type'], index, `${at}.`, fail);
        return node as unknown as TopologyNodeSpec;
      default:
        return fail(index, `${at}.type`, 'must be "source", "transform", "output" or "tee"');
    }
  });
  const links = raw.links ?? [];
  if (!Array.isArray(links)) return fail(index, `${path}.links`, 'must be an array of [from, to] pairs');
  links.forEach((link, n) => {
    if (!Array.isArray(link) || link.length !== 2 || link.some((id) => typeof id !== 'string')) fail(index, `${path}.links[${n}]`, 'must be a [from, to] pair of node ids');
    for (const id of link as string[]) if (!ids.has(id)) fail(index, `${path}.links[${n}]`, `names no node ${JSON.stringify(id)}`);
  });
  if (raw.resolved !== undefined && typeof raw.resolved !== 'boolean') fail(index, `${path}.resolved`, 'must be true or false');
  if (raw.topoId !== undefined && (typeof raw.topoId !== 'number' || !Number.isInteger(raw.topoId))) fail(index, `${path}.topoId`, 'must be an integer');
  return { nodes, links: links as [string, string][], resolved: raw.resolved as boolean | undefined, topoId: raw.topoId as number | undefined };
}

function parseWait(raw: Json, index: number, fail: Fail): WaitStep {
  only(raw, ['wait', 'status', 'timeoutMs', 'value', 'attributes', 'note'], index, '', fail);
  const type = typeof raw.wait === 'string' ? eventType(raw.wait) : undefined;
  if (type === undefined) return fail(index, 'wait', `unknown event type ${JSON.stringify(raw.wait)}`);
  const step: WaitStep = { kind: 'wait', index, event: raw.wait as string, type, timeoutMs: 5000 };
  if (raw.status !== undefined) step.status = parseOutcomes(raw.status, index, 'status', true, fail);
  if (raw.timeoutMs !== undefined) {
    if (typeof raw.timeoutMs !== 'number' || raw.timeoutMs < 0) fail(index, 'timeoutMs', 'must be a number ≥ 0');
    step.timeoutMs = raw.timeoutMs as number;
  }
  if (raw.value !== undefined) {
    const value = raw.value;
    const ok =
      value === 'VT_EMPTY' ||
      value === 'same-topology' ||
      value === 'other-topology' ||
      (isObject(value) && Object.keys(value).length === 1 && typeof value.VT_R4 === 'number');
    if (!ok) fail(index, 'value', 'must be "VT_EMPTY", "same-topology", "other-topology" or {"VT_R4": n}');
    step.value = value;
  }
  if (raw.attributes !== undefined) {
    if (!isObject(raw.attributes) || Object.values(raw.attributes).some((v) => typeof v !== 'number')) fail(index, 'attributes', 'must be an object of attribute name → number');
    step.attributes = raw.attributes as Record<string, number>;
  }
  return step;
}

function parsePlatformStep(raw: Json, index: number, fail: Fail): PlatformStep {
  const action = raw.platform;
  const need = (key: string, kind: 'string' | 'number') => typeof raw[key] !== kind && fail(index, key, `must be a ${kind}`);
  switch (action) {
    case 'shutdownSource':
      only(raw, ['platform', 'source', 'note'], index, '', fail);
      need('source', 'string');
      return { kind: 'platform', index, action, source: raw.source as string };
    case 'endOfStream':
      only(raw, ['platform', 'source', 'stream', 'note'], index, '', fail);
      need('source', 'string');
      if (raw.stream !== undefined) need('stream', 'number');
      return { kind: 'platform', index, action, source: raw.source as string, stream: (raw.stream as number | undefined) ?? 0 };
    case 'advanceClock':
      only(raw, ['platform', 'hns', 'note'], index, '', fail);
      need('hns', 'number');
      if ((raw.hns as number) < 0) fail(index, 'hns', 'time only moves forward');
      return { kind: 'platform', index, action, hns: raw.hns as number };
    case 'requestSample':
      only(raw, ['platform', 'sink', 'note'], index, '', fail);
      need('sink', 'string');
      return { kind: 'platform', index, action, sink: raw.sink as string };
    case 'configure': {
      only(raw, ['platform', 'source', 'sink', 'transform', 'set', 'note'], index, '', fail);
      const targets = ['source', 'sink', 'transform'].filter((key) => raw[key] !== undefined);
      if (targets.length !== 1) fail(index, 'platform', 'configure names exactly one of "source", "sink", "transform"');
      const target = targets[0] as 'source' | 'sink' | 'transform';
      need(target, 'string');
      const knobs = target === 'source' ? SOURCE_KNOBS : target === 'sink' ? SINK_KNOBS : TRANSFORM_KNOBS;
      const set = parseKnobs(raw.set, knobs, index, 'set', fail);
      return { kind: 'platform', index, action, [target]: raw[target] as string, set };
    }
    default:
      return fail(index, 'platform', `unknown platform action ${JSON.stringify(action)} (shutdownSource, endOfStream, advanceClock, requestSample, configure)`);
  }
}

function parseObserve(raw: Json, index: number, fail: Fail): ObserveStep {
  const what = raw.observe;
  switch (what) {
    case 'sinkShutdown':
    case 'sourceShutdown':
    case 'transformShutdown': {
      const key = what === 'sinkShutdown' ? 'sink' : what === 'sourceShutdown' ? 'source' : 'transform';
      only(raw, ['observe', key, 'expect', 'note'], index, '', fail);
      if (typeof raw[key] !== 'string') fail(index, key, 'must name the object');
      if (typeof raw.expect !== 'boolean') fail(index, 'expect', 'must be true or false');
      return { kind: 'observe', index, what, object: raw[key] as string, expect: raw.expect };
    }
    case 'calls': {
      only(raw, ['observe', 'expect', 'match', 'only', 'reset', 'note'], index, '', fail);
      if (raw.reset === true) {
        if (raw.expect !== undefined) fail(index, 'reset', 'a reset observation checks nothing; drop "expect"');
        return { kind: 'observe', index, what, reset: true };
      }
      if (raw.reset !== undefined && raw.reset !== false) fail(index, 'reset', 'must be true or false');
      const names = (key: string, value: unknown) => {
        if (!Array.isArray(value) || value.some((name) => !CALL_NAMES.includes(name as string))) {
          fail(index, key, `must list call names among ${CALL_NAMES.join(', ')}`);
        }
      };
      names('expect', raw.expect);
      if (raw.only !== undefined) names('only', raw.only);
      const match = raw.match ?? 'exact';
      if (!['exact', 'subsequence', 'includes'].includes(match as string)) fail(index, 'match', 'must be "exact", "subsequence" or "includes"');
      return { kind: 'observe', index, what, expect: raw.expect, match: match as ObserveStep['match'], only: raw.only as string[] | undefined };
    }
    case 'samples':
      only(raw, ['observe', 'sink', 'atLeast', 'note'], index, '', fail);
      if (typeof raw.sink !== 'string') fail(index, 'sink', 'must name the sink');
      if (typeof raw.atLeast !== 'number') fail(index, 'atLeast', 'must be a number');
      return { kind: 'observe', index, what, object: raw.sink as string, atLeast: raw.atLeast as number };
    case 'clockTime':
      only(raw, ['observe', 'expectHns', 'toleranceHns', 'note'], index, '', fail);
      if (typeof raw.expectHns !== 'number') fail(index, 'expectHns', 'must be a number');
      if (raw.toleranceHns !== undefined && typeof raw.toleranceHns !== 'number') fail(index, 'toleranceHns', 'must be a number');
      return { kind: 'observe', index, what, expectHns: raw.expectHns as number, toleranceHns: (raw.toleranceHns as number | undefined) ?? 0 };
    case 'state':
      only(raw, ['observe', 'expect', 'note'], index, '', fail);
      if (!PUBLIC_STATES.includes(raw.expect as PublicState)) fail(index, 'expect', `must be a public state: ${PUBLIC_STATES.join(', ')}`);
      return { kind: 'observe', index, what, expect: raw.expect };
    default:
      return fail(index, 'observe', `unknown observation ${JSON.stringify(what)} (sinkShutdown, sourceShutdown, transformShutdown, calls, samples, clockTime, state)`);
  }
}

/** A Start position as the model takes it. */
export function toStartPosition(value: unknown): StartPosition {
  if (value === null) return null;
  if (value === undefined) return { vt: 'VT_EMPTY' };
  const position = value as { vt: string; value?: number };
  return position.vt === 'VT_I8' ? { vt: 'VT_I8', value: position.value ?? 0 } : { vt: 'VT_EMPTY' };
}
