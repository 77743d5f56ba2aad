/**
 * Pixel-driven back-projection of filtered projections with linear interpolation, as in
 * skimage `iradon(..., interpolation='linear')`: for pixel (i, j) and angle θ the detector
 * coordinate is u = (j − c)·cosθ − (i − c)·sinθ + ⌊M/2⌋, read from the M filtered bins by
 * linear interpolation, zero outside [0, M−1] (np.interp(left=0, right=0)). With `circle`
 * pixels outside the inscribed circle (radius c) are zero. No scaling here (FBP multiplies by
 * π/(2·angles)).
 *
 * Fan beam (flat virtual detector through the centre, source distance R; Kak & Slaney §3.4.2):
 * with p = (i − c, j − c), e = (cosβ, sinβ), a = (−sinβ, cosβ) the pixel projects to
 * u = ⟨p, a⟩/U with U = (R + ⟨p, e⟩)/R, and its value is weighted by 1/U². (The cosine
 * pre-weighting R/√(R² + u²) of the projections is applied before filtering, in radonOps.)
 *
 * `fbpBackprojectHost` is that linear map P: [B, A, M] → [B, N, N]; `fbpBackprojectTHost` is
 * its exact transpose (the gradient of P).
 */
import type { RadonGeometry } from './geometry.js';
import { fbpLayout } from './fbpFilter.js';

/**
 * Detector coordinate (in bins, 0 = first bin) and weight of pixel (i, j) at angle a, written
 * to out = [u, w]. Parallel: w = 1.
 */
export function pixelBin(g: RadonGeometry, a: number, i: number, j: number, binCenter: number, out: Float64Array): void {
  const c = g.center;
  const cs = g.cos[a]!;
  const sn = g.sin[a]!;
  if (g.beam === 'fan') {
    const r = g.sourceDistance;
    const u = (r + (i - c) * cs + (j - c) * sn) / r;
    out[0] = ((j - c) * cs - (i - c) * sn) / u + binCenter;
    out[1] = 1 / (u * u);
  } else {
    out[0] = (j - c) * cs + (binCenter - (i - c) * sn);
    out[1] = 1;
  }
}

function inside(g: RadonGeometry, i: number, j: number): boolean {
  if (!g.circle) return true;
  const c = g.center;
  return (i - c) ** 2 + (j - c) ** 2 <= c * c;
}

export function fbpBackprojectHost(g: RadonGeometry, q: ArrayLike<number>, batch: number): Float32Array {
  const n = g.size;
  const c = g.center;
  const na = g.numAngles;
  const { bins: m, binCenter } = fbpLayout(g);
  const acc = new Float64Array(n * n);
  const out = new Float32Array(batch * n * n);
  const uw = new Float64Array(2);
  for (let b = 0; b < batch; b++) {
    acc.fill(0);
    for (let a = 0; a < na; a++) {
      const cs = g.cos[a]!;
      const sn = g.sin[a]!;
      const qo = (b * na + a) * m;
      if (g.beam === 'fan') {
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < n; j++) {
            pixelBin(g, a, i, j, binCenter, uw);
            const u = uw[0]!;
            if (!(u >= 0 && u <= m - 1)) continue;
            const j0 = u | 0;
            const f = u - j0;
            const v0 = q[qo + j0]!;
            acc[i * n + j] += uw[1]! * (j0 + 1 < m ? v0 + f * (q[qo + j0 + 1]! - v0) : v0);
          }
        }
        continue;
      }
      for (let i = 0; i < n; i++) {
        const base = binCenter - (i - c) * sn;
        for (let j = 0; j < n; j++) {
          const u = (j - c) * cs + base;
          if (!(u >= 0 && u <= m - 1)) continue;
          const j0 = u | 0;
          const f = u - j0;
          const v0 = q[qo + j0]!;
          acc[i * n + j] += j0 + 1 < m ? v0 + f * (q[qo + j0 + 1]! - v0) : v0;
        }
      }
    }
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) out[b * n * n + i * n + j] = inside(g, i, j) ? acc[i * n + j]! : 0;
    }
  }
  return out;
}

export function fbpBackprojectTHost(g: RadonGeometry, img: ArrayLike<number>, batch: number): Float32Array {
  const n = g.size;
  const c = g.center;
  const na = g.numAngles;
  const { bins: m, binCenter } = fbpLayout(g);
  const acc = new Float64Array(na * m);
  const out = new Float32Array(batch * na * m);
  const uw = new Float64Array(2);
  const fan = g.beam === 'fan';
  for (let b = 0; b < batch; b++) {
    acc.fill(0);
    for (let a = 0; a < na; a++) {
      const cs = g.cos[a]!;
      const sn = g.sin[a]!;
      const qo = a * m;
      for (let i = 0; i < n; i++) {
        const base = binCenter - (i - c) * sn;
        for (let j = 0; j < n; j++) {
          let v = img[b * n * n + i * n + j]!;
          if (v === 0 || !inside(g, i, j)) continue;
          let u: number;
          if (fan) {
            pixelBin(g, a, i, j, binCenter, uw);
            u = uw[0]!;
            v *= uw[1]!;
          } else {
            u = (j - c) * cs + base;
          }
          if (!(u >= 0 && u <= m - 1)) continue;
          const j0 = u | 0;
          const f = u - j0;
          acc[qo + j0] += v - v * f;
          if (j0 + 1 < m) acc[qo + j0 + 1] += v * f;
        }
      }
    }
    out.set(acc, b * na * m);
  }
  return out;
}
