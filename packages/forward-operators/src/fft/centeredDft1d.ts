/**
 * One-dimensional centred orthonormal DFT of any length n, in float64 on the host.
 *
 *   forward: y = fftshift(fft(ifftshift(x), norm='ortho'))
 *   inverse: x = fftshift(ifft(ifftshift(y), norm='ortho'))
 *
 * With h = ⌊n/2⌋ and centred indices a = k − h, b = j − h this is
 *   y[k] = n^{-1/2} Σ_j x[j] · exp(s·2πi·a·b/n),   s = −1 forward, +1 inverse,
 * i.e. the matrix C[k,j] = n^{-1/2} exp(s·2πi (k−h)(j−h)/n), symmetric and unitary (C⁻¹ = C̄).
 *
 * Powers of two use fft.js (radix-4) with the two shifts folded into the gather/scatter index maps;
 * other lengths use Bluestein's chirp-z algorithm (2ab = a² + b² − (a−b)²), which turns the
 * transform into a linear convolution done with a power-of-two fft.js transform of length
 * m ≥ 2n − 1. Both run in O(n log n).
 */
import FFT from 'fft.js';

export interface CenteredDft1d {
  readonly n: number;
  /**
   * Transform `n` complex values in place. `re`/`im` are length-n float64 scratch vectors
   * holding the input on entry and the output on return.
   */
  run(re: Float64Array, im: Float64Array, inverse: boolean): void;
  /**
   * Transform in place the n complex values P[off + t·stride] (re) and P[off + t·stride + 1] (im),
   * t = 0..n−1, of an interleaved float64 buffer.
   */
  runStrided(P: Float64Array, off: number, stride: number, inverse: boolean): void;
}

const cache = new Map<number, CenteredDft1d>();

/** A cached plan for length n (n ≥ 1). */
export function centeredDft1d(n: number): CenteredDft1d {
  let p = cache.get(n);
  if (!p) {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`DFT length must be a positive integer, got ${n}`);
    p = n === 1 ? identityPlan : isPowerOfTwo(n) ? new Radix2Plan(n) : new BluesteinPlan(n);
    cache.set(n, p);
  }
  return p;
}

export function isPowerOfTwo(n: number): boolean {
  return n >= 1 && (n & (n - 1)) === 0;
}

const identityPlan: CenteredDft1d = { n: 1, run() {}, runStrided() {} };

class Radix2Plan implements CenteredDft1d {
  private readonly fft: FFT;
  private readonly inBuf: Float64Array;
  private readonly outBuf: Float64Array;
  private readonly scale: number;
  constructor(readonly n: number) {
    this.fft = new FFT(n);
    this.inBuf = new Float64Array(2 * n);
    this.outBuf = new Float64Array(2 * n);
    this.scale = 1 / Math.sqrt(n);
  }
  runStrided(P: Float64Array, off: number, stride: number, inverse: boolean): void {
    const n = this.n;
    const h = n >> 1;
    const a = this.inBuf;
    const o = this.outBuf;
    const c = inverse ? -1 : 1;
    // ifftshift while gathering: buffer[j] = x[(j + h) mod n]
    for (let j = 0; j < n; j++) {
      const p = off + (j + h < n ? j + h : j + h - n) * stride;
      a[2 * j] = P[p]!;
      a[2 * j + 1] = c * P[p + 1]!;
    }
    this.fft.transform(o, a);
    const s = this.scale;
    const sgn = c * s;
    // fftshift while scattering: y[k] = X[(k + n − h) mod n]
    for (let k = 0; k < n; k++) {
      const src = k + n - h < n ? k + n - h : k - h;
      const p = off + k * stride;
      P[p] = o[2 * src]! * s;
      P[p + 1] = o[2 * src + 1]! * sgn;
    }
  }

  run(re: Float64Array, im: Float64Array, inverse: boolean): void {
    const n = this.n;
    const h = n >> 1;
    const a = this.inBuf;
    const o = this.outBuf;
    // ifftshift: buffer[j'] = x[(j' + h) mod n]
    for (let j = 0; j < n; j++) {
      const src = j + h < n ? j + h : j + h - n;
      a[2 * j] = re[src]!;
      a[2 * j + 1] = inverse ? -im[src]! : im[src]!; // inverse via conjugation: F⁻¹x = conj(F conj x)
    }
    this.fft.transform(o, a);
    // fftshift: y[k] = X[(k + n − h) mod n]
    const s = this.scale;
    const sgn = inverse ? -s : s;
    for (let k = 0; k < n; k++) {
      const src = k + n - h < n ? k + n - h : k - h;
      re[k] = o[2 * src]! * s;
      im[k] = o[2 * src + 1]! * sgn;
    }
  }
}

class BluesteinPlan implements CenteredDft1d {
  private readonly m: number;
  private readonly fft: FFT;
  /** exp(−iπ a²/n) for centred a = k − h, k = 0..n−1 (the forward chirp). */
  private readonly cRe: Float64Array;
  private readonly cIm: Float64Array;
  /** FFT of the circularly wrapped kernel v(d) = exp(+iπ d²/n) (forward direction), length m. */
  private readonly kernelHat: Float64Array;
  private readonly u: Float64Array;
  private readonly uHat: Float64Array;
  private readonly z: Float64Array;
  private readonly scale: number;

  private readonly sRe: Float64Array;
  private readonly sIm: Float64Array;

  runStrided(P: Float64Array, off: number, stride: number, inverse: boolean): void {
    const { n, sRe, sIm } = this;
    for (let t = 0, p = off; t < n; t++, p += stride) {
      sRe[t] = P[p]!;
      sIm[t] = P[p + 1]!;
    }
    this.run(sRe, sIm, inverse);
    for (let t = 0, p = off; t < n; t++, p += stride) {
      P[p] = sRe[t]!;
      P[p + 1] = sIm[t]!;
    }
  }

  constructor(readonly n: number) {
    this.sRe = new Float64Array(n);
    this.sIm = new Float64Array(n);
    let m = 1;
    while (m < 2 * n - 1) m <<= 1;
    this.m = m;
    this.fft = new FFT(m);
    const h = n >> 1;
    this.cRe = new Float64Array(n);
    this.cIm = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      const [c, s] = chirp(k - h, n);
      this.cRe[k] = c;
      this.cIm[k] = -s;
    }
    const v = new Float64Array(2 * m);
    for (let d = 0; d < n; d++) {
      const [c, s] = chirp(d, n);
      v[2 * d] = c;
      v[2 * d + 1] = s;
      if (d > 0) {
        v[2 * (m - d)] = c;
        v[2 * (m - d) + 1] = s;
      }
    }
    this.kernelHat = new Float64Array(2 * m);
    this.fft.transform(this.kernelHat, v);
    this.u = new Float64Array(2 * m);
    this.uHat = new Float64Array(2 * m);
    this.z = new Float64Array(2 * m);
    this.scale = 1 / Math.sqrt(n);
  }

  /**
   * Forward, with c_a = exp(−iπa²/n):
   *   y_a = n^{-1/2} c_a Σ_b (x_b c_b) · exp(+iπ(a−b)²/n).
   * Inverse runs the forward on the conjugated input and conjugates the result.
   */
  run(re: Float64Array, im: Float64Array, inverse: boolean): void {
    const { n, m, u, uHat, z, cRe, cIm, kernelHat } = this;
    const conj = inverse ? -1 : 1;
    u.fill(0);
    for (let j = 0; j < n; j++) {
      const xr = re[j]!;
      const xi = conj * im[j]!;
      u[2 * j] = xr * cRe[j]! - xi * cIm[j]!;
      u[2 * j + 1] = xr * cIm[j]! + xi * cRe[j]!;
    }
    this.fft.transform(uHat, u);
    for (let k = 0; k < m; k++) {
      const ar = uHat[2 * k]!;
      const ai = uHat[2 * k + 1]!;
      const br = kernelHat[2 * k]!;
      const bi = kernelHat[2 * k + 1]!;
      uHat[2 * k] = ar * br - ai * bi;
      uHat[2 * k + 1] = ar * bi + ai * br;
    }
    this.fft.inverseTransform(z, uHat);
    const s = this.scale;
    for (let k = 0; k < n; k++) {
      const zr = z[2 * k]!;
      const zi = z[2 * k + 1]!;
      re[k] = s * (zr * cRe[k]! - zi * cIm[k]!);
      im[k] = conj * s * (zr * cIm[k]! + zi * cRe[k]!);
    }
  }
}

/** [cos, sin] of π d²/n, with d² reduced modulo 2n first so the angle stays small and exact. */
function chirp(d: number, n: number): [number, number] {
  const q = (((d * d) % (2 * n)) + 2 * n) % (2 * n);
  const ang = (Math.PI * q) / n;
  return [Math.cos(ang), Math.sin(ang)];
}
