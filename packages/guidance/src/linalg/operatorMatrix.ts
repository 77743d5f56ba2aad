/**
 * A linear operator as a dense matrix, and its reduction to its range.
 *
 * `operatorMatrix` applies `forward` to the d standard basis images (batched, C order) and reads
 * the columns back: A is m×d row-major, m = ∏ outputShape, d = ∏ inputShape (meant for d ≤ a few
 * thousand; the guidance calibration uses d ≤ 64).
 *
 * `rangeReduction` whitens the measurement onto the range of A: with AᵀA = V diag(s²) Vᵀ and the
 * r singular values s_j > relTol·s_max kept,
 *   Ã = diag(s) V_rᵀ  (r×d),   R = diag(1/s) V_rᵀ Aᵀ  (r×m),   ỹ = R y,   R A = Ã,   R Rᵀ = I.
 * R has orthonormal rows (they span range(A)), so white noise σ²I on y stays σ²I on ỹ, and the
 * component of y orthogonal to range(A) does not depend on x: p(y | x) ∝ N(ỹ; Ã x, σ² I) as a
 * function of x. This removes the rows an operator keeps as structural zeros (mask, k-space
 * grid) and redundant rows (Hermitian symmetry of the k-space of a real image), so AΣAᵀ + σ²I
 * becomes an r×r matrix that is invertible for σ = 0 as soon as Σ is positive definite on range(Aᵀ).
 */
import { ScoresdeError, tf, symEig, type ForwardOperator } from '@scoresde/core';

export interface DenseOperator {
  /** m×d, row-major, float64. */
  A: Float64Array;
  m: number;
  d: number;
}

const CHUNK = 256;

export async function operatorMatrix(op: ForwardOperator, maxDim = 4096): Promise<DenseOperator> {
  const d = op.inputShape.reduce((a, b) => a * b, 1);
  const m = op.outputShape.reduce((a, b) => a * b, 1);
  if (!op.linear) throw new ScoresdeError(`operator '${op.name}' is not linear: it has no matrix`);
  if (d > maxDim) throw new ScoresdeError(`operator '${op.name}': input dimension ${d} is too large for a dense matrix (at most ${maxDim})`);
  const A = new Float64Array(m * d);
  for (let start = 0; start < d; start += CHUNK) {
    const n = Math.min(CHUNK, d - start);
    const cols = tf.tidy(() => {
      // host-built identity block (tf.oneHot with a float dtype returns integer bits on wasm)
      const basis = new Float32Array(n * d);
      for (let j = 0; j < n; j++) basis[j * d + start + j] = 1;
      return op.forward(tf.tensor(basis, [n, ...op.inputShape], 'float32'));
    });
    const data = await cols.data();
    cols.dispose();
    for (let j = 0; j < n; j++) for (let i = 0; i < m; i++) A[i * d + start + j] = data[j * m + i]!;
  }
  return { A, m, d };
}

export interface RangeReduction {
  /** Ã = diag(s) V_rᵀ, r×d. */
  At: Float64Array;
  /** R = diag(1/s) V_rᵀ Aᵀ, r×m. */
  R: Float64Array;
  r: number;
  d: number;
  m: number;
  /** Kept singular values s_j, descending. */
  singular: Float64Array;
}

export function rangeReduction(op: DenseOperator, relTol = 1e-6): RangeReduction {
  const { A, m, d } = op;
  const ata = new Float64Array(d * d);
  for (let i = 0; i < m; i++) {
    const row = i * d;
    for (let p = 0; p < d; p++) {
      const a = A[row + p]!;
      if (a === 0) continue;
      for (let q = 0; q <= p; q++) ata[p * d + q]! += a * A[row + q]!;
    }
  }
  for (let p = 0; p < d; p++) for (let q = 0; q < p; q++) ata[q * d + p] = ata[p * d + q]!;
  const { values, vectors } = symEig(ata, d);
  const smax2 = Math.max(values[d - 1]!, 0);
  if (!(smax2 > 0)) throw new ScoresdeError('operator matrix is zero: the measurement carries no information');
  const keep: number[] = [];
  for (let j = d - 1; j >= 0; j--) if (values[j]! > relTol * relTol * smax2) keep.push(j);
  const r = keep.length;
  const At = new Float64Array(r * d);
  const singular = new Float64Array(r);
  const R = new Float64Array(r * m);
  keep.forEach((j, k) => {
    const s = Math.sqrt(values[j]!);
    singular[k] = s;
    for (let i = 0; i < d; i++) At[k * d + i] = s * vectors[i * d + j]!;
    // R_k = (1/s) v_jᵀ Aᵀ, i.e. R[k, i] = (A v_j)_i / s
    for (let i = 0; i < m; i++) {
      let acc = 0;
      const row = i * d;
      for (let p = 0; p < d; p++) acc += A[row + p]! * vectors[p * d + j]!;
      R[k * m + i] = acc / s;
    }
  });
  return { At, R, r, d, m, singular };
}
