/**
 * Fixed-step integrators on the uniform grid t_i = t0 + i·h, h = (t1 − t0)/n:
 *  - euler: y ← y + h·f(t, y)                                   (1 evaluation per step)
 *  - heun:  k1 = f(t, y), k2 = f(t + h, y + h·k1), y ← y + ½h·(k1 + k2)   (2 per step)
 */
import { tf, type Tensor } from '../../tf.js';
import { ScoresdeError } from '../../errors.js';
import type { IntegrateOptions, IntegrateResult, OdeRhs } from './types.js';
import { createYielder } from '../yield.js';

export type FixedStepMethod = 'euler' | 'heun';

export async function fixedStep(
  method: FixedStepMethod,
  rhs: OdeRhs,
  y0: Tensor,
  t0: number,
  t1: number,
  n: number,
  opts: IntegrateOptions = {},
): Promise<IntegrateResult> {
  if (!Number.isInteger(n) || n < 1) throw new ScoresdeError(`${method}: steps must be a positive integer, got ${n}`);
  if (!Number.isFinite(t0) || !Number.isFinite(t1)) throw new ScoresdeError(`${method}: times must be finite, got ${t0} → ${t1}`);
  const h = (t1 - t0) / n;
  let y = tf.clone(y0);
  let nfe = 0;
  const maybeYield = createYielder();
  try {
    for (let i = 0; i < n; i++) {
      const t = t0 + i * h;
      const tNext = i === n - 1 ? t1 : t0 + (i + 1) * h;
      const next = tf.tidy(() => {
        const k1 = rhs(t, y);
        if (method === 'euler') return tf.add(y, tf.mul(k1, h));
        const k2 = rhs(tNext, tf.add(y, tf.mul(k1, h)));
        return tf.add(y, tf.mul(tf.add(k1, k2), 0.5 * h));
      });
      nfe += method === 'euler' ? 1 : 2;
      y.dispose();
      y = next;
      if (opts.afterStep) {
        const projected = opts.afterStep(y, tNext);
        if (projected !== y) {
          y.dispose();
          y = projected;
        }
      }
      opts.onStep?.({ t: tNext, nfe, steps: i + 1 });
      await maybeYield();
    }
    return { y, nfe, steps: n, rejected: 0 };
  } catch (e) {
    y.dispose();
    throw e;
  }
}
