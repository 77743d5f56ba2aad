/**
 * Issue 4 acceptance: `exact-gaussian` guidance with PC (reverse diffusion, 1000 steps) and the
 * probability-flow ODE (RK45, rtol = atol = 1e-5), 2000 posterior samples in one batch, smooth
 * Gaussian priors of d = 16 (4×4) and d = 64 (8×8), a 50 % pixel mask and a random projection
 * (m = d/4), σ_y = 0 and 0.05, VE SDE: max |mean error| ≤ 0.05·σ_max (prior) and covariance
 * relative Frobenius error ≤ 0.1 against the closed-form posterior. Sampling noise alone gives
 * a covariance error of 0.04–0.06 here (the `floor` column), which the test prints.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calibrate, calibrationMarkdown, type CalibrationCase, type CalibrationRow } from '../src/calibration/calibrate.js';
import { startBackend } from './helpers.js';

const rows: CalibrationRow[] = [];
beforeAll(startBackend);
afterAll(() => console.log(calibrationMarkdown({ sde: 've', samples: 2000, steps: 1000, corrector: 'none', rtol: 1e-5, seed: 0, rows })));

describe('exact-gaussian calibration (acceptance)', () => {
  for (const side of [4, 8]) {
    for (const operator of ['mask', 'matrix'] as const) {
      for (const sigma of [0, 0.05]) {
        for (const sampler of ['ode', 'pc'] as const) {
          it(`d=${side * side} ${operator} σ=${sigma} ${sampler}`, async () => {
            const c: CalibrationCase = { side, operator, sigma, sampler, guidance: 'exact-gaussian' };
            const r = await calibrate({ cases: [c], samples: 2000, steps: 1000, rtol: 1e-5, seed: 0 });
            const row = r.rows[0]!;
            rows.push(row);
            expect(row.status, row.note).toBe('ok');
            expect(row.meanErrSigma!).toBeLessThanOrEqual(0.05);
            expect(row.covRel!).toBeLessThanOrEqual(0.1);
            if (sampler === 'pc') expect(row.nfe).toBe(1000);
          });
        }
      }
    }
  }
});
