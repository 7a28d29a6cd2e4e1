import { describe, expect, it } from 'vitest';
import { parseScenario, ScenarioError } from '../verify/scenario/parseScenario.js';
import { HR } from '../machines/hresult.js';

const parse = (value: unknown) => parseScenario(JSON.stringify(value), 'x.json');
const errorOf = (value: unknown): ScenarioError => {
  try {
    parse(value);
  } catch (error) {
    if (error instanceof ScenarioError) return error;
    throw error;
  }
  throw new Error('expected a ScenarioError');
};

describe('scenario files', () => {
  it('reads every step kind with its fields', () => {
    const scenario = parse({
      name: 'n',
      platform: { sources: { s: { seekable: false, startResult: 'E_NOTIMPL' } }, sinks: { k: { prerollCapable: true } }, latencyMs: 2 },
      steps: [
        { call: 'Start', args: { position: { vt: 'VT_I8', value: 10 } }, expect: ['S_OK', '0x80001234'] },
        { wait: 'MESessionStarted', status: ['S_OK', 'TIMEOUT'], timeoutMs: 100, value: 'VT_EMPTY' },
        { platform: 'advanceClock', hns: 5 },
        { observe: 'calls', expect: ['SourceStart'], match: 'subsequence', only: ['SourceStart'] },
      ],
    });
    expect(scenario.platform.sources!.s).toEqual({ seekable: false, startResult: HR.E_NOTIMPL });
    expect(scenario.steps[0]).toMatchObject({ kind: 'call', method: 'Start', expect: { hrs: [HR.S_OK, 0x80001234], timeout: false } });
    expect(scenario.steps[1]).toMatchObject({ kind: 'wait', type: 103, timeoutMs: 100, status: { timeout: true } });
    expect(scenario.steps[3]).toMatchObject({ kind: 'observe', what: 'calls', match: 'subsequence' });
  });

  it('rejects an unknown top-level field, naming it', () => {
    const error = errorOf({ name: 'n', steps: [], extra: 1 });
    expect(error.field).toBe('extra');
    expect(error.message).toContain('x.json');
  });

  it('rejects an unknown method with the step index and field', () => {
    const error = errorOf({ name: 'n', steps: [{ call: 'Stop' }, { call: 'Strat' }] });
    expect([error.step, error.field]).toEqual([1, 'call']);
  });

  it('rejects a misspelt argument of a known method', () => {
    const error = errorOf({ name: 'n', steps: [{ call: 'Start', args: { positon: null } }] });
    expect([error.step, error.field]).toEqual([0, 'args.positon']);
  });

  it('rejects an HRESULT name that does not exist', () => {
    const error = errorOf({ name: 'n', steps: [{ call: 'Stop', expect: 'MF_E_SHUTDOWNN' }] });
    expect([error.step, error.field]).toEqual([0, 'expect']);
  });

  it('rejects a topology link to a node that does not exist', () => {
    const error = errorOf({
      name: 'n',
      steps: [{ call: 'SetTopology', args: { topology: { nodes: [{ id: 'a', type: 'output', sink: 'k' }], links: [['a', 'b']] } } }],
    });
    expect(error.field).toBe('args.topology.links[0]');
  });

  it('rejects a source knob of the wrong type', () => {
    const error = errorOf({ name: 'n', platform: { sources: { s: { seekable: 'yes' } } }, steps: [] });
    expect(error.field).toBe('platform.sources.s.seekable');
  });

  it('rejects MFCreateMediaSession anywhere but the first step', () => {
    const error = errorOf({ name: 'n', steps: [{ call: 'Stop' }, { call: 'MFCreateMediaSession' }] });
    expect(error.step).toBe(1);
  });

  it('rejects a result check the method does not have', () => {
    const error = errorOf({ name: 'n', steps: [{ call: 'Stop', result: { caps: {} } }] });
    expect(error.field).toBe('result');
  });

  it('rejects invalid JSON with the file name', () => {
    expect(() => parseScenario('{', 'broken.json')).toThrow(/broken\.json/);
  });
});
