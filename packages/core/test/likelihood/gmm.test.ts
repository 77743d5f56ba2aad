/**
 * Likelihood of a 3-component 2-D Gaussian mixture (full / diagonal / isotropic components,
 * modes 8–10 apart: a strongly non-linear flow) against its exact log-density:
 *   ODE identity log p_ε(x) = log p_T(z) + Δ with the mixture's exact p_T (exact divergence,
 *   512 points, VP and VE): at the default rk45 tolerances (1e-5) the mean error ≤ 1e-3 bits/dim
 *   (a few low-density points between modes err by up to ~0.02 — solver error, it shrinks with
 *   the tolerance); at rtol = atol = 1e-7 every sample within 1e-4 bits/dim;
 *   with the SDE prior in place of p_T (VP, whose prior nearly equals p_T), mean within 0.01.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng, initBackend, odeLikelihood, tf, type Tensor } from '@scoresde/core';
import { SDES, gmm3 } from '../sampling/problems.js';

beforeAll(async () => {
  await initBackend(process.env.SCORESDE_TEST_BACKEND ?? 'wasm');
});

const N = 512;

describe.each([['vp', 1e-5], ['ve', 1e-5], ['vp', 1e-7]] as const)('%s GMM, tolerance %s', (name, tol) => {
  it('matches the exact mixture log-density', async () => {
    const sde = SDES[name]();
    const p = gmm3(sde);
    const score = (x: Tensor, t: number | Float32Array) => p.prior.score(x, t);
    const { x } = p.prior.sampleData(N, new Rng(31));
    const r = await odeLikelihood(x, { sde, score, estimator: 'exact', rtol: tol, atol: tol });
    const pT = p.prior.logDensity(r.z, sde.T);
    const p0 = p.prior.logDensity(x, 1e-5);
    const [pTv, p0v] = [await pT.data(), await p0.data()];
    tf.dispose([pT, p0, r.z, x]);
    const scale = p.d * Math.LN2;
    const errs = Array.from(p0v, (l, i) => Math.abs(pTv[i]! + r.deltaLogp[i]! - l) / scale);
    const odeErr = Math.max(...errs);
    const odeMean = errs.reduce((a, b) => a + b, 0) / N;
    const meanRef = -Array.from(p0v).reduce((a, b) => a + b, 0) / (N * scale);
    console.log(`${name} GMM tol ${tol}: ODE identity max err ${odeErr.toExponential(2)} mean ${odeMean.toExponential(2)} bpd; mean bpd ${r.meanBpd.toFixed(4)} vs exact ${meanRef.toFixed(4)}; nfe ${r.nfe}`);
    if (tol < 1e-6) expect(odeErr).toBeLessThanOrEqual(1e-4);
    else expect(odeMean).toBeLessThanOrEqual(1e-3);
    if (name === 'vp' && tol === 1e-5) expect(Math.abs(r.meanBpd - meanRef)).toBeLessThanOrEqual(0.01);
    p.prior.dispose();
  });
});
