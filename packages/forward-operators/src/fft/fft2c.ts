/**
 * Centred orthonormal 2-D DFT on complex images stored as (re, im) channel pairs:
 *
 *   fft2c(x)  = fftshift(fft2(ifftshift(x), norm='ortho'))     (numpy, axes H and W)
 *   ifft2c(y) = fftshift(ifft2(ifftshift(y), norm='ortho'))
 *
 * x: [B, H, W, 2K] float32 — K independent complex planes (channel 2k = re, 2k+1 = im), any
 * H, W ≥ 1. The zero frequency sits at index (⌊H/2⌋, ⌊W/2⌋). Both maps are unitary and each is
 * the other's adjoint, so ‖fft2c(x)‖ = ‖x‖.
 *
 * Method: on 'cpu' and 'wasm' a registered host kernel (fft.js radix-4 for powers of two,
 * Bluestein otherwise); on 'webgpu' a Stockham FFT shader (webgpuFft.ts) for power-of-two sizes up
 * to 1024; otherwise dense DFT matrices (`matmulFft2c`). `method` forces one.
 */
import { tf, ScoresdeError } from '@scoresde/core';
import { FFT2C_BACKENDS, GPU_FFT_BACKENDS, runFft2cKernel, runMaskedFft2cKernel } from './kernels.js';
import { GPU_FFT_MAX, gpuFftSupports } from './webgpuFft.js';
import { matmulFft2c } from './matmulFft2c.js';

export type Fft2cMethod = 'auto' | 'kernel' | 'gpu' | 'matmul';

export interface Fft2cOptions {
  inverse?: boolean;
  method?: Fft2cMethod;
}

/**
 * Which implementation runs: 'kernel' (host FFT, cpu and wasm), 'gpu' (Stockham FFT shader,
 * webgpu, H and W powers of two ≤ 1024; `size` [H, W] decides under 'auto'), 'matmul' (dense DFT
 * matrices, any backend and size).
 */
export function fft2cMethodFor(backend: string, method: Fft2cMethod = 'auto', size?: readonly number[]): 'kernel' | 'gpu' | 'matmul' {
  const hasKernel = (FFT2C_BACKENDS as readonly string[]).includes(backend);
  const hasGpu = (GPU_FFT_BACKENDS as readonly string[]).includes(backend);
  if (method === 'kernel' && !hasKernel) {
    throw new ScoresdeError(`fft2c: the host FFT kernel exists only on ${FFT2C_BACKENDS.join(' and ')}, not on '${backend}'`);
  }
  if (method === 'gpu') {
    if (!hasGpu) throw new ScoresdeError(`fft2c: the GPU FFT exists only on ${GPU_FFT_BACKENDS.join(' and ')}, not on '${backend}'`);
    if (size && !size.every(gpuFftSupports)) throw new ScoresdeError(`fft2c: the GPU FFT needs H and W to be powers of two up to ${GPU_FFT_MAX}, got ${size.join('×')}`);
  }
  if (method === 'auto') {
    if (hasKernel) return 'kernel';
    if (hasGpu && size !== undefined && size.every(gpuFftSupports)) return 'gpu';
    return 'matmul';
  }
  return method;
}

const hw = (x: tf.Tensor): number[] => [x.shape[1]!, x.shape[2]!];

function checkShape(x: tf.Tensor, what: string): void {
  const s = x.shape;
  if (s.length !== 4 || s[3]! % 2 !== 0 || s[3]! < 2) {
    throw new ScoresdeError(`${what}: expected [B, H, W, 2K] complex (re, im) channel pairs, got shape [${s.join(', ')}]`);
  }
  if (x.dtype !== 'float32') throw new ScoresdeError(`${what}: expected float32, got ${x.dtype}`);
}

/** Centred orthonormal 2-D DFT (or its inverse with `inverse: true`). */
export function fft2c(x: tf.Tensor, opts: Fft2cOptions = {}): tf.Tensor {
  const inverse = opts.inverse ?? false;
  checkShape(x, inverse ? 'ifft2c' : 'fft2c');
  const m = fft2cMethodFor(tf.getBackend(), opts.method, hw(x));
  return m === 'matmul' ? matmulFft2c(x, inverse) : runFft2cKernel(x, inverse);
}

/** Centred orthonormal inverse 2-D DFT. */
export function ifft2c(y: tf.Tensor, opts: Omit<Fft2cOptions, 'inverse'> = {}): tf.Tensor {
  return fft2c(y, { ...opts, inverse: true });
}

/** Real planes [B,H,W,K] → complex [B,H,W,2K] with zero imaginary parts (broadcast multiply). */
export function embedReal(x: tf.Tensor): tf.Tensor {
  const [B, H, W, K] = x.shape as [number, number, number, number];
  return tf.tidy(() => tf.reshape(tf.mul(tf.reshape(x, [B, H, W, K, 1]), tf.tensor1d([1, 0])), [B, H, W, 2 * K]));
}

/** Complex [B,H,W,2K] → real parts [B,H,W,K] (the adjoint of `embedReal`). */
export function realPart(z: tf.Tensor): tf.Tensor {
  const [B, H, W, C] = z.shape as [number, number, number, number];
  return tf.tidy(() => tf.sum(tf.mul(tf.reshape(z, [B, H, W, C / 2, 2]), tf.tensor1d([1, 0])), 4));
}

export interface MaskedFft2cOptions extends Fft2cOptions {
  /** Forward: real input planes [B,H,W,K]; inverse: return the real part [B,H,W,K]. */
  real?: boolean;
}

/**
 * Masked centred DFT pair (the single-coil MRI operator and its adjoint):
 *   forward  y = M ⊙ F(x)            (x real [B,H,W,K] with `real`, else complex [B,H,W,2K])
 *   inverse  x = F⁻¹(M ⊙ y)          (real part only with `real`)
 * `mask` is a 0/1 tensor [1, H, W, 1]. The two are exact adjoints of each other.
 */
export function maskedFft2c(x: tf.Tensor, mask: tf.Tensor, opts: MaskedFft2cOptions = {}): tf.Tensor {
  const inverse = opts.inverse ?? false;
  const real = opts.real ?? false;
  const what = inverse ? 'masked ifft2c' : 'masked fft2c';
  if (real && !inverse) {
    if (x.shape.length !== 4) throw new ScoresdeError(`${what}: expected [B, H, W, K] real planes, got shape [${x.shape.join(', ')}]`);
  } else checkShape(x, what);
  const [, H, W] = x.shape as [number, number, number, number];
  if (mask.shape.length !== 4 || mask.shape[0] !== 1 || mask.shape[1] !== H || mask.shape[2] !== W || mask.shape[3] !== 1) {
    throw new ScoresdeError(`${what}: mask must be [1, ${H}, ${W}, 1], got [${mask.shape.join(', ')}]`);
  }
  const m = fft2cMethodFor(tf.getBackend(), opts.method, [H, W]);
  if (m !== 'matmul') return runMaskedFft2cKernel(x, mask, inverse, real);
  return tf.tidy(() => {
    if (!inverse) return tf.mul(matmulFft2c(real ? embedReal(x) : x, false), mask);
    const u = matmulFft2c(tf.mul(x, mask), true);
    return real ? realPart(u) : u;
  });
}
