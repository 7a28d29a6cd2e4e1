/**
 * MFSESSIONCAP_* bookkeeping (spec §6.2): what a topology allows when it becomes current, and
 * what each settled state adds or removes.
 * @module
 */
import { MEDIASINK, MEDIASOURCE, SESSIONCAP } from './constants.js';
import type { SessionTopology } from './types.js';

/** The capabilities a topology grants the moment it becomes current. */
export function topologyCaps(topology: SessionTopology): number {
  let caps =
    SESSIONCAP.START | SESSIONCAP.SEEK | SESSIONCAP.RATE_FORWARD | SESSIONCAP.RATE_REVERSE | SESSIONCAP.DOES_NOT_USE_NETWORK;
  for (const source of topology.sources) {
    if (!(source.characteristics & MEDIASOURCE.CAN_SEEK)) caps &= ~SESSIONCAP.SEEK;
    if (!(source.characteristics & MEDIASOURCE.DOES_NOT_USE_NETWORK)) caps &= ~SESSIONCAP.DOES_NOT_USE_NETWORK;
    if (source.fastestForward === 0) caps &= ~SESSIONCAP.RATE_FORWARD;
    if (source.fastestReverse === 0) caps &= ~SESSIONCAP.RATE_REVERSE;
  }
  // A sink that renders at the clock's pace must support the rate too; rateless sinks do not count.
  for (const sink of topology.sinks) {
    if (sink.characteristics & MEDIASINK.RATELESS) continue;
    if (sink.fastestForward === 0) caps &= ~SESSIONCAP.RATE_FORWARD;
    if (sink.fastestReverse === 0) caps &= ~SESSIONCAP.RATE_REVERSE;
  }
  return caps;
}

/** Whether every source of the topology can pause (MFMEDIASOURCE_CAN_PAUSE), so Started adds PAUSE. */
export function topologyCanPause(topology: SessionTopology): boolean {
  return topology.sources.every((source) => (source.characteristics & MEDIASOURCE.CAN_PAUSE) !== 0);
}

/** Whether some sink of the topology can preroll (MEDIASINK_CAN_PREROLL). */
export function topologyCanPreroll(topology: SessionTopology): boolean {
  return topology.sinks.some((sink) => (sink.characteristics & MEDIASINK.CAN_PREROLL) !== 0);
}

/** The longest source duration (MF_PD_DURATION), the bound of a seek. */
export function topologyDuration(topology: SessionTopology): number {
  return topology.sources.reduce((longest, source) => Math.max(longest, source.durationHns), 0);
}

/** Names of the flags set in a capabilities value, in flag order. */
export function capNames(caps: number): (keyof typeof SESSIONCAP)[] {
  return (Object.keys(SESSIONCAP) as (keyof typeof SESSIONCAP)[]).filter((name) => (caps & SESSIONCAP[name]) !== 0);
}
