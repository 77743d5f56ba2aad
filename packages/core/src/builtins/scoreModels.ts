/**
 * Registers the analytic priors 'gaussian' (MODEL `gaussian:MEAN.npy,COV.npy`) and 'gmm'
 * (MODEL `gmm:SPEC.json`) as score models. Both need the SDE the user chose (ctx.sde).
 */
import { z } from 'zod';
import type { Registries, ScoreModelContext } from '../registry/registries.js';
import type { SDE } from '../contracts/sde.js';
import { ScoresdeError } from '../errors.js';
import { loadGaussianPrior, loadGmmPrior } from '../score/specFiles.js';

export const analyticPriorSchema = z.strictObject({
  sym_tol: z.number().nonnegative().default(1e-5).describe('covariance symmetry tolerance, relative to max|C|'),
  psd_tol: z.number().nonnegative().default(1e-6).describe('accepted negative eigenvalues, relative to the largest'),
});

function needSde(ctx: ScoreModelContext, name: string): SDE {
  if (!ctx.sde) throw new ScoresdeError(`score model '${name}' needs an SDE (pass --sde ve|vp|subvp)`);
  return ctx.sde;
}

export function registerScoreModels(registries: Pick<Registries, 'scoreModels'>): void {
  registries.scoreModels.add({
    name: 'gaussian',
    description: 'exact Gaussian prior N(μ, C): gaussian:MEAN.npy,COV.npy (MEAN [H,W,C], COV [d,d], float32)',
    schema: analyticPriorSchema,
    create: (p, ctx) => loadGaussianPrior(ctx.spec, ctx.cwd, needSde(ctx, 'gaussian'), { symTol: p.sym_tol, psdTol: p.psd_tol }),
    docs: 'Exact time-dependent score of N(μ, C) under the chosen SDE via the eigendecomposition of C (d ≤ 4096).',
  });
  registries.scoreModels.add({
    name: 'gmm',
    description: 'exact Gaussian-mixture prior: gmm:SPEC.json (see packages/core/README.md)',
    schema: analyticPriorSchema,
    create: (p, ctx) => loadGmmPrior(ctx.spec, ctx.cwd, needSde(ctx, 'gmm'), { symTol: p.sym_tol, psdTol: p.psd_tol }),
    docs: 'K weighted components with isotropic, diagonal or full covariances; the components are the classes.',
  });
}
