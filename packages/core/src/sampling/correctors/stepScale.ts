/**
 * The factor a in the corrector step sizes of score_sde_pytorch (`alpha`): 1 − β_i for VP and
 * sub-VP, 1 for VE. Written for any SDE with the contract's marginal as
 *   a = (alpha(t) / alpha(t'))²,  t' = max(t − dt, 0),
 * which is 1 − β_i of the exact VP/sub-VP transition over dt and exactly 1 for VE (alpha ≡ 1).
 */
import type { SDE } from '../../contracts/sde.js';

export function correctorAlpha(sde: SDE, t: number, dt: number): number {
  const tPrev = Math.max(t - dt, 0);
  return Math.exp(2 * (Math.log(sde.marginal(t).alpha) - Math.log(sde.marginal(tPrev).alpha)));
}
