/**
 * `exact-gaussian`: the exact ∇ₓ log p_t(y | x_t) for an analytic Gaussian prior x₀ ~ N(μ, C),
 * C = U diag(λ) Uᵀ, a linear operator and y = A x₀ + n, n ~ N(0, σ_y² I) (σ_y may be 0).
 *
 * Under an affine SDE (x_t = alpha x₀ + std z) the posterior p(x₀ | x_t) is N(m(x_t), Σ_t):
 *   m(x) = μ + K_t (x − alpha μ),  K_t = U diag(alpha λ / (alpha² λ + std²)) Uᵀ,
 *   Σ_t  = U diag(λ std² / (alpha² λ + std²)) Uᵀ,
 * hence p_t(y | x_t) = N(y; A m(x_t), A Σ_t Aᵀ + σ_y² I) and, K_t being symmetric,
 *   ∇ₓ log p_t(y | x) = K_t Aᵀ M_t⁻¹ (y − A m(x)),   M_t = A Σ_t Aᵀ + σ_y² I.
 * The measurement is first reduced to the range of A (linalg/operatorMatrix.ts: Ã, ỹ; exact for
 * white noise), so M_t is r×r with r = rank A, and it is invertible for t > 0 whenever C is
 * positive definite on range(Aᵀ), including σ_y = 0 (where M_t ~ std² ÃÃᵀ as t → 0). M_t⁻¹ is a
 * float64 pseudo-inverse (eigenvalues ≤ 1e-12·max dropped, no jitter added), so a singular C
 * with σ_y = 0 is handled too.
 *
 * Per time t the host builds, in float64, G_t = K_t Ãᵀ M_t⁻¹ (d×r), F_t = G_t Ã K_t (d×d) and
 * c_t = G_t Ã (I − alpha K_t) μ, cached by t (≤ `cacheSize` times; the PC grid has one per
 * step). On the device, for flat x [B, d] and ỹ [B or 1, r]:
 *   ∇ₓ log p_t(y | x) = ỹ G_tᵀ − x F_tᵀ − c_t.
 */
import { tf, type ForwardOperator, type GaussianPrior, type LikelihoodTerm, type Tensor } from '@scoresde/core';
import { matMul, pinvSym, transpose } from '../linalg/dense.js';
import { operatorMatrix, rangeReduction, type RangeReduction } from '../linalg/operatorMatrix.js';
import { checkBatchPair, checkMeasurement, checkOperatorInput, needGaussianPrior, noiseSigma } from './common.js';

export interface ExactGaussianOptions {
  prior: GaussianPrior;
  operator: ForwardOperator;
  /** Measurement [B or 1, ...operator.outputShape]. */
  y: Tensor;
  /** Noise standard deviation; default from the operator's noise model. */
  sigma?: number;
  weight?: number;
  /** Cached time steps (default 4096). */
  cacheSize?: number;
}

interface PerTime {
  Gt: Tensor;
  Ft: Tensor;
  c: Tensor;
}

export class ExactGaussianTerm implements LikelihoodTerm {
  readonly name = 'exact-gaussian';
  readonly weight: number;
  readonly sigma: number;
  readonly reduction: RangeReduction;
  private readonly prior: GaussianPrior;
  private readonly yr: Tensor;
  private readonly cache = new Map<number, PerTime>();
  private readonly cacheSize: number;
  private readonly d: number;
  private readonly atU: Float64Array;
  private readonly atMu: Float64Array;

  private constructor(opts: ExactGaussianOptions, reduction: RangeReduction, sigma: number) {
    this.prior = opts.prior;
    this.weight = opts.weight ?? 1;
    this.sigma = sigma;
    this.reduction = reduction;
    this.cacheSize = opts.cacheSize ?? 4096;
    const { r, d, m, At, R } = reduction;
    this.d = d;
    const y = opts.y;
    this.yr = tf.tidy(() => tf.matMul(tf.reshape(y, [y.shape[0]!, m]), tf.tensor2d(Float32Array.from(transpose(R, r, m)), [m, r])));
    this.atU = matMul(At, this.prior.eigenvectors, r, d, d);
    this.atMu = matMul(At, this.prior.mean, r, d, 1);
  }

  static async create(opts: ExactGaussianOptions): Promise<ExactGaussianTerm> {
    const who = 'exact-gaussian';
    const prior = needGaussianPrior(opts.prior, who);
    checkOperatorInput(opts.operator, prior, who);
    checkMeasurement(opts.y, opts.operator, who);
    const sigma = noiseSigma(opts.operator, who, opts.sigma);
    const reduction = rangeReduction(await operatorMatrix(opts.operator));
    return new ExactGaussianTerm({ ...opts, prior }, reduction, sigma);
  }

  /** The host matrices at time t (float64); exposed for tests. */
  hostMatrices(t: number): { G: Float64Array; F: Float64Array; c: Float64Array } {
    const { r, d } = this.reduction;
    const { alpha, std } = this.prior.sde.marginal(t);
    const lam = this.prior.eigenvalues;
    const U = this.prior.eigenvectors;
    const s2 = std * std;
    const k = new Float64Array(d);
    const v = new Float64Array(d);
    for (let j = 0; j < d; j++) {
      const den = alpha * alpha * lam[j]! + s2;
      k[j] = den > 0 ? (alpha * lam[j]!) / den : 0;
      v[j] = den > 0 ? (lam[j]! * s2) / den : 0;
    }
    // B = Ã U (r×d); M = B diag(v) Bᵀ + σ² I
    const B = this.atU;
    const M = new Float64Array(r * r);
    for (let a = 0; a < r; a++) {
      for (let b = 0; b <= a; b++) {
        let acc = 0;
        for (let j = 0; j < d; j++) acc += B[a * d + j]! * v[j]! * B[b * d + j]!;
        M[a * r + b] = acc;
        M[b * r + a] = acc;
      }
      M[a * r + a]! += this.sigma * this.sigma;
    }
    const Minv = pinvSym(M, r);
    // G = U diag(k) Bᵀ Minv  (d×r)
    const UkBt = new Float64Array(d * r);
    for (let i = 0; i < d; i++) {
      for (let a = 0; a < r; a++) {
        let acc = 0;
        for (let j = 0; j < d; j++) acc += U[i * d + j]! * k[j]! * B[a * d + j]!;
        UkBt[i * r + a] = acc;
      }
    }
    const G = matMul(UkBt, Minv, d, r, r);
    // Ã K = B diag(k) Uᵀ (r×d)
    const AK = new Float64Array(r * d);
    for (let a = 0; a < r; a++) {
      for (let i = 0; i < d; i++) {
        let acc = 0;
        for (let j = 0; j < d; j++) acc += B[a * d + j]! * k[j]! * U[i * d + j]!;
        AK[a * d + i] = acc;
      }
    }
    const F = matMul(G, AK, d, r, d);
    // c = G (Ã μ − alpha Ã K μ)
    const akMu = matMul(AK, this.prior.mean, r, d, 1);
    const w = new Float64Array(r);
    for (let a = 0; a < r; a++) w[a] = this.atMu[a]! - alpha * akMu[a]!;
    const c = matMul(G, w, d, r, 1);
    return { G, F, c };
  }

  private at(t: number): PerTime {
    const hit = this.cache.get(t);
    if (hit) return hit;
    const { G, F, c } = this.hostMatrices(t);
    const { r, d } = this.reduction;
    const entry: PerTime = tf.tidy(() => ({
      Gt: tf.keep(tf.tensor2d(Float32Array.from(transpose(G, d, r)), [r, d])),
      Ft: tf.keep(tf.tensor2d(Float32Array.from(transpose(F, d, d)), [d, d])),
      c: tf.keep(tf.tensor2d(Float32Array.from(c), [1, d])),
    }));
    if (this.cache.size >= this.cacheSize) {
      const oldest = this.cache.keys().next().value as number;
      const e = this.cache.get(oldest)!;
      tf.dispose([e.Gt, e.Ft, e.c]);
      this.cache.delete(oldest);
    }
    this.cache.set(t, entry);
    return entry;
  }

  grad(x: Tensor, t: number): Tensor {
    checkBatchPair(this.yr, x, this.name);
    const e = this.at(t);
    return tf.tidy(() => {
      const xf = tf.reshape(x, [x.shape[0]!, this.d]);
      const g = tf.sub(tf.sub(tf.matMul(this.yr, e.Gt), tf.matMul(xf, e.Ft)), e.c);
      return tf.reshape(g, x.shape);
    });
  }

  dispose(): void {
    for (const e of this.cache.values()) tf.dispose([e.Gt, e.Ft, e.c]);
    this.cache.clear();
    this.yr.dispose();
  }
}

export function exactGaussianTerm(opts: ExactGaussianOptions): Promise<ExactGaussianTerm> {
  return ExactGaussianTerm.create(opts);
}
