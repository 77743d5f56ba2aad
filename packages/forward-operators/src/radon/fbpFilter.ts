/**
 * FBP filters, built exactly as skimage 0.19 `iradon` builds them (Kak & Slaney ch. 3 eq. 61):
 * the spatial ramp kernel f[0] = 1/4, f[n odd] = −1/(π n)², f[n even ≠ 0] = 0 (n the signed
 * index), its spectrum R = 2·Re(FFT(f)) of length Lp, multiplied by a window:
 *   ram-lak (= ramp): 1;  shepp-logan: sin(ω)/ω, ω = π·fftfreq(Lp);
 *   cosine: fftshift(sin(π k/Lp));  hann: fftshift(hanning(Lp));  hamming: fftshift(hamming(Lp)).
 *
 * Filtering a projection (length D) is zero padding to Lp = max(64, 2^⌈log₂(2M)⌉), FFT,
 * multiplication by the filter, inverse FFT, keeping M samples. With `circle` skimage first pads
 * the projection to M = ⌈√2·D⌉ bins (centred at ⌊M/2⌋), otherwise M = D. Because Lp ≥ 2M the
 * circular convolution equals a linear one, so the whole step is a fixed D×M matrix
 *   F[i, o] = h[(o − (i + padBefore)) mod Lp],   h = Re(IFFT(filter)),
 * applied as a matmul on every backend (exact, differentiable, no per-call host FFT).
 */
import FFT from 'fft.js';
import { ScoresdeError } from '@scoresde/core';
import type { RadonGeometry } from './geometry.js';

export const FBP_FILTERS = ['ram-lak', 'ramp', 'shepp-logan', 'cosine', 'hann', 'hamming'] as const;
export type FbpFilter = (typeof FBP_FILTERS)[number];

export interface FbpLayout {
  /** Filtered projection length M (detector bins the back-projection reads). */
  bins: number;
  /** Centre bin ⌊M/2⌋. */
  binCenter: number;
  /** Offset of the measured bins inside the M bins. */
  padBefore: number;
  /** FFT length Lp. */
  fftSize: number;
}

export function fbpLayout(g: RadonGeometry): FbpLayout {
  const d = g.detectors;
  const bins = g.circle ? Math.ceil(Math.SQRT2 * d) : d;
  const padBefore = Math.floor(bins / 2) - Math.floor(d / 2);
  const fftSize = Math.max(64, 2 ** Math.ceil(Math.log2(2 * bins)));
  return { bins, binCenter: Math.floor(bins / 2), padBefore, fftSize };
}

/** The frequency response (length `size`, FFT order) of a named filter. */
export function fourierFilter(size: number, name: FbpFilter): Float64Array {
  if (!(FBP_FILTERS as readonly string[]).includes(name)) {
    throw new ScoresdeError(`radon: unknown FBP filter '${name}' (choose from ${FBP_FILTERS.join(', ')})`);
  }
  const fft = new FFT(size);
  const f = new Array<number>(size).fill(0);
  f[0] = 0.25;
  for (let i = 1; i < size; i += 2) {
    const n = Math.min(i, size - i);
    f[i] = -1 / (Math.PI * n) ** 2;
  }
  const spec = fft.createComplexArray() as number[];
  fft.transform(spec, fft.toComplexArray(f, undefined));
  const out = new Float64Array(size);
  for (let k = 0; k < size; k++) out[k] = 2 * spec[2 * k]!;
  const half = size / 2;
  const shifted = (fn: (m: number) => number) => {
    for (let k = 0; k < size; k++) out[k] *= fn((k + half) % size);
  };
  switch (name) {
    case 'ram-lak':
    case 'ramp':
      break;
    case 'shepp-logan':
      for (let k = 1; k < size; k++) {
        const freq = k < half ? k / size : (k - size) / size;
        const w = Math.PI * freq;
        out[k] *= Math.sin(w) / w;
      }
      break;
    case 'cosine':
      shifted((m) => Math.sin((Math.PI * m) / size));
      break;
    case 'hann':
      shifted((m) => 0.5 - 0.5 * Math.cos((2 * Math.PI * m) / (size - 1)));
      break;
    case 'hamming':
      shifted((m) => 0.54 - 0.46 * Math.cos((2 * Math.PI * m) / (size - 1)));
      break;
  }
  return out;
}

/** The D×M filtering matrix (row-major, float32) for this geometry and filter. */
export function filterMatrix(g: RadonGeometry, name: FbpFilter): Float32Array {
  const { bins, padBefore, fftSize } = fbpLayout(g);
  const resp = fourierFilter(fftSize, name);
  const fft = new FFT(fftSize);
  const spec = fft.createComplexArray() as number[];
  for (let k = 0; k < fftSize; k++) spec[2 * k] = resp[k]!;
  const h = fft.createComplexArray() as number[];
  fft.inverseTransform(h, spec);
  const d = g.detectors;
  const m = new Float32Array(d * bins);
  for (let i = 0; i < d; i++) {
    for (let o = 0; o < bins; o++) {
      const lag = (((o - i - padBefore) % fftSize) + fftSize) % fftSize;
      m[i * bins + o] = h[2 * lag]!;
    }
  }
  return m;
}
