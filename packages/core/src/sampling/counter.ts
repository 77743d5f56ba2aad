/** Counts score evaluations (the NFE the samplers report). */
import type { ScoreFn } from '../contracts/score.js';

export interface CountedScore {
  readonly fn: ScoreFn;
  /** Score evaluations so far (one per call, whatever the batch size). */
  count(): number;
}

export function countCalls(score: ScoreFn): CountedScore {
  let n = 0;
  return {
    fn: (x, t) => {
      n++;
      return score(x, t);
    },
    count: () => n,
  };
}
