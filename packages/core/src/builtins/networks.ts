/**
 * Model folders: `weights.safetensors` (a score_sde_pytorch state_dict, PyTorch key names and
 * layouts, F32/F16/BF16) + `config.json` (its model, data and training sections; the SDE comes
 * from training.sde with σ/β settings from the model section, as score_sde keeps them).
 * Registered as the score model 'folder' (MODEL = `folder:PATH`); `loadScoreModelFolder(dir)`
 * is what the CLI calls for a MODEL that is a directory.
 */
import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { ScoresdeError } from '../errors.js';
import type { SDE } from '../contracts/sde.js';
import type { Registries } from '../registry/registries.js';
import { readSafetensors } from '../io/safetensors.js';
import { parseNetworkConfig, type NetworkConfig } from '../nn/config.js';
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
