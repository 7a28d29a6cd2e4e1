import { expect, it } from 'vitest';
import { frontierOrderings } from '../verify/conformance/frontierOrderings.js';
import { modelSut } from '../verify/sut/modelSut.js';
import { applyAction } from '../verify/sut/SessionUnderTest.js';

it('the frontier orderings, played on the model, visit every public state', () => {
  const visited = new Set<string>();
  const factory = modelSut();
  for (const ordering of frontierOrderings({ depth: 6 })) {
    const sut = factory.create();
    for (const action of ordering) {
      applyAction(sut, action);
      visited.add(sut.state);
    }
    sut.dispose();
  }
  expect([...visited].sort()).toEqual(['closed', 'closing', 'fresh', 'paused', 'ready', 'shutdown', 'started', 'stopped']);
});

it('leaves source deaths and stream ends out for a platform that cannot make them', () => {
  const actions = frontierOrderings({ depth: 6, sourceEvents: false }).flat();
  expect(actions.some((action) => 'platform' in action && action.platform !== 'advanceClock')).toBe(false);
  const withEvents = frontierOrderings({ depth: 6 }).flat();
  expect(withEvents.some((action) => 'platform' in action && action.platform === 'shutdownSource')).toBe(true);
});
