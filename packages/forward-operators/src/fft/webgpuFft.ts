/**
 * Centred orthonormal 2-D DFT on the webgpu backend: a Stockham FFT (radix-4 stages, one radix-2
 * stage when log₂ n is odd) run by one workgroup per image line in workgroup memory, one dispatch
 * per axis (rows, then columns). The centring shifts are folded into the load and store indices
 * (for even n, ifftshift and fftshift are both a roll by n/2) and the 1/√n scale into the store.
 *
 * The masked variants of the MRI operator fuse their extra steps into the same two dispatches:
 * forward y = M ⊙ F(embed x) loads real planes in the row pass and multiplies by M in the column
 * pass's store; the adjoint Re F⁻¹(M ⊙ y) multiplies in the first load and keeps the real part in
 * the last store. Lines of length 2…1024 that are powers of two (n complex values ping-pong in
 * 16 KiB of workgroup memory); other sizes use the DFT-as-matmul path.
 */
import { type GpuProgram, type WebGPUBackendLike, disposeInfo, ints, runProgramInfo, tf } from '@scoresde/core';

export const GPU_FFT_MAX = 1024;

export function gpuFftSupports(n: number): boolean {
  return n >= 2 && n <= GPU_FFT_MAX && (n & (n - 1)) === 0;
}

type Load = 'complex' | 'real' | 'masked';
type Store = 'complex' | 'masked' | 'real';

interface Pass {
  axis: 'w' | 'h';
  n: number;
  inverse: boolean;
  load: Load;
  store: Store;
}

/** Stages as (radix, Ns) pairs. */
function stages(n: number): [number, number][] {
  const out: [number, number][] = [];
  let ns = 1;
  while (ns * 4 <= n) {
    out.push([4, ns]);
    ns *= 4;
  }
  if (ns < n) out.push([2, ns]);
  return out;
}

function passProgram(p: Pass, outputShape: number[], lines: number): GpuProgram {
  const n = p.n;
  const wg = Math.min(64, Math.max(1, n / 4));
  const sign = p.inverse ? 1 : -1;
  const st = stages(n);
  // Position (b, h, w, k) of element `pos` on line `line`.
  const coords =
    p.axis === 'w'
      ? `let k = line % uniforms.K; let bh = line / uniforms.K; let h = bh % uniforms.H; let b = bh / uniforms.H; let w = pos;`
      : `let k = line % uniforms.K; let bw = line / uniforms.K; let w = bw % uniforms.W; let b = bw / uniforms.W; let h = pos;`;
  const loadBody = {
    complex: `let i = ((b * uniforms.H + h) * uniforms.W + w) * 2 * uniforms.K + 2 * k; return vec2<f32>(x[i], x[i + 1]);`,
    real: `return vec2<f32>(x[((b * uniforms.H + h) * uniforms.W + w) * uniforms.K + k], 0.0);`,
    masked: `let i = ((b * uniforms.H + h) * uniforms.W + w) * 2 * uniforms.K + 2 * k; return mask[h * uniforms.W + w] * vec2<f32>(x[i], x[i + 1]);`,
  }[p.load];
  const storeBody = {
    complex: `let i = ((b * uniforms.H + h) * uniforms.W + w) * 2 * uniforms.K + 2 * k; result[i] = v.x; result[i + 1] = v.y;`,
    masked: `let i = ((b * uniforms.H + h) * uniforms.W + w) * 2 * uniforms.K + 2 * k; let m = mask[h * uniforms.W + w]; result[i] = m * v.x; result[i + 1] = m * v.y;`,
    real: `result[((b * uniforms.H + h) * uniforms.W + w) * uniforms.K + k] = v.x;`,
  }[p.store];
  const stageCode = st
    .map(([r, ns], s) => {
      const src = s % 2 === 0 ? 'A' : 'B';
      const dst = s % 2 === 0 ? 'B' : 'A';
      const butterfly =
        r === 4
          ? `let a0 = v0 + v2; let a1 = v0 - v2; let a2 = v1 + v3; let d = v1 - v3;
      let a3 = ${p.inverse ? 'vec2<f32>(-d.y, d.x)' : 'vec2<f32>(d.y, -d.x)'};
      ${dst}[o] = a0 + a2; ${dst}[o + ${ns}] = a1 + a3; ${dst}[o + ${2 * ns}] = a0 - a2; ${dst}[o + ${3 * ns}] = a1 - a3;`
          : `${dst}[o] = v0 + v1; ${dst}[o + ${ns}] = v0 - v1;`;
      const loads =
        r === 4
          ? `let v0 = ${src}[j]; let v1 = cmul(${src}[j + ${n / 4}], tw(1.0 * ang)); let v2 = cmul(${src}[j + ${n / 2}], tw(2.0 * ang)); let v3 = cmul(${src}[j + ${(3 * n) / 4}], tw(3.0 * ang));`
          : `let v0 = ${src}[j]; let v1 = cmul(${src}[j + ${n / 2}], tw(ang));`;
      return `
  for (var j = t; j < ${n / r}; j = j + ${wg}) {
      let q = j % ${ns};
      let ang = ${sign}.0 * 6.283185307179586 * f32(q) / ${ns * r}.0;
      ${loads}
      let o = (j / ${ns}) * ${ns * r} + q;
      ${butterfly}
  }
  workgroupBarrier();`;
    })
    .join('\n');
  const last = st.length % 2 === 0 ? 'A' : 'B';
  const code = `
var<workgroup> A : array<vec2<f32>, ${n}>;
var<workgroup> B : array<vec2<f32>, ${n}>;
fn cmul(a : vec2<f32>, b : vec2<f32>) -> vec2<f32> { return vec2<f32>(a.x * b.x - a.y * b.y, a.x * b.y + a.y * b.x); }
fn tw(a : f32) -> vec2<f32> { return vec2<f32>(cos(a), sin(a)); }
fn load(line : i32, pos : i32) -> vec2<f32> { ${coords} ${loadBody} }
fn store(line : i32, pos : i32, v : vec2<f32>) { ${coords} ${storeBody} }
fn main() {
  let t = i32(localId.x);
  let raw = i32(workgroupId.y * numWorkgroups.x + workgroupId.x);
  let valid = raw < uniforms.lines;
  let line = min(raw, uniforms.lines - 1);
  for (var j = t; j < ${n}; j = j + ${wg}) { A[j] = load(line, (j + ${n / 2}) % ${n}); }
  workgroupBarrier();
${stageCode}
  if (valid) {
    for (var j = t; j < ${n}; j = j + ${wg}) { store(line, (j + ${n / 2}) % ${n}, ${last}[j] * ${1 / Math.sqrt(n)}); }
  }
}
`;
  const gx = Math.min(lines, 65535);
  return {
    key: `fft_${p.axis}${n}_${p.inverse ? 'inv' : 'fwd'}_${p.load}_${p.store}`,
    inputs: p.load === 'masked' || p.store === 'masked' ? ['x', 'mask'] : ['x'],
    outputShape,
    workgroupSize: [wg, 1, 1],
    dispatch: [gx, Math.ceil(lines / gx), 1],
    uniforms: 'H : i32, W : i32, K : i32, lines : i32,',
    code,
  };
}

export interface GpuFftOptions {
  inverse: boolean;
  /** Forward: input is real [B,H,W,K]; inverse: output is the real part [B,H,W,K]. */
  real?: boolean;
  /** [1,H,W,1]: forward multiplies the result by it, inverse the input. */
  mask?: tf.TensorInfo;
}

/** Runs inside a webgpu kernelFunc. `x` is [B,H,W,2K] (or [B,H,W,K] real for a real forward). */
export function gpuFft2c(backend: WebGPUBackendLike, x: tf.TensorInfo, o: GpuFftOptions): tf.TensorInfo {
  const [B, H, W, C] = x.shape as [number, number, number, number];
  const real = o.real ?? false;
  const K = real && !o.inverse ? C : C / 2;
  if (!gpuFftSupports(H) || !gpuFftSupports(W)) throw new Error(`webgpu fft2c: H and W must be powers of two in 2…${GPU_FFT_MAX}, got ${H}×${W}`);
  const complexShape = [B, H, W, 2 * K];
  const masked = o.mask !== undefined;
  const first: Pass = { axis: 'w', n: W, inverse: o.inverse, load: o.inverse ? (masked ? 'masked' : 'complex') : real ? 'real' : 'complex', store: 'complex' };
  const second: Pass = { axis: 'h', n: H, inverse: o.inverse, load: 'complex', store: o.inverse ? (real ? 'real' : 'complex') : masked ? 'masked' : 'complex' };
  const u = (lines: number) => ints(H, W, K, lines);
  const extra = (p: Pass) => (p.load === 'masked' || p.store === 'masked' ? [o.mask!] : []);
  const t = runProgramInfo(backend, passProgram(first, complexShape, B * H * K), [x, ...extra(first)], u(B * H * K));
  const outShape = o.inverse && real ? [B, H, W, K] : complexShape;
  const y = runProgramInfo(backend, passProgram(second, outShape, B * W * K), [t, ...extra(second)], u(B * W * K));
  disposeInfo(backend, t);
  return y;
}
