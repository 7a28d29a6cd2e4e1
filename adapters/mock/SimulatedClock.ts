/**
 * A simulated time source in 100-ns units. Nothing happens until the clock is advanced, and
 * timers fire in (time, scheduling order), so a run never depends on the machine's speed.
 * @module
 */

interface Timer {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

/** A deterministic clock with a timer queue. */
export class SimulatedClock {
  #now = 0;
  #seq = 0;
  #timers: Timer[] = [];

  /** The current simulated time, in hns. */
  get now(): number {
    return this.#now;
  }

  /** Runs `fn` once `delayHns` has passed; returns a cancel function. */
  schedule(delayHns: number, fn: () => void): () => void {
    const timer: Timer = { at: this.#now + Math.max(0, delayHns), seq: this.#seq++, fn, cancelled: false };
    // Keep the queue sorted by (at, seq); timers are few, so an insertion is cheap.
    let i = this.#timers.length;
    while (i > 0 && this.#timers[i - 1].at > timer.at) i--;
    this.#timers.splice(i, 0, timer);
    return () => {
      timer.cancelled = true;
    };
  }

  /** The time of the earliest pending timer, or undefined when none is pending. */
  nextDue(): number | undefined {
    this.#prune();
    return this.#timers[0]?.at;
  }

  /** Runs every timer due at the current time (including ones those timers schedule for now). */
  runDue(): void {
    this.advanceTo(this.#now);
  }

  /** Moves time forward to `time`, running every timer due until then, in order. */
  advanceTo(time: number): void {
    for (;;) {
      this.#prune();
      const next = this.#timers[0];
      if (!next || next.at > time) break;
      this.#timers.shift();
      if (next.at > this.#now) this.#now = next.at;
      next.fn();
    }
    if (time > this.#now) this.#now = time;
  }

  /** Moves time forward by `hns`. */
  advanceBy(hns: number): void {
    this.advanceTo(this.#now + hns);
  }

  #prune(): void {
    while (this.#timers.length > 0 && this.#timers[0].cancelled) this.#timers.shift();
  }
}
