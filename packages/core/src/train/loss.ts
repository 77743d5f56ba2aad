/**
 * Continuous denoising score matching (Song et al. 2021, eq. 7; score_sde_pytorch losses.py
 * get_sde_loss_fn with continuous = True, reduce_mean = False):
 *
 *   t ~ U(ε, T), z ~ N(0, I), x_t = α(t) x₀ + σ(t) z, s = s_θ(x_t, t)
 *   ℓ = Σ_pixels (s·σ(t) + z)²                       (λ(t) = σ(t)², the default)
 *   ℓ = Σ_pixels (s + z/σ(t))² · g(t)²               (likelihood weighting, λ(t) = g(t)²)
 *   loss = mean over the batch of ℓ.
 *
 * α, σ and g are computed on the host in float64 from float32 times and rounded to float32.
 */
import { tf, type Tensor } from '../tf.js';
import { ScoresdeError } from '../errors.js';
import type { SDE } from '../contracts/sde.js';
import type { Rng } from '../rng/rng.js';

/** The ε of t ~ U(ε, T) in score_sde's training (sampling_eps differs). */
export const TRAIN_EPS = 1e-5;

export interface DsmNoise {
  /** Times [B], float32 values. */
  t: Float32Array;
  /** Standard normal noise, NHWC [B, H, W, C] flattened. */
  z: Float32Array;
}

/** Draw t (B uniforms first) then z (B·H·W·C normals) from `rng`, in this order. */
export function drawDsmNoise(rng: Rng, batch: number, sampleShape: number[], sde: SDE, eps = TRAIN_EPS): DsmNoise {
  if (!(eps > 0 && eps < sde.T)) throw new ScoresdeError(`training: eps must lie in (0, T = ${sde.T}), got ${eps}`);
  const t = new Float32Array(batch);
  for (let i = 0; i < batch; i++) t[i] = rng.uniform() * (sde.T - eps) + eps;
  const per = sampleShape.reduce((a, b) => a * b, 1);
  return { t, z: rng.normalArray(batch * per) };
}

export interface DsmOptions {
  likelihoodWeighting?: boolean;
}

/** A score function taking per-sample times. */
export type BatchScoreFn = (xt: Tensor, t: Float32Array) => Tensor;

/** Per-sample DSM losses ℓ_i, shape [B]. `x0` is NHWC [B, H, W, C] in the model's data range. */
export function dsmLosses(score: BatchScoreFn, x0: Tensor, noise: DsmNoise, sde: SDE, opts: DsmOptions = {}): Tensor {
  const b = x0.shape[0]!;
  if (noise.t.length !== b || noise.z.length !== x0.size) {
    throw new ScoresdeError(`training: noise for ${noise.t.length} samples / ${noise.z.length} values does not match a batch of shape ${JSON.stringify(x0.shape)}`);
  }
  const alpha = new Float32Array(b);
  const std = new Float32Array(b);
  const g2 = new Float32Array(b);
  for (let i = 0; i < b; i++) {
    const m = sde.marginal(noise.t[i]!);
    alpha[i] = m.alpha;
    std[i] = m.std;
    g2[i] = sde.diffusion(noise.t[i]!) ** 2;
  }
  return tf.tidy(() => {
    const col = (v: Float32Array) => tf.tensor4d(v, [b, 1, 1, 1]);
    const z = tf.tensor(noise.z, x0.shape, 'float32');
    const xt = tf.add(tf.mul(x0, col(alpha)), tf.mul(z, col(std)));
    const s = score(xt, noise.t);
    if (!opts.likelihoodWeighting) {
      return tf.sum(tf.square(tf.add(tf.mul(s, col(std)), z)), [1, 2, 3]);
    }
    const per = tf.sum(tf.square(tf.add(s, tf.div(z, col(std)))), [1, 2, 3]);
    return tf.mul(per, tf.tensor1d(g2, 'float32'));
  });
}

/** The DSM loss: the batch mean of `dsmLosses` (a scalar). */
export function dsmLoss(score: BatchScoreFn, x0: Tensor, noise: DsmNoise, sde: SDE, opts: DsmOptions = {}): tf.Scalar {
  return tf.tidy(() => tf.mean(dsmLosses(score, x0, noise, sde, opts)) as tf.Scalar);
}
