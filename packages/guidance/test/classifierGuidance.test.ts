/**
 * Classifier guidance with the exact GMM classifier (gmm-exact): the autodiff gradient of
 * log p_t(k|x) equals GmmPrior.classLogProbGrad, prior score + that gradient equals the score of
 * component k, and class-conditional PC sampling of a 3-component GMM at scale 1 gives samples of
 * component k (≥ 98 % with their largest responsibility on k, mean error ≤ 0.05·σ_k, covariance
 * relative error ≤ 0.1). Bad labels and mismatched classifiers give one-line errors.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  Rng, ScoresdeError, VPSDE, composeScore, pcSample, reverseDiffusionPredictor, noneCorrector, tf,
} from '@scoresde/core';
import { GmmExactClassifier, gmmExactClassifier } from '../src/classifiers/gmmExact.js';
import { ClassifierGuidanceTerm } from '../src/terms/classifierGuidance.js';
import { sampleMoments, meanMaxAbsError, covRelFrobenius } from '../src/posterior/metrics.js';
import { GMM3, gmm3, startBackend } from './helpers.js';

beforeAll(startBackend);

const { means, covs, sigmaMax } = GMM3;

describe('classifier guidance with gmm-exact', () => {
  it('autodiff ∇ log p_t(k|x) = classLogProbGrad; prior score + it = component score', () => {
    const sde = new VPSDE();
    const prior = gmm3(sde);
    const clf = new GmmExactClassifier(prior);
    const x = tf.mul(new Rng(1).normalTensor([64, 1, 2, 1]), 4);
    for (const t of [0.9, 0.4, 0.05]) {
      for (let k = 0; k < 3; k++) {
        const term = new ClassifierGuidanceTerm({ classifier: clf, label: k, modelClasses: 3 });
        const g = term.grad(x, t).dataSync();
        const want = prior.classLogProbGrad(x, t, k).dataSync();
        const comp = prior.componentScore(x, t, k).dataSync();
        const composed = composeScore((a, s) => prior.score(a, s), [term], { sde, priorScore: (a, s) => prior.score(a, s), rng: new Rng(0) })(x, t).dataSync();
        const scale = Math.max(...Array.from(comp, Math.abs));
        for (let i = 0; i < g.length; i++) {
          expect(Math.abs(g[i]! - want[i]!)).toBeLessThan(1e-3 * scale);
          expect(Math.abs(composed[i]! - comp[i]!)).toBeLessThan(1e-3 * scale);
        }
      }
    }
    tf.dispose(x);
  });

  it('no tensor growth across PC steps (autodiff through the classifier)', async () => {
    const sde = new VPSDE();
    const prior = gmm3(sde);
    const term = new ClassifierGuidanceTerm({ classifier: gmmExactClassifier(prior), label: [0, 1, 2, 0], scale: 2 });
    const counts: number[] = [];
    const r = await pcSample({
      sde, score: (a, t) => prior.score(a, t), predictor: reverseDiffusionPredictor(), corrector: noneCorrector(),
      shape: [4, 1, 2, 1], rng: new Rng(3), steps: 15, terms: [term], onStep: () => counts.push(tf.memory().numTensors),
    });
    expect(new Set(counts).size).toBe(1);
    expect(r.nfe).toBe(15);
    r.x.dispose();
    prior.dispose();
  });

  for (const k of [0, 1, 2]) {
    it(`class-conditional PC sampling, class ${k}, scale 1`, async () => {
      const sde = new VPSDE();
      const prior = gmm3(sde);
      const term = new ClassifierGuidanceTerm({ classifier: gmmExactClassifier(prior), label: k, scale: 1, modelClasses: 3 });
      const n = 3000;
      const r = await pcSample({
        sde, score: (a, t) => prior.score(a, t), predictor: reverseDiffusionPredictor(), corrector: noneCorrector(),
        shape: [n, 1, 2, 1], rng: new Rng(10 + k), steps: 1000, terms: [term],
      });
      const resp = tf.tidy(() => tf.argMax(prior.responsibilities(r.x, sde.eps), 1)).dataSync();
      const hits = Array.from(resp).filter((v) => v === k).length / n;
      const m = sampleMoments(r.x.dataSync(), 2);
      const meanErr = meanMaxAbsError(m.mean, means[k]!) / sigmaMax[k]!;
      const covErr = covRelFrobenius(m.cov, covs[k]!);
      console.log(`class ${k}: ${(100 * hits).toFixed(2)} % on k, mean err ${meanErr.toFixed(4)} σ, cov rel ${covErr.toFixed(4)}`);
      expect(hits).toBeGreaterThanOrEqual(0.98);
      expect(meanErr).toBeLessThanOrEqual(0.05);
      expect(covErr).toBeLessThanOrEqual(0.1);
      r.x.dispose();
      prior.dispose();
    });
  }

  it('bad input: class out of range, classifier/prior class mismatch, non-GMM model', () => {
    const prior = gmm3(new VPSDE());
    const clf = new GmmExactClassifier(prior);
    expect(() => new ClassifierGuidanceTerm({ classifier: clf, label: 3 })).toThrow(/^class index 3 out of range 0\.\.2$/);
    expect(() => new ClassifierGuidanceTerm({ classifier: clf, label: -1 })).toThrow(ScoresdeError);
    expect(() => new ClassifierGuidanceTerm({ classifier: clf, label: 0, modelClasses: 4 })).toThrow(/the classifier has 3 classes but the model has 4 components/);
    expect(() => gmmExactClassifier({ sampleShape: [1, 2, 1], sde: new VPSDE(), score: (x) => x })).toThrow(/needs an analytic Gaussian-mixture prior/);
  });
});
