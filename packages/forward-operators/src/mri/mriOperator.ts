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
 * Pseudo-inverse: zero-filled F⁻¹(M ⊙ y) (single-coil, = Aᵀ since F is unitary and M a
 * projection); multi-coil: the SENSE adjoint normalised by Σ_c |S_c|²,
 *   x̂ = Σ_c S̄_c F⁻¹(M y_c) / Σ_c |S_c|²  (0 where Σ_c |S_c|² = 0).
 * Decomposition (single-coil only): T = F (after the real→complex embedding), Λ = M on both
 * channels, embed(y) = M ⊙ y (y already lives on the grid), T⁻¹ = F⁻¹ (real part for real
 * inputs, a left inverse).
 */
import { ScoresdeError, tf, type Decomposition, type ForwardOperator, type NoiseModel, type Tensor } from '@scoresde/core';
import { checkImageShape, checkInput, checkOutput } from '../util/shape.js';
import { fft2c, ifft2c, type Fft2cMethod } from '../fft/fft2c.js';
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

const NO_NOISE: NoiseModel = { kind: 'none', sigma: 0, sample: (clean) => tf.clone(clean) };

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
  private readonly sRe?: Tensor; // [1, H, W, C]
  private readonly sIm?: Tensor;
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
      this.coils = m.coils;
      const re = new Float32Array(H * W * m.coils);
      const im = new Float32Array(H * W * m.coils);
      const s2 = new Float32Array(H * W);
      for (let c = 0; c < m.coils; c++) {
        for (let p = 0; p < H * W; p++) {
          const a = m.data[(c * H * W + p) * 2]!;
          const b = m.data[(c * H * W + p) * 2 + 1]!;
          re[p * m.coils + c] = a;
          im[p * m.coils + c] = b;
          s2[p]! += a * a + b * b;
        }
      }
      for (let p = 0; p < H * W; p++) s2[p] = s2[p]! > 0 ? 1 / s2[p]! : 0;
      this.sRe = tf.keep(tf.tensor4d(re, [1, H, W, m.coils]));
      this.sIm = tf.keep(tf.tensor4d(im, [1, H, W, m.coils]));
      this.invSumS2 = tf.keep(tf.tensor4d(s2, [1, H, W, 1]));
      this.outputShape = [H, W, 2 * m.coils];
    } else {
      this.coils = 1;
      this.outputShape = [H, W, 2];
      this.decomposition = this.makeDecomposition();
    }
    this.noise = o.noise ? o.noise(() => this.maskT) : NO_NOISE;
  }

  /** The mask as a [1, H, W, 1] tensor (owned by the operator; do not dispose). */
  maskTensor(): Tensor {
    return this.maskT;
  }

  private toComplex(x: Tensor): Tensor {
    return this.realInput ? tf.concat([x, tf.zerosLike(x)], 3) : x;
  }

  private fromComplex(z: Tensor): Tensor {
    return this.realInput ? tf.slice(z, [0, 0, 0, 0], [-1, -1, -1, 1]) : z;
  }

  /** S_c z for every coil: [B,H,W,2] → [B,H,W,2C] (coil-interleaved re/im). */
  private applyMaps(z: Tensor): Tensor {
    const [B, H, W] = z.shape as [number, number, number, number];
    const zr = tf.slice(z, [0, 0, 0, 0], [-1, -1, -1, 1]);
    const zi = tf.slice(z, [0, 0, 0, 1], [-1, -1, -1, 1]);
    const re = tf.sub(tf.mul(this.sRe!, zr), tf.mul(this.sIm!, zi));
    const im = tf.add(tf.mul(this.sRe!, zi), tf.mul(this.sIm!, zr));
    return tf.reshape(tf.stack([re, im], 4), [B, H, W, 2 * this.coils]);
  }

  /** Σ_c S̄_c u_c: [B,H,W,2C] → [B,H,W,2]. */
  private combineMaps(u: Tensor): Tensor {
    const [B, H, W] = u.shape as [number, number, number, number];
    const [ur, ui] = tf.unstack(tf.reshape(u, [B, H, W, this.coils, 2]), 4) as [Tensor, Tensor];
    const re = tf.sum(tf.add(tf.mul(this.sRe!, ur), tf.mul(this.sIm!, ui)), 3, true);
    const im = tf.sum(tf.sub(tf.mul(this.sRe!, ui), tf.mul(this.sIm!, ur)), 3, true);
    return tf.concat([re, im], 3);
  }

  forward(x: Tensor): Tensor {
    checkInput(x, this);
    return tf.tidy(() => {
      const z = this.toComplex(x);
      const s = this.sRe ? this.applyMaps(z) : z;
      return tf.mul(fft2c(s, { method: this.fftMethod }), this.maskT);
    });
  }

  adjoint(y: Tensor): Tensor {
    checkOutput(y, this);
    return tf.tidy(() => {
      const u = ifft2c(tf.mul(y, this.maskT), { method: this.fftMethod });
      return this.fromComplex(this.sRe ? this.combineMaps(u) : u);
    });
  }

  pseudoInverse(y: Tensor): Tensor {
    checkOutput(y, this);
    if (!this.sRe) return this.adjoint(y);
    return tf.tidy(() => {
      const u = ifft2c(tf.mul(y, this.maskT), { method: this.fftMethod });
      return this.fromComplex(tf.mul(this.combineMaps(u), this.invSumS2!));
    });
  }

  private makeDecomposition(): Decomposition {
    const [H, W] = this.inputShape as [number, number, number];
    return {
      transformShape: [H, W, 2],
      transform: (x: Tensor) => {
        checkInput(x, this);
        return tf.tidy(() => fft2c(this.toComplex(x), { method: this.fftMethod }));
      },
      inverseTransform: (z: Tensor) => tf.tidy(() => this.fromComplex(ifft2c(z, { method: this.fftMethod }))),
      mask: () => tf.tidy(() => tf.tile(this.maskT, [1, 1, 1, 2])),
      embed: (y: Tensor) => {
        checkOutput(y, this);
        return tf.mul(y, this.maskT);
      },
    };
  }

  dispose(): void {
    tf.dispose([this.maskT, ...(this.sRe ? [this.sRe, this.sIm!, this.invSumS2!] : [])]);
  }
}
