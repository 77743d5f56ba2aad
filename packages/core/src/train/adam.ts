/**
 * Adam as score_sde_pytorch trains with it (losses.py optimization_manager + torch.optim.Adam,
 * weight decay 0):
 *
 *   lr_k = lr · min(k / warmup, 1) when warmup > 0, k = the number of steps taken before this
 *          one (so the very first step has lr 0, as in the reference)
 *   if grad_clip ≥ 0: n = ‖g‖₂ over all parameters; g ← g · min(1, grad_clip / (n + 1e-6))
 *   m ← β₁ m + (1 − β₁) g,  v ← β₂ v + (1 − β₂) g²          (t = k + 1)
 *   θ ← θ − (lr_k / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
 *
 * Moments are float32 device tensors; bias corrections are host float64 scalars.
 */
import { tf } from '../tf.js';
import { ScoresdeError } from '../errors.js';

export interface AdamOptions {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  /** Linear warm-up steps (0: none). */
  warmup: number;
  /** Clip the global gradient norm to this (negative: no clipping). */
  gradClip: number;
}

export const ADAM_DEFAULTS: AdamOptions = { lr: 2e-4, beta1: 0.9, beta2: 0.999, eps: 1e-8, warmup: 5000, gradClip: 1 };

export interface AdamStepInfo {
  /** Learning rate used. */
  lr: number;
  /** Global gradient norm before clipping. */
  gradNorm: number;
}

export class Adam {
  readonly opts: AdamOptions;
  /** Steps taken so far. */
  step = 0;
  readonly m: tf.Variable[];
  readonly v: tf.Variable[];

  constructor(
    readonly params: tf.Variable[],
    opts: Partial<AdamOptions> = {},
  ) {
    this.opts = { ...ADAM_DEFAULTS, ...opts };
    const o = this.opts;
    if (!(o.lr >= 0)) throw new ScoresdeError(`adam: lr must be ≥ 0, got ${o.lr}`);
    if (!(o.beta1 >= 0 && o.beta1 < 1) || !(o.beta2 >= 0 && o.beta2 < 1)) throw new ScoresdeError(`adam: betas must lie in [0, 1), got ${o.beta1}, ${o.beta2}`);
    if (!(o.eps > 0)) throw new ScoresdeError(`adam: eps must be positive, got ${o.eps}`);
    if (!(Number.isInteger(o.warmup) && o.warmup >= 0)) throw new ScoresdeError(`adam: warmup must be an integer ≥ 0, got ${o.warmup}`);
    if (!Number.isFinite(o.gradClip)) throw new ScoresdeError(`adam: grad_clip must be a number, got ${o.gradClip}`);
    const zeros = (p: tf.Variable): tf.Variable => {
      const z = tf.zerosLike(p);
      const v = tf.variable(z, false);
      z.dispose(); // the variable holds its own reference to the data
      return v;
    };
    this.m = params.map(zeros);
    this.v = params.map(zeros);
  }

  /** Learning rate of the next step. */
  currentLr(): number {
    const o = this.opts;
    return o.warmup > 0 ? o.lr * Math.min(this.step / o.warmup, 1) : o.lr;
  }

  /** Apply one update with gradients `grads` (same order as `params`; not disposed here). */
  async apply(grads: tf.Tensor[]): Promise<AdamStepInfo> {
    if (grads.length !== this.params.length) throw new ScoresdeError(`adam: ${grads.length} gradients for ${this.params.length} parameters`);
    const o = this.opts;
    const normT = tf.tidy(() => tf.sqrt(tf.addN(grads.map((g) => tf.sum(tf.square(g))))));
    const gradNorm = ((await normT.data()) as Float32Array)[0]!;
    normT.dispose();
    const scale = o.gradClip >= 0 ? Math.min(1, o.gradClip / (gradNorm + 1e-6)) : 1;
    const lr = this.currentLr();
    const t = this.step + 1;
    const stepSize = lr / (1 - o.beta1 ** t);
    const bc2Sqrt = Math.sqrt(1 - o.beta2 ** t);
    tf.tidy(() => {
      for (let i = 0; i < this.params.length; i++) {
        const g = scale === 1 ? grads[i]! : tf.mul(grads[i]!, scale);
        const m = tf.add(tf.mul(this.m[i]!, o.beta1), tf.mul(g, 1 - o.beta1));
        const v = tf.add(tf.mul(this.v[i]!, o.beta2), tf.mul(tf.square(g), 1 - o.beta2));
        this.m[i]!.assign(m);
        this.v[i]!.assign(v);
        const denom = tf.add(tf.div(tf.sqrt(v), bc2Sqrt), o.eps);
        this.params[i]!.assign(tf.sub(this.params[i]!, tf.mul(tf.div(m, denom), stepSize)));
      }
    });
    this.step = t;
    return { lr, gradNorm };
  }

  dispose(): void {
    tf.dispose([...this.m, ...this.v]);
  }
}
