/**
 * Seeded random numbers on the host. xoshiro128** seeded through splitmix32; normals by the
 * Box–Muller transform in float64. The same seed gives the same stream on every backend, so
 * samplers that draw their noise here are reproducible across cpu, wasm and webgpu.
 */
import { tf } from '../tf.js';

function splitmix32(state: number): [number, number] {
  state = (state + 0x9e3779b9) | 0;
  let z = state;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return [state, (z ^ (z >>> 16)) >>> 0];
}

function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Serialisable state of an Rng (see `Rng.state`). */
export interface RngState {
  seed: number;
  s: number[];
  spare: number | null;
}

export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spare: number | undefined;
  readonly seed: number;

  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${seed}`);
    this.seed = seed;
    let st = (Math.floor(seed) ^ Math.floor(seed / 2 ** 32)) | 0;
    const out: number[] = [];
    for (let i = 0; i < 4; i++) {
      const [ns, v] = splitmix32(st);
      st = ns;
      out.push(v);
    }
    [this.s0, this.s1, this.s2, this.s3] = out as [number, number, number, number];
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /**
   * The full generator state (xoshiro words, the cached Box–Muller normal, the seed), as plain
   * JSON-safe numbers: `Rng.fromState(r.state())` continues exactly where `r` is.
   */
  state(): RngState {
    return { seed: this.seed, s: [this.s0, this.s1, this.s2, this.s3], spare: this.spare ?? null };
  }

  /** A generator that continues from a saved `state()`. */
  static fromState(st: RngState): Rng {
    const ok = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 32;
    if (!st || !Array.isArray(st.s) || st.s.length !== 4 || !st.s.every(ok) || !Number.isFinite(st.seed) || (st.spare !== null && !Number.isFinite(st.spare))) {
      throw new RangeError('invalid Rng state');
    }
    const r = new Rng(st.seed);
    [r.s0, r.s1, r.s2, r.s3] = st.s.map((v) => v | 0) as [number, number, number, number];
    r.spare = st.spare ?? undefined;
    return r;
  }

  /** An independent stream derived from this seed and a label (does not advance this one). */
  fork(label: string | number): Rng {
    const h = typeof label === 'number' ? label >>> 0 : hashString(label);
    return new Rng(((this.seed * 0x9e3779b1) ^ h ^ (this.s0 * 31)) >>> 0);
  }

  /** Uniform 32-bit unsigned integer. */
  nextU32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextU32() >>> 5;
    const lo = this.nextU32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Standard normal. */
  normal(): number {
    if (this.spare !== undefined) {
      const v = this.spare;
      this.spare = undefined;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  normalArray(n: number): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = this.normal();
    return out;
  }

  uniformArray(n: number): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = this.uniform();
    return out;
  }

  /** Rademacher ±1. */
  rademacherArray(n: number): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = this.nextU32() & 1 ? 1 : -1;
    return out;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** A standard-normal tensor of the given shape (drawn on the host, so backend-independent). */
  normalTensor(shape: number[]): tf.Tensor {
    const n = shape.reduce((a, b) => a * b, 1);
    return tf.tensor(this.normalArray(n), shape, 'float32');
  }

  uniformTensor(shape: number[]): tf.Tensor {
    const n = shape.reduce((a, b) => a * b, 1);
    return tf.tensor(this.uniformArray(n), shape, 'float32');
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
