/**
 * Exponential moving average of the trainable parameters (score_sde_pytorch models/ema.py,
 * use_num_updates = True): at update n = 1, 2, …
 *   d = min(rate, (1 + n) / (10 + n)),  θ̄ ← θ̄ − (1 − d)(θ̄ − θ).
 * The shadow starts as a copy of the initial parameters. The EMA weights are what a
 * checkpoint's model (and so its score) uses.
 */
import { tf } from '../tf.js';
import { ScoresdeError } from '../errors.js';

export class Ema {
  numUpdates = 0;

  /** `shadow[i]` tracks `params[i]`; the caller owns both. */
  constructor(
    readonly rate: number,
    readonly params: tf.Variable[],
    readonly shadow: tf.Variable[],
  ) {
    if (!(rate >= 0 && rate <= 1)) throw new ScoresdeError(`ema: rate must lie in [0, 1], got ${rate}`);
    if (params.length !== shadow.length) throw new ScoresdeError(`ema: ${shadow.length} shadow tensors for ${params.length} parameters`);
  }

  /** The decay of the next update. */
  nextDecay(): number {
    const n = this.numUpdates + 1;
    return Math.min(this.rate, (1 + n) / (10 + n));
  }

  update(): void {
    const d = this.nextDecay();
    this.numUpdates++;
    tf.tidy(() => {
      for (let i = 0; i < this.params.length; i++) {
        const s = this.shadow[i]!;
        s.assign(tf.sub(s, tf.mul(tf.sub(s, this.params[i]!), 1 - d)));
      }
    });
  }
}
