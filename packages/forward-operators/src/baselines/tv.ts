/**
 * TV-regularised reconstruction for any linear operator,
 *   min_x ½‖Ax − y‖² + λ·TV(x),  TV(x) = Σ_pixels √(Σ_c (Dₓx)² + (D_y x)²)
 * (isotropic, forward differences, Neumann boundary; channels coupled by default — vectorial
 * TV, the right choice for complex MRI images stored as (re, im); `coupled: false` sums a
 * separate TV per channel), optionally with x ≥ 0.
 *
 * Solver: PDHG / Chambolle–Pock (2011, Alg. 1, θ = 1) with K = [A; ∇]:
 *   p ← (p + σ(A x̄ − y)) / (1 + σ)                 prox of the conjugate of ½‖· − y‖²
 *   q ← Π_{|q|≤λ}(q + σ∇x̄)                          pointwise projection onto the λ-ball
 *   x⁺ ← x − τ(Aᵀp + ∇ᵀq)  [then max(x⁺, 0)]
 *   x̄ ← 2x⁺ − x
 * run on the equivalent rescaled problem ½‖A'x − y'‖² + λ'·TV(x) with s = ‖A‖ (power iteration,
 * `opNorm`), A' = A/s, y' = y/s, λ' = λ/s² (the objective divided by s², same minimiser), so that
 * both blocks of K are balanced; then L² = ‖A'‖² + ‖∇‖² ≤ 1 + 8 and τ = σ = 0.99/3 give τσL² < 1,
 * so the iterates converge. (Without the rescaling, an operator with ‖A‖ ≫ 1, such as CT, makes
 * the TV dual steps tiny and the iteration stalls.) Starts from x = A⁺y (or Aᵀy) unless `x0`.
 */
import { z } from 'zod';
import { ScoresdeError, tf, type ForwardOperator, type Tensor } from '@scoresde/core';
import { gradient2d, gradient2dAdjoint } from './gradient.js';
import { opNorm } from './opNorm.js';
import { zeroFilled } from './zeroFilled.js';
import { checkOutput } from '../util/shape.js';

/** Parameters of the TV baseline as the CLI passes them (`--set lambda=0.01 --set iters=300`). */
export const tvSchema = z.object({
  lambda: z.number().positive().default(0.01).describe('TV weight λ in ½‖Ax − y‖² + λ·TV(x)'),
  iters: z.number().int().positive().default(200).describe('PDHG iterations'),
  nonneg: z.boolean().default(false).describe('constrain x ≥ 0'),
  coupled: z.boolean().default(true).describe('couple channels in the TV norm (vectorial TV; use for complex images)'),
  step_ratio: z.number().positive().default(1).describe('PDHG primal/dual step ratio τ/σ (convergent for any value; larger favours data fit early)'),
});
export type TvParams = z.infer<typeof tvSchema>;

export interface TvOptions {
  /** Regularisation weight λ > 0. */
  lambda: number;
  /** PDHG iterations (default 200). */
  iters?: number;
  /** Project onto x ≥ 0 each iteration. */
  nonneg?: boolean;
  /** Couple channels in the TV norm (default true). */
  coupled?: boolean;
  /** ‖A‖ if known (else estimated by power iteration); only the step sizes depend on it. */
  opNorm?: number;
  /** τ/σ, the primal/dual step ratio (default 1; τσ stays 0.99²/9 so convergence holds for any value). */
  stepRatio?: number;
  /** Starting image [B, ...inputShape]. */
  x0?: Tensor;
  /** Called every `traceEvery` iterations with the objective value (read back from the device). */
  onObjective?: (iter: number, objective: number) => void;
  traceEvery?: number;
}

function tvNorm(dx: Tensor, dy: Tensor, coupled: boolean): Tensor {
  const sq = dx.square().add(dy.square());
  return (coupled ? sq.sum(3) : sq).sqrt().sum();
}

/** ½‖Ax − y‖² + λ·TV(x), summed over the batch. */
export async function tvObjective(op: ForwardOperator, x: Tensor, y: Tensor, lambda: number, coupled = true): Promise<number> {
  const v = tf.tidy(() => {
    const r = op.forward(x).sub(y);
    const [dx, dy] = gradient2d(x);
    return r.square().sum().mul(0.5).add(tvNorm(dx, dy, coupled).mul(lambda));
  });
  const out = (await v.data())[0]!;
  v.dispose();
  return out;
}

export async function tvReconstruct(op: ForwardOperator, y: Tensor, opts: TvOptions): Promise<Tensor> {
  if (!op.linear || !op.adjoint) throw new ScoresdeError(`tv: operator '${op.name}' is not linear (needs an adjoint)`);
  if (!(opts.lambda > 0) || !Number.isFinite(opts.lambda)) throw new ScoresdeError(`tv: lambda must be > 0, got ${opts.lambda}`);
  const iters = opts.iters ?? 200;
  if (!Number.isInteger(iters) || iters < 1) throw new ScoresdeError(`tv: iters must be a positive integer, got ${iters}`);
  checkOutput(y, op);
  const adj = op.adjoint.bind(op);
  const lam = opts.lambda;
  const coupled = opts.coupled ?? true;
  const nonneg = opts.nonneg ?? false;
  const normA = opts.opNorm ?? (await opNorm(op));
  if (!(normA > 0) || !Number.isFinite(normA)) throw new ScoresdeError(`tv: operator norm must be > 0, got ${normA}`);
  const inv = 1 / normA;
  const lamS = lam * inv * inv;
  const ratio = opts.stepRatio ?? 1;
  if (!(ratio > 0) || !Number.isFinite(ratio)) throw new ScoresdeError(`tv: stepRatio must be > 0, got ${ratio}`);
  const tau = (0.99 / 3) * Math.sqrt(ratio);
  const sigma = 0.99 / 3 / Math.sqrt(ratio);
  const ys = tf.tidy(() => y.mul(inv));

  let x = opts.x0 ? tf.clone(opts.x0) : zeroFilled(op, y);
  if (nonneg) {
    const c = x.relu();
    x.dispose();
    x = c;
  }
  let xbar = tf.clone(x);
  let p = tf.zerosLike(y);
  let [qx, qy] = [tf.zerosLike(x), tf.zerosLike(x)];
  for (let k = 0; k < iters; k++) {
    const next = tf.tidy(() => {
      const pN = p.add(op.forward(xbar).mul(inv).sub(ys).mul(sigma)).div(1 + sigma);
      const [gx, gy] = gradient2d(xbar);
      let ux = qx.add(gx.mul(sigma));
      let uy = qy.add(gy.mul(sigma));
      const mag = coupled ? ux.square().add(uy.square()).sum(3, true).sqrt() : ux.square().add(uy.square()).sqrt();
      const scale = tf.maximum(mag.div(lamS), 1);
      ux = ux.div(scale);
      uy = uy.div(scale);
      let xN = x.sub(adj(pN).mul(inv).add(gradient2dAdjoint(ux, uy)).mul(tau));
      if (nonneg) xN = xN.relu();
      const xbarN = xN.mul(2).sub(x);
      return [xN, xbarN, pN, ux, uy] as const;
    });
    tf.dispose([x, xbar, p, qx, qy]);
    [x, xbar, p, qx, qy] = next;
    const every = opts.traceEvery ?? 10;
    if (opts.onObjective && ((k + 1) % every === 0 || k === iters - 1)) {
      opts.onObjective(k + 1, await tvObjective(op, x, y, lam, coupled));
    }
  }
  tf.dispose([xbar, p, qx, qy, ys]);
  return x;
}
