/**
 * The presentation clock's state-change table (IMFPresentationClock; Wine `clock.c` and the
 * clock conformance tests that also run on Windows). A pure logic object: the standalone clock
 * machine ({@link presentationClockMachine}) and the session's own clock both apply it, so the
 * two never disagree.
 *
 * Times are in 100-ns units (hns). `now` is the time source's reading when the call is made.
 * @module
 */
import { HR, type HResult } from './hresult.js';
import type { ClockStateName } from './constants.js';

/** A command that changes the clock state. */
export type ClockCommand = 'Start' | 'Pause' | 'Stop';

/** The clock's data: everything GetState/GetTime/GetRate/GetShutdownStatus answer from. */
export interface ClockData {
  readonly state: ClockStateName;
  readonly hasTimeSource: boolean;
  readonly rate: number;
  readonly shutdown: boolean;
  /** Presentation time at `anchorNow` (frozen while paused, 0 while stopped). */
  readonly anchorTime: number;
  /** Time-source reading at which `anchorTime` was taken. */
  readonly anchorNow: number;
}

/** A clock that nobody has touched: no time source, state INVALID, rate 1. */
export const INITIAL_CLOCK: ClockData = Object.freeze({
  state: 'INVALID',
  hasTimeSource: false,
  rate: 1,
  shutdown: false,
  anchorTime: 0,
  anchorNow: 0,
});

/**
 * The outcome of a state command in each state once a time source is set (docs/clock-table.md):
 * `ok` means the command is carried out; anything else is the HRESULT returned with no change.
 * Without a time source every command fails with MF_E_CLOCK_NO_TIME_SOURCE first.
 */
export const CLOCK_STATE_TABLE: Readonly<
  Record<ClockStateName, Readonly<Record<ClockCommand, 'ok' | HResult>>>
> = {
  INVALID: { Start: 'ok', Pause: 'ok', Stop: 'ok' },
  RUNNING: { Start: 'ok', Pause: 'ok', Stop: 'ok' },
  STOPPED: { Start: 'ok', Pause: HR.MF_E_INVALIDREQUEST, Stop: HR.MF_E_CLOCK_STATE_ALREADY_SET },
  PAUSED: { Start: 'ok', Pause: HR.MF_E_CLOCK_STATE_ALREADY_SET, Stop: 'ok' },
};

/** The notification a clock state sink receives for a successful state command. */
export type ClockSinkNotification = 'OnClockStart' | 'OnClockStop' | 'OnClockPause' | 'OnClockRestart' | 'OnClockSetRate';

/** Result of applying one clock call. */
export interface ClockStep {
  hr: HResult;
  clock: ClockData;
  /** The notification the clock's state sinks receive, when the call changed something they see. */
  notify?: ClockSinkNotification;
}

/** The presentation time the clock reports at `now`. */
export function clockTime(clock: ClockData, now: number): number {
  switch (clock.state) {
    case 'RUNNING':
      return Math.round(clock.anchorTime + (now - clock.anchorNow) * clock.rate);
    case 'PAUSED':
      return clock.anchorTime;
    default:
      return 0;
  }
}

/**
 * Applies Start/Pause/Stop. `position` is the explicit start position in hns, or `null` for
 * PRESENTATION_CURRENT_POSITION (resume where the clock is).
 */
export function applyClockCommand(
  clock: ClockData,
  command: ClockCommand,
  now: number,
  position: number | null = null,
): ClockStep {
  if (!clock.hasTimeSource) return { hr: HR.MF_E_CLOCK_NO_TIME_SOURCE, clock };
  const verdict = CLOCK_STATE_TABLE[clock.state][command];
  if (verdict !== 'ok') return { hr: verdict, clock };
  switch (command) {
    case 'Start': {
      // PRESENTATION_CURRENT_POSITION keeps the time where it is: frozen (paused), running, or 0.
      const resume = position === null;
      const anchorTime = resume ? clockTime(clock, now) : position;
      const notify: ClockSinkNotification = clock.state === 'PAUSED' && resume ? 'OnClockRestart' : 'OnClockStart';
      return { hr: HR.S_OK, clock: { ...clock, state: 'RUNNING', anchorTime, anchorNow: now }, notify };
    }
    case 'Pause':
      return {
        hr: HR.S_OK,
        clock: { ...clock, state: 'PAUSED', anchorTime: clockTime(clock, now), anchorNow: now },
        notify: 'OnClockPause',
      };
    case 'Stop':
      return { hr: HR.S_OK, clock: { ...clock, state: 'STOPPED', anchorTime: 0, anchorNow: now }, notify: 'OnClockStop' };
  }
}

/** IMFRateControl::SetRate on the clock. */
export function applyClockRate(clock: ClockData, rate: number, thin: boolean): ClockStep {
  // The clock never thins, whatever its state; then it needs a time source.
  if (thin) return { hr: HR.MF_E_THINNING_UNSUPPORTED, clock };
  if (!clock.hasTimeSource) return { hr: HR.MF_E_CLOCK_NO_TIME_SOURCE, clock };
  // No re-anchoring: the new rate applies to the whole interval since the last start, restart or
  // pause, as Windows' system time source computes it (research §3, P:5178-5192).
  return { hr: HR.S_OK, clock: { ...clock, rate }, notify: 'OnClockSetRate' };
}

/** IMFPresentationClock::SetTimeSource. */
export function applyClockTimeSource(clock: ClockData): ClockStep {
  return { hr: HR.S_OK, clock: clock.hasTimeSource ? clock : { ...clock, hasTimeSource: true } };
}

/** IMFShutdown::Shutdown on the clock: it only marks the clock (a second call is S_OK too); a shut-down clock still answers. */
export function applyClockShutdown(clock: ClockData): ClockStep {
  return { hr: HR.S_OK, clock: clock.shutdown ? clock : { ...clock, shutdown: true } };
}
