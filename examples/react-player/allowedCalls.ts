/**
 * Which buttons the player enables. Every call is answered in every state of the statechart (a
 * forbidden one with its HRESULT, e.g. MF_E_SHUTDOWN after Shutdown), so XState's
 * `snapshot.can(...)` is true for all of them; a Media Foundation application enables its controls
 * from the session's capabilities instead (MESessionCapabilitiesChanged, GetSessionCapabilities),
 * and from the state for the calls no capability covers.
 * @module
 */
import { SESSIONCAP, type PublicState } from '../../browser.js';

/** The player's buttons. */
export type PlayerControl = 'SetTopology' | 'Start' | 'Pause' | 'Stop' | 'Close' | 'Shutdown' | 'SetRate';

/** Whether each control is enabled in `state` with capabilities `caps` (MFSESSIONCAP_* bits). */
export function allowedCalls(state: PublicState, caps: number): Record<PlayerControl, boolean> {
  const live = state !== 'shutdown';
  const has = (cap: number) => live && (caps & cap) !== 0;
  return {
    SetTopology: live && state !== 'closing' && state !== 'closed',
    Start: has(SESSIONCAP.START),
    Pause: has(SESSIONCAP.PAUSE),
    Stop: state === 'started' || state === 'paused',
    Close: live && state !== 'closing' && state !== 'closed',
    Shutdown: live,
    SetRate: has(SESSIONCAP.RATE_FORWARD),
  };
}
