import { describe, it, expect } from 'vitest';
import { Rng } from '@scoresde/core';

describe('Rng', () => {
  it('is deterministic per seed and differs across seeds and forks', () => {
    const a = new Rng(42).normalArray(1000);
    const b = new Rng(42).normalArray(1000);
    const c = new Rng(43).normalArray(1000);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
    const r = new Rng(42);
    expect(Array.from(r.fork('noise').normalArray(10))).not.toEqual(Array.from(r.fork('init').normalArray(10)));
    expect(Array.from(r.fork('noise').normalArray(10))).toEqual(Array.from(new Rng(42).fork('noise').normalArray(10)));
  });

  it('draws standard normals and uniforms with the right moments', () => {
    const n = 200_000;
    const x = new Rng(7).normalArray(n);
    let m = 0, v = 0, k = 0;
    for (const xi of x) m += xi;
    m /= n;
    for (const xi of x) { v += (xi - m) ** 2; k += (xi - m) ** 4; }
    v /= n; k /= n * v * v;
    expect(Math.abs(m)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(v - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
    expect(Math.abs(k - 3)).toBeLessThan(0.05);
    const u = new Rng(9).uniformArray(n);
    let um = 0;
    for (const ui of u) { expect(ui).toBeGreaterThanOrEqual(0); expect(ui).toBeLessThan(1); um += ui; }
    expect(Math.abs(um / n - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / n));
  });
});
