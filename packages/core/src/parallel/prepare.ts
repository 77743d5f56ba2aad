/**
 * Build, inside one thread, everything a chunk needs from a ParallelSampleSpec: backend, core
 * registries (the core plugin only), the score model, the SDE, the predictor and corrector; and
 * run one chunk with the PC sampler.
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { createContainer, registriesOf } from '../container.js';
import { ScoresdeError } from '../errors.js';
import { initBackend } from '../engine/backend.js';
import { registerPlugin } from '../plugin/loader.js';
import { corePlugin } from '../builtins/plugin.js';
import { pcSample } from '../sampling/pc.js';
import type { ScoreModel } from '../contracts/score.js';
import type { SDE } from '../contracts/sde.js';
import type { Corrector, Predictor } from '../contracts/sampler.js';
import { chunkRng, type Chunk, type ParallelSampleSpec } from './spec.js';

export interface PreparedSampler {
  model: ScoreModel;
  sde: SDE;
  predictor: Predictor;
  corrector: Corrector;
  spec: ParallelSampleSpec;
  dispose(): void;
}

export async function prepareSampler(spec: ParallelSampleSpec): Promise<PreparedSampler> {
  await initBackend(spec.backend ?? 'wasm');
  const cwd = spec.cwd ?? process.cwd();
  const registries = registriesOf(createContainer({ cwd }));
  await registerPlugin(corePlugin, registries, 'builtin');
  const userSde = spec.sde ? await registries.sdes.create(spec.sde.name, spec.sde.params ?? {}, { registries }) : undefined;
  let model: ScoreModel;
  const abs = resolve(cwd, spec.model);
  if (existsSync(abs) && statSync(abs).isDirectory()) {
    model = await registries.scoreModels.create('folder', {}, { spec: abs, sde: userSde, cwd, registries });
  } else {
    const colon = spec.model.indexOf(':');
    const name = colon >= 0 ? spec.model.slice(0, colon) : spec.model;
    if (!registries.scoreModels.has(name)) {
      throw new ScoresdeError(`parallel sampling: model '${spec.model}' is not a model folder nor a core score model (known: ${registries.scoreModels.names().join(', ')})`);
    }
    model = await registries.scoreModels.create(name, {}, { spec: colon >= 0 ? spec.model.slice(colon + 1) : '', sde: userSde, cwd, registries });
  }
  const sde = model.sde;
  const predictor = await registries.predictors.create(spec.predictor?.name ?? 'reverse_diffusion', spec.predictor?.params ?? {}, { sde });
  const corrector = await registries.correctors.create(spec.corrector?.name ?? 'langevin', spec.corrector?.params ?? { snr: 0.16 }, { sde });
  return { model, sde, predictor, corrector, spec, dispose: () => model.dispose?.() };
}

/** Sample one chunk: [count, ...sampleShape] float32 (host copy) and its score evaluations. */
export async function sampleChunk(p: PreparedSampler, seed: number, chunk: Chunk): Promise<{ data: Float32Array; shape: number[]; nfe: number }> {
  const shape = [chunk.count, ...p.model.sampleShape];
  const r = await pcSample({
    sde: p.sde,
    score: (x, t) => p.model.score(x, t),
    predictor: p.predictor,
    corrector: p.corrector,
    shape,
    rng: chunkRng(seed, chunk.index),
    steps: p.spec.steps,
    eps: p.spec.eps,
    denoise: p.spec.denoise,
  });
  try {
    return { data: (await r.x.data()) as Float32Array, shape, nfe: r.nfe };
  } finally {
    r.x.dispose();
  }
}
