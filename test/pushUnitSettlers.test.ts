/**
 * The push client's tables of OnDataUnit(s) callers (adapters/wmf-push/unitSettlers.ts): each caller is
 * told its unit's outcome exactly once, whatever the order of the settlements and however many wait;
 * an OnDataUnits call resolves once, with every unit's outcome at its index.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BatchCall, UnitQueue, UnitSettlers } from '../adapters/wmf-push/unitSettlers.js';

describe('UnitSettlers', () => {
  it('tells each caller its own outcome exactly once, in any settlement order and across compactions', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3000 }), fc.nat(), fc.double({ min: 0, max: 0.2, noNaN: true }), (count, seed, shuffle) => {
        const settlers = new UnitSettlers();
        const told = new Map<number, number[]>();
        // Sequence numbers with gaps, as refused units consume theirs without waiting.
        const seqs = Array.from({ length: count }, (_, i) => i * 2 + (i % 3 === 0 ? 1 : 0));
        for (const seq of seqs) settlers.add(seq, (hr) => told.set(seq, [...(told.get(seq) ?? []), hr]));
        // Mostly in order, as the statechart settles; a few swapped to exercise the fallback.
        const order = seqs.slice();
        let x = seed;
        for (let i = 0; i + 1 < order.length; i++) {
          x = (x * 1103515245 + 12345) % 2147483648;
          if (x / 2147483648 < shuffle) [order[i], order[i + 1]] = [order[i + 1]!, order[i]!];
        }
        for (const seq of order) expect(settlers.settle(seq, seq + 7)).toBe(true);
        expect(settlers.size).toBe(0);
        for (const seq of seqs) expect(told.get(seq)).toEqual([seq + 7]);
      }),
      { numRuns: 60 },
    );
  });

  it('reports a unit nobody waits for (settled already, or never added)', () => {
    const settlers = new UnitSettlers();
    settlers.add(4, () => {});
    expect(settlers.settle(5, 0)).toBe(false);
    expect(settlers.settle(4, 0)).toBe(true);
    expect(settlers.settle(4, 0)).toBe(false);
  });
});

describe('BatchCall and UnitQueue', () => {
  it('an OnDataUnits call resolves once, with each outcome at its unit\'s index, whichever order they come in', () => {
    const resolved: number[][] = [];
    const call = new BatchCall(3, (outcomes) => resolved.push([...outcomes]));
    const queue = new UnitQueue();
    for (let i = 0; i < 3; i++) queue.add({ length: 10 + i }, call, i);
    const settlers = new UnitSettlers();
    queue.tell(1, 0x80070057); // refused at once
    queue.moveTo(settlers, 0, 100);
    queue.moveTo(settlers, 2, 101);
    queue.drop(3);
    expect(queue.size).toBe(0);
    expect(resolved).toEqual([]);
    settlers.settle(101, 1);
    expect(resolved).toEqual([]);
    settlers.settle(100, 0);
    expect(resolved).toEqual([[0, 0x80070057, 1]]);
  });

  it('an empty OnDataUnits call resolves at once with no outcomes', () => {
    const resolved: number[][] = [];
    new BatchCall(0, (outcomes) => resolved.push(outcomes));
    expect(resolved).toEqual([[]]);
  });
});
