/**
 * Multi-coil (SENSE) k-space operator on host memory, the body of the cpu/wasm kernels:
 *
 *   forward  y_c = M ⊙ F(S_c x)                       x [B,H,W,1] real or [B,H,W,2] complex
 *                                                      → y [B,H,W,2C] (coil c in channels 2c, 2c+1)
 *   inverse  x = Σ_c S̄_c F⁻¹(M ⊙ y_c)                  (real part only for real images)
 *
 * `maps` is [1,H,W,2C] float32 (Re S_c, Im S_c interleaved per pixel), `mask` H·W 0/1. The two
 * directions are exact adjoints. Sums over coils are accumulated in float64.
 */
import { PlaneFft } from './hostFft2c.js';

export interface HostSenseOptions {
  inverse: boolean;
  real: boolean;
  coils: number;
}

export function hostSenseOutShape(shape: readonly number[], o: HostSenseOptions): number[] {
  const [B, H, W] = shape as [number, number, number, number];
  return o.inverse ? [B, H, W, o.real ? 1 : 2] : [B, H, W, 2 * o.coils];
}

export function hostSenseFft2c(
  x: ArrayLike<number>,
  out: Float32Array,
  shape: readonly number[],
  maps: ArrayLike<number>,
  mask: ArrayLike<number>,
  o: HostSenseOptions,
): void {
  const [B, H, W, Cin] = shape as [number, number, number, number];
  const C = o.coils;
  const C2 = 2 * C;
  const n = H * W;
  const plane = new PlaneFft(H, W, mask);
  const P = new Float64Array(2 * n);
  if (!o.inverse) {
    for (let b = 0; b < B; b++) {
      const xb = b * n * Cin;
      const yb = b * n * C2;
      for (let c = 0; c < C; c++) {
        for (let p = 0; p < n; p++) {
          const sr = maps[p * C2 + 2 * c]!;
          const si = maps[p * C2 + 2 * c + 1]!;
          const xr = x[xb + p * Cin]!;
          const xi = o.real ? 0 : x[xb + p * Cin + 1]!;
          P[2 * p] = sr * xr - si * xi;
          P[2 * p + 1] = si * xr + sr * xi;
        }
        plane.run(P, false);
        for (let p = 0; p < n; p++) {
          const m = mask[p]!;
          out[yb + p * C2 + 2 * c] = m * P[2 * p]!;
          out[yb + p * C2 + 2 * c + 1] = m * P[2 * p + 1]!;
        }
      }
    }
    return;
  }
  const Cout = o.real ? 1 : 2;
  const acc = new Float64Array(2 * n);
  for (let b = 0; b < B; b++) {
    const yb = b * n * Cin;
    acc.fill(0);
    for (let c = 0; c < C; c++) {
      for (let p = 0; p < n; p++) {
        const m = mask[p]!;
        P[2 * p] = m * x[yb + p * C2 + 2 * c]!;
        P[2 * p + 1] = m * x[yb + p * C2 + 2 * c + 1]!;
      }
      plane.run(P, true);
      for (let p = 0; p < n; p++) {
        const sr = maps[p * C2 + 2 * c]!;
        const si = maps[p * C2 + 2 * c + 1]!;
        const ur = P[2 * p]!;
        const ui = P[2 * p + 1]!;
        // conj(S) u = (sr ur + si ui) + i (sr ui − si ur)
        acc[2 * p] += sr * ur + si * ui;
        acc[2 * p + 1] += sr * ui - si * ur;
      }
    }
    const ob = b * n * Cout;
    for (let p = 0; p < n; p++) {
      out[ob + p * Cout] = acc[2 * p]!;
      if (!o.real) out[ob + p * Cout + 1] = acc[2 * p + 1]!;
    }
  }
}
