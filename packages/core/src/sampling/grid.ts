/**
 * The reverse-time grid shared by the PC sampler and the fixed-step ODE solvers:
 * t_i = T − i·(T − ε)/(N − 1), i = 0 … N − 1 (score_sde_pytorch `torch.linspace(sde.T, eps, sde.N)`),
 * (t_0 = T when N = 1) with the uniform step dt = (T − ε)/(N − 1). Predictor step i goes from t_i
 * to max(t_i − dt, 0) (`stepFrom`), so it lands on t_{i+1} and the last one goes from ε to 0
 * (never below: the VP/sub-VP transitions are undefined there), the step whose mean score_sde
 * returns with `noise_removal`.
 */
import type { SDE } from '../contracts/sde.js';
import { ScoresdeError } from '../errors.js';

export interface TimeGrid {
  /** t_0 = T > t_1 > … > t_{N−1} = ε (float64). */
  readonly times: Float64Array;
  /** Uniform step (T − ε)/(N − 1); T − ε when N = 1. */
  readonly dt: number;
}

/** Check a positive integer step count; one-line error naming `what`. */
export function checkStepCount(what: string, n: unknown): number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) {
    throw new ScoresdeError(`${what}: steps must be a positive integer, got ${String(n)}`);
  }
  return n;
}

/** Check 0 < ε < T. */
export function checkEps(sde: SDE, eps: unknown): number {
  if (typeof eps !== 'number' || !Number.isFinite(eps) || eps <= 0 || eps >= sde.T) {
    throw new ScoresdeError(`eps must be a number in (0, T = ${sde.T}), got ${String(eps)}`);
  }
  return eps;
}

export function reverseGrid(sde: SDE, steps: number, eps: number): TimeGrid {
  checkStepCount('sampler', steps);
  checkEps(sde, eps);
  const times = new Float64Array(steps);
  const span = sde.T - eps;
  const dt = steps === 1 ? span : span / (steps - 1);
  for (let i = 0; i < steps; i++) times[i] = i === 0 ? sde.T : i === steps - 1 ? eps : sde.T - i * dt;
  return { times, dt };
}

/** The step actually taken from t: dt, shortened so the step ends at 0 rather than below it. */
export function stepFrom(t: number, dt: number): number {
  return Math.min(dt, t);
}
