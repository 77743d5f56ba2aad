/**
 * Training checkpoints in an output folder DIR:
 *   DIR/weights.safetensors + DIR/config.json   the EMA weights as a model folder (PyTorch key
 *       names; loadScoreModelFolder and every `--model DIR` take it); config.json adds a
 *       `train` section with the recipe and the step.
 *   DIR/training-state.safetensors   what resume needs, all F32, PyTorch layouts:
 *       `raw/<key>` (optimised weights and buffers), `ema/<key>`, `adam_m/<key>`, `adam_v/<key>`
 *       (trainable keys); __metadata__ `scoresde_training_state` = JSON {version, step,
 *       ema_updates, rng (Rng.state()), recipe, config (score_sde JSON)}.
 * Each file is written atomically; the state file is written last.
 */
import { join } from 'node:path';
import { stat } from 'node:fs/promises';
import { tf } from '../tf.js';
import { ScoresdeError } from '../errors.js';
import { Rng, type RngState } from '../rng/rng.js';
import { readSafetensors, writeSafetensors } from '../io/safetensors.js';
import type { NdArrayF32 } from '../io/npy.js';
import { networkConfigToJson, parseNetworkConfig, type NetworkConfig } from '../nn/config.js';
import { createNetwork } from '../nn/build.js';
import { toTfLayout, toTorchLayout } from '../nn/params.js';
import { saveScoreModelFolder } from '../builtins/networks.js';
import { Trainer } from './trainer.js';
import { recipeToJson, type TrainRecipe } from './recipe.js';
import type { Dataset } from './data.js';

export const TRAINING_STATE_FILE = 'training-state.safetensors';
const META_KEY = 'scoresde_training_state';

export interface TrainingStateInfo {
  step: number;
  emaUpdates: number;
  rng: RngState;
  recipe: TrainRecipe;
  config: NetworkConfig;
}

/** Write the model folder (EMA weights) and the training state into `dir`. */
export async function saveCheckpoint(trainer: Trainer, dir: string): Promise<void> {
  await saveScoreModelFolder(dir, trainer.emaNet, { extra: { train: recipeToJson(trainer.recipe, trainer.step) } });
  const tensors = new Map<string, NdArrayF32>();
  for (const [k, v] of await trainer.net.params.stateDict()) tensors.set(`raw/${k}`, v);
  for (const [k, v] of await trainer.emaNet.params.stateDict()) tensors.set(`ema/${k}`, v);
  const keys = trainer.net.params.keys().filter((k) => trainer.net.params.spec(k).trainable);
  for (const [name, moments] of [['adam_m', trainer.adam.m], ['adam_v', trainer.adam.v]] as const) {
    for (let i = 0; i < keys.length; i++) {
      const spec = trainer.net.params.spec(keys[i]!);
      const data = (await moments[i]!.data()) as Float32Array;
      tensors.set(`${name}/${keys[i]}`, { shape: [...spec.torchShape], data: toTorchLayout(data, spec) });
    }
  }
  const meta = { version: 1, step: trainer.step, ema_updates: trainer.ema.numUpdates, rng: trainer.rng.state(), recipe: trainer.recipe, config: networkConfigToJson(trainer.config) };
  await writeSafetensors(join(dir, TRAINING_STATE_FILE), tensors, { metadata: { [META_KEY]: JSON.stringify(meta) } });
}

export async function hasTrainingState(dir: string): Promise<boolean> {
  try {
    return (await stat(join(dir, TRAINING_STATE_FILE))).isFile();
  } catch {
    return false;
  }
}

async function readState(dir: string): Promise<{ info: TrainingStateInfo; tensors: Map<string, NdArrayF32> }> {
  const path = join(dir, TRAINING_STATE_FILE);
  if (!(await hasTrainingState(dir))) throw new ScoresdeError(`cannot resume: ${path} does not exist`);
  const { tensors, metadata } = await readSafetensors(path);
  const text = metadata[META_KEY];
  if (!text) throw new ScoresdeError(`${path}: not a scoresde training state (no '${META_KEY}' metadata)`);
  let m: { version?: number; step?: number; ema_updates?: number; rng?: RngState; recipe?: TrainRecipe; config?: unknown };
  try {
    m = JSON.parse(text) as typeof m;
  } catch {
    throw new ScoresdeError(`${path}: training-state metadata is not valid JSON`);
  }
  if (m.version !== 1 || !Number.isInteger(m.step) || !Number.isInteger(m.ema_updates) || !m.rng || !m.recipe) {
    throw new ScoresdeError(`${path}: training-state metadata is incomplete or of an unknown version`);
  }
  let config: NetworkConfig;
  try {
    config = parseNetworkConfig(m.config);
  } catch (e) {
    throw new ScoresdeError(`${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
  return { info: { step: m.step!, emaUpdates: m.ema_updates!, rng: m.rng, recipe: m.recipe, config }, tensors };
}

/** The step, recipe and network config of a saved run (without loading its weights). */
export async function readTrainingStateInfo(dir: string): Promise<TrainingStateInfo> {
  return (await readState(dir)).info;
}

function subset(tensors: Map<string, NdArrayF32>, prefix: string): Map<string, NdArrayF32> {
  const out = new Map<string, NdArrayF32>();
  for (const [k, v] of tensors) if (k.startsWith(prefix)) out.set(k.slice(prefix.length), v);
  return out;
}

/** Rebuild a Trainer exactly as it was when `dir` was saved; `data` must be the same data set. */
export async function resumeTrainer(dir: string, data: Dataset): Promise<Trainer> {
  const { info, tensors } = await readState(dir);
  const path = join(dir, TRAINING_STATE_FILE);
  if (data.description !== info.recipe.data) {
    throw new ScoresdeError(`cannot resume: the checkpoint was trained on '${info.recipe.data}', not '${data.description}'`);
  }
  const net = createNetwork(info.config);
  const emaNet = createNetwork(info.config);
  try {
    net.params.loadStateDict(subset(tensors, 'raw/'), { source: `${path} (raw/)` });
    emaNet.params.loadStateDict(subset(tensors, 'ema/'), { source: `${path} (ema/)` });
  } catch (e) {
    net.dispose();
    emaNet.dispose();
    throw e;
  }
  let rng: Rng;
  try {
    rng = Rng.fromState(info.rng);
  } catch {
    throw new ScoresdeError(`${path}: the saved random-generator state is invalid`);
  }
  const trainer = Trainer.fromParts({ config: info.config, recipe: info.recipe, data, net, emaNet, rng, step: info.step, emaUpdates: info.emaUpdates });
  const keys = net.params.keys().filter((k) => net.params.spec(k).trainable);
  for (const [name, moments] of [['adam_m', trainer.adam.m], ['adam_v', trainer.adam.v]] as const) {
    for (let i = 0; i < keys.length; i++) {
      const spec = net.params.spec(keys[i]!);
      const t = tensors.get(`${name}/${keys[i]}`);
      const n = spec.torchShape.reduce((a, b) => a * b, 1);
      if (!t || t.data.length !== n) {
        trainer.dispose();
        throw new ScoresdeError(`${path}: tensor '${name}/${keys[i]}' is missing or has the wrong size`);
      }
      const v = moments[i]!;
      tf.tidy(() => v.assign(tf.tensor(toTfLayout(t.data, spec), v.shape, 'float32')));
    }
  }
  return trainer;
}
