/**
 * Radon kernels for the webgpu backend, computing the same discretisation as the host loops
 * (projector.ts, fbpBackproject.ts) in float32:
 *
 * - W (project): one thread per (ray, sample in batch) walks the ray's samples k ∈ [kmin, kmax]
 *   (host-computed per-ray table, see gpuTables) with the host's bilinear formula.
 * - Wᵀ (backproject): pixel-driven gather, so no atomics: for each angle, the rays (detectors)
 *   and samples whose bilinear footprint can cover the pixel are found from the pixel's
 *   coordinates along and across the rays (±1.5 samples; fan beams widen the detector range by
 *   the magnification), and each contributes y·(1 − |Δr|)(1 − |Δc|) — exactly the weights W
 *   gives that pixel, so the map is W's transpose to float32 rounding.
 * - P (FBP back-projection): pixel-driven linear interpolation, as the host loop.
 * The gradient of P (its transpose) runs as tfjs ops (fallback.ts); W and Wᵀ are each other's.
 */
import { type GpuProgram, ceilDiv, floats, ints, runProgramInfo, tf, type WebGPUBackendLike } from '@scoresde/core';
import type { RadonGeometry } from './geometry.js';
import { PAD, rayRange } from './projector.js';
import { fbpLayout } from './fbpFilter.js';

interface Tables {
  rays: tf.Tensor2D;
  angles: tf.Tensor2D;
}
const tables = new WeakMap<RadonGeometry, Tables>();

const RAY = 10;

/**
 * Per-ray table, RAY floats: for rows and columns the start split as integer + fraction and the
 * step split as hi + lo (hi keeps 11 fractional bits, so k·hi is exact in float32 for k < 8192),
 * then kmin, kmax. A sample's position k is then integer + fraction with the fraction good to
 * ~1e-7, where plain float32 r0 + k·dr at 256² is off by up to 3e-5 (its ulp near 400).
 * Per-angle [cos hi, cos lo, sin hi, sin lo]. Uploaded once per geometry.
 */
function gpuTables(g: RadonGeometry): Tables {
  const hit = tables.get(g);
  if (hit) return hit;
  const n = g.numAngles * g.detectors;
  const r = new Float32Array(n * RAY);
  const ray = new Float64Array(6);
  const split = (v: number): [number, number] => {
    const hi = Math.round(v * 2048) / 2048;
    return [hi, v - hi];
  };
  for (let a = 0; a < g.numAngles; a++) {
    for (let d = 0; d < g.detectors; d++) {
      rayRange(g, a, d, ray);
      const [r0, c0, dr, dc, kmin, kmax] = ray as unknown as number[];
      r.set([Math.floor(r0!), r0! - Math.floor(r0!), ...split(dr!), Math.floor(c0!), c0! - Math.floor(c0!), ...split(dc!), kmin!, kmax!], (a * g.detectors + d) * RAY);
    }
  }
  const ang = new Float32Array(g.numAngles * 4);
  for (let a = 0; a < g.numAngles; a++) ang.set([...split(g.cos[a]!), ...split(g.sin[a]!)], 4 * a);
  const t = { rays: tf.keep(tf.tensor2d(r, [n, RAY])), angles: tf.keep(tf.tensor2d(ang, [g.numAngles, 4])) };
  tables.set(g, t);
  return t;
}

export function disposeGpuTables(g: RadonGeometry): void {
  const t = tables.get(g);
  if (t) tf.dispose([t.rays, t.angles]);
  tables.delete(g);
}

const WG = 64;
// Pixel-driven programs: thread → (b, i, j); threads past the image return.
const PIXEL = `
  let pix = i32(workgroupId.x) * ${WG} + i32(localId.x);
  let b = i32(workgroupId.y);
  if (pix >= uniforms.N * uniforms.N) { return; }
  let i = pix / uniforms.N;
  let j = pix % uniforms.N;`;
// Sample k of a ray along one axis (table offset o: integer start, fraction, step hi, step lo):
// (integer part, fraction in [0, 1)).
const helper = `
fn axisPos(o : i32, k : i32) -> vec2<f32> {
  let m = f32(k) * rays[o + 2];
  let mi = floor(m);
  let f = rays[o + 1] + (m - mi) + f32(k) * rays[o + 3];
  let fi = floor(f);
  return vec2<f32>(rays[o] + mi + fi, f - fi);
}
`;
const uniforms = 'N : i32, A : i32, D : i32, B : i32, M : i32, center : f32, detCenter : f32, binCenter : f32, R : f32,';
function values(g: RadonGeometry, batch: number) {
  const R = g.beam === 'fan' ? g.sourceDistance : 0;
  return [...ints(g.size, g.numAngles, g.detectors, batch, fbpLayout(g).bins), ...floats(g.center, g.detCenter, fbpLayout(g).binCenter, R)];
}

function projectProgram(g: RadonGeometry, batch: number): GpuProgram {
  const rays = g.numAngles * g.detectors;
  return {
    key: 'radonW',
    inputs: ['x', 'rays'],
    outputShape: [batch, g.numAngles, g.detectors, 1],
    workgroupSize: [WG, 1, 1],
    dispatch: [ceilDiv(rays, WG), batch, 1],
    uniforms,
    code: `
${helper}
fn img(b : i32, pr : i32, pc : i32) -> f32 {
  let i = pr - ${PAD};
  let j = pc - ${PAD};
  if (i < 0 || i >= uniforms.N || j < 0 || j >= uniforms.N) { return 0.0; }
  return x[(b * uniforms.N + i) * uniforms.N + j];
}
fn main() {
  let ray = i32(workgroupId.x) * ${WG} + i32(localId.x);
  let b = i32(workgroupId.y);
  if (ray >= uniforms.A * uniforms.D) { return; }
  let o = ray * ${RAY};
  let kmax = i32(rays[o + 9]);
  var sum = 0.0;
  for (var k = i32(rays[o + 8]); k <= kmax; k = k + 1) {
    let r = axisPos(o, k);
    let c = axisPos(o + 4, k);
    let ri = i32(r.x);
    let ci = i32(c.x);
    let fr = r.y;
    let fc = c.y;
    let v00 = img(b, ri, ci);
    let v10 = img(b, ri + 1, ci);
    let top = v00 + fc * (img(b, ri, ci + 1) - v00);
    let bot = v10 + fc * (img(b, ri + 1, ci + 1) - v10);
    sum = sum + top + fr * (bot - top);
  }
  result[b * uniforms.A * uniforms.D + ray] = sum;
}
`,
  };
}

function backprojectProgram(g: RadonGeometry, batch: number): GpuProgram {
  const fan = g.beam === 'fan';
  // Detector half-range around the pixel's projection: 1.5 samples across the ray, scaled for a
  // fan beam by the pixel's magnification U and the ray's obliquity.
  const halfRange = fan
    ? `let U = (uniforms.R + p.x * cs + p.y * sn) / uniforms.R;
    let u = (p.y * cs - p.x * sn) / U;
    let h1 = 1.5 * sqrt(uniforms.R * uniforms.R + u * u) / (uniforms.R * U) + 1.0;
    let half = 1.5 * sqrt(uniforms.R * uniforms.R + (abs(u) + h1) * (abs(u) + h1)) / (uniforms.R * U) + 1.0;`
    : `let u = p.y * cs - p.x * sn;
    let half = 1.5;`;
  return {
    key: `radonWT_${g.beam}`,
    inputs: ['y', 'rays', 'angles'],
    outputShape: [batch, g.size, g.size, 1],
    workgroupSize: [WG, 1, 1],
    dispatch: [ceilDiv(g.size * g.size, WG), batch, 1],
    uniforms,
    code: `${helper}
fn main() {
${PIXEL}
  let pr = f32(i + ${PAD});
  let pc = f32(j + ${PAD});
  // pixel relative to the rotation centre (row, col)
  let p = vec2<f32>(f32(i) - uniforms.center, f32(j) - uniforms.center);
  var acc = 0.0;
  for (var a = 0; a < uniforms.A; a = a + 1) {
    let cs = angles[4 * a] + angles[4 * a + 1];
    let sn = angles[4 * a + 2] + angles[4 * a + 3];
    ${halfRange}
    let dLo = max(0, i32(ceil(u + uniforms.detCenter - half)));
    let dHi = min(uniforms.D - 1, i32(floor(u + uniforms.detCenter + half)));
    for (var d = dLo; d <= dHi; d = d + 1) {
      let o = (a * uniforms.D + d) * ${RAY};
      let dr = rays[o + 2] + rays[o + 3];
      let dc = rays[o + 6] + rays[o + 7];
      let kAt = (pr - rays[o] - rays[o + 1]) * dr + (pc - rays[o + 4] - rays[o + 5]) * dc;
      let kLo = max(i32(rays[o + 8]), i32(ceil(kAt - 1.5)));
      let kHi = min(i32(rays[o + 9]), i32(floor(kAt + 1.5)));
      let yv = y[(b * uniforms.A + a) * uniforms.D + d];
      for (var k = kLo; k <= kHi; k = k + 1) {
        let r = axisPos(o, k);
        let c = axisPos(o + 4, k);
        let wr = 1.0 - abs((r.x - pr) + r.y);
        let wc = 1.0 - abs((c.x - pc) + c.y);
        if (wr > 0.0 && wc > 0.0) { acc = acc + yv * wr * wc; }
      }
    }
  }
  result[(b * uniforms.N + i) * uniforms.N + j] = acc;
}
`,
  };
}

function fbpProgram(g: RadonGeometry, batch: number): GpuProgram {
  const fan = g.beam === 'fan';
  const bin = fan
    ? `let U = (uniforms.R + p.x * cs + p.y * sn) / uniforms.R;
      let u = (p.y * cs - p.x * sn) / U + uniforms.binCenter;
      let w = 1.0 / (U * U);`
    : // (j − c)·cos − (i − c)·sin with the hi parts exact (integers times 11-bit fractions), so the
      // interpolation weight keeps ~1e-7 where a plain float32 u near 360 is off by 2e-5
      `let vh = p.y * angles[4 * a] - p.x * angles[4 * a + 2];
      let vl = p.y * angles[4 * a + 1] - p.x * angles[4 * a + 3];
      let vi = floor(vh);
      let u = (vi + uniforms.binCenter) + ((vh - vi) + vl);
      let w = 1.0;`;
  return {
    key: `fbpP_${g.beam}_${g.circle}`,
    inputs: ['q', 'angles'],
    outputShape: [batch, g.size, g.size, 1],
    workgroupSize: [WG, 1, 1],
    dispatch: [ceilDiv(g.size * g.size, WG), batch, 1],
    uniforms,
    code: `
fn main() {
${PIXEL}
  let p = vec2<f32>(f32(i) - uniforms.center, f32(j) - uniforms.center);
  var acc = 0.0;
  ${g.circle ? 'if (dot(p, p) <= uniforms.center * uniforms.center) {' : '{'}
  for (var a = 0; a < uniforms.A; a = a + 1) {
    let cs = angles[4 * a] + angles[4 * a + 1];
    let sn = angles[4 * a + 2] + angles[4 * a + 3];
    ${bin}
    if (!(u >= 0.0 && u <= f32(uniforms.M - 1))) { continue; }
    let j0 = i32(u);
    let f = ${fan ? 'u - f32(j0)' : '(vh - vi + vl) - f32(j0 - i32(vi + uniforms.binCenter))'};
    let qo = (b * uniforms.A + a) * uniforms.M;
    let v0 = q[qo + j0];
    var v = v0;
    if (j0 + 1 < uniforms.M) { v = v0 + f * (q[qo + j0 + 1] - v0); }
    acc = acc + w * v;
  }
  }
  result[(b * uniforms.N + i) * uniforms.N + j] = acc;
}
`,
  };
}

export type GpuRadonMap = 'project' | 'backproject' | 'fbp';

/** Runs inside a webgpu kernelFunc: input [B, …, 1] float32. */
export function gpuRadon(backend: WebGPUBackendLike, map: GpuRadonMap, g: RadonGeometry, x: tf.TensorInfo): tf.TensorInfo {
  const t = gpuTables(g);
  const b = x.shape[0]!;
  const u = values(g, b);
  if (map === 'project') return runProgramInfo(backend, projectProgram(g, b), [x, t.rays], u);
  if (map === 'backproject') return runProgramInfo(backend, backprojectProgram(g, b), [x, t.rays, t.angles], u);
  return runProgramInfo(backend, fbpProgram(g, b), [x, t.angles], u);
}
