/**
 * Shares equal small records across trace entries: a call's arguments (`{ flags: 1 }`), a state
 * value (`{ alive: 'started' }`). Most entries repeat a handful of them, and a trace keeps a
 * thousand entries per session: keeping one object per distinct record instead of one per entry
 * keeps the retained heap (and the garbage collector's work on it) small (bench/inspector.ts).
 *
 * Only records whose leaves are strings, numbers, booleans or one level of such records are
 * shared; anything else is kept as it is. The table is bounded: when full it starts over, so
 * values that never repeat (a rate, a time) cannot grow it.
 * @module
 */

/** Most distinct records kept before the table starts over. */
const MAX_SHARED = 4096;

/**
 * A trie over (key, value) pairs in property order: no key string is built per lookup, only a few
 * Map lookups per property. A nested record is looked up first and its shared object is the value.
 */
interface Trie {
  next: Map<unknown, Map<unknown, Trie>>;
  record?: object;
}

let root: Trie = { next: new Map() };
let count = 0;

const isPrimitive = (value: unknown) => typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';

function shared(value: object, depth: number): object | undefined {
  if (Array.isArray(value) || depth > 2) return undefined;
  let node = root;
  for (const name in value) {
    let inner: unknown = (value as Record<string, unknown>)[name];
    if (!isPrimitive(inner)) {
      if (typeof inner !== 'object' || inner === null) return undefined;
      inner = shared(inner, depth + 1);
      if (inner === undefined) return undefined;
    }
    let byValue = node.next.get(name);
    if (!byValue) node.next.set(name, (byValue = new Map()));
    let child = byValue.get(inner);
    if (!child) byValue.set(inner, (child = { next: new Map() }));
    node = child;
  }
  if (node.record) return node.record;
  if (++count > MAX_SHARED) {
    // Values that never repeat (a rate, a time) must not grow the table: start over.
    root = { next: new Map() };
    count = 0;
    return value;
  }
  node.record = value;
  return value;
}

/**
 * The shared record equal to `value` (same keys in the same order, equal primitive leaves, equal
 * nested records up to two levels), or `value` itself when it is not shareable or seen for the
 * first time. Callers must treat the result as read-only.
 */
export function internFlat<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  return (shared(value, 0) ?? value) as T;
}
