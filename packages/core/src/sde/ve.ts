/**
 * Variance-exploding SDE (Song et al. 2021, eq. 30; score_sde_pytorch `VESDE`):
 *   dx = √(d[σ²(t)]/dt) dw,  σ(t) = σ_min (σ_max/σ_min)^t,
 *   f = 0,  g(t) = σ(t) √(2 ln(σ_max/σ_min)).
 * Perturbation kernel N(x(0), σ(t)² I): alpha = 1, std = σ(t) (as score_sde_pytorch, std is
 * σ(t) rather than √(σ(t)² − σ_min²); σ_min² is the variance already present at t = 0).
 * Prior N(0, σ_max² I). Exact forward transition t − dt → t: fCoef = 0, G = √(σ(t)² − σ(t−dt)²).
 */
import { tf, type Tensor } from '../tf.js';
import type { Rng } from '../rng/rng.js';
import type { SDE } from '../contracts/sde.js';
import { ScoresdeError } from '../errors.js';
import { checkPositive, checkStep, checkSteps, checkTime, isotropicLogp, isotropicSample } from './common.js';

export interface VESDEParams {
  sigmaMin: number;
  sigmaMax: number;
  N: number;
}

export class VESDE implements SDE {
  readonly name = 've';
  readonly kind = 've' as const;
  readonly T = 1;
  readonly N: number;
  readonly eps = 1e-5;
  readonly params: Readonly<VESDEParams>;
  private readonly logRatio: number;

  constructor(opts: Partial<VESDEParams> = {}) {
    const p: VESDEParams = { sigmaMin: opts.sigmaMin ?? 0.01, sigmaMax: opts.sigmaMax ?? 50, N: opts.N ?? 1000 };
    checkPositive('ve', p.sigmaMin, 'sigma_min');
    checkPositive('ve', p.sigmaMax, 'sigma_max');
    checkSteps('ve', p.N);
    if (!(p.sigmaMax > p.sigmaMin)) throw new ScoresdeError(`ve: sigma_max (${p.sigmaMax}) must exceed sigma_min (${p.sigmaMin})`);
    this.params = Object.freeze(p);
    this.N = p.N;
    this.logRatio = Math.log(p.sigmaMax / p.sigmaMin);
  }

  /** σ(t) = σ_min (σ_max/σ_min)^t. */
  sigma(t: number): number {
    return this.params.sigmaMin * Math.exp(t * this.logRatio);
  }

  drift(x: Tensor, _t: number): Tensor {
    return tf.zerosLike(x);
  }

  driftCoef(_t: number): number {
    return 0;
  }

  diffusion(t: number): number {
    checkTime('ve', t);
    return this.sigma(t) * Math.sqrt(2 * this.logRatio);
  }

  marginal(t: number): { alpha: number; std: number } {
    checkTime('ve', t);
    return { alpha: 1, std: this.sigma(t) };
  }

  priorSample(shape: number[], rng: Rng): Tensor {
    return isotropicSample(shape, this.params.sigmaMax, rng);
  }

  priorLogp(z: Tensor): Tensor {
    return isotropicLogp(z, this.params.sigmaMax);
  }

  discretize(t: number, dt: number): { fCoef: number; G: number } {
    checkStep('ve', t, dt);
    // A step that starts at or before t = 0 starts from clean data (σ = 0), as score_sde_pytorch's
    // discrete VE chain does (adjacent σ of the first step is 0): the last reverse step then removes
    // all remaining noise, including σ_min.
    if (t - dt <= 0) return { fCoef: 0, G: this.sigma(t) };
    // σ(t)² − σ(t−dt)² = σ(t)² (1 − (σ_max/σ_min)^{−2dt}), written with expm1 so small dt keeps precision.
    return { fCoef: 0, G: this.sigma(t) * Math.sqrt(-Math.expm1(-2 * dt * this.logRatio)) };
  }
}
