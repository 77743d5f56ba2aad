/**
 * projection (Song et al. 2022): with λ = 1 on a noiseless mask every returned sample equals y on
 * the observed pixels exactly (PC and ODE), the update formula on one step, λ = 0 is the
 * identity, and an operator without a decomposition is refused naming the methods that fit.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng, ScoresdeError, VESDE, VPSDE, tf, type GuidanceContext } from '@scoresde/core';
import { ProjectionTerm } from '../src/terms/projection.js';
import { reconstruct } from '../src/reconstruct.js';
import { calibrationOperator, makeGaussianPrior, simulateMeasurement, smoothGaussianSpec } from '../src/calibration/problems.js';
import { startBackend } from './helpers.js';

beforeAll(startBackend);

describe('projection', () => {
  for (const [sampler, sdeName] of [['pc', 'vp'], ['pc', 've'], ['ode', 've']] as const) {
    it(`λ = 1, noiseless mask, ${sampler} ${sdeName}: observed pixels equal y exactly in every sample`, async () => {
      const sde = sdeName === 'vp' ? new VPSDE() : new VESDE();
      const spec = smoothGaussianSpec(4, 4);
      const prior = makeGaussianPrior(spec, sde);
      const op = calibrationOperator('mask', spec.shape, 0);
      const { x: truth, y } = simulateMeasurement(prior, op, new Rng(1));
      const term = new ProjectionTerm({ operator: op, y });
      const r = await reconstruct({ model: prior, terms: [term], samples: 64, rng: new Rng(2), sampler, steps: sampler === 'pc' ? 200 : undefined });
      const xs = (await r.samples.data()) as Float32Array;
      const yv = (await y.data()) as Float32Array;
      const m = (await (op as unknown as { maskTensor: tf.Tensor }).maskTensor.data()) as Float32Array;
      let observed = 0;
      for (let b = 0; b < 64; b++) {
        for (let i = 0; i < spec.d; i++) {
          if (m[i] !== 1) continue;
          observed++;
          expect(xs[b * spec.d + i]).toBe(yv[i]);
        }
      }
      expect(observed).toBe(64 * 8);
      // the unobserved pixels are not copied from anywhere: they vary across samples
      const std = (await r.std!.data()) as Float32Array;
      for (let i = 0; i < spec.d; i++) if (m[i] === 0) expect(std[i]).toBeGreaterThan(0.01);
      tf.dispose([r.samples, r.mean!, r.std!, truth, y]);
      term.dispose();
      prior.dispose();
    });
  }

  it('one step: x ← T⁻¹[Tx + λΛ(ŷ_t − Tx)], ŷ_t = alpha·P⁻¹y + std·Λ T z (z from ctx.rng)', () => {
    const sde = new VESDE();
    const spec = smoothGaussianSpec(4, 4);
    const op = calibrationOperator('mask', spec.shape, 0);
    const y = tf.tidy(() => op.forward(tf.ones([1, 4, 4, 1])));
    const lambda = 0.3;
    const term = new ProjectionTerm({ operator: op, y, lambda });
    const x = new Rng(4).normalTensor([2, 4, 4, 1]);
    const t = 0.4;
    const ctx: GuidanceContext = { sde, priorScore: (a) => tf.zerosLike(a), rng: new Rng(8) };
    const got = term.project(x, t, ctx).dataSync();
    const z = new Rng(8).normalArray(32);
    const xv = x.dataSync();
    const m = (op as unknown as { maskTensor: tf.Tensor }).maskTensor.dataSync();
    const { alpha, std } = sde.marginal(t);
    for (let k = 0; k < 32; k++) {
      const mk = m[k % 16]!;
      const yt = alpha * mk * 1 + std * mk * z[k]!;
      const want = xv[k]! + lambda * mk * (yt - xv[k]!);
      expect(got[k]).toBeCloseTo(want, 4);
    }
    const id = new ProjectionTerm({ operator: op, y, lambda: 0 }).project(x, t, ctx).dataSync();
    expect(Array.from(id)).toEqual(Array.from(xv));
  });

  it('operator without decomposition / bad λ / bad y → one-line ScoresdeError', () => {
    const spec = smoothGaussianSpec(4, 4);
    const op = calibrationOperator('matrix', spec.shape, 0);
    const y = tf.zeros([1, 4]);
    const e = (() => {
      try {
        new ProjectionTerm({ operator: op, y });
      } catch (err) {
        return err as Error;
      }
      return undefined;
    })();
    expect(e).toBeInstanceOf(ScoresdeError);
    expect(e!.message).toMatch(/decomposition/);
    expect(e!.message).toMatch(/'dps'/);
    expect(e!.message).toMatch(/'data-consistency'/);
    expect(e!.message).toMatch(/'exact-gaussian'/);
    expect(e!.message).not.toMatch(/\n/);
    const mask = calibrationOperator('mask', spec.shape, 0);
    expect(() => new ProjectionTerm({ operator: mask, y: tf.zeros([1, 4, 4, 1]), lambda: 1.5 })).toThrow(/lambda must be in \[0, 1\]/);
    expect(() => new ProjectionTerm({ operator: mask, y: tf.zeros([1, 4, 3, 1]) })).toThrow(/measurement y has shape \[1, 4, 3, 1\]/);
  });
});
