/**
 * A fixed-capacity ring of trace entries: the newest `capacity` entries of a session are kept, the
 * oldest are dropped, and the ring remembers that it dropped some so a trace knows it is partial.
 * @module
 */

/** The newest entries of a trace, bounded. */
export interface TraceRing<T> {
  /** The most entries the ring keeps. */
  readonly capacity: number;
  /** Entries held now. */
  readonly size: number;
  /** How many entries were dropped to keep the bound. */
  readonly dropped: number;
  /** Appends an entry, dropping the oldest when full. */
  push(entry: T): void;
  /** The held entries, oldest first (a copy). */
  toArray(): T[];
}

/** Creates a ring keeping the newest `capacity` entries (`capacity` ≥ 1). */
export function createTraceRing<T>(capacity: number): TraceRing<T> {
  if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`trace capacity must be an integer ≥ 1, got ${capacity}`);
  const slots: T[] = [];
  let start = 0;
  let dropped = 0;
  return {
    capacity,
    get size() {
      return slots.length;
    },
    get dropped() {
      return dropped;
    },
    push(entry) {
      // Grow until full (a short-lived session never allocates the whole capacity), then overwrite.
      if (slots.length < capacity) {
        slots.push(entry);
        return;
      }
      slots[start] = entry;
      start = (start + 1) % capacity;
      dropped++;
    },
    toArray() {
      return start === 0 ? slots.slice() : [...slots.slice(start), ...slots.slice(0, start)];
    },
  };
}
