import { expect, it } from 'vitest';
import { quickstart } from '../examples/quickstart.js';

it('runs the README quickstart with the answers the README shows', () => {
  expect(quickstart()).toEqual([
    'SetTopology: S_OK (0x00000000)',
    'Start: S_OK (0x00000000)',
    'state: "started"',
    'Stop: S_OK (0x00000000)',
    'Shutdown: S_OK (0x00000000)',
    'Stop after Shutdown: MF_E_SHUTDOWN (0xC00D3E85)',
    'Release: {"leak":false}',
  ]);
});
