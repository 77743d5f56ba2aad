/**
 * NumPy's legacy `np.random.RandomState(seed)` stream (MT19937), enough of it to reproduce the
 * fastMRI masks: integer seeding (init_genrand, as `RandomState.seed(int)`), `random_sample`
 * (53-bit doubles from two draws: ((a >> 5)·2²⁶ + (b >> 6)) / 2⁵³, which `uniform` uses), and
 * `randint(0, high)` (masked rejection on 32-bit draws; no draw when high = 1).
 */
import { ScoresdeError } from '@scoresde/core';

const N = 624;
const M = 397;

export class NumpyRandomState {
  private readonly mt = new Uint32Array(N);
  private pos = N;

  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new ScoresdeError(`mri: a numpy-compatible seed must be an integer in [0, 2^32 − 1], got ${seed}`);
    }
    const mt = this.mt;
    mt[0] = seed >>> 0;
    for (let i = 1; i < N; i++) {
      const p = mt[i - 1]! ^ (mt[i - 1]! >>> 30);
      // 1812433253 · p + i (mod 2³²), split to stay exact in float64
      mt[i] = (((((p & 0xffff0000) >>> 16) * 1812433253) << 16) + (p & 0x0000ffff) * 1812433253 + i) >>> 0;
    }
  }

  private twist(): void {
    const mt = this.mt;
    for (let i = 0; i < N; i++) {
      const y = (mt[i]! & 0x80000000) | (mt[(i + 1) % N]! & 0x7fffffff);
      let v = mt[(i + M) % N]! ^ (y >>> 1);
      if (y & 1) v ^= 0x9908b0df;
      mt[i] = v >>> 0;
    }
    this.pos = 0;
  }

  nextU32(): number {
    if (this.pos >= N) this.twist();
    let y = this.mt[this.pos++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** `random_sample()`: uniform in [0, 1) with 53 random bits. */
  randomSample(): number {
    const a = this.nextU32() >>> 5;
    const b = this.nextU32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** `randint(0, high)` for 1 ≤ high ≤ 2³². */
  randint(high: number): number {
    if (!Number.isInteger(high) || high < 1) throw new ScoresdeError(`randint: high must be a positive integer, got ${high}`);
    const rng = high - 1;
    if (rng === 0) return 0;
    let mask = rng;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    mask >>>= 0;
    for (;;) {
      const v = (this.nextU32() & mask) >>> 0;
      if (v <= rng) return v;
    }
  }
}
