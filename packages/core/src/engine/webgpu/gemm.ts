/**
 * One tiled GEMM shader generator behind every project matmul-shaped kernel (conv filter and input
 * gradients as implicit GEMM, batched matmul): C[z, m, n] = Σ_k A(z, m, k)·B(z, k, n), where A and
 * B are WGSL functions that gather their element from the real inputs (returning 0 outside), so no
 * im2col buffer is ever written.
 *
 * A workgroup of WX×WY threads owns a BM×BN tile of C (BM = WY·TM, BN = WX·TN); each thread keeps
 * TM×TN accumulators in registers, strided by WY / WX so that neighbouring threads read
 * neighbouring shared-memory words. The k loop stages BK-deep slices of A and B in workgroup
 * memory. `splitK` > 1 cuts the k range into slices along dispatch z (more workgroups when M·N is
 * small and K is long, as for filter gradients); the caller sums the [splitK, M, N] partials.
 * With `f16` (SCORESDE_WEBGPU_F16=1 on a device with shader-f16) the staged tiles are f16 —
 * half the workgroup memory and its traffic — and the accumulators stay f32.
 */
import { type GpuProgram, type UniformValue, ceilDiv, ints } from './program.js';
import { F16_MARKER, deviceHasF16 } from './device.js';

export interface GemmTile {
  /** Threads per workgroup along n and m. */
  wx: number;
  wy: number;
  /** Outputs per thread along m and n. */
  tm: number;
  tn: number;
  /** Depth of the staged k slice. */
  bk: number;
  /** Stage the tiles in workgroup memory as f16 (shader-f16), accumulating in f32. */
  f16?: boolean;
}

let f16Requested = process.env['SCORESDE_WEBGPU_F16'] === '1';

/** Ask for f16 staging in the project GEMMs (used only where the device has shader-f16). */
export function setGemmF16(on: boolean): void {
  f16Requested = on;
}

/** f16 staging is in effect: requested and the device has shader-f16. */
export function gemmF16Active(): boolean {
  return f16Requested && deviceHasF16();
}

/** Tiles: 64×64 for most GPUs; 128×128 (8×8 per thread) for large discrete GPUs. */
export const GEMM_TILES: Record<'small' | 'medium' | 'large', GemmTile> = {
  small: { wx: 8, wy: 8, tm: 4, tn: 4, bk: 16 },
  medium: { wx: 16, wy: 16, tm: 4, tn: 4, bk: 16 },
  large: { wx: 16, wy: 16, tm: 8, tn: 8, bk: 16 },
};

export interface GemmSpec {
  key: string;
  inputs: string[];
  /** Logical sizes. `batch` runs along dispatch z (times splitK). */
  batch: number;
  M: number;
  N: number;
  K: number;
  splitK?: number;
  tile: GemmTile;
  /** WGSL: fn loadA(z : i32, m : i32, k : i32) -> f32 and fn loadB(z : i32, k : i32, n : i32) -> f32;
   *  0 outside. They may read uniforms.* fields declared in `uniforms`. */
  loaders: string;
  /** Shape given to the output (same size as [batch·splitK, M, N]); default that. */
  outputShape?: number[];
  /** Extra WGSL uniform fields (after the generic M, N, K, kPerSplit). */
  uniforms?: string;
}

/** Picks a tile for the problem: the large tile only when it still gives enough workgroups. */
export function pickTile(M: number, N: number, batch: number): GemmTile {
  const tiles = (t: GemmTile) => ceilDiv(M, t.wy * t.tm) * ceilDiv(N, t.wx * t.tn) * batch;
  const t = tiles(GEMM_TILES.large) >= 132 ? GEMM_TILES.large : tiles(GEMM_TILES.medium) >= 32 ? GEMM_TILES.medium : GEMM_TILES.small;
  return gemmF16Active() ? { ...t, f16: true } : t;
}

/** How many k slices: enough workgroups to fill a large GPU, each slice at least 256 deep. */
export function pickSplitK(M: number, N: number, K: number, batch: number, tile: GemmTile): number {
  const tiles = ceilDiv(M, tile.wy * tile.tm) * ceilDiv(N, tile.wx * tile.tn) * batch;
  if (tiles >= 256) return 1;
  return Math.max(1, Math.min(ceilDiv(512, tiles), Math.floor(K / 256), 64));
}

/** The program; output shape [batch·splitK, M, N]; uniform values from `gemmUniforms`. */
export function gemmProgram(s: GemmSpec): GpuProgram {
  const { wx, wy, tm, tn, bk } = s.tile;
  const bm = wy * tm;
  const bn = wx * tn;
  const nt = wx * wy;
  const split = s.splitK ?? 1;
  const h = s.tile.f16 === true;
  const st = h ? 'f16' : 'f32';
  const code = `${h ? F16_MARKER : ''}
${s.loaders}
var<workgroup> As : array<${st}, ${bk * bm}>;
var<workgroup> Bs : array<${st}, ${bk * bn}>;
fn main() {
  let zz = i32(workgroupId.z);
  let z = zz / ${split};
  let slice = zz % ${split};
  let m0 = i32(workgroupId.y) * ${bm};
  let n0 = i32(workgroupId.x) * ${bn};
  let tx = i32(localId.x);
  let ty = i32(localId.y);
  let tid = ty * ${wx} + tx;
  let kBegin = slice * uniforms.kPerSplit;
  let kEnd = min(uniforms.K, kBegin + uniforms.kPerSplit);
  var acc : array<f32, ${tm * tn}>;
  var a : array<f32, ${tm}>;
  var b : array<f32, ${tn}>;
  // The loop count is a uniform (barriers need uniform control flow); kEnd bounds the loads.
  for (var t = 0; t < uniforms.kPerSplit / ${bk}; t = t + 1) {
    let k0 = kBegin + t * ${bk};
    for (var i = tid; i < ${bm * bk}; i = i + ${nt}) {
      let mm = i / ${bk};
      let kk = i % ${bk};
      let k = k0 + kk;
      var v = 0.0;
      if (m0 + mm < uniforms.M && k < kEnd) { v = loadA(z, m0 + mm, k); }
      As[kk * ${bm} + mm] = ${st}(v);
    }
    for (var i = tid; i < ${bk * bn}; i = i + ${nt}) {
      let kk = i / ${bn};
      let nn = i % ${bn};
      let k = k0 + kk;
      var v = 0.0;
      if (n0 + nn < uniforms.N && k < kEnd) { v = loadB(z, k, n0 + nn); }
      Bs[kk * ${bn} + nn] = ${st}(v);
    }
    workgroupBarrier();
    for (var kk = 0; kk < ${bk}; kk = kk + 1) {
      for (var i = 0; i < ${tm}; i = i + 1) { a[i] = f32(As[kk * ${bm} + ty + i * ${wy}]); }
      for (var j = 0; j < ${tn}; j = j + 1) { b[j] = f32(Bs[kk * ${bn} + tx + j * ${wx}]); }
      for (var i = 0; i < ${tm}; i = i + 1) {
        for (var j = 0; j < ${tn}; j = j + 1) {
          acc[i * ${tn} + j] = fma(a[i], b[j], acc[i * ${tn} + j]);
        }
      }
    }
    workgroupBarrier();
  }
  let outBase = zz * uniforms.M * uniforms.N;
  for (var i = 0; i < ${tm}; i = i + 1) {
    let m = m0 + ty + i * ${wy};
    if (m >= uniforms.M) { continue; }
    for (var j = 0; j < ${tn}; j = j + 1) {
      let n = n0 + tx + j * ${wx};
      if (n < uniforms.N) { result[outBase + m * uniforms.N + n] = acc[i * ${tn} + j]; }
    }
  }
}
`;
  return {
    key: `gemm_${s.key}_${wx}x${wy}_${tm}x${tn}_${bk}_s${split}${h ? '_f16' : ''}`,
    inputs: s.inputs,
    outputShape: s.outputShape ?? [s.batch * split, s.M, s.N],
    workgroupSize: [wx, wy, 1],
    dispatch: [ceilDiv(s.N, bn), ceilDiv(s.M, bm), s.batch * split],
    uniforms: `M : i32, N : i32, K : i32, kPerSplit : i32, ${s.uniforms ?? ''}`,
    code,
  };
}

/** The generic uniform values, in declaration order; append the spec's own after them. */
export function gemmUniforms(s: GemmSpec): UniformValue[] {
  const split = s.splitK ?? 1;
  const per = ceilDiv(ceilDiv(s.K, split), s.tile.bk) * s.tile.bk;
  return ints(s.M, s.N, s.K, per);
}
