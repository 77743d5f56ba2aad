/**
 * Variance-preserving SDE (Song et al. 2021, eq. 32; the continuous DDPM; score_sde_pytorch `VPSDE`):
 *   dx = −½ β(t) x dt + √β(t) dw,  β(t) = β_min + t (β_max − β_min).
 * log-mean-coef m(t) = −¼ t² (β_max − β_min) − ½ t β_min = −½ ∫₀ᵗ β;
 * perturbation kernel N(alpha x(0), std² I) with alpha = e^{m(t)}, std = √(1 − e^{2m(t)}).
 * Prior N(0, I). Exact forward transition t − dt → t: a = alpha(t)/alpha(t−dt), fCoef = a − 1,
 * G = √(1 − a²).
 */
import { tf, type Tensor } from '../tf.js';
import type { Rng } from '../rng/rng.js';
import type { SDE } from '../contracts/sde.js';
import { ScoresdeError } from '../errors.js';
import { checkPositive, checkStep, checkSteps, checkTime, isotropicLogp, isotropicSample } from './common.js';

export interface VPSDEParams {
  betaMin: number;
  betaMax: number;
  N: number;
}

/** Parameter handling and β(t), m(t) shared by VP and sub-VP. */
export abstract class BetaSDE implements SDE {
  abstract readonly name: string;
  abstract readonly kind: 'vp' | 'subvp';
  readonly T = 1;
  readonly N: number;
  readonly eps = 1e-3;
  readonly params: Readonly<VPSDEParams>;

  constructor(name: string, opts: Partial<VPSDEParams>) {
    const p: VPSDEParams = { betaMin: opts.betaMin ?? 0.1, betaMax: opts.betaMax ?? 20, N: opts.N ?? 1000 };
    checkPositive(name, p.betaMin, 'beta_min');
    checkPositive(name, p.betaMax, 'beta_max');
    checkSteps(name, p.N);
    if (!(p.betaMax >= p.betaMin)) throw new ScoresdeError(`${name}: beta_max (${p.betaMax}) must be at least beta_min (${p.betaMin})`);
    this.params = Object.freeze(p);
    this.N = p.N;
  }

  /** β(t) = β_min + t (β_max − β_min). */
  beta(t: number): number {
    return this.params.betaMin + t * (this.params.betaMax - this.params.betaMin);
  }

  /** m(t) = −¼ t² (β_max − β_min) − ½ t β_min, so alpha(t) = e^{m(t)}. */
  logMeanCoef(t: number): number {
    return -0.25 * t * t * (this.params.betaMax - this.params.betaMin) - 0.5 * t * this.params.betaMin;
  }

  drift(x: Tensor, t: number): Tensor {
    const a = this.driftCoef(t);
    return tf.tidy(() => tf.mul(x, a));
  }

  /** a(t) = −½ β(t). */
  driftCoef(t: number): number {
    checkTime(this.name, t);
    return -0.5 * this.beta(t);
  }

  abstract diffusion(t: number): number;
  abstract marginal(t: number): { alpha: number; std: number };
  abstract discretize(t: number, dt: number): { fCoef: number; G: number };

  priorSample(shape: number[], rng: Rng): Tensor {
    return isotropicSample(shape, 1, rng);
  }

  priorLogp(z: Tensor): Tensor {
    return isotropicLogp(z, 1);
  }

  /** ln a = m(t) − m(t − dt) for the exact transition t − dt → t. */
  protected logTransitionCoef(t: number, dt: number): number {
    checkStep(this.name, t, dt);
    return this.logMeanCoef(t) - this.logMeanCoef(t - dt);
  }
}

export class VPSDE extends BetaSDE {
  readonly name = 'vp';
  readonly kind = 'vp' as const;

  constructor(opts: Partial<VPSDEParams> = {}) {
    super('vp', opts);
  }

  /** g(t) = √β(t). */
  diffusion(t: number): number {
    checkTime(this.name, t);
    return Math.sqrt(this.beta(t));
  }

  marginal(t: number): { alpha: number; std: number } {
    checkTime(this.name, t);
    const m = this.logMeanCoef(t);
    // 1 − e^{2m} via expm1 keeps full relative precision at small t.
    return { alpha: Math.exp(m), std: Math.sqrt(-Math.expm1(2 * m)) };
  }

  discretize(t: number, dt: number): { fCoef: number; G: number } {
    const la = this.logTransitionCoef(t, dt);
    return { fCoef: Math.expm1(la), G: Math.sqrt(-Math.expm1(2 * la)) };
  }
}
