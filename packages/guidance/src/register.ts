/**
 * Registers the guidance terms ('exact-gaussian', 'projection', 'dps', 'data-consistency',
 * 'classifier'), the classifiers ('gmm-exact', 'conv') and the 'matrix' operator.
 * Parameter names are snake_case as the CLI passes them (`--guidance-set k=v`).
 */
import { z } from 'zod';
import { GmmPrior, ScoresdeError, type LikelihoodContext, type Registries } from '@scoresde/core';
import { ExactGaussianTerm } from './terms/exactGaussian.js';
import { ProjectionTerm } from './terms/projection.js';
import { DpsTerm } from './terms/dps.js';
import { DataConsistencyTerm } from './terms/dataConsistency.js';
import { ClassifierGuidanceTerm } from './terms/classifierGuidance.js';
import { checkOperatorInput, needGaussianPrior, needOperator } from './terms/common.js';
import { gmmExactClassifier } from './classifiers/gmmExact.js';
import { registerMatrixOperator } from './operators/matrixOperator.js';
import { registerConvClassifier } from './classifiers/register.js';

export const exactGaussianSchema = z.strictObject({
  sigma: z.number().min(0).optional().describe("measurement noise σ_y (default: the operator's Gaussian noise, 0 for none)"),
  weight: z.number().default(1).describe('weight of the likelihood term'),
});
export const projectionSchema = z.strictObject({
  lambda: z.number().min(0).max(1).default(1).describe('λ ∈ [0, 1]: fraction of the way to the noised measurement (1 = replace)'),
});
export const dpsSchema = z.strictObject({
  zeta: z.number().min(0).default(1).describe("ζ′: step on ‖y − A(x̂₀)‖ (unsquared norm, Chung et al. 2023)"),
});
export const dataConsistencySchema = z.strictObject({
  step: z.number().positive().optional().describe('η of x ← x − η Aᵀ(Ax − y) (default 1/‖A‖²)'),
  closed_form: z.boolean().default(false).describe('x ← x + Aᵀ(y − Ax) (operators with AᵀA a projection: mask, single-coil mri)'),
});
export const classifierGuidanceSchema = z.strictObject({
  scale: z.number().default(1).describe('guidance scale w of w·∇ log q(k | x, t)'),
});

function needY(ctx: LikelihoodContext, who: string) {
  if (!ctx.y) throw new ScoresdeError(`guidance '${who}' needs a measurement y`);
  return ctx.y;
}

export function registerGuidance(registries: Pick<Registries, 'likelihoods' | 'classifiers' | 'operators'>): void {
  const L = registries.likelihoods;
  L.add({
    name: 'exact-gaussian',
    description: 'exact ∇ log p_t(y|x) for an analytic Gaussian prior and a linear operator with Gaussian noise',
    schema: exactGaussianSchema,
    create: (p, ctx) => {
      const who = 'exact-gaussian';
      const prior = needGaussianPrior(ctx.model, who);
      const operator = needOperator(ctx.operator, who);
      return ExactGaussianTerm.create({ prior, operator, y: needY(ctx, who), sigma: p.sigma, weight: p.weight });
    },
    docs: 'p(x0|xt) = N(m(xt), Σt) ⇒ ∇ log p_t(y|x) = K_t Aᵀ (A Σ_t Aᵀ + σ² I)⁻¹ (y − A m(x)); float64 per-t matrices on the host.',
  });
  L.add({
    name: 'projection',
    description: 'Song et al. 2022 projection onto the forward-noised measurement (operators with a decomposition: mask, grayscale, radon, mri)',
    schema: projectionSchema,
    create: (p, ctx) => {
      const who = 'projection';
      const operator = needOperator(ctx.operator, who);
      checkOperatorInput(operator, ctx.model, who);
      return new ProjectionTerm({ operator, y: needY(ctx, who), lambda: p.lambda });
    },
    docs: 'x ← T⁻¹[Tx + λΛ(ŷ_t − Tx)], ŷ_t = alpha P⁻¹(y) + std Λ T z, after every step; noise-free at the end.',
  });
  L.add({
    name: 'dps',
    description: 'diffusion posterior sampling: −ζ′ ∇‖y − A(x̂₀(x))‖ by autodiff (any differentiable operator)',
    schema: dpsSchema,
    create: (p, ctx) => {
      const who = 'dps';
      const operator = needOperator(ctx.operator, who);
      checkOperatorInput(operator, ctx.model, who);
      return new DpsTerm({ operator, y: needY(ctx, who), zeta: p.zeta });
    },
  });
  L.add({
    name: 'data-consistency',
    description: 'after each step x ← x − η Aᵀ(Ax − y), or the closed form x + Aᵀ(y − Ax) (any linear operator)',
    schema: dataConsistencySchema,
    create: (p, ctx) => {
      const who = 'data-consistency';
      const operator = needOperator(ctx.operator, who);
      checkOperatorInput(operator, ctx.model, who);
      return DataConsistencyTerm.create({ operator, y: needY(ctx, who), mode: p.closed_form ? 'closed_form' : 'gradient', step: p.step });
    },
  });
  L.add({
    name: 'classifier',
    description: 'classifier guidance w·∇ log q(k | x, t) (needs --class and --classifier)',
    schema: classifierGuidanceSchema,
    create: (p, ctx) => {
      if (!ctx.classifier) throw new ScoresdeError("guidance 'classifier' needs a classifier (--classifier gmm-exact|CKPT)");
      if (ctx.label === undefined) throw new ScoresdeError("guidance 'classifier' needs a class label (--class K)");
      const modelClasses = ctx.model instanceof GmmPrior ? ctx.model.numComponents : undefined;
      return new ClassifierGuidanceTerm({ classifier: ctx.classifier, label: ctx.label, scale: p.scale, modelClasses });
    },
  });
  registries.classifiers.add({
    name: 'gmm-exact',
    description: "the exact p_t(k | x) of an analytic 'gmm' prior",
    schema: z.strictObject({}),
    create: (_p, ctx) => gmmExactClassifier(ctx.model),
  });
  registerConvClassifier(registries.classifiers);
  registerMatrixOperator(registries.operators);
}
