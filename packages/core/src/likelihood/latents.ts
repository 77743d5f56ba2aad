/**
 * Latent-space interpolation through the probability-flow ODE (Song et al. 2021, Fig. 2 / App. D.5):
 * encode two images with `odeEncode` (x_ε → z = x_T), interpolate spherically,
 *   slerp(z_a, z_b; λ) = sin((1 − λ)θ)/sin θ · z_a + sin(λθ)/sin θ · z_b,
 *   θ = arccos(⟨z_a, z_b⟩ / (‖z_a‖ ‖z_b‖)),  λ_k = k/(K − 1), k = 0 … K − 1,
 * (linear interpolation when θ < 1e-6; antipodal latents are refused), and decode all K latents as one batch with `odeDecode`.
 * λ = 0 and 1 give z_a and z_b exactly (coefficients 1 and 0 computed on the host), so the end
 * frames are decode(encode(a)) and decode(encode(b)).
 */
import { tf, type Tensor } from '../tf.js';
import { ScoresdeError } from '../errors.js';
import { odeDecode, odeEncode, type OdeSolverOptions } from '../sampling/ode.js';

/** Host coefficients (c_a, c_b) of the K slerp frames for an angle θ. */
export function slerpCoefficients(theta: number, steps: number): Array<[number, number]> {
  if (!Number.isInteger(steps) || steps < 2) throw new ScoresdeError(`interpolation steps must be an integer ≥ 2, got ${steps}`);
  const out: Array<[number, number]> = [];
  const s = Math.sin(theta);
  for (let k = 0; k < steps; k++) {
    const lam = k / (steps - 1);
    out.push(theta < 1e-6 ? [1 - lam, lam] : [Math.sin((1 - lam) * theta) / s, Math.sin(lam * theta) / s]);
  }
  return out;
}

/** Spherical interpolation between two single latents [1, ...] → [K, ...] (caller owns). */
export async function slerp(za: Tensor, zb: Tensor, steps: number): Promise<Tensor> {
  if (za.shape[0] !== 1 || zb.shape[0] !== 1 || za.shape.join() !== zb.shape.join()) {
    throw new ScoresdeError(`slerp needs two latents of the same shape [1, ...], got [${za.shape.join(', ')}] and [${zb.shape.join(', ')}]`);
  }
  const [dot, na, nb] = await Promise.all([tf.tidy(() => tf.sum(tf.mul(za, zb))), tf.norm(za), tf.norm(zb)].map(async (t) => {
    const v = (await t.data())[0]!;
    t.dispose();
    return v;
  })) as [number, number, number];
  if (!(na > 0 && nb > 0)) throw new ScoresdeError('slerp: a latent is zero (no direction to interpolate)');
  const theta = Math.acos(Math.min(1, Math.max(-1, dot / (na * nb))));
  if (Math.PI - theta < 1e-6) throw new ScoresdeError('slerp: the two latents point in opposite directions (the great circle between them is not unique)');
  const coefs = slerpCoefficients(theta, steps);
  return tf.tidy(() => tf.concat(coefs.map(([ca, cb]) => tf.add(tf.mul(za, ca), tf.mul(zb, cb))), 0));
}

export interface InterpolationResult {
  /** Decoded frames [K, ...] (caller owns). */
  x: Tensor;
  /** Their latents [K, ...] (caller owns). */
  z: Tensor;
  /** Score evaluations: both encodes plus the batched decode. */
  nfe: number;
}

/** Encode a and b (each [1, ...] or [...]), slerp K frames in latent space, decode them. */
export async function odeInterpolate(a: Tensor, b: Tensor, steps: number, opts: OdeSolverOptions): Promise<InterpolationResult> {
  if (a.shape.join() !== b.shape.join()) throw new ScoresdeError(`interpolation endpoints differ in shape: [${a.shape.join(', ')}] vs [${b.shape.join(', ')}]`);
  slerpCoefficients(0, steps);
  const pair = tf.tidy(() => tf.concat([a.shape[0] === 1 ? a : tf.expandDims(a, 0), b.shape[0] === 1 ? b : tf.expandDims(b, 0)], 0));
  let enc;
  try {
    enc = await odeEncode(pair, opts);
  } finally {
    pair.dispose();
  }
  const [za, zb] = tf.split(enc.x, 2, 0) as [Tensor, Tensor];
  enc.x.dispose();
  let z: Tensor;
  try {
    z = await slerp(za, zb, steps);
  } finally {
    tf.dispose([za, zb]);
  }
  const dec = await odeDecode(z, opts);
  return { x: dec.x, z, nfe: enc.nfe + dec.nfe };
}
