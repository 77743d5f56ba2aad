/** The seeded data order: a permutation per epoch, a pure function of (seed, epoch, step). */
import { describe, expect, it } from 'vitest';
import { Rng, ShuffledOrder, epochPermutation, type RngState } from '@scoresde/core';

describe('seeded data order', () => {
  it('is a permutation per epoch, differs across epochs and seeds, and is reproducible', () => {
    const p0 = epochPermutation(5, 0, 1000);
    const p1 = epochPermutation(5, 1, 1000);
    expect([...p0].sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect([...p0]).not.toEqual([...p1]);
    expect([...p0]).not.toEqual([...epochPermutation(6, 0, 1000)]);
    expect([...p0]).toEqual([...epochPermutation(5, 0, 1000)]);
    // A uniform shuffle: sample 0 lands in the first half about half the time.
    let first = 0;
    for (let e = 0; e < 2000; e++) if (epochPermutation(1, e, 10).indexOf(0) < 5) first++;
    expect(Math.abs(first / 2000 - 0.5)).toBeLessThan(0.04);
  });

  it('cuts the position stream into batches that straddle epochs, from any step', () => {
    const o = new ShuffledOrder(3, 10, 4);
    const seq = [...o.indices(0), ...o.indices(1), ...o.indices(2), ...o.indices(3), ...o.indices(4)];
    expect(seq.slice(0, 10)).toEqual([...epochPermutation(3, 0, 10)]);
    expect(seq.slice(10, 20)).toEqual([...epochPermutation(3, 1, 10)]);
    expect([...new ShuffledOrder(3, 10, 4).indices(3)]).toEqual(seq.slice(12, 16));
    const it = new ShuffledOrder(3, 10, 4).from(2);
    expect([...it.next().value!]).toEqual(seq.slice(8, 12));
    expect(() => new ShuffledOrder(1, 10, 0)).toThrow(/batch size/);
    expect(() => epochPermutation(1, 0, 0)).toThrow(/at least one sample/);
  });

  it('Rng.state / fromState continue the stream exactly (including a cached normal)', () => {
    const r = new Rng(9);
    r.normalArray(3); // leaves a cached Box–Muller value
    const st: RngState = JSON.parse(JSON.stringify(r.state())) as RngState;
    const a = [r.normal(), r.uniform(), r.nextU32(), ...r.normalArray(5)];
    const q = Rng.fromState(st);
    expect([q.normal(), q.uniform(), q.nextU32(), ...q.normalArray(5)]).toEqual(a);
    expect(q.seed).toBe(9);
    expect(() => Rng.fromState({ seed: 1, s: [1, 2], spare: null })).toThrow(/invalid Rng state/);
  });
});
