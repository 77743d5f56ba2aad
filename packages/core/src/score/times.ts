/** Per-sample perturbation coefficients alpha(t_b), std(t_b) from a TimeArg. */
import type { SDE } from '../contracts/sde.js';
import type { TimeArg } from '../contracts/score.js';
import { ScoresdeError } from '../errors.js';

export interface Coefs {
  /** One entry (shared t) or one per sample. */
  alpha: Float64Array;
  std: Float64Array;
}

export function coefsAt(sde: SDE, t: TimeArg, batch: number, who: string): Coefs {
  if (typeof t === 'number') {
    if (!Number.isFinite(t)) throw new ScoresdeError(`${who}: time must be finite, got ${t}`);
    const m = sde.marginal(t);
    return { alpha: Float64Array.of(m.alpha), std: Float64Array.of(m.std) };
  }
  if (t.length !== batch) throw new ScoresdeError(`${who}: ${t.length} per-sample times for a batch of ${batch}`);
  const alpha = new Float64Array(batch);
  const std = new Float64Array(batch);
  for (let b = 0; b < batch; b++) {
    if (!Number.isFinite(t[b]!)) throw new ScoresdeError(`${who}: time ${b} is not finite (${t[b]})`);
    const m = sde.marginal(t[b]!);
    alpha[b] = m.alpha;
    std[b] = m.std;
  }
  return { alpha, std };
}
