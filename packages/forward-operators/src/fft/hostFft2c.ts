/**
 * Centred orthonormal 2-D DFT on host memory, the body of the cpu/wasm kernels.
 *
 * Layout: complex data is a C-ordered float32 array of shape [B, H, W, 2K]: K complex planes per
 * image, channel 2k the real part and 2k+1 the imaginary part of plane k. Real data is
 * [B, H, W, K] (plane k in channel k). Each plane is transformed independently:
 *   Y = C_H · X · C_W  with C_n the centred DFT matrix of `centeredDft1d.ts`,
 * as one pass of 1-D transforms along W and one along H, accumulated in float64.
 *
 * Optional extras (used by the MRI operator, all exact):
 * - `mask` (H·W, 0/1): forward → out = M ⊙ F x; inverse → out = F⁻¹(M ⊙ x). Lines of the mask
 *   that are entirely zero are skipped in the pass where their result is known to be zero
 *   (a 1-D Cartesian mask at R× thus costs about 1 + 1/R passes instead of 2).
 * - `real`: forward takes real planes [B,H,W,K] (imaginary part 0); inverse returns only the
 *   real part [B,H,W,K] — the exact adjoints of each other.
 */
import { centeredDft1d, type CenteredDft1d } from './centeredDft1d.js';

export interface HostFftOptions {
  inverse: boolean;
  mask?: ArrayLike<number> | null;
  real?: boolean;
}

/** Output shape of `hostFft2c` for an input shape. */
export function hostFft2cOutShape(shape: readonly number[], o: HostFftOptions): number[] {
  const [B, H, W, C] = shape as [number, number, number, number];
  if (!o.real) return [B, H, W, C];
  return o.inverse ? [B, H, W, C / 2] : [B, H, W, 2 * C];
}

/**
 * The two 1-D passes over one H×W complex plane (interleaved re/im, row-major, float64), with
 * the line skipping described above. For `inverse` the plane must already be masked; for the
 * forward the caller masks the result (skipped lines hold stale values until then).
 */
export class PlaneFft {
  private readonly rowPlan: CenteredDft1d;
  private readonly colPlan: CenteredDft1d;
  private readonly zeroRow: Uint8Array;
  private readonly zeroCol: Uint8Array;
  private readonly skipCols: boolean;

  constructor(
    readonly h: number,
    readonly w: number,
    mask: ArrayLike<number> | null,
  ) {
    this.rowPlan = centeredDft1d(w);
    this.colPlan = centeredDft1d(h);
    this.zeroRow = new Uint8Array(h);
    this.zeroCol = new Uint8Array(w);
    let nZeroRows = 0;
    let nZeroCols = 0;
    if (mask) {
      this.zeroRow.fill(1);
      this.zeroCol.fill(1);
      for (let i = 0; i < h; i++) {
        for (let j = 0; j < w; j++) {
          if (mask[i * w + j] !== 0) {
            this.zeroRow[i] = 0;
            this.zeroCol[j] = 0;
          }
        }
      }
      for (let i = 0; i < h; i++) nZeroRows += this.zeroRow[i]!;
      for (let j = 0; j < w; j++) nZeroCols += this.zeroCol[j]!;
    }
    // The pass that may skip: along H (columns) when whole columns are zero, else along W (rows).
    this.skipCols = nZeroCols >= nZeroRows;
  }

  private rowPass(P: Float64Array, inverse: boolean, skip: boolean): void {
    const { h, w, zeroRow, rowPlan } = this;
    for (let i = 0; i < h; i++) if (!(skip && zeroRow[i])) rowPlan.runStrided(P, 2 * i * w, 2, inverse);
  }

  private colPass(P: Float64Array, inverse: boolean, skip: boolean): void {
    const { w, zeroCol, colPlan } = this;
    for (let j = 0; j < w; j++) if (!(skip && zeroCol[j])) colPlan.runStrided(P, 2 * j, 2 * w, inverse);
  }

  run(P: Float64Array, inverse: boolean): void {
    if (inverse) {
      // the first pass acts on the masked input: all-zero lines stay zero
      if (this.skipCols) {
        this.colPass(P, true, true);
        this.rowPass(P, true, false);
      } else {
        this.rowPass(P, true, true);
        this.colPass(P, true, false);
      }
    } else if (this.skipCols) {
      // the second pass only feeds the output through the mask: skip lines the mask zeroes
      this.rowPass(P, false, false);
      this.colPass(P, false, true);
    } else {
      this.colPass(P, false, false);
      this.rowPass(P, false, true);
    }
  }
}

export function hostFft2c(x: ArrayLike<number>, out: Float32Array | Float64Array, shape: readonly number[], opts: HostFftOptions | boolean): void {
  const o: HostFftOptions = typeof opts === 'boolean' ? { inverse: opts } : opts;
  const inverse = o.inverse;
  const real = o.real ?? false;
  const mask = o.mask ?? null;
  const [B, H, W, Cin] = shape as [number, number, number, number];
  const K = real && !inverse ? Cin : Cin >> 1;
  const Cout = real ? (inverse ? K : 2 * K) : Cin;
  const plane = new PlaneFft(H, W, mask);
  const P = new Float64Array(2 * H * W);
  for (let b = 0; b < B; b++) {
    const inBase = b * H * W * Cin;
    const outBase = b * H * W * Cout;
    for (let k = 0; k < K; k++) {
      // load (masked on the way in for the inverse)
      for (let p = 0; p < H * W; p++) {
        if (real && !inverse) {
          P[2 * p] = x[inBase + p * Cin + k]!;
          P[2 * p + 1] = 0;
        } else {
          const m = mask && inverse ? mask[p]! : 1;
          const s = inBase + p * Cin + 2 * k;
          P[2 * p] = m * x[s]!;
          P[2 * p + 1] = m * x[s + 1]!;
        }
      }
      plane.run(P, inverse);
      // store (masked on the way out for the forward)
      for (let p = 0; p < H * W; p++) {
        if (real && inverse) {
          out[outBase + p * Cout + k] = P[2 * p]!;
        } else {
          const m = mask && !inverse ? mask[p]! : 1;
          const d = outBase + p * Cout + 2 * k;
          out[d] = m * P[2 * p]!;
          out[d + 1] = m * P[2 * p + 1]!;
        }
      }
    }
  }
}
