/**
 * Sub-VP SDE (Song et al. 2021, eq. 34; score_sde_pytorch `subVPSDE`):
 *   dx = −½ β(t) x dt + √(β(t) (1 − e^{−2∫₀ᵗβ})) dw,  β as in VP.
 * With m(t) = −½∫₀ᵗβ: alpha = e^{m}, std = 1 − e^{2m} (= 1 − alpha²; the variance is
 * (1 − alpha²)², always below the VP one). Prior N(0, I).
 * Exact forward transition t − dt → t: a = alpha(t)/alpha(t−dt), fCoef = a − 1,
 * G = √(std(t)² − a² std(t−dt)²) = √((1 − a²)(1 − alpha(t)² alpha(t−dt)²)).
 */
import { BetaSDE, type VPSDEParams } from './vp.js';
import { checkTime } from './common.js';

export class SubVPSDE extends BetaSDE {
  readonly name = 'subvp';
  readonly kind = 'subvp' as const;

  constructor(opts: Partial<VPSDEParams> = {}) {
    super('subvp', opts);
  }

  /** g(t) = √(β(t) (1 − e^{4 m(t)})). */
  diffusion(t: number): number {
    checkTime(this.name, t);
    return Math.sqrt(this.beta(t) * -Math.expm1(4 * this.logMeanCoef(t)));
  }

  marginal(t: number): { alpha: number; std: number } {
    checkTime(this.name, t);
    const m = this.logMeanCoef(t);
    return { alpha: Math.exp(m), std: -Math.expm1(2 * m) };
  }

  discretize(t: number, dt: number): { fCoef: number; G: number } {
    const la = this.logTransitionCoef(t, dt);
    // std(t)² − a² std(t−dt)² simplifies (q = a², u = alpha(t)², u' = alpha(t−dt)², u = q u') to
    // (1 − q)(1 − u u'), which has no cancellation for small dt.
    const oneMinusUu = -Math.expm1(2 * (this.logMeanCoef(t) + this.logMeanCoef(t - dt)));
    return { fCoef: Math.expm1(la), G: Math.sqrt(-Math.expm1(2 * la) * oneMinusUu) };
  }
}
