/**
 * ‖A‖₂ (largest singular value) by power iteration on AᵀA from a seeded Gaussian start:
 *   v ← AᵀA v / ‖AᵀA v‖, λ ≈ ‖AᵀA v‖ → σ_max², ‖A‖ = √λ.
 * Stops when λ changes by less than `tol` (relative) or after `iters` iterations.
 */
import { Rng, ScoresdeError, tf, type ForwardOperator, type Tensor } from '@scoresde/core';

export interface OpNormOptions {
  iters?: number;
  tol?: number;
  seed?: number;
}

export async function opNorm(op: ForwardOperator, opts: OpNormOptions = {}): Promise<number> {
  if (!op.linear || !op.adjoint) throw new ScoresdeError(`opNorm: operator '${op.name}' is not linear or has no adjoint`);
  const adj = op.adjoint.bind(op);
  const iters = opts.iters ?? 50;
  const tol = opts.tol ?? 1e-6;
  let v: Tensor = new Rng(opts.seed ?? 0).normalTensor([1, ...op.inputShape]);
  let lam = 0;
  try {
    for (let k = 0; k < iters; k++) {
      const [w, n] = tf.tidy(() => {
        const u = adj(op.forward(v.div(tf.norm(v))));
        return [u, tf.norm(u)] as const;
      });
      const nv = (await n.data())[0]!;
      n.dispose();
      v.dispose();
      v = w;
      if (nv === 0) return 0;
      const done = Math.abs(nv - lam) <= tol * nv;
      lam = nv;
      if (done) break;
    }
  } finally {
    v.dispose();
  }
  return Math.sqrt(lam);
}
