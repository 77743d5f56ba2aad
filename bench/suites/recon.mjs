/**
 * Full reconstruction time, 256², PC sampler (reverse diffusion + Langevin snr 0.16, projection
 * guidance of Song et al. 2022 after every predictor and corrector step), on each backend of
 * `--backend` (default wasm):
 *   - MRI, single coil, 1-D random line mask, 8× acceleration;
 *   - CT, parallel beam, 23 views over [0°, 180°).
 * The network is the 256² NCSN++ of the scorenet suite (nf 16, random weights: the time does not
 * depend on the values). A 1000-step run is NOT run in full: the per-step time is the difference
 * of a 4-step and a 2-step run divided by 2 (fixed costs cancel), and `s/1000 steps` is 1000 ×
 * that (column `note` says so). `tensors Δ` = tf.memory().numTensors after two more runs of 4
 * steps minus before them (after warm-up, so one-time caches do not count; 0 = no growth).
 * `guidance ms/step` is the projection's share, measured alone on the same state. With
 * --compare torch, MRI's torch column is the whole reconstruction in PyTorch (bench/torch/recon.py:
 * the same PC sampler, projection guidance with torch.fft and the same network, timed the same
 * way); CT's is the floor of a PyTorch sampler with the same network, 2 forwards per step × 1000
 * (the radon operator and sampler arithmetic not counted, so that ratio is optimistic for PyTorch).
 */
import { CASES } from './scorenet.mjs';

export async function run(ctx) {
  const { core } = ctx;
  const ops = await ctx.importBuilt('forward-operators');
  const guidance = await ctx.importBuilt('guidance');
  const c = CASES.find((k) => k.size === 256);
  const cfg = core.buildTrainConfig({ model: c.model, sde: c.sde, imageSize: c.size, numChannels: c.channels });
  const gpu = ctx.backends.some((b) => ['webgpu', 'tensorflow'].includes(b));
  const devices = gpu ? ['cpu', 'cuda'] : ['cpu'];
  const config = core.networkConfigToJson(cfg);
  const torch = await ctx.torch('scorenet.py', {
    threads: [1, 2], min_seconds: 1.0, devices,
    cases: [{ name: c.name, config, batch: 1, backward: false }],
  });
  const torchRecon = await ctx.torch('recon.py', { threads: [1, 2], min_seconds: 1.0, devices, config, acceleration: 8, snr: 0.16 });
  const rows = [];
  for (const backend of ctx.backends) {
    try {
      await core.initBackend(backend);
    } catch (e) {
      rows.push({ name: 'unavailable', backend, note: String(e?.message ?? e).split('\n')[0] });
      continue;
    }
    rows.push(...(await onBackend(ctx, backend, cfg, c, ops, guidance, torch, torchRecon)));
  }
  return rows;
}

async function onBackend(ctx, backend, cfg, c, ops, guidance, torch, torchRecon) {
  const { core, tf } = ctx;
  const device = ['webgpu', 'tensorflow'].includes(backend) ? 'cuda' : 'cpu';
  const onDevice = (r) => r?.cases?.filter((t) => (t.device ?? 'cpu') === device) ?? [];
  // torch per 1000 steps: MRI the whole PyTorch reconstruction, CT 2 network forwards per step.
  const floor = onDevice(torch).map((t) => ({ t, ms: 2 * t.fwd_ms * 1000, cpuS: 2 * t.fwd_cpu_ms, note: 'torch = 2 network forwards/step only' }));
  const whole = onDevice(torchRecon).map((t) => ({ t, ms: t.step_ms * 1000, cpuS: t.step_cpu_ms, note: 'torch = the whole reconstruction (bench/torch/recon.py)' }));
  const net = core.initNetwork(cfg, new core.Rng(3));
  const model = new core.NetworkScoreModel(net, core.sdeFromNetworkConfig(cfg));
  const registries = core.createRegistries();
  ops.registerMri(registries.operators);
  ops.registerRadon(registries.operators);
  const problems = [
    { name: 'MRI 8× 256² PC', op: 'mri', params: { acceleration: 8, mask: 'random' }, torch: whole },
    { name: 'CT 23 views 256² PC', op: 'radon', params: { angles: 23 }, torch: floor },
  ];
  const rows = [];
  for (const p of problems) {
    const op = await registries.operators.create(p.op, p.params, { inputShape: [c.size, c.size, 1], cwd: process.cwd(), registries });
    const truth = new core.Rng(5).normalTensor([1, c.size, c.size, 1]);
    const y = op.forward(truth);
    const term = new guidance.ProjectionTerm({ operator: op, y, lambda: 1 });
    const sample = async (steps) => {
      const r = await core.pcSample({
        sde: model.sde, score: (x, t) => model.score(x, t), shape: [1, c.size, c.size, 1], rng: new core.Rng(1), steps, terms: [term],
        predictor: core.reverseDiffusionPredictor(), corrector: core.langevinCorrector({ snr: 0.16 }),
      });
      await r.x.data();
      r.x.dispose();
    };
    const t2 = await ctx.timeBoth(() => sample(2), { minReps: 1, minSeconds: 0 });
    const before = tf.memory().numTensors; // after warm-up runs: one-time caches are in place
    const t4 = await ctx.timeBoth(() => sample(4), { minReps: 1, minSeconds: 0 });
    const leaked = tf.memory().numTensors - before;
    const perStep = Math.max((t4.wall - t2.wall) / 2, 1e-9);
    const perStepCpu = Math.max((t4.cpu - t2.cpu) / 2, 1e-9);
    const x = new core.Rng(2).normalTensor([1, c.size, c.size, 1]);
    const gctx = { sde: model.sde, priorScore: (a, t) => model.score(a, t), rng: new core.Rng(9) };
    const proj = await ctx.timeBoth(async () => {
      const z = term.project(x, 0.5, gctx);
      await z.data();
      z.dispose();
    });
    x.dispose();
    for (const r of p.torch.length ? p.torch : [null]) {
      rows.push(ctx.compareRow(p.name, backend, perStep * 1000 * 1000, r?.ms ?? null, {
        torch_device: r?.t.device ?? null,
        torch_threads: r?.t.threads ?? null,
        's/1000 steps': perStep * 1000,
        'cpu s/1000 steps': perStepCpu * 1000,
        'torch cpu s/1000 steps': r?.cpuS ?? null,
        'guidance ms/step': 2 * proj.wall * 1000,
        'tensors Δ': leaked,
        note: `extrapolated to 1000 steps from 4 − 2 steps${r ? `; ${r.note}` : ''}`,
      }));
    }
    term.dispose?.();
    tf.dispose([truth, y]);
  }
  model.dispose?.();
  net.dispose();
  return rows;
}
