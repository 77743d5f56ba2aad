/**
 * Latents and bookkeeping: slerp coefficients (endpoints exact, unit-norm path between
 * orthogonal unit latents), ODE interpolation between two Gaussian-prior images (end frames give
 * back the images, rel. error ≤ 1e-3; [K, H, W, C]; no tensor leak), dequantisation ranges and
 * the bits/dim offsets, and one-line errors for bad input.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng, ScoresdeError, bitsOffset, dequantize, initBackend, odeInterpolate, odeLikelihood, slerp, slerpCoefficients, tf, type Tensor } from '@scoresde/core';
import { SDES, gaussian16 } from '../sampling/problems.js';

beforeAll(async () => {
  await initBackend(process.env.SCORESDE_TEST_BACKEND ?? 'wasm');
});

async function relErr(a: Tensor, b: Tensor): Promise<number> {
  const r = tf.tidy(() => tf.div(tf.norm(tf.sub(a, b)), tf.norm(b)));
  const v = (await r.data())[0]!;
  r.dispose();
  return v;
}

describe('slerp', () => {
  it('coefficients: exact endpoints, cos/sin path for θ = π/2, linear for θ = 0', () => {
    const c = slerpCoefficients(Math.PI / 2, 5);
    expect(c[0]).toEqual([1, 0]);
    expect(c[4]![0]).toBeCloseTo(0, 15);
    expect(c[4]![1]).toBe(1);
    c.forEach(([a, b], k) => {
      expect(a).toBeCloseTo(Math.cos((k / 4) * (Math.PI / 2)), 12);
      expect(b).toBeCloseTo(Math.sin((k / 4) * (Math.PI / 2)), 12);
    });
    expect(slerpCoefficients(0, 3)).toEqual([[1, 0], [0.5, 0.5], [0, 1]]);
    expect(() => slerpCoefficients(1, 1)).toThrow(ScoresdeError);
  });

  it('tensor path: frames 0 and K−1 are the latents, norms follow the great circle', async () => {
    const za = tf.tensor4d([3, 0, 0, 0], [1, 2, 2, 1]);
    const zb = tf.tensor4d([0, 0, 3, 0], [1, 2, 2, 1]);
    const z = await slerp(za, zb, 7);
    expect(z.shape).toEqual([7, 2, 2, 1]);
    const v = await z.array() as number[][][][];
    expect(v[0]!.flat(2)).toEqual([3, 0, 0, 0]);
    expect(v[6]!.flat(2)[2]).toBe(3);
    for (const frame of v) expect(Math.hypot(...frame.flat(2))).toBeCloseTo(3, 5);
    const neg = tf.neg(za);
    await expect(slerp(za, neg, 3)).rejects.toThrow(/opposite directions/);
    neg.dispose();
    tf.dispose([za, zb, z]);
  });
});

describe('odeInterpolate (VP, Gaussian d = 16)', () => {
  it('end frames give back the two images; no tensor leak', async () => {
    const sde = SDES.vp();
    const p = gaussian16(sde);
    const score = (x: Tensor, t: number | Float32Array) => p.prior.score(x, t);
    const data = p.prior.sampleData(2, new Rng(3));
    const [a, b] = tf.split(data, 2, 0) as [Tensor, Tensor];
    const before = tf.memory().numTensors;
    const r = await odeInterpolate(a, b, 6, { sde, score });
    expect(tf.memory().numTensors).toBe(before + 2);
    expect(r.x.shape).toEqual([6, 4, 4, 1]);
    expect(r.z.shape).toEqual([6, 4, 4, 1]);
    const first = tf.slice(r.x, 0, 1);
    const last = tf.slice(r.x, 5, 1);
    const [ea, eb] = [await relErr(first, a), await relErr(last, b)];
    console.log(`interpolation end frames rel err ${ea.toExponential(2)} ${eb.toExponential(2)}, nfe ${r.nfe}`);
    expect(ea).toBeLessThanOrEqual(1e-3);
    expect(eb).toBeLessThanOrEqual(1e-3);
    // a middle frame is a different image, not a copy of an end
    const mid = tf.slice(r.x, 3, 1);
    expect(await relErr(mid, a)).toBeGreaterThan(0.05);
    expect(r.nfe).toBeGreaterThan(20);
    tf.dispose([first, last, mid, r.x, r.z, a, b, data]);
    p.prior.dispose();
  });
});

describe('data scale and dequantisation', () => {
  it('offsets are score_sde’s: 0, 8 (unit), 7 (centred)', () => {
    expect([bitsOffset('none'), bitsOffset('unit'), bitsOffset('centered')]).toEqual([0, 8, 7]);
  });

  it('dequantised 8-bit values stay in their bin (k + u)/256, both ranges', async () => {
    const k = Float32Array.from({ length: 256 }, (_, i) => i);
    const unit = tf.tensor4d(k.map((v) => v / 255), [4, 8, 8, 1]);
    const d1 = await dequantize(unit, 'unit', new Rng(1));
    const v1 = await d1.data();
    const frac = Array.from(v1, (v, i) => v * 256 - k[i]!);
    expect(Math.min(...frac)).toBeGreaterThanOrEqual(-1e-4);
    expect(Math.max(...frac)).toBeLessThan(1 + 1e-4);
    expect(Math.abs(frac.reduce((a, b) => a + b, 0) / 256 - 0.5)).toBeLessThan(0.1);
    const centred = tf.tidy(() => tf.sub(tf.mul(unit, 2), 1));
    const d2 = await dequantize(centred, 'centered', new Rng(1));
    const back = tf.tidy(() => tf.div(tf.add(d2, 1), 2));
    expect(await relErr(back, d1)).toBeLessThan(1e-6);
    await expect(dequantize(centred, 'unit', new Rng(1))).rejects.toThrow(/must lie in \[0, 1\]/);
    await expect(dequantize(unit, 'none', new Rng(1))).rejects.toThrow(ScoresdeError);
    tf.dispose([unit, d1, centred, d2, back]);
  });

  it('bits/dim with a data scale = plain bits/dim + offset; bad input is one ScoresdeError', async () => {
    const sde = SDES.vp();
    const p = gaussian16(sde);
    const score = (x: Tensor, t: number | Float32Array) => p.prior.score(x, t);
    const x = p.prior.sampleData(4, new Rng(2));
    const plain = await odeLikelihood(x, { sde, score, estimator: 'exact' });
    const unit = await odeLikelihood(x, { sde, score, estimator: 'exact', dataScale: 'unit' });
    unit.bpd.forEach((b, i) => expect(b - plain.bpd[i]!).toBeCloseTo(8, 10));
    const bad = tf.tensor4d(Float32Array.from({ length: 16 }, (_, i) => (i === 5 ? NaN : 0)), [1, 4, 4, 1]);
    await expect(odeLikelihood(bad, { sde, score })).rejects.toThrow(/non-finite value \(NaN\) at element 5/);
    await expect(odeLikelihood(x, { sde, score, estimator: 'hutch' as never })).rejects.toThrow(/unknown divergence estimator 'hutch'/);
    await expect(odeLikelihood(x, { sde, score, probes: 0 })).rejects.toThrow(/probes must be a positive integer/);
    const big = tf.zeros([1, 33, 33, 1]);
    const n0 = tf.memory().numTensors;
    await expect(odeLikelihood(big, { sde, score: (y) => tf.neg(y), estimator: 'exact' })).rejects.toThrow(/exact divergence needs d ≤ 1024/);
    await expect(odeLikelihood(big, { sde, score: (y) => tf.neg(y), dequantize: true })).rejects.toThrow(/dequantisation needs 8-bit data/);
    expect(tf.memory().numTensors).toBe(n0);
    tf.dispose([x, plain.z, unit.z, bad, big]);
    p.prior.dispose();
  });
});
