/**
 * The Dormand–Prince integrator against scipy.integrate.solve_ivp(method='RK45') (fixture made by
 * fixtures/rk45_scipy.py): same accepted times, same number of evaluations, same end state; plus
 * the fixed-step methods' convergence orders on a closed-form problem.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixedStep, initBackend, rk45, tf, ScoresdeError, type Tensor } from '@scoresde/core';

interface Case { t0: number; t1: number; rtol: number; atol: number; nfev: number; steps: number; t: number[]; y1: number[] }
const ref = JSON.parse(readFileSync(new URL('./fixtures/rk45_scipy.json', import.meta.url), 'utf8')) as {
  M: number[][]; w: number; y0: number[]; cases: Case[];
};

beforeAll(async () => {
  await initBackend('cpu');
});

describe('rk45 matches scipy solve_ivp RK45', () => {
  const mT = () => tf.tensor2d(ref.M.flat(), [2, 2]).transpose();
  for (const c of ref.cases) {
    it(`${c.t0} → ${c.t1}, rtol ${c.rtol}, atol ${c.atol}`, async () => {
      const m = mT();
      const rhs = (t: number, y: Tensor) => tf.tidy(() => tf.add(tf.matMul(y, m), Math.cos(ref.w * t)));
      const y0 = tf.tensor2d(ref.y0, [2, 2]);
      const times: number[] = [c.t0];
      const before = tf.memory().numTensors;
      const r = await rk45(rhs, y0, c.t0, c.t1, { rtol: c.rtol, atol: c.atol, onStep: ({ t }) => times.push(t) });
      expect(tf.memory().numTensors).toBe(before + 1);
      expect(r.nfe).toBe(c.nfev);
      expect(r.steps).toBe(c.steps);
      expect(times.length).toBe(c.t.length);
      // The first step comes from the initial-step rule alone and matches to float32 precision.
      // Later step sizes follow error norms; scipy estimates them in float64, we from a float32
      // state, and the first step's error (~1e-4 of the tolerance, ~1e-9 absolute) sits at the
      // float32 resolution of y, so the next step size can differ by a few per cent. The accepted
      // times must still agree to within 1% of the interval, with the same counts.
      expect(Math.abs(times[1]! - c.t[1]!)).toBeLessThan(1e-6 * Math.abs(c.t1 - c.t0));
      const dev = Math.max(...times.map((t, i) => Math.abs(t - c.t[i]!))) / Math.abs(c.t1 - c.t0);
      expect(dev).toBeLessThan(0.01);
      expect(times.at(-1)).toBe(c.t1);
      const y1 = Array.from(await r.y.data());
      y1.forEach((v, i) => expect(Math.abs(v - c.y1[i]!)).toBeLessThan(2e-5 * Math.max(1, Math.abs(c.y1[i]!))));
      tf.dispose([r.y, y0, m]);
    });
  }

  it('integrates to a tolerance: error of y\' = −y from 0 to 1 shrinks with rtol', async () => {
    const errs: number[] = [];
    for (const tol of [1e-3, 1e-5]) {
      const y0 = tf.ones([1, 3]);
      const r = await rk45((_t, y) => tf.neg(y), y0, 0, 1, { rtol: tol, atol: tol });
      const v = (await r.y.data())[0]!;
      errs.push(Math.abs(v - Math.exp(-1)));
      tf.dispose([r.y, y0]);
    }
    expect(errs[0]!).toBeLessThan(1e-3);
    expect(errs[1]!).toBeLessThan(2e-6);
  });

  it('rejects bad tolerances and non-finite dynamics with one-line errors', async () => {
    const y0 = tf.ones([1, 2]);
    await expect(rk45((_t, y) => tf.neg(y), y0, 0, 1, { rtol: 0, atol: 1e-5 })).rejects.toThrow(ScoresdeError);
    await expect(rk45((_t, y) => tf.mul(y, NaN), y0, 0, 1, { rtol: 1e-5, atol: 1e-5 })).rejects.toThrow(/not finite/);
    y0.dispose();
  });
});

describe('fixed-step integrators', () => {
  // y' = cos(t)·y, y(0) = 1 → y(1) = e^{sin 1}; global error O(h) for Euler, O(h²) for Heun.
  async function err(method: 'euler' | 'heun', n: number): Promise<{ e: number; nfe: number }> {
    const y0 = tf.ones([1, 1]);
    const r = await fixedStep(method, (t, y) => tf.mul(y, Math.cos(t)), y0, 0, 1, n);
    const e = Math.abs((await r.y.data())[0]! - Math.exp(Math.sin(1)));
    tf.dispose([r.y, y0]);
    return { e, nfe: r.nfe };
  }
  it('euler is first order, heun second order, with 1 and 2 evaluations per step', async () => {
    const e1 = await err('euler', 20);
    const e2 = await err('euler', 40);
    expect(e1.nfe).toBe(20);
    expect(Math.log2(e1.e / e2.e)).toBeGreaterThan(0.9);
    expect(Math.log2(e1.e / e2.e)).toBeLessThan(1.1);
    const h1 = await err('heun', 20);
    const h2 = await err('heun', 40);
    expect(h1.nfe).toBe(40);
    expect(Math.log2(h1.e / h2.e)).toBeGreaterThan(1.85);
    expect(Math.log2(h1.e / h2.e)).toBeLessThan(2.15);
  });
});
