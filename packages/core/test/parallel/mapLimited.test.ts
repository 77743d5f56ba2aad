import { describe, expect, it } from 'vitest';
import { mapLimited } from '@scoresde/core';

describe('mapLimited', () => {
  it('keeps input order and never has more than `limit` calls in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const delays = [5, 1, 4, 0, 3, 2, 6, 1, 0, 2];
    const out = await mapLimited(delays, 3, async (d, i) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((r) => setTimeout(r, d));
      inFlight--;
      return i * 10 + d;
    });
    expect(out).toEqual(delays.map((d, i) => i * 10 + d));
    expect(most).toBe(3);
  });

  it('an empty list and a limit above the length', async () => {
    expect(await mapLimited([], 4, async (x: number) => x)).toEqual([]);
    expect(await mapLimited([1, 2], 8, async (x) => x + 1)).toEqual([2, 3]);
  });

  it('rejects a limit below 1 and passes a failure on', async () => {
    await expect(mapLimited([1], 0, async (x) => x)).rejects.toThrow(/limit must be ≥ 1/);
    await expect(mapLimited([1, 2], 2, async (x) => { if (x === 2) throw new Error('two'); return x; })).rejects.toThrow('two');
  });
});
