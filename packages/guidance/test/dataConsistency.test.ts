/**
 * data-consistency: the gradient step x − η Aᵀ(Ax − y) against the dense matrix on the host, its
 * default η = 1/‖A‖² (one step from x = 0 on A = I-like rows), the closed form on a mask (observed
 * pixels set to y), and refusals (closed form on a non-projection, nonlinear operator).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng, tf } from '@scoresde/core';
import { DataConsistencyTerm } from '../src/terms/dataConsistency.js';
import { calibrationOperator, smoothGaussianSpec } from '../src/calibration/problems.js';
import { MatrixOperator } from '../src/operators/matrixOperator.js';
import { operatorMatrix } from '../src/linalg/operatorMatrix.js';
import { matMul, transpose, symFunction } from '../src/linalg/dense.js';
import { startBackend } from './helpers.js';

beforeAll(startBackend);

describe('data-consistency', () => {
  it('gradient step equals x − η Aᵀ(Ax − y) on the host; default η = 1/‖A‖²', async () => {
    const spec = smoothGaussianSpec(4, 4);
    const op = calibrationOperator('matrix', spec.shape, 0) as MatrixOperator;
    const y = new Rng(1).normalTensor([1, 4]);
    const term = await DataConsistencyTerm.create({ operator: op, y });
    const { A, m, d } = await operatorMatrix(op);
    const AtA = matMul(transpose(A, m, d), A, d, m, d);
    let lmax = 0;
    symFunction(AtA, d, (l) => ((lmax = Math.max(lmax, l)), 0));
    expect(term.step).toBeCloseTo(1 / lmax, 4);
    const x = new Rng(2).normalTensor([2, 4, 4, 1]);
    const got = term.project(x).dataSync();
    const xv = x.dataSync();
    const yv = y.dataSync();
    for (let b = 0; b < 2; b++) {
      const xb = xv.subarray(b * d, (b + 1) * d);
      const r = matMul(A, xb, m, d, 1).map((v, i) => v - yv[i]!);
      const g = matMul(transpose(A, m, d), r, d, m, 1);
      for (let i = 0; i < d; i++) expect(got[b * d + i]).toBeCloseTo(xb[i]! - term.step * g[i]!, 4);
    }
    const fixed = await DataConsistencyTerm.create({ operator: op, y, step: 0.25 });
    expect(fixed.step).toBe(0.25);
  });

  it('closed form on a mask: observed pixels become y, the others stay', async () => {
    const spec = smoothGaussianSpec(4, 4);
    const op = calibrationOperator('mask', spec.shape, 0);
    const y = tf.tidy(() => op.forward(new Rng(3).normalTensor([1, 4, 4, 1])));
    const term = await DataConsistencyTerm.create({ operator: op, y, mode: 'closed_form' });
    const x = new Rng(4).normalTensor([3, 4, 4, 1]);
    const got = term.project(x).dataSync();
    const m = (op as unknown as { maskTensor: tf.Tensor }).maskTensor.dataSync();
    const xv = x.dataSync();
    const yv = y.dataSync();
    for (let k = 0; k < 48; k++) expect(got[k]).toBeCloseTo(m[k % 16] ? yv[k % 16]! : xv[k]!, 6);
  });

  it('closed form needs AᵀA to be a projection; one-line errors', async () => {
    const spec = smoothGaussianSpec(4, 4);
    const op = calibrationOperator('matrix', spec.shape, 0);
    await expect(DataConsistencyTerm.create({ operator: op, y: tf.zeros([1, 4]), mode: 'closed_form' })).rejects.toThrow(/closed_form needs AᵀA to be an orthogonal projection/);
    await expect(DataConsistencyTerm.create({ operator: op, y: tf.zeros([2, 5]) })).rejects.toThrow(/measurement y has shape \[2, 5\]/);
    const nonlinear = { ...op, name: 'nl', linear: false, forward: (x: tf.Tensor) => x } as unknown as MatrixOperator;
    await expect(DataConsistencyTerm.create({ operator: nonlinear, y: tf.zeros([1, 4]) })).rejects.toThrow(/needs a linear operator/);
  });
});
