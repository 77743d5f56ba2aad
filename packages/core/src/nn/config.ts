/**
 * score_sde_pytorch configuration (the `model`, `data` and `training` sections of its
 * ml_collections configs, as JSON) → a validated, defaulted network description.
 *
 * Defaults are those of configs/default_*_configs.py and the NCSN++ / DDPM++ / DDPM configs.
 * Options the reference networks ignore (normalization, attention_type, conv_size, ema_rate, …)
 * are accepted and ignored as there. Every error is one line naming the option.
 */
import { ScoresdeError } from '../errors.js';

export type NetworkName = 'ncsnpp' | 'ddpm';
export type TrainingSde = 'vesde' | 'vpsde' | 'subvpsde';

export interface NetworkConfig {
  name: NetworkName;
  nf: number;
  chMult: number[];
  numResBlocks: number;
  attnResolutions: number[];
  dropout: number;
  resampWithConv: boolean;
  conditional: boolean;
  fir: boolean;
  firKernel: number[];
  skipRescale: boolean;
  resblockType: 'biggan' | 'ddpm';
  progressive: 'none' | 'output_skip' | 'residual';
  progressiveInput: 'none' | 'input_skip' | 'residual';
  progressiveCombine: 'sum' | 'cat';
  embeddingType: 'fourier' | 'positional';
  fourierScale: number;
  initScale: number;
  scaleBySigma: boolean;
  nonlinearity: string;
  /** SDE / noise-scale settings kept in the model section by score_sde. */
  sigmaMin: number;
  sigmaMax: number;
  numScales: number;
  betaMin: number;
  betaMax: number;
  imageSize: number;
  numChannels: number;
  /** Data in [-1, 1] (true) or [0, 1] (false: the network maps x → 2x − 1 first). */
  centered: boolean;
  continuous: boolean;
  sde: TrainingSde;
}

type Obj = Record<string, unknown>;

function section(cfg: Obj, name: string, required: boolean): Obj {
  const s = cfg[name];
  if (s === undefined && !required) return {};
  if (!s || typeof s !== 'object' || Array.isArray(s)) throw new ScoresdeError(`config: '${name}' section is missing or not an object`);
  return s as Obj;
}

function num(s: Obj, sec: string, key: string, def?: number, opts: { int?: boolean; min?: number; positive?: boolean } = {}): number {
  const v = s[key] ?? def;
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new ScoresdeError(`config: ${sec}.${key} must be a number${v === undefined ? ' (missing)' : `, got ${JSON.stringify(v)}`}`);
  }
  if (opts.int && !Number.isInteger(v)) throw new ScoresdeError(`config: ${sec}.${key} must be an integer, got ${v}`);
  if (opts.positive && !(v > 0)) throw new ScoresdeError(`config: ${sec}.${key} must be positive, got ${v}`);
  if (opts.min !== undefined && v < opts.min) throw new ScoresdeError(`config: ${sec}.${key} must be at least ${opts.min}, got ${v}`);
  return v;
}

function bool(s: Obj, sec: string, key: string, def?: boolean): boolean {
  const v = s[key] ?? def;
  if (typeof v !== 'boolean') throw new ScoresdeError(`config: ${sec}.${key} must be true or false${v === undefined ? ' (missing)' : `, got ${JSON.stringify(v)}`}`);
  return v;
}

function choice<T extends string>(s: Obj, sec: string, key: string, allowed: readonly T[], def?: T): T {
  const v = s[key] ?? def;
  const low = typeof v === 'string' ? v.toLowerCase() : v;
  if (typeof low !== 'string' || !(allowed as readonly string[]).includes(low)) {
    throw new ScoresdeError(`config: ${sec}.${key} ${JSON.stringify(v)} is not supported (choose ${allowed.join(', ')})`);
  }
  return low as T;
}

function intList(s: Obj, sec: string, key: string, def?: number[]): number[] {
  const v = s[key] ?? def;
  if (!Array.isArray(v) || !v.every((d) => Number.isInteger(d) && d > 0)) {
    throw new ScoresdeError(`config: ${sec}.${key} must be a list of positive integers, got ${JSON.stringify(v)}`);
  }
  return [...(v as number[])];
}

function tapList(s: Obj, sec: string, key: string, def: number[]): number[] {
  const v = s[key] ?? def;
  if (!Array.isArray(v) || !v.every((d) => typeof d === 'number' && Number.isFinite(d)) || (v as number[]).reduce((a, b) => a + b, 0) === 0) {
    throw new ScoresdeError(`config: ${sec}.${key} must be a list of numbers with a non-zero sum, got ${JSON.stringify(v)}`);
  }
  return [...(v as number[])];
}

/** Parse the JSON config (top-level object with `model`, `data`, `training`). */
export function parseNetworkConfig(raw: unknown): NetworkConfig {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new ScoresdeError('config: must be a JSON object with model, data and training sections');
  const cfg = raw as Obj;
  const m = section(cfg, 'model', true);
  const d = section(cfg, 'data', true);
  const t = section(cfg, 'training', false);
  const sdeSec = section(cfg, 'sde', false);
  const name = choice(m, 'model', 'name', ['ncsnpp', 'ddpm'] as const);
  const isNcsnpp = name === 'ncsnpp';
  const sdeFromSection = typeof sdeSec.type === 'string' ? String(sdeSec.type).toLowerCase() : undefined;
  const sde = choice({ sde: t.sde ?? sdeFromSection }, 'training', 'sde', ['vesde', 'vpsde', 'subvpsde'] as const);
  const c: NetworkConfig = {
    name,
    nf: num(m, 'model', 'nf', 128, { int: true, positive: true }),
    chMult: intList(m, 'model', 'ch_mult', isNcsnpp ? [1, 2, 2, 2] : [1, 2, 2, 2]),
    numResBlocks: num(m, 'model', 'num_res_blocks', isNcsnpp ? 4 : 2, { int: true, min: 1 }),
    attnResolutions: intList(m, 'model', 'attn_resolutions', [16]),
    dropout: num(m, 'model', 'dropout', 0.1, { min: 0 }),
    resampWithConv: bool(m, 'model', 'resamp_with_conv', true),
    conditional: bool(m, 'model', 'conditional', true),
    fir: bool(m, 'model', 'fir', false),
    firKernel: tapList(m, 'model', 'fir_kernel', [1, 3, 3, 1]),
    skipRescale: bool(m, 'model', 'skip_rescale', true),
    resblockType: choice(m, 'model', 'resblock_type', ['biggan', 'ddpm'] as const, 'biggan'),
    progressive: choice(m, 'model', 'progressive', ['none', 'output_skip', 'residual'] as const, 'none'),
    progressiveInput: choice(m, 'model', 'progressive_input', ['none', 'input_skip', 'residual'] as const, 'none'),
    progressiveCombine: choice(m, 'model', 'progressive_combine', ['sum', 'cat'] as const, 'sum'),
    embeddingType: choice(m, 'model', 'embedding_type', ['fourier', 'positional'] as const, 'fourier'),
    fourierScale: num(m, 'model', 'fourier_scale', 16),
    initScale: num(m, 'model', 'init_scale', 0),
    scaleBySigma: bool(m, 'model', 'scale_by_sigma', false),
    nonlinearity: choice(m, 'model', 'nonlinearity', ['swish', 'elu', 'relu', 'lrelu'] as const, 'swish'),
    sigmaMin: num(m, 'model', 'sigma_min', Number(sdeSec.sigma_min ?? 0.01), { positive: true }),
    sigmaMax: num(m, 'model', 'sigma_max', Number(sdeSec.sigma_max ?? 50), { positive: true }),
    numScales: num(m, 'model', 'num_scales', Number(sdeSec.N ?? 1000), { int: true, positive: true }),
    betaMin: num(m, 'model', 'beta_min', Number(sdeSec.beta_min ?? 0.1), { positive: true }),
    betaMax: num(m, 'model', 'beta_max', Number(sdeSec.beta_max ?? 20), { positive: true }),
    imageSize: num(d, 'data', 'image_size', undefined, { int: true, positive: true }),
    numChannels: num(d, 'data', 'num_channels', undefined, { int: true, positive: true }),
    centered: bool(d, 'data', 'centered', false),
    continuous: bool(t, 'training', 'continuous', true),
    sde,
  };
  checkCombination(c);
  return c;
}

function checkCombination(c: NetworkConfig): void {
  const levels = c.chMult.length;
  if (levels < 1) throw new ScoresdeError('config: model.ch_mult must not be empty');
  if (c.imageSize % 2 ** (levels - 1) !== 0) {
    throw new ScoresdeError(`config: data.image_size ${c.imageSize} must be divisible by 2^(len(model.ch_mult) − 1) = ${2 ** (levels - 1)}`);
  }
  if (c.dropout >= 1) throw new ScoresdeError(`config: model.dropout must be below 1, got ${c.dropout}`);
  if (c.name === 'ncsnpp') {
    if (c.embeddingType === 'fourier' && !c.continuous) {
      throw new ScoresdeError("config: model.embedding_type 'fourier' needs training.continuous = true (as in score_sde_pytorch)");
    }
    if (c.fir && c.firKernel.length < 2) throw new ScoresdeError('config: model.fir_kernel needs at least 2 taps');
    for (const ch of [c.nf, ...c.chMult.map((k) => k * c.nf)]) {
      if (Math.floor(ch / 4) < 1 || ch % Math.min(Math.floor(ch / 4), 32) !== 0) {
        throw new ScoresdeError(`config: model.nf·ch_mult gives ${ch} channels, not divisible into min(C//4, 32) GroupNorm groups`);
      }
    }
  } else {
    if (!c.conditional) throw new ScoresdeError('config: model.conditional = false is not supported by the DDPM network (score_sde_pytorch needs it)');
    for (const ch of c.chMult.map((k) => k * c.nf)) {
      if (ch % 32 !== 0) throw new ScoresdeError(`config: model.nf·ch_mult gives ${ch} channels; DDPM's GroupNorm(32) needs multiples of 32`);
    }
  }
}

/**
 * The score_sde_pytorch JSON form of a parsed config (`model`, `data`, `training` sections with
 * the reference's snake_case names), so that parseNetworkConfig(networkConfigToJson(c)) equals c
 * and the reference can rebuild the same network from it.
 */
export function networkConfigToJson(c: NetworkConfig): { model: Record<string, unknown>; data: Record<string, unknown>; training: Record<string, unknown> } {
  return {
    model: {
      name: c.name,
      nf: c.nf,
      ch_mult: [...c.chMult],
      num_res_blocks: c.numResBlocks,
      attn_resolutions: [...c.attnResolutions],
      dropout: c.dropout,
      resamp_with_conv: c.resampWithConv,
      conditional: c.conditional,
      fir: c.fir,
      fir_kernel: [...c.firKernel],
      skip_rescale: c.skipRescale,
      resblock_type: c.resblockType,
      progressive: c.progressive,
      progressive_input: c.progressiveInput,
      progressive_combine: c.progressiveCombine,
      embedding_type: c.embeddingType,
      fourier_scale: c.fourierScale,
      init_scale: c.initScale,
      scale_by_sigma: c.scaleBySigma,
      nonlinearity: c.nonlinearity,
      normalization: 'GroupNorm',
      attention_type: 'ddpm',
      conv_size: 3,
      sigma_min: c.sigmaMin,
      sigma_max: c.sigmaMax,
      num_scales: c.numScales,
      beta_min: c.betaMin,
      beta_max: c.betaMax,
    },
    data: { image_size: c.imageSize, num_channels: c.numChannels, centered: c.centered },
    training: { sde: c.sde, continuous: c.continuous },
  };
}
