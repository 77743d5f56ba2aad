/**
 * What every score network shares: the parameter store, the `sigmas` buffer of
 * score_sde_pytorch (utils.get_sigmas: exp(linspace(ln σ_max, ln σ_min, num_scales)), used by
 * positional-embedding networks with scale_by_sigma), and the forward signature.
 *
 * forward(x, labels): x NHWC [B, H, W, C] float32, labels [B] (σ for Fourier embeddings, the
 * time step for positional ones) → raw network output NHWC, exactly model(x, labels) of the
 * reference in eval mode.
 */
import { tf, type Tensor } from '../tf.js';
import type { NetworkConfig } from './config.js';
import type { ForwardContext } from './context.js';
import { ParamStore } from './params.js';

export interface ScoreNetwork {
  readonly config: NetworkConfig;
  readonly params: ParamStore;
  forward(x: Tensor, labels: Tensor, ctx?: ForwardContext): Tensor;
  dispose(): void;
}

/** utils.get_sigmas in float64, then rounded to float32 like the registered buffer. */
export function getSigmas(cfg: Pick<NetworkConfig, 'sigmaMin' | 'sigmaMax' | 'numScales'>): Float32Array {
  const n = cfg.numScales;
  const a = Math.log(cfg.sigmaMax);
  const b = Math.log(cfg.sigmaMin);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.exp(n === 1 ? a : a + ((b - a) * i) / (n - 1));
  return out;
}

/** Declare the `sigmas` buffer (optional in files: recomputed from the config when absent). */
export function declareSigmas(store: ParamStore, cfg: NetworkConfig): void {
  store.declare({ key: 'sigmas', torchShape: [cfg.numScales], layout: 'plain', trainable: false, optional: true, init: () => getSigmas(cfg) });
}

/** sigmas[floor(labels)] per sample ([B]), as `self.sigmas[labels.long()]` (truncation toward 0). */
export function gatherSigmas(store: ParamStore, labels: Tensor): Tensor {
  return tf.gather(store.get('sigmas'), tf.cast(labels, 'int32'));
}

/** Divide each sample of NHWC `h` by the per-sample scale s [B]. */
export function divideBySample(h: Tensor, s: Tensor): Tensor {
  return tf.div(h, tf.reshape(s, [-1, 1, 1, 1]));
}
