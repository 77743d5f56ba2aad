/**
 * The guidance plugin registers its terms, classifiers and the 'matrix' operator; creating them
 * through the registries validates parameters and gives one-line errors for bad input.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PLUGIN_API_VERSION, Rng, ScoresdeError, VESDE, createRegistries, encodeNpy, tf, type LikelihoodContext, type PluginApi } from '@scoresde/core';
import { guidancePlugin } from '../src/plugin.js';
import { calibrationOperator, makeGaussianPrior, smoothGaussianSpec } from '../src/calibration/problems.js';
import { gmm3, startBackend } from './helpers.js';

beforeAll(startBackend);

async function registries() {
  const r = createRegistries();
  const api = { ...r, apiVersion: PLUGIN_API_VERSION, tf, pluginName: 'guidance' } as PluginApi;
  await guidancePlugin.register(api);
  return r;
}

const oneLine = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ScoresdeError);
    const msg = (e as Error).message;
    expect(msg).not.toMatch(/\n/);
    return msg;
  }
  throw new Error('expected an error');
};

describe('guidance plugin', () => {
  it('registers the terms, classifiers and the matrix operator', async () => {
    const r = await registries();
    expect(r.likelihoods.names()).toEqual(['classifier', 'data-consistency', 'dps', 'exact-gaussian', 'projection']);
    expect(r.classifiers.names()).toContain('gmm-exact');
    expect(r.operators.names()).toEqual(['matrix']);
  });

  it('creates terms through the registry; bad input gives one line', async () => {
    const r = await registries();
    const spec = smoothGaussianSpec(4, 4);
    const model = makeGaussianPrior(spec, new VESDE());
    const mask = calibrationOperator('mask', spec.shape, 0);
    const matrix = calibrationOperator('matrix', spec.shape, 0);
    const ctx = (o: Partial<LikelihoodContext>): LikelihoodContext => ({ model, registries: r, ...o });
    const y = tf.zeros([1, 4, 4, 1]);
    const term = await r.likelihoods.create('projection', { lambda: 0.5 }, ctx({ operator: mask, y }));
    expect(term.name).toBe('projection');
    expect(await oneLine(r.likelihoods.create('projection', {}, ctx({ operator: matrix, y: tf.zeros([1, 4]) })))).toMatch(/has none: use 'dps' or 'data-consistency' \(or 'exact-gaussian'/);
    expect(await oneLine(r.likelihoods.create('projection', { lambda: 2 }, ctx({ operator: mask, y })))).toMatch(/lambda/);
    expect(await oneLine(r.likelihoods.create('exact-gaussian', {}, ctx({ operator: mask, y: tf.zeros([1, 4, 4]) })))).toMatch(/measurement y has shape \[1, 4, 4\]/);
    expect(await oneLine(r.likelihoods.create('exact-gaussian', {}, ctx({ operator: mask })))).toMatch(/needs a measurement y/);
    expect(await oneLine(r.likelihoods.create('dps', {}, ctx({ y })))).toMatch(/needs a forward operator/);
    const gmm = gmm3(new VESDE());
    expect(await oneLine(r.likelihoods.create('exact-gaussian', {}, { model: gmm, registries: r, operator: mask, y }))).toMatch(/needs an analytic Gaussian prior/);
    const clf = await r.classifiers.create('gmm-exact', {}, { model: gmm, spec: '', cwd: '.', registries: r });
    expect(clf.numClasses).toBe(3);
    expect(await oneLine(r.likelihoods.create('classifier', {}, { model: gmm, registries: r, classifier: clf, label: 5 }))).toBe('class index 5 out of range 0..2');
    expect(await oneLine(r.likelihoods.create('classifier', {}, { model: gmm, registries: r, classifier: clf }))).toMatch(/needs a class label/);
    const two = { numClasses: 2, logProbs: (x: tf.Tensor) => tf.zeros([x.shape[0]!, 2]) };
    expect(await oneLine(r.likelihoods.create('classifier', {}, { model: gmm, registries: r, classifier: two, label: 0 }))).toMatch(/classifier has 2 classes but the model has 3 components/);
    expect(await oneLine(r.classifiers.create('gmm-exact', {}, { model, spec: '', cwd: '.', registries: r }))).toMatch(/needs an analytic Gaussian-mixture prior/);
  });

  it("operator 'matrix' from a .npy file: forward, exact adjoint, pseudo-inverse", async () => {
    const r = await registries();
    const dir = mkdtempSync(join(tmpdir(), 'guid-'));
    const a = Float32Array.from(new Rng(3).normalArray(6 * 8));
    writeFileSync(join(dir, 'A.npy'), encodeNpy({ data: a, shape: [6, 8] }));
    const op = await r.operators.create('matrix', { file: 'A.npy' }, { inputShape: [2, 4, 1], cwd: dir, registries: r });
    expect(op.outputShape).toEqual([6]);
    const x = new Rng(4).normalTensor([2, 2, 4, 1]);
    const yv = op.forward(x).dataSync();
    const xv = x.dataSync();
    for (let b = 0; b < 2; b++) for (let i = 0; i < 6; i++) {
      let s = 0;
      for (let j = 0; j < 8; j++) s += a[i * 8 + j]! * xv[b * 8 + j]!;
      expect(yv[b * 6 + i]).toBeCloseTo(s, 4);
    }
    const v = new Rng(5).normalTensor([2, 6]);
    const lhs = tf.sum(tf.mul(op.forward(x), v)).dataSync()[0]!;
    const rhs = tf.sum(tf.mul(x, op.adjoint!(v))).dataSync()[0]!;
    expect(Math.abs(lhs - rhs)).toBeLessThan(1e-4 * Math.abs(lhs) + 1e-5);
    // 6 < 8 rows: A A⁺ = I on the measurements
    const back = op.forward(op.pseudoInverse!(v)).dataSync();
    v.dataSync().forEach((val, i) => expect(back[i]).toBeCloseTo(val, 3));
    expect(await oneLine(r.operators.create('matrix', { file: 'A.npy' }, { inputShape: [3, 3, 1], cwd: dir, registries: r }))).toMatch(/has 8 columns, the image \[3, 3, 1\] has 9 entries/);
    expect(await oneLine(r.operators.create('matrix', { file: 'missing.npy' }, { inputShape: [2, 4, 1], cwd: dir, registries: r }))).toMatch(/cannot read missing\.npy/);
  });
});
