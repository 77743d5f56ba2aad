/**
 * Analytic Gaussian prior x₀ ~ N(μ, C) with its exact time-dependent score under any affine SDE
 * (perturbation kernel N(alpha x₀, std² I)):
 *   p_t = N(alpha μ, alpha² C + std² I),
 *   s(x, t) = −U diag(1 / (alpha² λ + std²)) Uᵀ (x − alpha μ),   C = U diag(λ) Uᵀ.
 * The posterior p(x₀ | x_t = x) is Gaussian:
 *   mean μ + U diag(alpha λ / (alpha² λ + std²)) Uᵀ (x − alpha μ),
 *   cov  U diag(λ std² / (alpha² λ + std²)) Uᵀ.
 * μ has one sample's shape [H, W, C]; C is d×d, d = H·W·C, flattened in C order. A singular C
 * (λ = 0) is fine wherever std > 0. Per-sample times (TimeArg = Float32Array) are supported.
 */
import { tf, type Tensor } from '../tf.js';
import type { Rng } from '../rng/rng.js';
import type { SDE } from '../contracts/sde.js';
import type { ScoreModel, TimeArg } from '../contracts/score.js';
import { ScoresdeError } from '../errors.js';
import { GaussianComponent } from './gaussianComponent.js';
import { checkMean, checkShape, fullComponent, type CovTolerances } from './covariance.js';
import { coefsAt } from './times.js';
import { flatten, unflatten } from './flat.js';

export interface GaussianPriorOptions extends CovTolerances {
  /** One sample's shape [H, W, C]. */
  shape: number[];
  /** μ, d values in C order. */
  mean: ArrayLike<number>;
  /** C, d×d row-major. */
  cov: ArrayLike<number>;
  sde: SDE;
}

/** Moments of p_t in the eigenbasis of C: mean alpha μ, covariance U diag(values) Uᵀ. */
export interface GaussianMoments {
  alpha: number;
  std: number;
  mean: Float64Array;
  /** alpha² λ + std², ordered as the columns of `eigenvectors`. */
  values: Float64Array;
  /** U row-major d×d (shared, do not modify). */
  eigenvectors: Float64Array;
}

export class GaussianPrior implements ScoreModel {
  readonly sampleShape: number[];
  readonly sde: SDE;
  readonly d: number;
  private readonly comp: GaussianComponent;

  constructor(opts: GaussianPriorOptions) {
    const who = 'gaussian prior';
    this.d = checkShape(opts.shape, who);
    this.sampleShape = [...opts.shape];
    if (!opts.sde) throw new ScoresdeError(`${who}: an SDE is required`);
    this.sde = opts.sde;
    const mean = checkMean(opts.mean, this.d, who);
    this.comp = fullComponent(mean, opts.cov, who, opts);
  }

  /** μ (float64, flat). */
  get mean(): Float64Array {
    return this.comp.mean;
  }
  /** Eigenvalues λ of C, ascending, clamped at 0. */
  get eigenvalues(): Float64Array {
    return this.comp.lambda;
  }
  /** U, row-major d×d, column j ↔ eigenvalues[j]. */
  get eigenvectors(): Float64Array {
    return this.comp.basis!;
  }

  score(x: Tensor, t: TimeArg): Tensor {
    return tf.tidy(() => {
      const xf = flatten(x, this.sampleShape, 'gaussian score');
      const c = coefsAt(this.sde, t, xf.shape[0]!, 'gaussian score');
      return unflatten(this.comp.evaluate(xf, c, false, 'gaussian score').score, this.sampleShape);
    });
  }

  /** log p_t(x) per sample, [B]. */
  logDensity(x: Tensor, t: TimeArg): Tensor {
    return tf.tidy(() => {
      const xf = flatten(x, this.sampleShape, 'gaussian logDensity');
      return this.comp.logDensity(xf, coefsAt(this.sde, t, xf.shape[0]!, 'gaussian logDensity'), 'gaussian logDensity');
    });
  }

  /** log N(x; μ, C) of the clean data distribution, [B]; C must be non-singular. */
  logDensity0(x: Tensor): Tensor {
    if (this.comp.singular) throw new ScoresdeError('gaussian logDensity0: the covariance is singular, p_0 has no density');
    return tf.tidy(() => {
      const xf = flatten(x, this.sampleShape, 'gaussian logDensity0');
      return this.comp.logDensity(xf, { alpha: Float64Array.of(1), std: Float64Array.of(0) }, 'gaussian logDensity0');
    });
  }

  /** Exact samples of p₀, [n, H, W, C]. */
  sampleData(n: number, rng: Rng): Tensor {
    if (!Number.isInteger(n) || n < 1) throw new ScoresdeError(`gaussian sampleData: n must be a positive integer, got ${n}`);
    return tf.tidy(() => unflatten(this.comp.sample(n, rng), this.sampleShape));
  }

  marginalMoments(t: number): GaussianMoments {
    const { alpha, std } = this.sde.marginal(t);
    const lam = this.comp.lambda;
    return {
      alpha,
      std,
      mean: this.comp.mean.map((m) => alpha * m),
      values: lam.map((l) => alpha * alpha * l + std * std),
      eigenvectors: this.comp.basis!,
    };
  }

  /** E[x₀ | x_t = x], shape of x. */
  denoiseMean(x: Tensor, t: TimeArg): Tensor {
    return tf.tidy(() => {
      const xf = flatten(x, this.sampleShape, 'gaussian denoiseMean');
      const c = coefsAt(this.sde, t, xf.shape[0]!, 'gaussian denoiseMean');
      return unflatten(this.comp.denoiseMean(xf, c, 'gaussian denoiseMean'), this.sampleShape);
    });
  }

  /**
   * Cov[x₀ | x_t] = U diag(values) Uᵀ with values_j = λ_j std² / (alpha² λ_j + std²)
   * (independent of x). `dense()` builds the d×d matrix (O(d³)).
   */
  denoiseCov(t: number): { values: Float64Array; eigenvectors: Float64Array; dense(): Float64Array } {
    const { alpha, std } = this.sde.marginal(t);
    const s2 = std * std;
    const values = this.comp.lambda.map((l) => {
      const v = alpha * alpha * l + s2;
      if (!(v > 0)) {
        if (l === 0) return 0;
        throw new ScoresdeError(`gaussian denoiseCov: degenerate at t = ${t}`);
      }
      return (l * s2) / v;
    });
    const u = this.comp.basis!;
    const d = this.d;
    return { values, eigenvectors: u, dense: () => fromEigen(u, values, d) };
  }

  dispose(): void {
    this.comp.dispose();
  }
}

/** U diag(v) Uᵀ, row-major, float64. */
export function fromEigen(u: Float64Array, v: Float64Array, d: number): Float64Array {
  const out = new Float64Array(d * d);
  const row = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    for (let k = 0; k < d; k++) row[k] = u[i * d + k]! * v[k]!;
    for (let j = 0; j <= i; j++) {
      let s = 0;
      const uj = j * d;
      for (let k = 0; k < d; k++) s += row[k]! * u[uj + k]!;
      out[i * d + j] = s;
      out[j * d + i] = s;
    }
  }
  return out;
}

export { GaussianComponent };
