/**
 * Who waits for each data unit's outcome, on the push client's data path: an OnDataUnit call (one
 * unit, one callback) or an OnDataUnits call (many units, one array of outcomes, one promise).
 *
 * Two queues read from their head, with no object per unit: {@link UnitQueue} holds the units not
 * yet handed to the statechart, {@link UnitSettlers} the units it queued, by sequence number. The
 * statechart settles queued units in sequence order — written ones from the head of its FIFO,
 * failed ones as the rest of the queue — so reading from the head replaces a map; a settlement out
 * of order (not expected) still finds its caller.
 * @module
 */
import type { HResult } from '../../machines/hresult.js';
import type { PushBuffer } from '../../machines/pushEvents.js';

/** An OnDataUnits call: each unit's outcome at its index; resolved once all are known. */
export class BatchCall {
  readonly outcomes: HResult[];
  private remaining: number;
  constructor(
    count: number,
    private readonly resolve: (outcomes: HResult[]) => void,
  ) {
    this.outcomes = new Array<HResult>(count);
    this.remaining = count;
    if (count === 0) resolve(this.outcomes);
  }
  /** Records unit `index`'s outcome. */
  settle(index: number, hr: HResult): void {
    this.outcomes[index] = hr;
    if (--this.remaining === 0) this.resolve(this.outcomes);
  }
}

/** The caller of one unit: an OnDataUnit's callback, or an OnDataUnits call and the unit's index in it. */
export type UnitCaller = ((hr: HResult) => void) | BatchCall;

/** Tells a caller its unit's outcome. */
export function tell(caller: UnitCaller, index: number, hr: HResult): void {
  if (typeof caller === 'function') caller(hr);
  else caller.settle(index, hr);
}

/** A FIFO read from its head: parallel arrays, compacted once mostly read. */
class Columns<T> {
  values: T[] = [];
  callers: UnitCaller[] = [];
  indexes: number[] = [];
  head = 0;

  push(value: T, caller: UnitCaller, index: number): void {
    this.values.push(value);
    this.callers.push(caller);
    this.indexes.push(index);
  }

  get size(): number {
    return this.values.length - this.head;
  }

  /** Drops the first `count` entries. */
  advance(count: number): void {
    this.head += count;
    if (this.head === this.values.length) {
      this.values = [];
      this.callers = [];
      this.indexes = [];
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.values.length) {
      this.values = this.values.slice(this.head);
      this.callers = this.callers.slice(this.head);
      this.indexes = this.indexes.slice(this.head);
      this.head = 0;
    }
  }

  removeAt(at: number): void {
    this.values.splice(at, 1);
    this.callers.splice(at, 1);
    this.indexes.splice(at, 1);
  }
}

/** Units waiting to be handed to the statechart, in call order. */
export class UnitQueue {
  private readonly q = new Columns<PushBuffer>();

  add(unit: PushBuffer, caller: UnitCaller, index: number): void {
    this.q.push(unit, caller, index);
  }

  get size(): number {
    return this.q.size;
  }

  /** The `i`-th waiting unit (0: the oldest). */
  unit(i: number): PushBuffer {
    return this.q.values[this.q.head + i]!;
  }

  /** Tells the `i`-th waiting unit's caller its outcome (the unit stays queued until `drop`). */
  tell(i: number, hr: HResult): void {
    const at = this.q.head + i;
    tell(this.q.callers[at]!, this.q.indexes[at]!, hr);
  }

  /** Moves the `i`-th waiting unit's caller to `settlers` under sequence number `seq`. */
  moveTo(settlers: UnitSettlers, i: number, seq: number): void {
    const at = this.q.head + i;
    settlers.add(seq, this.q.callers[at]!, this.q.indexes[at]!);
  }

  /** Removes the `count` oldest units (handed to the statechart). */
  drop(count: number): void {
    this.q.advance(count);
  }
}

/** Units the statechart queued, by sequence number, waiting for their outcomes. */
export class UnitSettlers {
  private readonly q = new Columns<number>();

  /** Registers the caller of queued unit `seq` (sequence numbers increase). */
  add(seq: number, caller: UnitCaller, index = 0): void {
    this.q.push(seq, caller, index);
  }

  /** Tells unit `seq`'s caller its outcome; false when nobody waits for it (already settled, or refused at once). */
  settle(seq: number, hr: HResult): boolean {
    const q = this.q;
    let at = q.head;
    if (q.values[at] !== seq) {
      at = q.values.indexOf(seq, q.head);
      if (at < 0) return false;
    }
    const caller = q.callers[at]!;
    const index = q.indexes[at]!;
    if (at === q.head) q.advance(1);
    else q.removeAt(at); // out of order: removed where it is
    tell(caller, index, hr);
    return true;
  }

  /** Callers still waiting. */
  get size(): number {
    return this.q.size;
  }
}
