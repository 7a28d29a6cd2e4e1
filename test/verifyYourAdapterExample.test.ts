import { expect, it } from 'vitest';
import { verifyMyPlatform } from '../examples/verifyYourAdapter.js';
import { isCall } from '../verify/sut/sutActions.js';
import { parseScenarioValue } from '../verify/scenario/parseScenario.js';
import { runScenario } from '../verify/scenario/runScenario.js';

it('finds the worked example\'s close bug, shrinks it to SetTopology, Start, Close, and writes a scenario the model passes', async () => {
  const { result, scenario } = await verifyMyPlatform(7);
  const ce = result.counterexample!;
  expect(ce, 'the bug was not found').toBeDefined();
  expect(ce.ordering.filter(isCall).map((action) => action.call)).toEqual(['SetTopology', 'Start', 'Close']);
  expect(ce.divergence.kind).toBe('event');
  const replay = await runScenario(parseScenarioValue(scenario, 'counterexample.json'));
  expect(replay.pass).toBe(true);
});
