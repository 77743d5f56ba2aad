/**
 * Per-phantom posterior summaries from one batched sampler call: samples are laid out
 * phantom-major, row p·K + k is sample k of phantom p. Mean and unbiased standard deviation
 * (0 when K = 1) over k, on the host in float64.
 */
export interface PosteriorSummary {
  /** [P, H·W·C] */
  mean: Float32Array;
  std: Float32Array;
}

export function summarise(samples: Float32Array, P: number, K: number, d: number): PosteriorSummary {
  const mean = new Float32Array(P * d);
  const std = new Float32Array(P * d);
  for (let p = 0; p < P; p++) {
    for (let i = 0; i < d; i++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += samples[(p * K + k) * d + i]!;
      const m = s / K;
      let v = 0;
      for (let k = 0; k < K; k++) v += (samples[(p * K + k) * d + i]! - m) ** 2;
      mean[p * d + i] = m;
      std[p * d + i] = K > 1 ? Math.sqrt(v / (K - 1)) : 0;
    }
  }
  return { mean, std };
}

/** Clip to the data range [0, 1] of the phantoms (applied to every method before metrics). */
export function clip01(a: Float32Array): Float32Array {
  return a.map((v) => (Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : 0));
}
