/**
 * Training of score networks by continuous denoising score matching (score_sde_pytorch's
 * run_lib.train with continuous = True, reduce_mean = False).
 *
 *   const cfg = buildTrainConfig({ model: 'ncsnpp-tiny', sde: 've', imageSize: 32, numChannels: 1 });
 *   const tr = await Trainer.create(cfg, makeRecipe({ data: ds.description, seed: 0, batchSize: 16 }), ds);
 *   while (tr.step < 10_000) await tr.trainStep();
 *   await saveCheckpoint(tr, 'out/run');              // model folder (EMA) + training state
 *   const again = await resumeTrainer('out/run', ds);  // continues bit for bit (cpu)
 *
 * data.ts        Dataset interface; seeded data order (a pure function of seed, epoch, step)
 * loss.ts        DSM loss (λ = σ² or likelihood weighting g²), noise draws
 * adam.ts        Adam + linear warm-up + global-norm clipping (torch semantics)
 * ema.ts         EMA with score_sde's (1 + n)/(10 + n) ramp
 * recipe.ts      everything besides the network that determines a run
 * trainer.ts     the step: data → t, z, dropout seed → loss/gradients (micro-batches) → Adam → EMA
 * checkpoint.ts  model folder + training-state.safetensors; resume
 * presets.ts     small NCSN++ / DDPM++ model sections; complete configs for training
 * chunkGrads.ts  one micro-batch chunk's gradients (shared by the trainer and the workers)
 * gradPool.ts    worker threads computing chunks (gradWorker.ts): --workers
 */
export * from './data.js';
export * from './loss.js';
export * from './adam.js';
export * from './ema.js';
export * from './recipe.js';
export * from './trainer.js';
export * from './checkpoint.js';
export * from './presets.js';
export { GradientPool, type PoolChunk } from './gradPool.js';
