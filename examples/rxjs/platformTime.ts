/**
 * Platform time for RxJS pipelines over the mock platform, whose simulated clock moves only when
 * told to: {@link drivePlatformClock$} keeps it in step with real time while subscribed (as a real
 * platform's clock runs by itself), and {@link platformTimer$} waits on that clock, so a delay
 * measured in platform time stays deterministic however fast the machine is.
 * @module
 */
import { Observable } from 'rxjs';
import { HNS_PER_MS } from '../../machines/constants.js';
import type { SimulatedClock } from '../../adapters/mock/SimulatedClock.js';

/**
 * While subscribed, moves `clock` forward with real time, checking every `tickMs`. Timers fire one
 * at a time, each at its own platform time, and the reactions to one (the microtasks it queued,
 * such as an RxJS `asapScheduler` delivery and the calls made from it) run before the next fires:
 * what happens on the platform is then the same however fast or loaded the machine is. Emits the
 * platform time (hns) after each step; unsubscribing stops the clock again.
 */
export function drivePlatformClock$(clock: SimulatedClock, tickMs = 1): Observable<number> {
  return new Observable<number>((subscriber) => {
    const origin = clock.now;
    const startedAt = performance.now();
    let running = true;
    const drive = async () => {
      while (running) {
        const target = origin + Math.round((performance.now() - startedAt) * HNS_PER_MS);
        const due = clock.nextDue();
        const stepTo = due !== undefined && due <= target ? due : target;
        clock.advanceTo(stepTo);
        subscriber.next(clock.now);
        // A macrotask boundary: every microtask the step queued has run when the loop goes on.
        await new Promise((resume) => setTimeout(resume, stepTo === target ? tickMs : 0));
      }
    };
    drive().catch((error: unknown) => subscriber.error(error));
    return () => {
      running = false;
    };
  });
}

/** Emits 0 and completes once `ms` of platform time have passed on `clock`; unsubscribing cancels it. */
export function platformTimer$(clock: SimulatedClock, ms: number): Observable<0> {
  return new Observable<0>((subscriber) =>
    clock.schedule(ms * HNS_PER_MS, () => {
      subscriber.next(0);
      subscriber.complete();
    }),
  );
}
