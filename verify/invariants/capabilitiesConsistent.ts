/**
 * MFSESSIONCAP_* agree with the session state: PAUSE only while started; no START or SEEK once a
 * Close succeeded (until a topology is made current again); and the value GetSessionCapabilities
 * reports is the one the last MESessionCapabilitiesChanged announced, with a delta that matches.
 * @module
 */
import { SESSIONCAP } from '../../machines/constants.js';
import { ME } from '../../machines/mediaEventType.js';
import type { Invariant } from './invariant.js';

/** Spec §6.2 (lifecycle of caps). */
export const capabilitiesConsistent: Invariant = {
  name: 'capabilities-consistent',
  source: 'spec §6.2 (S:1252-1263, 1284, 1292, 687-705); docs/decisions.md rows 24b, 25',
  description: 'caps agree with the state: PAUSE only when started, no START/SEEK after a successful Close, changes announced',
  check({ from, step, to }) {
    const caps = to.context.caps;
    if ((caps & SESSIONCAP.PAUSE) !== 0 && to.context.settled !== 'started') {
      return `PAUSE capability while ${to.context.settled}`;
    }
    const closedOk = step.events.findIndex((event) => event.type === ME.MESessionClosed && event.status === 0);
    const lastChange = step.events.map((event) => event.type).lastIndexOf(ME.MESessionCapabilitiesChanged);
    if (closedOk >= 0 && lastChange <= closedOk && (caps & (SESSIONCAP.START | SESSIONCAP.SEEK)) !== 0) {
      return `caps 0x${caps.toString(16)} keep START/SEEK after MESessionClosed(S_OK)`;
    }
    const announced = lastChange >= 0 ? step.events[lastChange].caps : undefined;
    if (announced !== undefined && announced !== caps) return `MESessionCapabilitiesChanged announced 0x${announced.toString(16)}, caps are 0x${caps.toString(16)}`;
    if (lastChange < 0 && caps !== from.context.caps && to.path !== 'shutdown') {
      return `caps changed 0x${from.context.caps.toString(16)} → 0x${caps.toString(16)} without MESessionCapabilitiesChanged`;
    }
    return undefined;
  },
};
