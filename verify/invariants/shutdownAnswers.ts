/**
 * After Shutdown every call answers MF_E_SHUTDOWN, except that argument checks come first (Start
 * with a NULL position → E_POINTER, GetSessionCapabilities(NULL) → E_POINTER, BeginGetEvent(NULL)
 * → E_INVALIDARG, an invalid topology → its MF_E_TOPO_* code); the first Shutdown answers S_OK.
 * @module
 */
import { HR, formatHr } from '../../machines/hresult.js';
import { isShutDown, type Invariant } from './invariant.js';

/** Spec §2.7 (and §1.3, §2.0 row SD). */
export const shutdownAnswers: Invariant = {
  name: 'shutdown-answers',
  source: 'spec §2.7 "Shutdown()", §2.0 row SD; T:3446-3475, P:4785-4814',
  description: 'after Shutdown every call returns MF_E_SHUTDOWN except the argument checks, which answer first; the first Shutdown returns S_OK',
  check({ from, input, step }) {
    if (input.kind !== 'call' || step.reply === undefined) return undefined;
    if (input.argumentCheck !== undefined && step.reply !== input.argumentCheck) {
      return `${input.label} returned ${formatHr(step.reply)}; its argument check answers ${formatHr(input.argumentCheck)} in every state`;
    }
    if (!isShutDown(from)) {
      if (input.method === 'Shutdown' && step.reply !== HR.S_OK) return `the first Shutdown returned ${formatHr(step.reply)}, not S_OK`;
      return undefined;
    }
    const expected = input.argumentCheck ?? HR.MF_E_SHUTDOWN;
    return step.reply === expected ? undefined : `${input.label} after Shutdown returned ${formatHr(step.reply)}, expected ${formatHr(expected)}`;
  },
};
