/**
 * The media source of a broadcasting session: hands the content's data units to the push sink at a
 * paced rate on the platform's clock, never more than `window` units unsettled at a time (so the
 * sink never has to block it: a slow server slows the source, nothing piles up), and counts every
 * unit it handed as written or failed, from the sink's own answer for that unit.
 * @module
 */
import { HR, type HResult } from '../../machines/hresult.js';
import type { BroadcastContent } from './broadcastContent.js';

/** Options of a {@link BroadcastSource}. */
export interface BroadcastSourceOptions {
  /** Time between two units in ms; 0 hands units as fast as the sink settles them. */
  unitIntervalMs: number;
  /** Start again at the first packet after the last one (an endless broadcast). */
  loop: boolean;
  /** Units handed and not yet settled, at most. */
  window: number;
  /** Hands one unit to the sink; resolves with S_OK when written to the connection, or the failure. */
  hand(unit: Uint8Array): Promise<HResult>;
  /** The last unit was handed (MEEndOfPresentation is due). */
  onLastHanded(): void;
  /** Every unit of the presentation settled after the last was handed (the sink rendered the end). */
  onDrained(): void;
}

/** Units on the source's side: `handed = written + failed + pending` at every moment. */
export interface BroadcastUnitCounts {
  handed: number;
  written: number;
  failed: number;
  pending: number;
}

/** The paced source of one session. */
export class BroadcastSource {
  #cursor = 0;
  #running = false;
  #timer: NodeJS.Timeout | NodeJS.Immediate | null = null;
  #anchor = 0;
  #sinceAnchor = 0;
  /** Bumped on every stop/start, so a run's end is not reported after the run was stopped. */
  #run = 0;
  #ending: number | null = null;
  readonly counts: BroadcastUnitCounts = { handed: 0, written: 0, failed: 0, pending: 0 };
  /** Each failed unit's HRESULT, by how many failed with it. */
  readonly failures = new Map<HResult, number>();
  #settledListeners: (() => void)[] = [];

  constructor(
    private readonly content: BroadcastContent,
    private readonly options: BroadcastSourceOptions,
  ) {
    if (content.packets.length === 0) throw new Error('BroadcastSource: the content has no packets');
  }

  /** Whether units are flowing. */
  get running(): boolean {
    return this.#running;
  }

  /** The index of the next packet. */
  get cursor(): number {
    return this.#cursor;
  }

  /** Starts (or resumes) handing units from the cursor. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#run++;
    this.#anchor = performance.now();
    this.#sinceAnchor = 0;
    this.#schedule(0);
  }

  /** Stops handing units; the cursor stays (a pause). */
  pause(): void {
    this.#running = false;
    this.#ending = null;
    this.#run++;
    this.#clear();
  }

  /** Stops and rewinds: the next start begins at the first packet (MF: Start from stopped starts at 0). */
  stop(): void {
    this.pause();
    this.#cursor = 0;
  }

  /** Resolves once no unit is pending. */
  settled(): Promise<void> {
    if (this.counts.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.#settledListeners.push(resolve));
  }

  #clear(): void {
    if (this.#timer === null) return;
    if (this.options.unitIntervalMs > 0) clearTimeout(this.#timer as NodeJS.Timeout);
    else clearImmediate(this.#timer as NodeJS.Immediate);
    this.#timer = null;
  }

  #schedule(delayMs: number): void {
    this.#clear();
    if (this.options.unitIntervalMs > 0) this.#timer = setTimeout(() => this.#tick(), Math.max(0, delayMs));
    else this.#timer = setImmediate(() => this.#tick());
  }

  /** Hands the units that are due, as far as the window allows, then waits for the next due time or a settle. */
  #tick(): void {
    this.#timer = null;
    if (!this.#running) return;
    const interval = this.options.unitIntervalMs;
    const due = interval > 0 ? Math.floor((performance.now() - this.#anchor) / interval) + 1 - this.#sinceAnchor : Number.POSITIVE_INFINITY;
    let handedNow = 0;
    while (this.#running && handedNow < due && this.counts.pending < this.options.window) {
      this.#handNext();
      handedNow++;
    }
    if (!this.#running) return;
    // Window full: the next settle calls back in. Otherwise wait for the next unit's time.
    if (this.counts.pending >= this.options.window) return;
    if (interval > 0) this.#schedule(this.#anchor + (this.#sinceAnchor) * interval - performance.now());
    else this.#schedule(0);
  }

  #handNext(): void {
    const unit = this.content.packets[this.#cursor]!;
    this.#cursor++;
    this.#sinceAnchor++;
    this.counts.handed++;
    this.counts.pending++;
    const run = this.#run;
    const settle = (hr: HResult) => this.#settle(hr >>> 0, run);
    this.options.hand(unit).then(settle, () => settle(HR.E_UNEXPECTED));
    if (this.#cursor < this.content.packets.length) return;
    if (this.options.loop) {
      this.#cursor = 0;
      return;
    }
    // The presentation's last unit: no more flow; the end is reported once it is settled.
    this.#running = false;
    this.#clear();
    this.#ending = run;
    this.options.onLastHanded();
  }

  #settle(hr: HResult, run: number): void {
    this.counts.pending--;
    if (hr === HR.S_OK) this.counts.written++;
    else {
      this.counts.failed++;
      this.failures.set(hr, (this.failures.get(hr) ?? 0) + 1);
    }
    if (this.counts.pending === 0) {
      const listeners = this.#settledListeners.splice(0);
      listeners.forEach((l) => l());
      if (this.#ending !== null && this.#ending === run) {
        this.#ending = null;
        this.options.onDrained();
      }
    }
    // A settle frees the window: carry on if this run is still flowing and was waiting on it.
    if (this.#running && run === this.#run && this.#timer === null) this.#tick();
  }
}
