/**
 * Sampler throughput on wasm: NFE/s (score evaluations per second, per image) of the PC sampler
 * (reverse diffusion + Langevin, snr 0.16: 2 score evaluations per step) with the ncsnpp-small
 * network at 64² (batch 8) and the analytic Gaussian prior (the sampler's own cost: the network
 * is replaced by an exact score), and the tensor count across steps (must not grow).
 *
 * The network's steps/s come from timing 3 and 6 steps and taking the difference (fixed costs
 * cancel); `s/1000 steps` extrapolates that linearly to a 1000-step run (not run in full).
 * `tensors Δ` = tf.memory().numTensors after − before two 6-step runs that follow the warm-up
 * (one-time caches excluded; 0 = nothing leaks);
 * `bytes` = tf.memory().numBytes held while the model is loaded. With --compare torch the row
 * compares the network's per-step time with 2 forwards of the PyTorch network (bench/torch),
 * i.e. the floor a PyTorch sampler of the same network could reach (its sampler arithmetic is
 * not counted).
 *
 * Both cores: `parallelSample` (packages/core/src/parallel) with 1 and 2 worker threads on the
 * same network (n = 8 samples in chunks of 4, wasm in every worker); per-step wall time from
 * 6 − 3 steps (worker start and model loading cancel); `speed-up` = 1-worker time / 2-worker
 * time. On a machine shared with other jobs this is bounded by the cores actually free.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CASES } from './scorenet.mjs';

export async function run(ctx) {
  const { core, tf } = ctx;
  await core.initBackend('wasm');
  const rows = [];
  const c = CASES[0];
  const cfg = core.buildTrainConfig({ model: c.model, sde: c.sde, imageSize: c.size, numChannels: c.channels });
  const net = core.initNetwork(cfg, new core.Rng(3));
  const model = new core.NetworkScoreModel(net, core.sdeFromNetworkConfig(cfg));
  const sample = async (steps, shape = [c.batch, c.size, c.size, c.channels], m = model) => {
    const r = await core.pcSample({
      sde: m.sde, score: (x, t) => m.score(x, t), shape, rng: new core.Rng(1), steps,
      predictor: core.reverseDiffusionPredictor(), corrector: core.langevinCorrector({ snr: 0.16 }),
    });
    const d = await r.x.data();
    r.x.dispose();
    return { nfe: r.nfe, d };
  };
  const t3 = await ctx.timeBoth(() => sample(3), { minReps: 1, minSeconds: 0 });
  const before = tf.memory().numTensors; // after warm-up: one-time caches are in place
  const t6 = await ctx.timeBoth(() => sample(6), { minReps: 1, minSeconds: 0 });
  const leaked = tf.memory().numTensors - before;
  const perStep = Math.max((t6.wall - t3.wall) / 3, 1e-9);
  const perStepCpu = Math.max((t6.cpu - t3.cpu) / 3, 1e-9);
  const torch = await ctx.torch('scorenet.py', { threads: [1, 2], min_seconds: 1.0, cases: [{ name: c.name, config: core.networkConfigToJson(cfg), batch: c.batch }] });
  for (const t of torch?.cases ?? [null]) {
    rows.push(ctx.compareRow(`PC step ${c.name} (2 NFE)`, 'wasm', perStep * 1000, t ? 2 * t.fwd_ms : null, {
      torch_threads: t?.threads ?? null,
      ours_cpu_ms: perStepCpu * 1000,
      'NFE/s per image': (2 * c.batch) / perStep,
      's/1000 steps': perStep * 1000,
      'tensors Δ': leaked,
      tensors: tf.memory().numTensors,
      bytes: tf.memory().numBytes,
      note: 'per-step time from 6 − 3 steps; 1000 steps extrapolated',
    }));
  }
  const tmp = mkdtempSync(join(tmpdir(), 'scoresde-bench-sampling-'));
  try {
    await core.saveScoreModelFolder(join(tmp, 'net'), net);
    const perWorkers = {};
    for (const workers of [1, 2]) {
      const job = (steps) => core.parallelSample({ model: join(tmp, 'net'), n: 8, chunkSize: 4, seed: 1, steps, workers });
      const a = await ctx.timeBoth(() => job(3), { minReps: 1, minSeconds: 0 });
      const b = await ctx.timeBoth(() => job(6), { minReps: 1, minSeconds: 0 });
      perWorkers[workers] = { wall: Math.max((b.wall - a.wall) / 3, 1e-9), cpu: Math.max((b.cpu - a.cpu) / 3, 1e-9) };
      ctx.log(`  ${workers} worker(s): ${(perWorkers[workers].wall * 1000).toFixed(0)} ms/step`);
    }
    for (const w of [1, 2]) {
      rows.push({
        name: `PC step ${c.name}, ${w} worker thread${w > 1 ? 's' : ''}`, backend: 'wasm', ours_ms: perWorkers[w].wall * 1000, torch_ms: null, ratio: null,
        ours_cpu_ms: perWorkers[w].cpu * 1000, 'NFE/s per image': (2 * 8) / perWorkers[w].wall, 's/1000 steps': perWorkers[w].wall * 1000,
        'speed-up': perWorkers[1].wall / perWorkers[w].wall, note: 'n 8 in chunks of 4; per step from 6 − 3 steps',
      });
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  model.dispose?.();
  net.dispose();

  // Analytic Gaussian prior (isotropic): the sampler arithmetic alone, 1000 steps in full.
  const N = 64;
  const prior = {
    sde: new core.VPSDE({ betaMin: 0.1, betaMax: 20, N: 1000 }),
    sampleShape: [N, N, 1],
    // data ~ N(0, I): p_t = N(0, I) for VP, score = −x.
    score: (x) => tf.neg(x),
  };
  await sample(2, [c.batch, N, N, 1], prior);
  const before2 = tf.memory().numTensors;
  const g = await ctx.timeBoth(() => sample(1000, [c.batch, N, N, 1], prior), { minReps: 1, minSeconds: 0 });
  rows.push({
    name: `PC 1000 steps, exact N(0,I) score 64² b${c.batch}`, backend: 'wasm', ours_ms: g.wall * 1000, torch_ms: null, ratio: null,
    ours_cpu_ms: g.cpu * 1000, 'NFE/s per image': (2000 * c.batch) / g.wall, 'tensors Δ': tf.memory().numTensors - before2,
    note: 'sampler overhead without a network',
  });
  return rows;
}
