/**
 * Adaptive Dormand–Prince RK5(4) with FSAL, following scipy's `solve_ivp(method='RK45')` (which
 * score_sde_pytorch's ODE sampler calls on the whole batch flattened into one system):
 *  - tableau c, A, b of Dormand & Prince (1980); 5th-order solution, 4th-order embedded error
 *    err = h·Σ_j E_j k_j over the 7 stages (the 7th is f(t+h, y_new), reused as the next k_1);
 *  - error norm ‖err / (atol + rtol·max(|y|, |y_new|))‖_rms over every element of the state;
 *  - accept when the norm < 1; new step h·min(10, 0.9·norm^(−1/5)) (10 if the norm is 0; at most
 *    ×1 right after a rejection); on rejection h·max(0.2, 0.9·norm^(−1/5));
 *  - minimum step 10·|nextafter(t) − t|; initial step by Hairer's rule as scipy's
 *    `select_initial_step` (order 4): h0 = 0.01·d0/d1 (1e-6 if d0 or d1 < 1e-5), one Euler probe
 *    for d2, h1 = (0.01/max(d1, d2))^(1/5), h = min(100·h0, h1, |t1 − t0|).
 * The state stays on the device; each step reads one scalar (the error norm) to the host.
 * NFE counts every right-hand-side evaluation (scipy's `nfev`): 2 to start, 6 per attempt.
 */
import { tf, type Tensor } from '../../tf.js';
import { ScoresdeError } from '../../errors.js';
import type { IntegrateOptions, IntegrateResult, OdeRhs } from './types.js';
import { readScalars, rmsScaled, spacing } from './norms.js';

const C = [0, 1 / 5, 3 / 10, 4 / 5, 8 / 9, 1];
const A: number[][] = [
  [],
  [1 / 5],
  [3 / 40, 9 / 40],
  [44 / 45, -56 / 15, 32 / 9],
  [19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729],
  [9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656],
];
const B = [35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84];
/** b − b̂ (5th minus embedded 4th order), 7 stages. */
const E = [-71 / 57600, 0, 71 / 16695, -71 / 1920, 17253 / 339200, -22 / 525, 1 / 40];

const SAFETY = 0.9;
const MIN_FACTOR = 0.2;
const MAX_FACTOR = 10;
const ERROR_EXPONENT = -1 / 5;

export interface Rk45Options extends IntegrateOptions {
  rtol: number;
  atol: number;
  /** Upper bound on |h| (default ∞). */
  maxStep?: number;
  /** Give up after this many step attempts (default 100000). */
  maxAttempts?: number;
  /** Initial |h| instead of the automatic choice. */
  firstStep?: number;
}

/** h·Σ_j w_j k_j (skipping zero weights). */
function weighted(h: number, weights: readonly number[], ks: readonly Tensor[]): Tensor {
  return tf.tidy(() => {
    let acc: Tensor | undefined;
    weights.forEach((w, j) => {
      if (w === 0) return;
      const term = tf.mul(ks[j]!, w);
      acc = acc ? tf.add(acc, term) : term;
    });
    return acc ? tf.mul(acc, h) : tf.zerosLike(ks[0]!);
  });
}

/** y + h·Σ_j w_j k_j. */
function combine(y: Tensor, h: number, weights: readonly number[], ks: readonly Tensor[]): Tensor {
  return tf.tidy(() => tf.add(y, weighted(h, weights, ks)));
}

function checkTolerances(rtol: number, atol: number): void {
  if (!(Number.isFinite(rtol) && rtol > 0)) throw new ScoresdeError(`rk45: rtol must be a positive number, got ${rtol}`);
  if (!(Number.isFinite(atol) && atol > 0)) throw new ScoresdeError(`rk45: atol must be a positive number, got ${atol}`);
}

async function initialStep(f: OdeRhs, y0: Tensor, f0: Tensor, t0: number, t1: number, rtol: number, atol: number, maxStep: number): Promise<number> {
  const interval = Math.abs(t1 - t0);
  const dir = Math.sign(t1 - t0);
  const held: Tensor[] = [];
  const hold = <T extends Tensor>(t: T): T => (held.push(t), t);
  try {
    const scale = hold(tf.tidy(() => tf.add(tf.mul(tf.abs(y0), rtol), atol)));
    const [d0, d1] = await readScalars([hold(rmsScaled(y0, scale)), hold(rmsScaled(f0, scale))]);
    let h0 = d0! < 1e-5 || d1! < 1e-5 ? 1e-6 : (0.01 * d0!) / d1!;
    h0 = Math.min(h0, interval);
    const y1 = hold(combine(y0, h0 * dir, [1], [f0]));
    const f1 = hold(f(t0 + h0 * dir, y1));
    const [d2] = await readScalars([hold(tf.tidy(() => tf.div(rmsScaled(tf.sub(f1, f0), scale), h0)))]);
    const h1 = d1! <= 1e-15 && d2! <= 1e-15 ? Math.max(1e-6, h0 * 1e-3) : (0.01 / Math.max(d1!, d2!)) ** (1 / 5);
    return Math.min(100 * h0, h1, interval, maxStep);
  } finally {
    tf.dispose(held);
  }
}

export async function rk45(rhs: OdeRhs, y0: Tensor, t0: number, t1: number, opts: Rk45Options): Promise<IntegrateResult> {
  const { rtol, atol } = opts;
  checkTolerances(rtol, atol);
  if (!Number.isFinite(t0) || !Number.isFinite(t1)) throw new ScoresdeError(`rk45: times must be finite, got ${t0} → ${t1}`);
  const maxStep = opts.maxStep ?? Infinity;
  const maxAttempts = opts.maxAttempts ?? 100000;
  const dir = Math.sign(t1 - t0);
  let y = tf.clone(y0);
  if (dir === 0) return { y, nfe: 0, steps: 0, rejected: 0 };
  let nfe = 0;
  const f = (t: number, x: Tensor): Tensor => {
    nfe++;
    return rhs(t, x);
  };
  let fy = f(t0, y);
  const live: Tensor[] = [];
  try {
    let hAbs = opts.firstStep ?? (await initialStep(f, y, fy, t0, t1, rtol, atol, maxStep));
    let t = t0;
    let steps = 0;
    let rejected = 0;
    let attempts = 0;
    while (dir * (t1 - t) > 0) {
      const minStep = 10 * spacing(t, dir);
      hAbs = Math.min(Math.max(hAbs, minStep), maxStep);
      let stepRejected = false;
      for (;;) {
        if (hAbs < minStep) throw new ScoresdeError(`rk45: step size fell below ${minStep.toExponential(2)} at t = ${t} (stiff or non-finite dynamics)`);
        if (++attempts > maxAttempts) throw new ScoresdeError(`rk45: no convergence within ${maxAttempts} step attempts (reached t = ${t})`);
        let tNew = t + dir * hAbs;
        if (dir * (tNew - t1) > 0) tNew = t1;
        const h = tNew - t;
        hAbs = Math.abs(h);
        const ks: Tensor[] = [fy];
        for (let s = 1; s < 6; s++) {
          const ys = combine(y, h, A[s]!, ks);
          live.push(ys);
          const k = f(t + C[s]! * h, ys);
          live.push(k);
          ks.push(k);
        }
        const yNew = combine(y, h, B, ks);
        live.push(yNew);
        const fNew = f(tNew, yNew);
        live.push(fNew);
        ks.push(fNew);
        const errNormT = tf.tidy(() => {
          const err = weighted(h, E, ks);
          const scale = tf.add(tf.mul(tf.maximum(tf.abs(y), tf.abs(yNew)), rtol), atol);
          return rmsScaled(err, scale);
        });
        const [errNorm] = await readScalars([errNormT]);
        errNormT.dispose();
        if (!Number.isFinite(errNorm)) throw new ScoresdeError(`rk45: the right-hand side is not finite near t = ${t}`);
        if (errNorm! < 1) {
          let factor = errNorm === 0 ? MAX_FACTOR : Math.min(MAX_FACTOR, SAFETY * errNorm! ** ERROR_EXPONENT);
          if (stepRejected) factor = Math.min(1, factor);
          hAbs *= factor;
          tf.dispose(live.filter((u) => u !== yNew && u !== fNew));
          live.length = 0;
          fy.dispose();
          y.dispose();
          y = yNew;
          fy = fNew;
          t = tNew;
          steps++;
          if (opts.afterStep) {
            const projected = opts.afterStep(y, t);
            if (projected !== y) {
              y.dispose();
              y = projected;
              fy.dispose();
              fy = f(t, y);
            }
          }
          opts.onStep?.({ t, nfe, steps });
          break;
        }
        hAbs *= Math.max(MIN_FACTOR, SAFETY * errNorm! ** ERROR_EXPONENT);
        stepRejected = true;
        rejected++;
        tf.dispose(live);
        live.length = 0;
      }
    }
    fy.dispose();
    return { y, nfe, steps, rejected };
  } catch (e) {
    tf.dispose([...live, y, fy]);
    throw e;
  }
}
