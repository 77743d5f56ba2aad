/**
 * Adjointness check for a linear operator: for random Gaussian x ∈ X and y ∈ Y,
 *   err = |⟨Ax, y⟩ − ⟨x, Aᵀy⟩| / (‖Ax‖·‖y‖),
 * with the inner products and norms accumulated in float64 on the host (so the check measures the
 * operator, not float32 summation). A matched pair gives err ≈ 1e-7; tests assert ≤ 1e-5.
 */
import { ScoresdeError, tf, type ForwardOperator, type Rng } from '@scoresde/core';

export interface AdjointCheckOptions {
  /** Batch size of the random probes (default 2). */
  batch?: number;
}

export interface AdjointCheckResult {
  /** The relative error above. */
  error: number;
  /** ⟨Ax, y⟩ and ⟨x, Aᵀy⟩ (float64). */
  lhs: number;
  rhs: number;
}

/** Inner product in float64 of two equally long arrays. */
export function dot64(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new ScoresdeError(`dot64: lengths differ (${a.length} vs ${b.length})`);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** Run the check and return the details. */
export async function adjointCheckDetailed(op: ForwardOperator, rng: Rng, opts: AdjointCheckOptions = {}): Promise<AdjointCheckResult> {
  if (!op.linear || !op.adjoint) throw new ScoresdeError(`adjointCheck: operator '${op.name}' is not linear or has no adjoint`);
  const batch = opts.batch ?? 2;
  const x = rng.normalTensor([batch, ...op.inputShape]);
  const y = rng.normalTensor([batch, ...op.outputShape]);
  const ax = op.forward(x);
  const aty = op.adjoint(y);
  try {
    const [xs, ys, axs, atys] = await Promise.all([x.data(), y.data(), ax.data(), aty.data()]);
    if (axs.length !== ys.length) {
      throw new ScoresdeError(`adjointCheck: '${op.name}' forward gave ${ax.shape.join('×')}, expected [${batch}, ${op.outputShape.join(', ')}]`);
    }
    if (atys.length !== xs.length) {
      throw new ScoresdeError(`adjointCheck: '${op.name}' adjoint gave ${aty.shape.join('×')}, expected [${batch}, ${op.inputShape.join(', ')}]`);
    }
    const lhs = dot64(axs, ys);
    const rhs = dot64(xs, atys);
    const denom = Math.sqrt(dot64(axs, axs)) * Math.sqrt(dot64(ys, ys));
    const error = denom > 0 ? Math.abs(lhs - rhs) / denom : Math.abs(lhs - rhs);
    return { error, lhs, rhs };
  } finally {
    tf.dispose([x, y, ax, aty]);
  }
}

/** |⟨Ax,y⟩ − ⟨x,Aᵀy⟩| / (‖Ax‖‖y‖) for random x, y drawn from `rng`. */
export async function adjointCheck(op: ForwardOperator, rng: Rng, opts: AdjointCheckOptions = {}): Promise<number> {
  return (await adjointCheckDetailed(op, rng, opts)).error;
}
