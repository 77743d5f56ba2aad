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
 * Bluestein otherwise); on any other backend dense DFT matrices (`matmulFft2c`). `method`
 * forces one ('kernel' is only available on cpu and wasm).
 */
import { tf, ScoresdeError } from '@scoresde/core';
import { FFT2C_BACKENDS, runFft2cKernel } from './kernels.js';
import { matmulFft2c } from './matmulFft2c.js';

export type Fft2cMethod = 'auto' | 'kernel' | 'matmul';

export interface Fft2cOptions {
  inverse?: boolean;
  method?: Fft2cMethod;
}

export function fft2cMethodFor(backend: string, method: Fft2cMethod = 'auto'): 'kernel' | 'matmul' {
  const hasKernel = (FFT2C_BACKENDS as readonly string[]).includes(backend);
  if (method === 'kernel' && !hasKernel) {
    throw new ScoresdeError(`fft2c: the host FFT kernel exists only on ${FFT2C_BACKENDS.join(' and ')}, not on '${backend}'`);
  }
  if (method === 'auto') return hasKernel ? 'kernel' : 'matmul';
  return method;
}

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
  const m = fft2cMethodFor(tf.getBackend(), opts.method);
  return m === 'kernel' ? runFft2cKernel(x, inverse) : matmulFft2c(x, inverse);
}

/** Centred orthonormal inverse 2-D DFT. */
export function ifft2c(y: tf.Tensor, opts: Omit<Fft2cOptions, 'inverse'> = {}): tf.Tensor {
  return fft2c(y, { ...opts, inverse: true });
}
