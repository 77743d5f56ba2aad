/**
 * Fused GroupNorm + SiLU on NHWC for the webgpu backend: one dispatch, one workgroup of 256
 * threads per (sample, group) computes the mean, then the centred variance (two passes, as the
 * composite op does), then writes y = silu((x − μ)·γ/√(var + eps) + β) — where the composite costs
 * about ten dispatches and as many full-size intermediates.
 *
 * The backward pass is analytic and composite (tfjs ops), so training works unchanged:
 *   z = x̂γ + β, dz = dy·σ(z)(1 + z(1 − σ(z))), dβ = Σ dz, dγ = Σ dz·x̂,
 *   dx = inv·(dz γ − mean_g(dz γ) − x̂·mean_g(dz γ x̂)).
 */
import { tf, type Tensor } from '../../tf.js';
import { type GpuProgram, floats, ints, runProgram } from './program.js';

const WG = 256;

function program(groups: number, cg: number): GpuProgram {
  return {
    key: `gnSilu_${cg}`,
    inputs: ['x', 'gamma', 'beta'],
    outputShape: [],
    workgroupSize: [WG, 1, 1],
    dispatch: [0, 1, 1],
    uniforms: 'HW : i32, C : i32, G : i32, eps : f32,',
    code: `
var<workgroup> red : array<f32, ${WG}>;
fn groupSum(v : f32) -> f32 {
  let t = i32(localId.x);
  red[t] = v;
  workgroupBarrier();
  for (var s = ${WG / 2}; s > 0; s = s / 2) {
    if (t < s) { red[t] = red[t] + red[t + s]; }
    workgroupBarrier();
  }
  let r = red[0];
  workgroupBarrier();
  return r;
}
fn main() {
  let t = i32(localId.x);
  let bg = i32(workgroupId.x);
  let b = bg / uniforms.G;
  let g = bg % uniforms.G;
  let n = uniforms.HW * ${cg};
  let base = b * uniforms.HW * uniforms.C + g * ${cg};
  var s = 0.0;
  for (var i = t; i < n; i = i + ${WG}) { s = s + x[base + (i / ${cg}) * uniforms.C + i % ${cg}]; }
  let mean = groupSum(s) / f32(n);
  var q = 0.0;
  for (var i = t; i < n; i = i + ${WG}) {
    let d = x[base + (i / ${cg}) * uniforms.C + i % ${cg}] - mean;
    q = q + d * d;
  }
  let inv = inverseSqrt(groupSum(q) / f32(n) + uniforms.eps);
  for (var i = t; i < n; i = i + ${WG}) {
    let c = i % ${cg};
    let idx = base + (i / ${cg}) * uniforms.C + c;
    let z = (x[idx] - mean) * inv * gamma[g * ${cg} + c] + beta[g * ${cg} + c];
    result[idx] = z / (1.0 + exp(-z));
  }
}
`,
  };
}

/** Forward only (webgpu): x [B,H,W,C], gamma/beta [C]. */
export function groupNormSiluForward(x: Tensor, gamma: Tensor, beta: Tensor, groups: number, eps: number): Tensor {
  const [b, h, w, c] = x.shape as [number, number, number, number];
  const p = program(groups, c / groups);
  p.outputShape = [b, h, w, c];
  p.dispatch = [b * groups, 1, 1];
  return runProgram(p, [x, gamma, beta], [...ints(h * w, c, groups), ...floats(eps)]);
}

/** The composite backward: gradients for x, gamma and beta. */
export function groupNormSiluBackward(dy: Tensor, x: Tensor, gamma: Tensor, beta: Tensor, groups: number, eps: number): [Tensor, Tensor, Tensor] {
  return tf.tidy(() => {
    const [b, h, w, c] = x.shape as [number, number, number, number];
    const cg = c / groups;
    const n = h * w * cg;
    const xg = tf.reshape(x, [b, h * w, groups, cg]);
    const gm = (t: Tensor) => tf.div(tf.sum(tf.sum(t, 3, true), 1, true), n);
    const d = tf.sub(xg, gm(xg));
    const inv = tf.rsqrt(tf.add(gm(tf.square(d)), eps));
    const xhat = tf.mul(d, inv);
    const gam = tf.reshape(gamma, [1, 1, groups, cg]);
    const z = tf.add(tf.mul(xhat, gam), tf.reshape(beta, [1, 1, groups, cg]));
    const sig = tf.sigmoid(z);
    const dz = tf.mul(tf.reshape(dy, [b, h * w, groups, cg]), tf.mul(sig, tf.add(1, tf.mul(z, tf.sub(1, sig)))));
    const dbeta = tf.reshape(tf.sum(dz, [0, 1]), [c]);
    const dgamma = tf.reshape(tf.sum(tf.mul(dz, xhat), [0, 1]), [c]);
    const dxhat = tf.mul(dz, gam);
    const dx = tf.mul(inv, tf.sub(tf.sub(dxhat, gm(dxhat)), tf.mul(xhat, gm(tf.mul(dxhat, xhat)))));
    return [tf.reshape(dx, [b, h, w, c]), dgamma, dbeta];
  });
}

/** Fused GroupNorm + SiLU with a gradient (webgpu forward, composite backward). */
export function groupNormSilu(x: Tensor, gamma: Tensor, beta: Tensor, groups: number, eps: number): Tensor {
  const f = tf.customGrad((...args: (Tensor | tf.GradSaveFunc)[]) => {
    const [xi, g, bt, save] = args as [Tensor, Tensor, Tensor, tf.GradSaveFunc];
    save([xi, g, bt]);
    return {
      value: groupNormSiluForward(xi, g, bt, groups, eps),
      gradFunc: (dy: Tensor | Tensor[], saved: Tensor[]) => groupNormSiluBackward(dy as Tensor, saved[0]!, saved[1]!, saved[2]!, groups, eps),
    };
  });
  return f(x, gamma, beta);
}
