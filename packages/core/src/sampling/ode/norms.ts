/** Scaled RMS norms used by the adaptive step control (as scipy's `solve_ivp`). */
import { tf, type Tensor } from '../../tf.js';

/** ‖a / scale‖_rms = √(mean((a/scale)²)) over every element, as a scalar tensor. */
export function rmsScaled(a: Tensor, scale: Tensor): Tensor {
  return tf.tidy(() => tf.sqrt(tf.mean(tf.square(tf.div(a, scale)))));
}

/** Read a few scalar tensors to the host in one transfer (async: works on GPU backends). */
export async function readScalars(scalars: Tensor[]): Promise<number[]> {
  const stacked = tf.tidy(() => tf.stack(scalars.map((s) => tf.reshape(s, []))));
  try {
    return Array.from(await stacked.data());
  } finally {
    stacked.dispose();
  }
}

/** |nextafter(t, ±∞) − t|: the float64 spacing at t toward `direction`. */
export function spacing(t: number, direction: number): number {
  if (t === 0) return Number.MIN_VALUE;
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, t);
  const bits = buf.getBigUint64(0);
  const away = (t > 0) === (direction > 0);
  buf.setBigUint64(0, away ? bits + 1n : bits - 1n);
  return Math.abs(buf.getFloat64(0) - t);
}
