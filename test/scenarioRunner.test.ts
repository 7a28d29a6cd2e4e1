import { describe, expect, it } from 'vitest';
import { parseScenarioValue } from '../verify/scenario/parseScenario.js';
import { runScenario } from '../verify/scenario/runScenario.js';

const run = (value: object) => runScenario(parseScenarioValue(value, 'test.json'));
const topology = { nodes: [{ id: 's', type: 'source', source: 'src' }, { id: 'o', type: 'output', sink: 'out' }], links: [['s', 'o']] };

describe('the scenario runner', () => {
  it('reports a wrong expectation with what was expected and what happened', async () => {
    const result = await run({ name: 'n', steps: [{ call: 'Stop' }, { wait: 'MESessionStopped', status: 'S_OK' }] });
    expect(result.pass).toBe(false);
    expect(result.steps[1]).toMatchObject({ pass: false, expected: { status: 'S_OK' }, actual: { status: 'MF_E_INVALIDREQUEST (0xC00D36B2)' } });
  });

  it('keeps running the steps after a failing one', async () => {
    const result = await run({
      name: 'n',
      steps: [{ call: 'Stop', expect: 'E_FAIL' }, { call: 'Shutdown', expect: 'S_OK' }, { call: 'Shutdown', expect: 'MF_E_SHUTDOWN' }],
    });
    expect(result.steps.map((step) => step.pass)).toEqual([false, true, true]);
  });

  it('passes a wait that lists TIMEOUT when no such event comes, on simulated time', async () => {
    const result = await run({ name: 'n', steps: [{ wait: 'MESessionStarted', status: 'TIMEOUT', timeoutMs: 60_000 }] });
    expect(result.pass).toBe(true);
  });

  it('fails a wait while the scenario\'s own BeginGetEvent is pending, saying so', async () => {
    const result = await run({ name: 'n', steps: [{ call: 'BeginGetEvent', args: { callback: 'mine' } }, { wait: 'MESessionStopped' }] });
    expect(result.steps[1].pass).toBe(false);
    expect(result.steps[1].message).toMatch(/own BeginGetEvent.*"mine"/);
  });

  it('skips events of other types while waiting, as Windows tests do', async () => {
    const result = await run({
      name: 'n',
      steps: [
        { call: 'SetTopology', args: { topology } },
        { call: 'Start' },
        { wait: 'MESessionStarted', status: 'S_OK' },
        { call: 'GetEvent', args: { flags: ['NO_WAIT'] }, expect: 'MF_E_NO_EVENTS_AVAILABLE' },
      ],
    });
    expect(result.pass).toBe(true);
  });

  it('observes pipeline calls since the previous observation', async () => {
    const result = await run({
      name: 'n',
      steps: [
        { call: 'SetTopology', args: { topology } },
        { wait: 'MESessionTopologyStatus' },
        { observe: 'calls', reset: true },
        { call: 'Start' },
        { wait: 'MESessionStarted' },
        { observe: 'calls', expect: ['SourceBeginGetEvent', 'SourceStart', 'SourceBeginGetEvent', 'OnClockStart'] },
        { observe: 'calls', expect: [] },
      ],
    });
    expect(result.steps.filter((step) => !step.pass)).toEqual([]);
  });

  it('plays the same scenario to the same result twice (simulated time)', async () => {
    const scenario = {
      name: 'n',
      steps: [
        { call: 'SetTopology', args: { topology } },
        { call: 'Start' },
        { call: 'Pause' },
        { call: 'Stop' },
        { wait: 'MESessionStopped' },
        { observe: 'clockTime', expectHns: 0 },
      ],
    };
    expect(await run(scenario)).toEqual(await run(scenario));
  });
});
