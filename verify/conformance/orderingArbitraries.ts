/**
 * fast-check arbitraries of ordering actions over {@link DEFAULT_PLATFORM}'s objects: every control
 * method with representative arguments (valid, unresolvable, invalid and NULL topologies, flag sets,
 * VT_EMPTY / NULL / VT_I8 positions, supported and unsupported rates), the getters, and the outside
 * world (time passing by less than, about, and more than a pipeline step; a source dying; end of stream).
 * @module
 */
import fc from 'fast-check';
import type { SetTopologyFlag } from '../../machines/constants.js';
import type { TopologySpec } from '../../machines/types.js';
import type { SutCall, SutPlatformAction } from '../sut/sutActions.js';

const topology = (source: string, sink: string | null, missing?: 'MF_TOPONODE_SOURCE'): TopologySpec => ({
  nodes: [missing ? { id: 'src', type: 'source', source, missing: [missing] } : { id: 'src', type: 'source', source }, { id: 'out', type: 'output', sink }],
  links: [['src', 'out']],
});

/** Topologies: two playable ones, a cross one, NULL, one that fails to resolve, one the argument check rejects. */
export const TOPOLOGIES: readonly (TopologySpec | null)[] = [topology('s1', 'k1'), topology('s2', 'k2'), topology('s1', 'k2'), null, topology('s1', null), topology('s1', 'k1', 'MF_TOPONODE_SOURCE')];

const flags = fc.constantFrom<SetTopologyFlag[]>([], [], [], ['IMMEDIATE'], ['NORESOLUTION'], ['CLEAR_CURRENT']);

/** Method calls, weighted towards the control methods. */
export const callArb: fc.Arbitrary<SutCall> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ call: fc.constant('SetTopology' as const), args: fc.record({ flags, topology: fc.constantFrom(...TOPOLOGIES) }) }) },
  { weight: 1, arbitrary: fc.constant({ call: 'ClearTopologies' as const }) },
  {
    weight: 5,
    arbitrary: fc.record({
      call: fc.constant('Start' as const),
      args: fc.record({ position: fc.constantFrom({ vt: 'VT_EMPTY' as const }, { vt: 'VT_EMPTY' as const }, null, { vt: 'VT_I8' as const, value: 0 }, { vt: 'VT_I8' as const, value: 10_000_000 }) }),
    }),
  },
  { weight: 3, arbitrary: fc.constant({ call: 'Pause' as const }) },
  { weight: 3, arbitrary: fc.constant({ call: 'Stop' as const }) },
  { weight: 2, arbitrary: fc.constant({ call: 'Close' as const }) },
  { weight: 2, arbitrary: fc.constant({ call: 'Shutdown' as const }) },
  { weight: 1, arbitrary: fc.record({ call: fc.constant('SetRate' as const), args: fc.record({ thin: fc.boolean(), rate: fc.constantFrom(0, 0.5, 1, 2, 3, -1) }) }) },
  {
    weight: 2,
    arbitrary: fc.oneof(
      fc.constant({ call: 'GetRate' as const }),
      fc.constant({ call: 'GetClock' as const }),
      fc.constant({ call: 'GetSessionCapabilities' as const }),
      fc.record({ call: fc.constant('GetFullTopology' as const), args: fc.record({ flags: fc.constantFrom<'CURRENT'[]>([], ['CURRENT']) }) }),
    ),
  },
);

/** Time passing: less than one pipeline step (1 ms on the mock), about one, and a whole run. */
export const advanceArb: fc.Arbitrary<SutPlatformAction> = fc.record({
  platform: fc.constant('advanceClock' as const),
  hns: fc.constantFrom(5_000, 10_000, 10_000, 20_000, 50_000, 100_000_000),
});

/** A source dying from outside, or its stream ending. */
export const sourceEventArb: fc.Arbitrary<SutPlatformAction> = fc.oneof(
  fc.record({ platform: fc.constant('shutdownSource' as const), source: fc.constantFrom('s1', 's2') }),
  fc.record({ platform: fc.constant('endOfStream' as const), source: fc.constantFrom('s1', 's2'), stream: fc.constant(0) }),
);
