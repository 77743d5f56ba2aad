/**
 * Small score_sde_pytorch `model` sections for training on a CPU. `buildTrainConfig` completes
 * one into a full config (data size/channels/centring, training.sde, SDE settings).
 *
 *   ncsnpp-tiny   NCSN++ (VE-style: Fourier features, FIR, BigGAN blocks, residual input
 *                 pyramid), nf 16, ch_mult [1, 2, 2], 1 block, attention at 8²  (~0.3 M params)
 *   ddpmpp-tiny   DDPM++ (positional embedding, no FIR), same sizes        (~0.3 M params)
 *   ncsnpp-small  NCSN++ nf 32, ch_mult [1, 2, 2, 2], 2 blocks, attention at 16² (~2 M params,
 *                 for 64² priors)
 */
import { ScoresdeError } from '../errors.js';
import { parseNetworkConfig, type NetworkConfig } from '../nn/config.js';

const NCSNPP_BASE = {
  name: 'ncsnpp',
  scale_by_sigma: true,
  ema_rate: 0.999,
  normalization: 'GroupNorm',
  nonlinearity: 'swish',
  dropout: 0.1,
  resamp_with_conv: true,
  conditional: true,
  fir: true,
  fir_kernel: [1, 3, 3, 1],
  skip_rescale: true,
  resblock_type: 'biggan',
  progressive: 'none',
  progressive_input: 'residual',
  progressive_combine: 'sum',
  attention_type: 'ddpm',
  init_scale: 0,
  embedding_type: 'fourier',
  fourier_scale: 16,
  conv_size: 3,
};

export const MODEL_PRESETS: Record<string, Record<string, unknown>> = {
  'ncsnpp-tiny': { ...NCSNPP_BASE, nf: 16, ch_mult: [1, 2, 2], num_res_blocks: 1, attn_resolutions: [8] },
  'ddpmpp-tiny': {
    ...NCSNPP_BASE,
    scale_by_sigma: false,
    fir: false,
    progressive_input: 'none',
    embedding_type: 'positional',
    nf: 16,
    ch_mult: [1, 2, 2],
    num_res_blocks: 1,
    attn_resolutions: [8],
  },
  'ncsnpp-small': { ...NCSNPP_BASE, nf: 32, ch_mult: [1, 2, 2, 2], num_res_blocks: 2, attn_resolutions: [16] },
};

export type TrainSdeName = 've' | 'vp' | 'subvp';

export interface BuildConfigOptions {
  /** A preset name or a score_sde `model` section (or a full config with model/data/training). */
  model: string | Record<string, unknown>;
  sde: TrainSdeName;
  /** SDE settings: sigma_min, sigma_max, beta_min, beta_max, N (score_sde model-section names). */
  sdeParams?: Record<string, number>;
  imageSize: number;
  numChannels: number;
  /** Train on [−1, 1] data (data.centered); default: true for VP / sub-VP, false for VE, as score_sde's configs. */
  centered?: boolean;
}

/** A complete network config for training. */
export function buildTrainConfig(o: BuildConfigOptions): NetworkConfig {
  let model: Record<string, unknown>;
  let data: Record<string, unknown> = {};
  if (typeof o.model === 'string') {
    const p = MODEL_PRESETS[o.model];
    if (!p) throw new ScoresdeError(`unknown model preset '${o.model}' (choose ${Object.keys(MODEL_PRESETS).join(', ')}, or give a JSON file)`);
    model = { ...p };
  } else if (o.model.model && typeof o.model.model === 'object') {
    model = { ...(o.model.model as Record<string, unknown>) };
    if (o.model.data && typeof o.model.data === 'object') data = { ...(o.model.data as Record<string, unknown>) };
  } else model = { ...o.model };
  const sdeMap = { ve: 'vesde', vp: 'vpsde', subvp: 'subvpsde' } as const;
  if (!(o.sde in sdeMap)) throw new ScoresdeError(`unknown SDE '${String(o.sde)}' for training (choose ve, vp, subvp)`);
  const allowed = new Set(['sigma_min', 'sigma_max', 'beta_min', 'beta_max', 'N', 'num_scales']);
  for (const [k, v] of Object.entries(o.sdeParams ?? {})) {
    if (!allowed.has(k)) throw new ScoresdeError(`unknown SDE setting '${k}' (choose sigma_min, sigma_max, beta_min, beta_max, N)`);
    model[k === 'N' ? 'num_scales' : k] = v;
  }
  const centered = o.centered ?? (typeof data.centered === 'boolean' ? data.centered : o.sde !== 've');
  return parseNetworkConfig({
    model,
    data: { ...data, image_size: o.imageSize, num_channels: o.numChannels, centered },
    training: { sde: sdeMap[o.sde], continuous: true },
  });
}
