/**
 * Model folders: `weights.safetensors` (a score_sde_pytorch state_dict, PyTorch key names and
 * layouts, F32/F16/BF16) + `config.json` (its model, data and training sections; the SDE comes
 * from training.sde with σ/β settings from the model section, as score_sde keeps them).
 * Registered as the score model 'folder' (MODEL = `folder:PATH`); `loadScoreModelFolder(dir)`
 * is what the CLI calls for a MODEL that is a directory.
 */
import { mkdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { ScoresdeError } from '../errors.js';
import type { SDE } from '../contracts/sde.js';
import type { Registries } from '../registry/registries.js';
import { readSafetensors, writeSafetensors, type SafetensorsWriteDtype } from '../io/safetensors.js';
import { writeFileAtomic } from '../io/atomic.js';
import { networkConfigToJson, parseNetworkConfig, type NetworkConfig } from '../nn/config.js';
import type { ScoreNetwork } from '../nn/network.js';
import { loadNetwork } from '../nn/build.js';
import { NetworkScoreModel } from '../score/network.js';
import { VESDE } from '../sde/ve.js';
import { VPSDE } from '../sde/vp.js';
import { SubVPSDE } from '../sde/subvp.js';

export const WEIGHTS_FILE = 'weights.safetensors';
export const CONFIG_FILE = 'config.json';

/** The SDE a score_sde config trains under (training.sde with the model section's settings). */
export function sdeFromNetworkConfig(c: NetworkConfig): SDE {
  if (c.sde === 'vesde') return new VESDE({ sigmaMin: c.sigmaMin, sigmaMax: c.sigmaMax, N: c.numScales });
  if (c.sde === 'vpsde') return new VPSDE({ betaMin: c.betaMin, betaMax: c.betaMax, N: c.numScales });
  return new SubVPSDE({ betaMin: c.betaMin, betaMax: c.betaMax, N: c.numScales });
}

/** True when `dir` is a directory holding weights.safetensors and config.json. */
export async function isScoreModelFolder(dir: string): Promise<boolean> {
  try {
    const [a, b] = await Promise.all([stat(join(dir, WEIGHTS_FILE)), stat(join(dir, CONFIG_FILE))]);
    return a.isFile() && b.isFile();
  } catch {
    return false;
  }
}

export async function readNetworkConfigFile(path: string): Promise<NetworkConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new ScoresdeError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ScoresdeError(`${path}: not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  try {
    return parseNetworkConfig(raw);
  } catch (e) {
    if (e instanceof ScoresdeError) throw new ScoresdeError(`${path}: ${e.message}`);
    throw e;
  }
}

/** Load a model folder as a ScoreModel (network on the current tfjs backend). */
export async function loadScoreModelFolder(dir: string): Promise<NetworkScoreModel> {
  const config = await readNetworkConfigFile(join(dir, CONFIG_FILE));
  const weightsPath = join(dir, WEIGHTS_FILE);
  const { tensors } = await readSafetensors(weightsPath);
  const net = loadNetwork(config, tensors, weightsPath);
  return new NetworkScoreModel(net, sdeFromNetworkConfig(config));
}

export interface SaveFolderOptions {
  /**
   * Weight storage: F32 (default) or F16. With F16 the fixed Fourier features
   * (`all_modules.0.W`) and the `sigmas` buffer stay F32 (F16 would shift the scale-16
   * features' phases by up to ~0.1 rad).
   */
  dtype?: SafetensorsWriteDtype;
  /** Extra config sections kept next to model/data/training (e.g. a training recipe). */
  extra?: Record<string, unknown>;
  /** safetensors __metadata__ (strings). */
  metadata?: Record<string, string>;
}

/** Write `net` as a model folder (weights.safetensors + config.json, each written atomically). */
export async function saveScoreModelFolder(dir: string, net: ScoreNetwork, opts: SaveFolderOptions = {}): Promise<void> {
  await mkdir(dir, { recursive: true });
  const dtype = opts.dtype ?? 'F32';
  const keepF32 = new Set(['all_modules.0.W', 'sigmas']);
  await writeSafetensors(join(dir, WEIGHTS_FILE), await net.params.stateDict(), {
    dtype: (k) => (keepF32.has(k) ? 'F32' : dtype),
    metadata: opts.metadata,
  });
  const config = { ...(opts.extra ?? {}), ...networkConfigToJson(net.config) };
  await writeFileAtomic(join(dir, CONFIG_FILE), JSON.stringify(config, null, 1) + '\n');
}

export function registerNetworkModels(registries: Pick<Registries, 'scoreModels'>): void {
  registries.scoreModels.add({
    name: 'folder',
    description: 'score_sde_pytorch-style network folder: folder:DIR with weights.safetensors + config.json (NCSN++, DDPM++, DDPM)',
    schema: z.strictObject({}),
    docs:
      'DIR holds weights.safetensors (a PyTorch state_dict of score_sde_pytorch NCSNpp or DDPM, keys as in the ' +
      'reference, optional "module." prefix) and config.json with the reference config\'s model, data and training ' +
      'sections. The SDE (VE/VP/sub-VP) and the score conversion come from the config.',
    create: async (_params, ctx) => {
      if (!ctx.spec) throw new ScoresdeError("score model 'folder' needs a directory: folder:DIR");
      return await loadScoreModelFolder(resolve(ctx.cwd, ctx.spec));
    },
  });
}
