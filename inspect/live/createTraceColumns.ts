/**
 * A session's trace kept column-wise in a fixed-capacity ring: one slot per entry across a few
 * typed arrays (kind, time, numbers) and plain arrays (references to strings and objects the
 * session already allocated — a method name, a call's arguments, an event's value). Recording an
 * entry allocates nothing; a {@link TraceEntry} object is built only when someone reads it (a page
 * selects the session, follows it, or a trace is saved). The newest `capacity` entries are kept.
 *
 * Why: the inspector records every call of every session whether or not a page looks at it, and
 * one object per entry, retained until the ring drops it, made the garbage collector the largest
 * cost of inspection at a hundred busy sessions (bench/inspector.ts).
 * @module
 */
import type { StateValue, TraceEntry } from './protocol.js';

/** Entry kinds by their column code. */
const KINDS = ['call', 'event', 'state', 'platform', 'fault'] as const;
/** A kind's column code. */
export const KIND = { call: 0, event: 1, state: 2, platform: 3, fault: 4 } as const;

/** Extra fields of a platform entry that only outside actions have (rare: kept as one object). */
export interface PlatformExtras {
  external?: boolean;
  source?: string;
  stream?: number;
}

/** The columns of a trace ring; see the module comment. Slots are addressed by `seq`. */
export interface TraceColumns {
  readonly capacity: number;
  /** Entries held now. */
  readonly size: number;
  /** How many entries were dropped to keep the bound. */
  readonly dropped: number;
  /** Seq of the newest entry (0 when empty); seqs are consecutive from 1. */
  readonly lastSeq: number;
  /** Seq of the oldest entry held (lastSeq + 1 when empty). */
  readonly firstSeq: number;
  /** Appends an entry of `kind` at `at`; returns its seq. The other columns start empty. */
  push(kind: number, at: number): number;
  /** Whether the entry `seq` is still held. */
  holds(seq: number): boolean;
  /** Column setters for the entry `seq` (which must be held). */
  setNum(seq: number, value: number): void;
  setNum2(seq: number, value: number): void;
  setStr(seq: number, value: string): void;
  setStr2(seq: number, value: string | undefined): void;
  setObj(seq: number, value: unknown): void;
  setObj2(seq: number, value: unknown): void;
  /** The method of a held call entry. */
  str(seq: number): string | undefined;
  /** The entry `seq` as an object (a new one on each call). */
  entry(seq: number): TraceEntry;
  /** Every held entry, oldest first, as new objects. */
  toArray(): TraceEntry[];
}

/** Starts with room for this many entries and doubles until `capacity`: short traces stay small. */
const INITIAL_ROOM = 32;

/**
 * Creates the columns (`capacity` ≥ 1). Column meaning per kind — call: num hr, str method, obj
 * args, obj2 out, str2 clock; event: num eventType, num2 status, obj value; state: str state,
 * obj value, str2 clock; platform: num hr (NaN: none), num2 phase (0 request, 1 done), str op, obj
 * {@link PlatformExtras}; fault: str message.
 */
export function createTraceColumns(capacity: number): TraceColumns {
  if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`trace capacity must be an integer ≥ 1, got ${capacity}`);
  let room = Math.min(capacity, INITIAL_ROOM);
  let kinds = new Uint8Array(room);
  let ats = new Float64Array(room);
  let nums = new Float64Array(room);
  let nums2 = new Float64Array(room);
  const strs: (string | undefined)[] = [];
  const strs2: (string | undefined)[] = [];
  const objs: unknown[] = [];
  const objs2: unknown[] = [];
  let lastSeq = 0;
  let size = 0;

  // Slot of a seq: while growing (size < room ≤ capacity, nothing dropped) seq - 1; once full, (seq - 1) % capacity.
  const slot = (seq: number) => (seq - 1) % room;
  const grow = () => {
    const next = Math.min(capacity, room * 2);
    const copy = <T extends Uint8Array | Float64Array>(from: T, to: T) => (to.set(from), to);
    kinds = copy(kinds, new Uint8Array(next));
    ats = copy(ats, new Float64Array(next));
    nums = copy(nums, new Float64Array(next));
    nums2 = copy(nums2, new Float64Array(next));
    room = next;
  };

  const columns: TraceColumns = {
    capacity,
    get size() {
      return size;
    },
    get dropped() {
      return lastSeq - size;
    },
    get lastSeq() {
      return lastSeq;
    },
    get firstSeq() {
      return lastSeq - size + 1;
    },
    push(kind, at) {
      if (size === room && room < capacity) grow();
      const seq = ++lastSeq;
      const at_ = slot(seq);
      if (size < room) size++;
      kinds[at_] = kind;
      ats[at_] = at;
      nums[at_] = NaN;
      nums2[at_] = NaN;
      strs[at_] = undefined;
      strs2[at_] = undefined;
      objs[at_] = undefined;
      objs2[at_] = undefined;
      return seq;
    },
    holds: (seq) => seq > lastSeq - size && seq <= lastSeq,
    setNum: (seq, value) => void (nums[slot(seq)] = value),
    setNum2: (seq, value) => void (nums2[slot(seq)] = value),
    setStr: (seq, value) => void (strs[slot(seq)] = value),
    setStr2: (seq, value) => void (strs2[slot(seq)] = value),
    setObj: (seq, value) => void (objs[slot(seq)] = value),
    setObj2: (seq, value) => void (objs2[slot(seq)] = value),
    str: (seq) => strs[slot(seq)],
    entry(seq) {
      if (!columns.holds(seq)) throw new Error(`trace entry ${seq} is not held (held: ${columns.firstSeq}…${lastSeq})`);
      const i = slot(seq);
      const at = ats[i];
      const clock = strs2[i];
      switch (KINDS[kinds[i]]) {
        case 'call': {
          const entry: TraceEntry = { seq, at, kind: 'call', method: strs[i]!, args: (objs[i] ?? {}) as Readonly<Record<string, unknown>>, hr: nums[i] };
          if (objs2[i] !== undefined) entry.out = objs2[i];
          if (clock !== undefined) entry.clock = clock;
          return entry;
        }
        case 'event':
          return { seq, at, kind: 'event', eventType: nums[i], status: nums2[i], value: objs[i] };
        case 'state': {
          const entry: TraceEntry = { seq, at, kind: 'state', state: strs[i]!, value: objs[i] as StateValue };
          if (clock !== undefined) entry.clock = clock;
          return entry;
        }
        case 'platform': {
          const entry: TraceEntry = { seq, at, kind: 'platform', op: strs[i]!, phase: nums2[i] === 0 ? 'request' : 'done' };
          if (!Number.isNaN(nums[i])) entry.hr = nums[i];
          const extras = objs[i] as PlatformExtras | undefined;
          if (extras?.external !== undefined) entry.external = extras.external;
          if (extras?.source !== undefined) entry.source = extras.source;
          if (extras?.stream !== undefined) entry.stream = extras.stream;
          return entry;
        }
        default:
          return { seq, at, kind: 'fault', message: strs[i]! };
      }
    },
    toArray() {
      const out: TraceEntry[] = [];
      for (let seq = lastSeq - size + 1; seq <= lastSeq; seq++) out.push(columns.entry(seq));
      return out;
    },
  };
  return columns;
}
