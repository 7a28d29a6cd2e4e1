/**
 * The media player's view. The session's state, active state node and capabilities come from its
 * XState actor through `@xstate/react`'s `useSelector` (re-rendered on every snapshot); the button
 * log, the event loop's events and the clock time from the engine's store.
 * @module
 */
import { useState, useSyncExternalStore } from 'react';
import { useSelector } from '@xstate/react';
import { capNames, formatHr, hrName, type HResult } from '../../browser.js';
import { allowedCalls, type PlayerControl } from './allowedCalls.js';
import { PLAYER_RATES, type Player } from './createPlayer.js';

/** Props of {@link PlayerView}. */
export interface PlayerViewProps {
  player: Player;
}

/** The whole player: controls, state, clock, the log of calls and the event stream. */
export function PlayerView({ player }: PlayerViewProps) {
  const { session } = player;
  // The public state and the active state node are derived from the snapshot by the handle.
  const state = useSelector(session.actor, () => session.state);
  const statePath = useSelector(session.actor, () => session.statePath);
  const caps = useSelector(session.actor, (snapshot) => snapshot.context.caps);
  const log = useSyncExternalStore(player.subscribe, player.getLog);
  const [allowEveryCall, setAllowEveryCall] = useState(false);

  const allowed = allowedCalls(state, caps);
  const enabled = (control: PlayerControl) => allowEveryCall || allowed[control];
  const last = log.calls.at(-1);

  const button = (control: PlayerControl, label: string, onClick: () => void, testId: string = control) => (
    <button type="button" data-testid={`call-${testId}`} disabled={!enabled(control)} onClick={onClick}>
      {label}
    </button>
  );

  return (
    <main>
      <h1>mfchart media player</h1>
      <p className="hint">
        One IMFMediaSession on the simulated platform: a file source and a speaker sink, the platform&apos;s clock
        following real time.
      </p>

      <section className="controls" aria-label="Session calls">
        {button('SetTopology', 'Set topology', player.setTopology)}
        {button('Start', 'Start', player.start)}
        {button('Pause', 'Pause', player.pause)}
        {button('Stop', 'Stop', player.stop)}
        {button('Close', 'Close', player.close)}
        {button('Shutdown', 'Shutdown', player.shutdown)}
        <span className="rates" aria-label="Playback rate">
          {PLAYER_RATES.map((rate) => button('SetRate', `${rate}×`, () => player.setRate(rate), `SetRate-${rate}`))}
        </span>
        <label>
          <input type="checkbox" data-testid="allow-every-call" checked={allowEveryCall} onChange={(e) => setAllowEveryCall(e.target.checked)} />
          allow calls the capabilities forbid (to see what the contract answers)
        </label>
      </section>

      <section className="status" aria-label="Session status">
        <dl>
          <dt>State</dt>
          <dd data-testid="state">{state}</dd>
          <dt>State node</dt>
          <dd data-testid="state-path">{statePath}</dd>
          <dt>Capabilities</dt>
          <dd data-testid="caps">{state === 'shutdown' ? '—' : capNames(caps).join(' ') || 'none'}</dd>
          <dt>Clock</dt>
          <dd data-testid="clock">{log.clock.timeHns === null ? hrLabel(log.clock.hr) : `${(log.clock.timeHns / 1e7).toFixed(2)} s`}</dd>
          <dt>Last call</dt>
          <dd data-testid="last-call">{last ? `${last.method} → ${hrLabel(last.hr)}` : '—'}</dd>
          <dt>Event loop</dt>
          <dd data-testid="event-loop">{log.loopEnded === null ? 'waiting on BeginGetEvent' : `ended: ${hrLabel(log.loopEnded)}`}</dd>
        </dl>
      </section>

      <section className="logs">
        <div>
          <h2>Calls</h2>
          <ol data-testid="calls">
            {log.calls.map((call) => (
              <li key={call.seq} title={formatHr(call.hr)}>
                {call.method} → {hrLabel(call.hr)}
              </li>
            ))}
          </ol>
        </div>
        <div>
          <h2>Events (EndGetEvent)</h2>
          <ol data-testid="events">
            {log.events.map((event) => (
              <li key={event.seq} title={formatHr(event.status)}>
                {event.name} {hrLabel(event.status)} {event.value === 'VT_EMPTY' ? '' : event.value}
              </li>
            ))}
          </ol>
        </div>
      </section>
    </main>
  );
}

/** An HRESULT by its catalog name, or its hex value when the catalog has no name for it. */
function hrLabel(hr: HResult): string {
  return hrName(hr) ?? formatHr(hr);
}
