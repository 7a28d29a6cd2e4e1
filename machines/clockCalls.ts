/**
 * The presentation clock's methods as one pure function over {@link ClockData}: the session's
 * clock and the standalone clock (MFCreatePresentationClock) both answer with it.
 * @module
 */
import { HR } from './hresult.js';
import {
  applyClockCommand,
  applyClockRate,
  applyClockShutdown,
  applyClockTimeSource,
  clockTime,
  type ClockData,
  type ClockSinkNotification,
  type ClockStep,
} from './clockTable.js';
import type { ClockCallEvent } from './sessionEvents.js';

/** A clock call's answer: the new clock data, the synchronous reply, the sink notification. */
export interface ClockCallResult {
  clock: ClockData;
  reply: { hr: number; out?: unknown };
  notify?: ClockSinkNotification;
}

/** Every clock method event type. */
export const CLOCK_CALLS = [
  'clock.GetState',
  'clock.GetTime',
  'clock.Start',
  'clock.Pause',
  'clock.Stop',
  'clock.Shutdown',
  'clock.GetProperties',
  'clock.GetTimeSource',
  'clock.SetTimeSource',
  'clock.SetRate',
  'clock.GetRate',
  'clock.GetShutdownStatus',
] as const;

/** Answers one clock call (docs/clock-table.md); the clock keeps answering after its Shutdown. */
export function clockCall(clock: ClockData, event: ClockCallEvent): ClockCallResult {
  const now = event.now ?? 0;
  const answer = (hr: number, out?: unknown): ClockCallResult => ({ clock, reply: out === undefined ? { hr } : { hr, out } });
  const fromStep = (step: ClockStep): ClockCallResult => ({ clock: step.clock, reply: { hr: step.hr }, notify: step.notify });
  switch (event.type) {
    case 'clock.GetState':
      return answer(HR.S_OK, clock.state);
    case 'clock.GetTime':
      if (event.nullPointer) return answer(HR.E_POINTER);
      return clock.hasTimeSource ? answer(HR.S_OK, clockTime(clock, now)) : answer(HR.MF_E_CLOCK_NO_TIME_SOURCE);
    case 'clock.GetProperties':
    case 'clock.GetTimeSource':
      return answer(clock.hasTimeSource ? HR.S_OK : HR.MF_E_CLOCK_NO_TIME_SOURCE);
    case 'clock.Start':
      return fromStep(applyClockCommand(clock, 'Start', now, event.position));
    case 'clock.Pause':
      return fromStep(applyClockCommand(clock, 'Pause', now));
    case 'clock.Stop':
      return fromStep(applyClockCommand(clock, 'Stop', now));
    case 'clock.Shutdown':
      return fromStep(applyClockShutdown(clock));
    case 'clock.SetTimeSource':
      return fromStep(applyClockTimeSource(clock));
    case 'clock.SetRate':
      return fromStep(applyClockRate(clock, event.rate, event.thin));
    case 'clock.GetRate':
      return answer(HR.S_OK, clock.rate);
    case 'clock.GetShutdownStatus':
      if (event.nullPointer) return answer(HR.E_INVALIDARG);
      return clock.shutdown ? answer(HR.S_OK, 'COMPLETED') : answer(HR.MF_E_INVALIDREQUEST);
  }
}
