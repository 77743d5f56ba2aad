/**
 * The reverse-time SDE and the probability-flow ODE built from a score (Song et al. 2021,
 * eqs. 6 and 13):
 *   reverse SDE:   dx = [f(x,t) − g(t)² s(x,t)] dt + g(t) dw̄
 *   prob. flow:    dx/dt = f(x,t) − ½ g(t)² s(x,t)
 * and their discretisations for the reverse-diffusion predictor (score_sde_pytorch
 * `SDE.reverse().discretize`): with the forward step (fCoef, G) from t − dt to t,
 *   rev_f = fCoef·x − G² s (SDE) or fCoef·x − ½ G² s (ODE),  rev_G = G (SDE) or 0 (ODE);
 * a reverse step is then x_{t−dt} = x − rev_f + rev_G z.
 */
import { tf, type Tensor } from '../tf.js';
import type { SDE } from '../contracts/sde.js';
import type { ScoreFn } from '../contracts/score.js';

/** A score: a function to call at (x, t), or a tensor already evaluated there. */
export type ScoreInput = ScoreFn | Tensor;

function scoreAt(score: ScoreInput, x: Tensor, t: number): Tensor {
  return typeof score === 'function' ? score(x, t) : score;
}

/** Reverse-time drift f − g² s (SDE) or f − ½ g² s (probability-flow ODE). */
export function reverseDrift(sde: SDE, score: ScoreInput, x: Tensor, t: number, probabilityFlow = false): Tensor {
  const g = sde.diffusion(t);
  const a = sde.driftCoef(t);
  const w = (probabilityFlow ? 0.5 : 1) * g * g;
  return tf.tidy(() => tf.sub(tf.mul(x, a), tf.mul(scoreAt(score, x, t), w)));
}

/** Reverse-time diffusion coefficient: g(t) for the SDE, 0 for the probability-flow ODE. */
export function reverseDiffusion(sde: SDE, t: number, probabilityFlow = false): number {
  return probabilityFlow ? 0 : sde.diffusion(t);
}

/**
 * Discretised reverse step quantities at t with step dt: `f` (tensor) and `G` (number) such that
 * x_{t−dt} = x − f + G z (z ~ N(0, I)).
 */
export function reverseDiscretize(
  sde: SDE,
  score: ScoreInput,
  x: Tensor,
  t: number,
  dt: number,
  probabilityFlow = false,
): { f: Tensor; G: number } {
  const { fCoef, G } = sde.discretize(t, dt);
  const w = (probabilityFlow ? 0.5 : 1) * G * G;
  const f = tf.tidy(() => tf.sub(tf.mul(x, fCoef), tf.mul(scoreAt(score, x, t), w)));
  return { f, G: probabilityFlow ? 0 : G };
}
