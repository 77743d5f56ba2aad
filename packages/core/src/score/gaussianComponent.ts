/**
 * One Gaussian N(μ, C) with C = U diag(λ) Uᵀ (U = I for isotropic and diagonal covariances),
 * and its exact perturbed density under an affine SDE with kernel N(alpha x₀, std² I):
 *   p_t = N(alpha μ, U diag(v) Uᵀ),  v_j = alpha² λ_j + std².
 * With r = x − alpha μ and y = Uᵀ r (y = r when U = I):
 *   log p_t(x) = −½ Σ_j y_j²/v_j − ½ Σ_j log(2π v_j),   ∇ log p_t(x) = −U (y / v).
 * Data live on the device as float32; eigen-decompositions and log-determinants are float64 on
 * the host. x is handled flat, [B, d], d = H·W·C in C order.
 */
import { tf, type Tensor } from '../tf.js';
import type { Rng } from '../rng/rng.js';
import { ScoresdeError } from '../errors.js';
import type { Coefs } from './times.js';

export type CovKind = 'isotropic' | 'diagonal' | 'full';

export class GaussianComponent {
  readonly d: number;
  /** μ (float64, host). */
  readonly mean: Float64Array;
  /** λ ≥ 0 (float64, host): d values (isotropic: all equal). */
  readonly lambda: Float64Array;
  /** U row-major d×d (column j ↔ λ_j), or null when U = I. */
  readonly basis: Float64Array | null;
  readonly kind: CovKind;
  private readonly muT: Tensor;
  private readonly lambdaT: Tensor;
  private readonly basisT: Tensor | null;

  constructor(kind: CovKind, mean: Float64Array, lambda: Float64Array, basis: Float64Array | null) {
    this.kind = kind;
    this.d = mean.length;
    this.mean = mean;
    this.lambda = lambda;
    this.basis = basis;
    this.muT = tf.tensor2d(Float32Array.from(mean), [1, this.d]);
    this.lambdaT = tf.tensor2d(Float32Array.from(lambda), [1, this.d]);
    this.basisT = basis ? tf.tensor2d(Float32Array.from(basis), [this.d, this.d]) : null;
  }

  /** True when some λ_j = 0 (the covariance is singular). */
  get singular(): boolean {
    return this.lambda.some((l) => l === 0);
  }

  /** v_{bj} = alpha_b² λ_j + std_b², checked positive; host float64 log-determinant Σ_j log(2π v_bj). */
  logNorm(c: Coefs, who: string): Float64Array {
    const n = c.alpha.length;
    const out = new Float64Array(n);
    for (let b = 0; b < n; b++) {
      const a2 = c.alpha[b]! * c.alpha[b]!;
      const s2 = c.std[b]! * c.std[b]!;
      let acc = 0;
      if (this.kind === 'isotropic') {
        const v = a2 * this.lambda[0]! + s2;
        if (!(v > 0)) throw new ScoresdeError(`${who}: density is degenerate here (std ${c.std[b]} with a zero variance)`);
        out[b] = this.d * Math.log(2 * Math.PI * v);
        continue;
      }
      for (let j = 0; j < this.d; j++) {
        const v = a2 * this.lambda[j]! + s2;
        if (!(v > 0)) throw new ScoresdeError(`${who}: density is degenerate here (std ${c.std[b]} with a singular covariance)`);
        acc += Math.log(2 * Math.PI * v);
      }
      out[b] = acc;
    }
    return out;
  }

  /** Device tensors [n,1] of alpha and std² (n = 1 or B). */
  private coefTensors(c: Coefs): { alpha: Tensor; std2: Tensor } {
    const n = c.alpha.length;
    return {
      alpha: tf.tensor2d(Float32Array.from(c.alpha), [n, 1]),
      std2: tf.tensor2d(Float32Array.from(c.std, (s) => s * s), [n, 1]),
    };
  }

  /** y = Uᵀ (x − alpha μ) and v (broadcastable to [B, d]). Call inside tidy. */
  private project(xFlat: Tensor, c: Coefs): { y: Tensor; v: Tensor; alpha: Tensor; std2: Tensor } {
    const { alpha, std2 } = this.coefTensors(c);
    const r = tf.sub(xFlat, tf.mul(alpha, this.muT));
    const y = this.basisT ? tf.matMul(r, this.basisT) : r;
    const v = tf.add(tf.mul(tf.square(alpha), this.lambdaT), std2);
    return { y, v, alpha, std2 };
  }

  private back(q: Tensor): Tensor {
    return this.basisT ? tf.matMul(q, this.basisT, false, true) : q;
  }

  /** ∇ₓ log p_t(x) [B, d] and log p_t(x) [B] (the latter only if `withLogp`). */
  evaluate(xFlat: Tensor, c: Coefs, withLogp: boolean, who: string): { score: Tensor; logp?: Tensor } {
    const ln = withLogp ? this.logNorm(c, who) : null;
    if (!withLogp) this.checkDegenerate(c, who);
    return tf.tidy(() => {
      const { y, v } = this.project(xFlat, c);
      const q = tf.div(y, v);
      const score = tf.neg(this.back(q));
      if (!ln) return { score };
      const quad = tf.sum(tf.mul(y, q), 1);
      const lnT = tf.tensor1d(Float32Array.from(ln));
      const logp = tf.mul(tf.add(quad, lnT), -0.5);
      return { score, logp };
    });
  }

  /** log p_t(x) [B] only. */
  logDensity(xFlat: Tensor, c: Coefs, who: string): Tensor {
    const ln = this.logNorm(c, who);
    return tf.tidy(() => {
      const { y, v } = this.project(xFlat, c);
      const quad = tf.sum(tf.div(tf.square(y), v), 1);
      return tf.mul(tf.add(quad, tf.tensor1d(Float32Array.from(ln))), -0.5);
    });
  }

  /**
   * E[x₀ | x_t = x] = μ + U diag(alpha λ / v) Uᵀ (x − alpha μ) (Gaussian conditioning; equals
   * Tweedie's (x + std² ∇log p_t)/alpha where alpha > 0, and is defined for singular C).
   */
  denoiseMean(xFlat: Tensor, c: Coefs, who: string): Tensor {
    this.checkDegenerate(c, who);
    return tf.tidy(() => {
      const { y, v, alpha } = this.project(xFlat, c);
      const gain = tf.div(tf.mul(alpha, this.lambdaT), v);
      return tf.add(this.muT, this.back(tf.mul(y, gain)));
    });
  }

  /** n samples x = μ + U (√λ ⊙ z), z ~ N(0, I) from the host RNG; [n, d]. */
  sample(n: number, rng: Rng): Tensor {
    const z = rng.normalArray(n * this.d);
    return tf.tidy(() => {
      const zt = tf.tensor2d(z, [n, this.d]);
      const scaled = tf.mul(zt, tf.sqrt(this.lambdaT));
      return tf.add(this.muT, this.back(scaled));
    });
  }

  private checkDegenerate(c: Coefs, who: string): void {
    if (!this.singular) return;
    for (const s of c.std) {
      if (!(s > 0)) throw new ScoresdeError(`${who}: undefined at std ${s} with a singular covariance`);
    }
  }

  dispose(): void {
    tf.dispose([this.muT, this.lambdaT]);
    if (this.basisT) this.basisT.dispose();
  }
}
