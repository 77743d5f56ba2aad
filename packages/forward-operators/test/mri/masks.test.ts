import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FIXTURES } from './helpers.js';
import {
  randomLineMask,
  equispacedLineMask,
  equispacedFractionLineMask,
  centerLines,
  gaussianVariableDensityMask,
  poissonDiscMask,
  poissonDiscMaskDetailed,
  radialMask,
  radialSpokesMask,
  centerBox,
  buildMask,
  maskAcceleration,
  maskFromArray,
  roundHalfEven,
  NumpyRandomState,
} from '../../src/mri/index.js';

const sum = (a: ArrayLike<number>) => Array.from(a).reduce((s, v) => s + v, 0);
const same = (a: ArrayLike<number>, b: ArrayLike<number>) => a.length === b.length && Array.from(a).every((v, i) => v === b[i]);

describe('1-D Cartesian masks (fastMRI conventions)', () => {
  it('centre block: n_low = round(n·cf) (half to even), start ⌊(n − n_low + 1)/2⌋, contains the DC line', () => {
    expect(centerLines(256, 0.08)).toEqual({ start: 118, count: 20 });
    expect(centerLines(320, 0.08)).toEqual({ start: 147, count: 26 }); // 25.6 → 26
    expect(centerLines(100, 0.125)).toEqual({ start: 44, count: 12 }); // 12.5 → 12 (half to even)
    expect(centerLines(101, 0.04)).toEqual({ start: 49, count: 4 });
    expect(roundHalfEven(2.5)).toBe(2);
    expect(roundHalfEven(3.5)).toBe(4);
    for (const n of [37, 64, 99, 256]) {
      const { start, count } = centerLines(n, 0.1);
      expect(start <= n >> 1 && n >> 1 < start + count).toBe(true);
    }
  });

  it('random: mean acceleration over 200 seeds within 2% of R, centre always present, seeds reproducible', () => {
    for (const R of [4, 8]) {
      const n = 256;
      const { start, count } = centerLines(n, 0.08);
      let total = 0;
      for (let seed = 0; seed < 200; seed++) {
        const m = randomLineMask({ n, acceleration: R, centerFraction: 0.08, seed });
        total += sum(m);
        for (let i = start; i < start + count; i++) expect(m[i]).toBe(1);
      }
      const accel = n / (total / 200);
      expect(Math.abs(accel - R) / R).toBeLessThan(0.02);
    }
    const a = randomLineMask({ n: 128, acceleration: 4, centerFraction: 0.08, seed: 9 });
    const b = randomLineMask({ n: 128, acceleration: 4, centerFraction: 0.08, seed: 9 });
    const c = randomLineMask({ n: 128, acceleration: 4, centerFraction: 0.08, seed: 10 });
    expect(same(a, b)).toBe(true);
    expect(same(a, c)).toBe(false);
    expect(sum(randomLineMask({ n: 50, acceleration: 1, centerFraction: 0.08, seed: 0 }))).toBe(50);
  });

  it('equispaced: every R-th line from the offset, plus the centre', () => {
    const n = 128;
    const m = equispacedLineMask({ n, acceleration: 4, centerFraction: 0.08, seed: 2 });
    const { start, count } = centerLines(n, 0.08);
    const outside = [...Array(n).keys()].filter((i) => m[i] === 1 && (i < start || i >= start + count));
    const offset = outside[0]! % 4;
    expect(outside.every((i) => i % 4 === offset)).toBe(true);
    for (let i = offset; i < n; i += 4) expect(m[i]).toBe(1);
    expect(() => equispacedLineMask({ n, acceleration: 2.5, centerFraction: 0.08, seed: 0 })).toThrow(/integer acceleration/);
  });

  it('NumpyRandomState reproduces np.random.RandomState(seed).uniform and .randint', () => {
    const f = JSON.parse(readFileSync(`${FIXTURES}numpy_rng.json`, 'utf8')) as {
      streams: { seed: number; uniform: number[]; randint: Record<string, number[]> }[];
    };
    for (const st of f.streams) {
      const r = new NumpyRandomState(st.seed);
      expect(Array.from({ length: 8 }, () => r.randomSample())).toEqual(st.uniform);
      for (const [h, want] of Object.entries(st.randint)) {
        const q = new NumpyRandomState(st.seed);
        expect(Array.from({ length: 8 }, () => q.randint(Number(h))), `seed ${st.seed} randint(0, ${h})`).toEqual(want);
      }
    }
    expect(() => new NumpyRandomState(-1)).toThrow(/seed must be an integer in \[0, 2\^32 − 1\]/);
  });

  it('seeded 1-D masks equal fastMRI RandomMaskFunc / EquispacedMaskFunc / EquispacedMaskFractionFunc(shape, seed)', () => {
    const f = JSON.parse(readFileSync(`${FIXTURES}numpy_rng.json`, 'utf8')) as {
      masks: { kind: string; n: number; acceleration: number; center_fraction: number; seed: number; mask: number[] }[];
    };
    expect(f.masks.length).toBe(21);
    for (const c of f.masks) {
      const p = { n: c.n, acceleration: c.acceleration, centerFraction: c.center_fraction, seed: c.seed };
      const m = c.kind === 'random' ? randomLineMask(p) : c.kind === 'equispaced' ? equispacedLineMask(p) : equispacedFractionLineMask(p);
      expect(Array.from(m), `${c.kind} n=${c.n} R=${c.acceleration} seed=${c.seed}`).toEqual(c.mask);
    }
  });

  it('equispaced masks with a fixed offset equal the numpy transcriptions of fastMRI and score_inverse_problems', () => {
    const cases = JSON.parse(readFileSync(`${FIXTURES}masks_fastmri.json`, 'utf8')) as {
      kind: string;
      n: number;
      acceleration: number;
      center_fraction: number;
      offset: number;
      mask: number[];
      source?: string;
    }[];
    expect(cases.length).toBe(11);
    for (const c of cases) {
      const p = { n: c.n, acceleration: c.acceleration, centerFraction: c.center_fraction, seed: 0, offset: c.offset };
      const m = c.kind === 'equispaced' ? equispacedLineMask(p) : equispacedFractionLineMask(p);
      expect(Array.from(m), `${c.kind} n=${c.n} R=${c.acceleration} cf=${c.center_fraction} offset=${c.offset} ${c.source ?? ''}`).toEqual(c.mask);
    }
    expect(() => equispacedLineMask({ n: 16, acceleration: 4, centerFraction: 0.1, seed: 0, offset: 16 })).toThrow(/offset must be an integer in \[0, 16\)/);
  });

  it('equispaced-fraction: total acceleration within 4% of R', () => {
    for (const R of [4, 8]) {
      const m = equispacedFractionLineMask({ n: 368, acceleration: R, centerFraction: 0.04, seed: 1 });
      expect(Math.abs(368 / sum(m) - R) / R).toBeLessThan(0.04);
    }
  });

  it('1-D masks broadcast along the readout axis (axis w: columns, axis h: rows)', () => {
    const w = buildMask(8, 16, { kind: 'random', acceleration: 2, centerFraction: 0.25, seed: 1, axis: 'w' });
    for (let i = 1; i < 8; i++) for (let j = 0; j < 16; j++) expect(w.data[i * 16 + j]).toBe(w.data[j]);
    const h = buildMask(16, 8, { kind: 'random', acceleration: 2, centerFraction: 0.25, seed: 1, axis: 'h' });
    for (let i = 0; i < 16; i++) for (let j = 1; j < 8; j++) expect(h.data[i * 8 + j]).toBe(h.data[i * 8]);
  });
});

describe('2-D masks', () => {
  it('gaussian variable density: acceleration within 3%, centre box sampled, density falls with radius', () => {
    for (const R of [4, 8]) {
      const m = gaussianVariableDensityMask({ h: 128, w: 128, acceleration: R, centerFraction: 0.08, seed: 3 });
      expect(Math.abs((128 * 128) / sum(m) - R) / R).toBeLessThan(0.03);
      const box = centerBox(128, 128, 0.08);
      for (let k = 0; k < box.length; k++) if (box[k]) expect(m[k]).toBe(1);
      const ring = (r0: number, r1: number) => {
        let s = 0;
        let c = 0;
        for (let i = 0; i < 128; i++)
          for (let j = 0; j < 128; j++) {
            const r = Math.hypot(i - 64, j - 64);
            if (r >= r0 && r < r1) {
              s += m[i * 128 + j]!;
              c++;
            }
          }
        return s / c;
      };
      expect(ring(12, 24)).toBeGreaterThan(ring(40, 64));
    }
  });

  it('poisson disc: acceleration within 5%, reproducible, sampled points at least min(r(p), r(q)) apart', () => {
    for (const R of [4, 8]) {
      const p = { h: 96, w: 80, acceleration: R, centerFraction: 0.06, seed: 5 };
      const { mask: m, radius } = poissonDiscMaskDetailed(p);
      expect(Math.abs((96 * 80) / sum(m) - R) / R).toBeLessThan(0.05);
      expect(same(m, poissonDiscMask(p))).toBe(true);
      const box = centerBox(96, 80, 0.06);
      let pairs = 0;
      let violations = 0;
      for (let k = 0; k < m.length; k++) {
        if (!m[k]) continue;
        const [i, j] = [Math.floor(k / 80), k % 80];
        for (let di = -6; di <= 6; di++)
          for (let dj = -6; dj <= 6; dj++) {
            const [i2, j2] = [i + di, j + dj];
            if ((di === 0 && dj === 0) || i2 < 0 || i2 >= 96 || j2 < 0 || j2 >= 80) continue;
            const q = i2 * 80 + j2;
            if (!m[q] || (box[k] && box[q])) continue;
            pairs++;
            if (Math.hypot(di, dj) < Math.min(radius[k]!, radius[q]!)) violations++;
          }
      }
      expect(pairs).toBeGreaterThan(100);
      expect(violations).toBe(0);
      // the density still falls off: inner sampled fraction above the outer one
      const frac = (inner: boolean) => {
        let s = 0;
        let c = 0;
        for (let k = 0; k < m.length; k++) {
          const r = Math.hypot((Math.floor(k / 80) - 48) / 48, ((k % 80) - 40) / 40);
          if (box[k] || (inner ? r > 0.4 : r < 0.8)) continue;
          s += m[k]!;
          c++;
        }
        return s / c;
      };
      expect(frac(true)).toBeGreaterThan(1.5 * frac(false));
    }
  });

  it('radial: spokes through the DC point; horizontal and vertical spokes fill the centre row/column', () => {
    const m = radialSpokesMask(32, 32, 2);
    // θ = 0 (row 16) and θ = π/2 (column 16)
    for (let j = 0; j < 32; j++) expect(m[16 * 32 + j]).toBe(1);
    for (let i = 0; i < 32; i++) expect(m[i * 32 + 16]).toBe(1);
    expect(sum(m)).toBe(63);
    const m45 = radialSpokesMask(33, 33, 4);
    for (let i = 0; i < 33; i++) expect(m45[i * 33 + i]).toBe(1); // θ = π/4 diagonal
  });

  it('radial without spokes: the fewest spokes reaching the acceleration', () => {
    const m = radialMask({ h: 64, w: 64, acceleration: 4 });
    expect(maskAcceleration({ h: 64, w: 64, data: m })).toBeLessThanOrEqual(4);
    // one spoke fewer would not reach it
    let k = 1;
    while (!same(radialSpokesMask(64, 64, k), m)) k++;
    expect((64 * 64) / sum(radialSpokesMask(64, 64, k - 1))).toBeGreaterThan(4);
  });
});

describe('mask input checks', () => {
  it('acceleration < 1 and centre fraction outside [0, 1] are one-line errors', () => {
    expect(() => randomLineMask({ n: 64, acceleration: 0.5, centerFraction: 0.08, seed: 0 })).toThrow('mri: acceleration must be ≥ 1, got 0.5');
    expect(() => buildMask(16, 16, { kind: 'poisson', acceleration: 0, centerFraction: 0.08, seed: 0, axis: 'w' })).toThrow(/acceleration must be ≥ 1/);
    expect(() => centerLines(64, 1.5)).toThrow(/center_fraction must be in \[0, 1\]/);
  });

  it('.npy masks: 0/1 only, shape [H,W] / [H,W,1] / 1-D along the phase-encode axis', () => {
    const ok = maskFromArray(Float32Array.from([1, 0, 1, 1]), [4], 2, 4, 'w', 'm');
    expect(Array.from(ok.data)).toEqual([1, 0, 1, 1, 1, 0, 1, 1]);
    expect(maskFromArray(new Float32Array(6).fill(1), [2, 3, 1], 2, 3, 'w', 'm').data.length).toBe(6);
    expect(() => maskFromArray(Float32Array.from([1, 0.5, 0, 1]), [2, 2], 2, 2, 'w', 'm')).toThrow('m: values must be 0 or 1 (found 0.5 at flat index 1)');
    expect(() => maskFromArray(new Float32Array(6), [3, 2], 2, 3, 'w', 'm')).toThrow(/does not fit the 2×3 image/);
  });
});
