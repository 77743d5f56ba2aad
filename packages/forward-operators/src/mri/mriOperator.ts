/**
 * The `mri` forward operator (k-space subsampling).
 *
 * Single-coil:  y = M ⊙ F x.      Multi-coil:  y_c = M ⊙ F (S_c x),  c = 1..C.
 * F = fft2c, the centred orthonormal 2-D DFT (numpy: fftshift(fft2(ifftshift(x), norm='ortho'))),
 * M the 0/1 k-space mask (centred layout), S_c the coil sensitivities (see coilMaps.ts).
 *
 * Shapes (per sample, NHWC with a leading batch axis):
 * - input  [H, W, 1]: a real image, embedded as x + 0i. The adjoint returns the real part of the
 *   complex adjoint, which is exactly the adjoint of the real→complex embedding.
 * - input  [H, W, 2]: a complex image (re, im).
 * - output [H, W, 2] single-coil, [H, W, 2C] multi-coil (channels re_1, im_1, re_2, im_2, …):
 *   the full k-space grid with zeros where M = 0 (y keeps the grid shape; nothing is dropped).
 *
 * Adjoint: Aᵀy = F⁻¹(M ⊙ y) (single), Σ_c S̄_c F⁻¹(M ⊙ y_c) (multi); real part for real inputs.
 * On cpu/wasm each direction is one host kernel (fft/kernels.ts: masked and SENSE FFT kernels,
 * gradients registered); elsewhere tfjs ops with the DFT-as-matmul transform.
 * Pseudo-inverse: zero-filled F⁻¹(M ⊙ y) (single-coil, = Aᵀ since F is unitary and M a
 * projection); multi-coil: the SENSE adjoint normalised by Σ_c |S_c|²,
 *   x̂ = Σ_c S̄_c F⁻¹(M y_c) / Σ_c |S_c|²  (0 where Σ_c |S_c|² = 0).
 * Decomposition (single-coil only): T = F (after the real→complex embedding), Λ = M on both
 * channels, embed(y) = M ⊙ y (y already lives on the grid), T⁻¹ = F⁻¹ (real part for real
 * inputs, a left inverse).
 */
import { ScoresdeError, tf, type Decomposition, type ForwardOperator, type NoiseModel, type Tensor } from '@scoresde/core';
import { checkImageShape, checkInput, checkOutput } from '../util/shape.js';
import { embedReal, fft2c, fft2cMethodFor, ifft2c, maskedFft2c, realPart, type Fft2cMethod } from '../fft/fft2c.js';
import { runSenseFft2cKernel } from '../fft/kernels.js';
import { NoNoise } from '../noise/none.js';
import type { KspaceMask } from './masks/kspaceMask.js';
import type { CoilMaps } from './coilMaps.js';

export interface MriOperatorOptions {
  /** Per-sample input shape [H, W, 1] (real) or [H, W, 2] (complex). */
  inputShape: number[];
  mask: KspaceMask;
  /** Multi-coil when given. */
  coilMaps?: CoilMaps;
  /** Build the noise model from the operator's mask tensor ([1, H, W, 1]). Default: none. */
  noise?: (mask: () => Tensor) => NoiseModel;
  fftMethod?: Fft2cMethod;
  name?: string;
}

export class MriOperator implements ForwardOperator {
  readonly name: string;
  readonly inputShape: number[];
  readonly outputShape: number[];
  readonly linear = true;
  readonly noise: NoiseModel;
  readonly decomposition?: Decomposition;
  readonly coils: number;
  readonly realInput: boolean;
  readonly maskData: KspaceMask;
  private readonly fftMethod: Fft2cMethod;
  private readonly maskT: Tensor; // [1, H, W, 1]
  /** Coil maps interleaved per pixel: [1, H, W, 2C] = (Re S_1, Im S_1, Re S_2, …). */
  private readonly sInt?: Tensor;
  /** Real 2×2C matrix of z ↦ (S_c z)_c per pixel: [1, H, W, 2, 2C]; row 0 multiplies Re z, row 1 Im z. */
  private sMat?: Tensor; // created on first use (only the tf-op path needs it)
  private sMatData?: Float32Array;
  private readonly invSumS2?: Tensor; // [1, H, W, 1]: 1/Σ|S_c|² (0 where the sum is 0)

  constructor(o: MriOperatorOptions) {
    this.name = o.name ?? 'mri';
    const [H, W, ch] = checkImageShape(o.inputShape, this.name);
    if (ch !== 1 && ch !== 2) {
      throw new ScoresdeError(`${this.name}: input must have 1 (real) or 2 (re, im) channels, got ${ch}`);
    }
    if (o.mask.h !== H || o.mask.w !== W) {
      throw new ScoresdeError(`${this.name}: mask is ${o.mask.h}×${o.mask.w} but the image is ${H}×${W}`);
    }
    this.inputShape = [H, W, ch];
    this.realInput = ch === 1;
    this.maskData = o.mask;
    this.fftMethod = o.fftMethod ?? 'auto';
    this.maskT = tf.keep(tf.tensor4d(o.mask.data, [1, H, W, 1]));
    if (o.coilMaps) {
      const m = o.coilMaps;
      if (m.h !== H || m.w !== W) {
        throw new ScoresdeError(`${this.name}: coil maps are ${m.coils}×${m.h}×${m.w}×2 but the image is ${H}×${W} (expected [coils, ${H}, ${W}, 2])`);
      }
      const C = m.coils;
      this.coils = C;
      const inter = new Float32Array(H * W * 2 * C);
      const mat = new Float32Array(H * W * 4 * C);
      const s2 = new Float32Array(H * W);
      for (let c = 0; c < C; c++) {
        for (let p = 0; p < H * W; p++) {
          const a = m.data[(c * H * W + p) * 2]!;
          const b = m.data[(c * H * W + p) * 2 + 1]!;
          inter[p * 2 * C + 2 * c] = a;
          inter[p * 2 * C + 2 * c + 1] = b;
          // (zr + i zi)(a + i b) = (a zr − b zi) + i (b zr + a zi)
          mat[p * 4 * C + 2 * c] = a;
          mat[p * 4 * C + 2 * c + 1] = b;
          mat[p * 4 * C + 2 * C + 2 * c] = -b;
          mat[p * 4 * C + 2 * C + 2 * c + 1] = a;
          s2[p]! += a * a + b * b;
        }
      }
      for (let p = 0; p < H * W; p++) s2[p] = s2[p]! > 0 ? 1 / s2[p]! : 0;
      this.sInt = tf.keep(tf.tensor4d(inter, [1, H, W, 2 * C]));
      this.sMatData = mat;
      this.invSumS2 = tf.keep(tf.tensor4d(s2, [1, H, W, 1]));
      this.outputShape = [H, W, 2 * C];
    } else {
      this.coils = 1;
      this.outputShape = [H, W, 2];
      this.decomposition = this.makeDecomposition();
    }
    this.noise = o.noise ? o.noise(() => this.maskT) : new NoNoise();
  }

  /** The mask as a [1, H, W, 1] tensor (owned by the operator; do not dispose). */
  maskTensor(): Tensor {
    return this.maskT;
  }

  private mapsMatrix(): Tensor {
    if (!this.sMat || this.sMat.isDisposed) {
      const [H, W] = this.inputShape as [number, number, number];
      this.sMat = tf.keep(tf.tensor5d(this.sMatData!, [1, H, W, 2, 2 * this.coils]));
    }
    return this.sMat;
  }

  /** (S_c x)_c: [B,H,W,1] real or [B,H,W,2] complex → [B,H,W,2C] (coil-interleaved re/im). */
  private applyMaps(x: Tensor): Tensor {
    if (this.realInput) return tf.mul(x, this.sInt!);
    const [B, H, W] = x.shape as [number, number, number, number];
    return tf.sum(tf.mul(tf.reshape(x, [B, H, W, 2, 1]), this.mapsMatrix()), 3);
  }

  /** Σ_c S̄_c u_c (its real part for real inputs): [B,H,W,2C] → [B,H,W,2] or [B,H,W,1]. */
  private combineMaps(u: Tensor): Tensor {
    if (this.realInput) return tf.sum(tf.mul(u, this.sInt!), 3, true);
    const [B, H, W] = u.shape as [number, number, number, number];
    return tf.sum(tf.mul(tf.reshape(u, [B, H, W, 1, 2 * this.coils]), this.mapsMatrix()), 4);
  }

  forward(x: Tensor): Tensor {
    checkInput(x, this);
    const method = this.fftMethod;
    if (!this.sInt) return maskedFft2c(x, this.maskT, { real: this.realInput, method });
    if (fft2cMethodFor(tf.getBackend(), method) === 'kernel') {
      return runSenseFft2cKernel(x, this.sInt, this.maskT, { inverse: false, real: this.realInput, coils: this.coils });
    }
    return tf.tidy(() => maskedFft2c(this.applyMaps(x), this.maskT, { method }));
  }

  adjoint(y: Tensor): Tensor {
    checkOutput(y, this);
    const method = this.fftMethod;
    if (!this.sInt) return maskedFft2c(y, this.maskT, { inverse: true, real: this.realInput, method });
    if (fft2cMethodFor(tf.getBackend(), method) === 'kernel') {
      return runSenseFft2cKernel(y, this.sInt, this.maskT, { inverse: true, real: this.realInput, coils: this.coils });
    }
    return tf.tidy(() => this.combineMaps(maskedFft2c(y, this.maskT, { inverse: true, method })));
  }

  pseudoInverse(y: Tensor): Tensor {
    if (!this.sInt) return this.adjoint(y);
    return tf.tidy(() => tf.mul(this.adjoint(y), this.invSumS2!));
  }

  private makeDecomposition(): Decomposition {
    const [H, W] = this.inputShape as [number, number, number];
    return {
      transformShape: [H, W, 2],
      transform: (x: Tensor) => {
        checkInput(x, this);
        return tf.tidy(() => fft2c(this.realInput ? embedReal(x) : x, { method: this.fftMethod }));
      },
      inverseTransform: (z: Tensor) =>
        tf.tidy(() => {
          const u = ifft2c(z, { method: this.fftMethod });
          return this.realInput ? realPart(u) : u;
        }),
      mask: () => tf.tidy(() => tf.tile(this.maskT, [1, 1, 1, 2])),
      embed: (y: Tensor) => {
        checkOutput(y, this);
        return tf.mul(y, this.maskT);
      },
    };
  }

  dispose(): void {
    tf.dispose([this.maskT, ...(this.sInt ? [this.sInt, this.invSumS2!] : []), ...(this.sMat ? [this.sMat] : [])]);
  }
}
