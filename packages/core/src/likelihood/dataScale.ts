/**
 * What a bits/dim number is measured against, and uniform dequantisation of 8-bit data
 * (score_sde_pytorch `run_lib.evaluate` + `likelihood.py`).
 *
 * For a density p over x ∈ ℝ^d the ODE gives log p(x) in nats; we report
 *   bits/dim = −log p(x) / (d ln 2) + offset.
 * `scale` says how x relates to 8-bit pixel values k ∈ {0, …, 255}:
 *   'none'     — continuous data, offset 0 (the plain density of x; the Gaussian-prior checks);
 *   'unit'     — x = k/255 ∈ [0, 1] (score_sde's `data.centered = False`), offset 8 = log₂ 256;
 *   'centered' — x = 2k/255 − 1 ∈ [−1, 1] (`data.centered = True`), offset 7 = log₂ 256 − log₂ 2.
 * The offset converts the density of the model's variable into the density of dequantised pixel
 * intensities u = 256·x_unit ∈ [0, 256) (Jacobian 256 per dimension, or 128 for the centred
 * range whose width is 2) — exactly score_sde's `offset = 7 − inverse_scaler(−1)`, so numbers
 * compare with the papers' bits/dim.
 *
 * Dequantisation (optional): x_unit ← (255·x_unit + U(0, 1)) / 256, as score_sde, then mapped
 * back to the model's range. Without it the likelihood is that of the given (already
 * continuous) points.
 */
import { tf, type Tensor } from '../tf.js';
import type { Rng } from '../rng/rng.js';
import { ScoresdeError } from '../errors.js';

export const DATA_SCALES = ['none', 'unit', 'centered'] as const;
export type DataScale = (typeof DATA_SCALES)[number];

export function checkDataScale(name: string): DataScale {
  if (!(DATA_SCALES as readonly string[]).includes(name)) throw new ScoresdeError(`unknown data scale '${name}' (choose from ${DATA_SCALES.join(', ')})`);
  return name as DataScale;
}

/** Bits added to −log p/(d ln 2) for data of this scale. */
export function bitsOffset(scale: DataScale): number {
  return scale === 'none' ? 0 : scale === 'unit' ? 8 : 7;
}

/** Allowed range of x for a pixel scale. */
function range(scale: DataScale): [number, number] {
  return scale === 'unit' ? [0, 1] : [-1, 1];
}

/**
 * Uniformly dequantised copy of x (caller owns it). x must lie in the scale's range (1e-6 slack);
 * noise is drawn on the host from `rng`, one value per element.
 */
export async function dequantize(x: Tensor, scale: DataScale, rng: Rng): Promise<Tensor> {
  if (scale === 'none') throw new ScoresdeError("dequantisation needs 8-bit data: give the data scale 'unit' ([0, 1]) or 'centered' ([-1, 1])");
  const [lo, hi] = range(scale);
  const vals = await x.data();
  for (let i = 0; i < vals.length; i++) {
    const v = vals[i]!;
    if (!(v >= lo - 1e-6 && v <= hi + 1e-6)) throw new ScoresdeError(`dequantisation: data must lie in [${lo}, ${hi}] for scale '${scale}', found ${v} at element ${i}`);
  }
  const u = rng.uniformArray(vals.length);
  return tf.tidy(() => {
    const unit = scale === 'unit' ? x : tf.div(tf.add(x, 1), 2);
    const deq = tf.div(tf.add(tf.mul(unit, 255), tf.tensor(u, x.shape, 'float32')), 256);
    return scale === 'unit' ? deq : tf.sub(tf.mul(deq, 2), 1);
  });
}
