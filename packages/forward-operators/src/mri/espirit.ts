/**
 * ESPIRiT coil sensitivity estimation (Uecker et al., MRM 2014), following the steps and defaults
 * of sigpy's `EspiritCalib`:
 *
 * 1. Calibration region: the central `calibWidth`² block of k-space (clipped to the fully sampled
 *    ACS region given), C coils. Calibration matrix A: one row per k×k window (stride 1), the
 *    row holding the window's C·k² samples (coil-major, then ky, kx).
 * 2. Right singular vectors of A from the Hermitian Gram matrix AᴴA (its real symmetric embedding
 *    [[Re, −Im], [Im, Re]] through core's `symEig`, float64); keep those with singular value
 *    σ > thresh·σ_max. Their conjugates are the k-space kernels (sigpy's rows of Vᴴ).
 * 3. Each kernel, zero-padded to H×W at (⌊H/2⌋ − ⌊k/2⌋, ⌊W/2⌋ − ⌊k/2⌋) and inverse transformed
 *    with the centred orthonormal ifft2c, gives g_j(x) ∈ ℂ^C per pixel;
 *    G(x) = (H·W/k²) Σ_j g_j(x) g_j(x)ᴴ.
 * 4. Maps = the dominant eigenvector of G(x) per pixel (power iteration, `iters`), rotated so coil 0
 *    has zero phase (S ← S · conj(S₀)/|S₀|), and set to 0 where the eigenvalue ≤ `crop`.
 *
 * In the real embedding every complex eigenvector appears twice (v and i·v); the kept real
 * eigenvectors are turned into complex vectors and orthonormalised, dropping those repeats. The maps carry a per-pixel phase relative to the true
 * sensitivities (the coil-0 phase convention), so reconstructions with ESPIRiT maps are complex:
 * use a complex ([H, W, 2]) image.
 */
import { ScoresdeError, symEig } from '@scoresde/core';
import { hostFft2c } from '../fft/hostFft2c.js';
import type { AcsRegion, CoilMaps } from './coilMaps.js';

export interface EspiritOptions {
  /** Kernel width k (default 6). */
  kernel?: number;
  /** Width of the central calibration block (default 24). */
  calibWidth?: number;
  /** Relative singular-value threshold (default 0.02). */
  thresh?: number;
  /** Eigenvalue threshold below which maps are zeroed (default 0.95). */
  crop?: number;
  /** Power-iteration steps per pixel (default 100). */
  iters?: number;
}

/** Central calibration block [r0, nr, c0, nc] inside the ACS region. */
function calibBlock(H: number, W: number, acs: AcsRegion, width: number): [number, number, number, number] {
  const clip = (n: number, start: number, count: number): [number, number] => {
    const c = Math.min(count, width);
    const s0 = Math.max(start, Math.min(start + count - c, (n >> 1) - (c >> 1)));
    return [s0, c];
  };
  const [r0, nr] = clip(H, acs.rows[0], acs.rows[1]);
  const [c0, nc] = clip(W, acs.cols[0], acs.cols[1]);
  return [r0, nr, c0, nc];
}

export function espiritMaps(kspace: Float32Array, shape: readonly number[], acs: AcsRegion, o: EspiritOptions = {}): CoilMaps {
  if (shape.length !== 4 || shape[3] !== 2) {
    throw new ScoresdeError(`mri: calibration k-space has shape [${shape.join(', ')}], expected [coils, H, W, 2]`);
  }
  const [C, H, W] = shape as [number, number, number, number];
  const k = o.kernel ?? 6;
  const thresh = o.thresh ?? 0.02;
  const crop = o.crop ?? 0.95;
  const iters = o.iters ?? 100;
  const [r0, nr, c0, nc] = calibBlock(H, W, acs, o.calibWidth ?? 24);
  if (nr < k || nc < k) {
    throw new ScoresdeError(`mri: ESPIRiT needs a calibration region of at least ${k}×${k} (kernel width), got ${nr}×${nc}`);
  }
  const n = C * k * k;
  // Gram matrix AᴴA (Hermitian n×n), accumulated in float64: G[a,b] = Σ_rows conj(A[r,a]) A[r,b].
  const gr = new Float64Array(n * n);
  const gi = new Float64Array(n * n);
  const rowRe = new Float64Array(n);
  const rowIm = new Float64Array(n);
  for (let bi = r0; bi + k <= r0 + nr; bi++) {
    for (let bj = c0; bj + k <= c0 + nc; bj++) {
      let t = 0;
      for (let c = 0; c < C; c++) {
        for (let y = 0; y < k; y++) {
          for (let x = 0; x < k; x++, t++) {
            const s = ((c * H + bi + y) * W + bj + x) * 2;
            rowRe[t] = kspace[s]!;
            rowIm[t] = kspace[s + 1]!;
          }
        }
      }
      for (let a = 0; a < n; a++) {
        const ar = rowRe[a]!;
        const ai = rowIm[a]!;
        if (ar === 0 && ai === 0) continue;
        const base = a * n;
        for (let b = 0; b < n; b++) {
          const br = rowRe[b]!;
          const bim = rowIm[b]!;
          gr[base + b]! += ar * br + ai * bim;
          gi[base + b]! += ar * bim - ai * br;
        }
      }
    }
  }
  // real symmetric embedding M = [[Gr, −Gi], [Gi, Gr]]
  const m = 2 * n;
  const M = new Float64Array(m * m);
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < n; b++) {
      const re = gr[a * n + b]!;
      const im = gi[a * n + b]!;
      M[a * m + b] = re;
      M[(a + n) * m + b + n] = re;
      M[a * m + b + n] = -im;
      M[(a + n) * m + b] = im;
    }
  }
  const eig = symEig(M, m);
  const lmax = Math.max(eig.values[m - 1]!, 0);
  const cut = (thresh * thresh) * lmax; // σ > thresh·σmax  ⇔  λ > thresh²·λmax
  const kept: number[] = [];
  for (let j = m - 1; j >= 0 && eig.values[j]! > cut; j--) kept.push(j);
  if (kept.length === 0) throw new ScoresdeError('mri: ESPIRiT found no signal in the calibration region (all zeros?)');

  // One complex vector per complex singular direction: each appears twice (v, i·v) among the real
  // eigenvectors, so orthonormalise their complex forms (Gram–Schmidt) and drop the repeats.
  const basisRe: Float64Array[] = [];
  const basisIm: Float64Array[] = [];
  for (const j of kept) {
    const vr = new Float64Array(n);
    const vi = new Float64Array(n);
    for (let t = 0; t < n; t++) {
      vr[t] = eig.vectors[t * m + j]!;
      vi[t] = eig.vectors[(t + n) * m + j]!;
    }
    for (let q = 0; q < basisRe.length; q++) {
      const br = basisRe[q]!;
      const bi = basisIm[q]!;
      // ⟨b, v⟩ = Σ conj(b) v
      let pr = 0;
      let pi = 0;
      for (let t = 0; t < n; t++) {
        pr += br[t]! * vr[t]! + bi[t]! * vi[t]!;
        pi += br[t]! * vi[t]! - bi[t]! * vr[t]!;
      }
      for (let t = 0; t < n; t++) {
        vr[t]! -= pr * br[t]! - pi * bi[t]!;
        vi[t]! -= pr * bi[t]! + pi * br[t]!;
      }
    }
    let nn = 0;
    for (let t = 0; t < n; t++) nn += vr[t]! * vr[t]! + vi[t]! * vi[t]!;
    if (nn < 0.5) continue; // a phase multiple of a direction already kept
    const inv = 1 / Math.sqrt(nn);
    for (let t = 0; t < n; t++) {
      vr[t]! *= inv;
      vi[t]! *= inv;
    }
    basisRe.push(vr);
    basisIm.push(vi);
  }

  // G(x) = (HW/k²) Σ_j g_j g_jᴴ, full C×C complex per pixel (upper triangle accumulated, then mirrored)
  const HW = H * W;
  const Gr = new Float64Array(HW * C * C);
  const Gi = new Float64Array(HW * C * C);
  const padded = new Float64Array(HW * 2 * C);
  const img = new Float64Array(HW * 2 * C);
  const hk = k >> 1;
  const oi = (H >> 1) - hk;
  const oj = (W >> 1) - hk;
  const scale = HW / (k * k);
  for (let q = 0; q < basisRe.length; q++) {
    const vr = basisRe[q]!;
    const vi = basisIm[q]!;
    padded.fill(0);
    let t = 0;
    for (let c = 0; c < C; c++) {
      for (let y = 0; y < k; y++) {
        for (let x = 0; x < k; x++, t++) {
          const i = oi + y;
          const jj = oj + x;
          if (i < 0 || i >= H || jj < 0 || jj >= W) continue;
          const d = (i * W + jj) * 2 * C + 2 * c;
          padded[d] = vr[t]!; // kernel = conj(v) (sigpy's rows of Vᴴ)
          padded[d + 1] = -vi[t]!;
        }
      }
    }
    hostFft2c(padded, img, [1, H, W, 2 * C], true);
    for (let p = 0; p < HW; p++) {
      const g = p * 2 * C;
      const o = p * C * C;
      for (let a = 0; a < C; a++) {
        const ar = scale * img[g + 2 * a]!;
        const ai = scale * img[g + 2 * a + 1]!;
        for (let b = a; b < C; b++) {
          const br = img[g + 2 * b]!;
          const bim = img[g + 2 * b + 1]!;
          // g_a conj(g_b)
          Gr[o + a * C + b]! += ar * br + ai * bim;
          Gi[o + a * C + b]! += ai * br - ar * bim;
        }
      }
    }
  }
  for (let p = 0; p < HW; p++) {
    const o = p * C * C;
    for (let a = 0; a < C; a++) {
      for (let b = 0; b < a; b++) {
        Gr[o + a * C + b] = Gr[o + b * C + a]!;
        Gi[o + a * C + b] = -Gi[o + b * C + a]!;
      }
    }
  }

  // power iteration per pixel
  const data = new Float32Array(C * HW * 2);
  const xr = new Float64Array(C);
  const xi = new Float64Array(C);
  const yr = new Float64Array(C);
  const yi = new Float64Array(C);
  for (let p = 0; p < HW; p++) {
    const q = p * C * C;
    xr.fill(1 / Math.sqrt(C));
    xi.fill(0);
    let lambda = 0;
    for (let it = 0; it < iters; it++) {
      let nn = 0;
      for (let a = 0; a < C; a++) {
        let sr = 0;
        let si = 0;
        for (let b = 0; b < C; b++) {
          const mr = Gr[q + a * C + b]!;
          const mi = Gi[q + a * C + b]!;
          sr += mr * xr[b]! - mi * xi[b]!;
          si += mr * xi[b]! + mi * xr[b]!;
        }
        yr[a] = sr;
        yi[a] = si;
        nn += sr * sr + si * si;
      }
      lambda = Math.sqrt(nn);
      if (lambda === 0) break;
      for (let a = 0; a < C; a++) {
        xr[a] = yr[a]! / lambda;
        xi[a] = yi[a]! / lambda;
      }
    }
    if (!(lambda > crop)) continue; // zero maps outside the support
    // rotate so coil 0 is real and non-negative
    const m0 = Math.hypot(xr[0]!, xi[0]!);
    const cr = m0 > 0 ? xr[0]! / m0 : 1;
    const ci = m0 > 0 ? -xi[0]! / m0 : 0;
    for (let c = 0; c < C; c++) {
      const o2 = (c * HW + p) * 2;
      data[o2] = xr[c]! * cr - xi[c]! * ci;
      data[o2 + 1] = xr[c]! * ci + xi[c]! * cr;
    }
  }
  return { coils: C, h: H, w: W, data };
}
