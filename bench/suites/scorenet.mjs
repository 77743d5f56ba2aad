/**
 * Score network forward and forward+backward on wasm, side by side with the same network written
 * in PyTorch (bench/torch/scorenet.py, fp32, 1 and 2 threads) when run with `--compare torch`.
 *
 * Cases: the training presets a shipped 64² prior uses (ncsnpp-small: NCSN++ nf 32, ch_mult
 * (1,2,2,2), 2 blocks, FIR, attention at 16²; ddpmpp-tiny), batch 8, and an NCSN++ at 256² with
 * fewer channels (nf 16, ch_mult (1,1,2,2,2,2), 1 block, attention at 16²), batch 1.
 * Weights: reference initialisation + 0.05·N(0,1) on every trainable tensor (so zero-initialised
 * layers are live). Forward+backward = gradient of Σ net(x)⊙r with respect to every trainable
 * parameter (a training step without the optimiser), as the torch script does.
 *
 * With --compare torch the torch script first loads OUR weights (safetensors written by
 * saveScoreModelFolder, PyTorch key names, strict) and reports max|torch − ours| on the timed input
 * (column `max_diff/max|y|`), so both sides compute the same function.
 * `peak MiB (fwd)` is the most memory the backend held during one forward pass (tf.profile:
 * weights, activations and temporaries; on webgpu, GPU buffers).
 * ours_ms is the median wall time (the wasm backend is single-threaded; `ours_cpu_ms` is this
 * process's CPU time); torch_ms is the median wall time at `torch_threads`; ratio = torch_ms /
 * ours_ms (above 1: we are faster).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CASES = [
  { name: 'ncsnpp-small 64² b8', model: 'ncsnpp-small', sde: 've', size: 64, channels: 1, batch: 8 },
  { name: 'ddpmpp-tiny 64² b8', model: 'ddpmpp-tiny', sde: 'vp', size: 64, channels: 1, batch: 8 },
  {
    name: 'ncsnpp nf16 256² b1',
    model: {
      name: 'ncsnpp', nf: 16, ch_mult: [1, 1, 2, 2, 2, 2], num_res_blocks: 1, attn_resolutions: [16], scale_by_sigma: true,
      fir: true, fir_kernel: [1, 3, 3, 1], resblock_type: 'biggan', progressive: 'none', progressive_input: 'residual',
      progressive_combine: 'sum', embedding_type: 'fourier', fourier_scale: 16, skip_rescale: true, conditional: true,
      resamp_with_conv: true, nonlinearity: 'swish', dropout: 0.1, init_scale: 0,
    },
    sde: 've', size: 256, channels: 1, batch: 1,
  },
];

const GPU_BACKENDS = ['webgpu', 'tensorflow'];

export async function run(ctx) {
  const { core, tf } = ctx;
  const tmp = mkdtempSync(join(tmpdir(), 'scoresde-bench-scorenet-'));
  const ours = [];
  const torchCases = [];
  const rows = [];
  try {
    for (const backend of ctx.backends ?? ['wasm']) {
      try {
        await core.initBackend(backend);
      } catch (e) {
        rows.push({ name: 'unavailable', backend, note: String(e?.message ?? e).split('\n')[0] });
        continue;
      }
      for (const c of CASES) {
        const cfg = core.buildTrainConfig({ model: c.model, sde: c.sde, imageSize: c.size, numChannels: c.channels });
        const rng = new core.Rng(7);
        const net = core.initNetwork(cfg, rng);
        for (const v of net.params.trainableVariables()) {
          const e = rng.normalTensor(v.shape);
          v.assign(tf.tidy(() => v.add(e.mul(0.05))));
          e.dispose();
        }
        const x = rng.normalTensor([c.batch, c.size, c.size, c.channels]);
        const r = rng.normalTensor([c.batch, c.size, c.size, c.channels]);
        const lab = new Float32Array(c.batch);
        for (let i = 0; i < c.batch; i++) {
          const u = (i + 0.5) / c.batch;
          lab[i] = cfg.embeddingType === 'fourier' ? Math.exp(Math.log(0.01) + u * Math.log(50 / 0.01)) : Math.floor(u * 999);
        }
        const labels = tf.tensor1d(lab);
        const y = tf.tidy(() => net.forward(x, labels));
        const out = await y.data();
        y.dispose();
        const folder = join(tmp, c.name.replace(/[^a-z0-9]+/gi, '_'));
        if (ctx.compare === 'torch' && !torchCases.some((t) => t.name === c.name)) {
          await core.saveScoreModelFolder(folder, net);
          await core.writeNpy(join(folder, 'x.npy'), { data: await x.data(), shape: x.shape });
          await core.writeNpy(join(folder, 'labels.npy'), { data: lab, shape: [c.batch] });
          await core.writeNpy(join(folder, 'out.npy'), { data: out, shape: x.shape });
          torchCases.push({ name: c.name, config_path: join(folder, 'config.json'), batch: c.batch, verify: folder });
        }
        const big = c.size >= 256;
        const fwd = await ctx.timeBoth(async () => {
          const t = tf.tidy(() => net.forward(x, labels));
          await t.data();
          t.dispose();
        }, { minReps: big ? 2 : 3, minSeconds: big ? 0 : 1 });
        // peak bytes the backend held during one forward (tf.profile; on webgpu the GPU buffers)
        const prof = await tf.profile(async () => {
          const t = tf.tidy(() => net.forward(x, labels));
          await t.data();
          t.dispose();
        });
        const vars = net.params.trainableVariables();
        const fb = await ctx.timeBoth(async () => {
          const gs = tf.tidy(() => {
            const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(net.forward(x, labels), r)), vars);
            return [value, ...Object.values(grads)];
          });
          await Promise.all(gs.map((g) => g.data()));
          tf.dispose(gs);
        }, { minReps: big ? 1 : 3, minSeconds: big ? 0 : 1 });
        ctx.log(`  ${backend} ${c.name}: fwd ${(fwd.wall * 1000).toFixed(0)} ms, fwd+bwd ${(fb.wall * 1000).toFixed(0)} ms (wall)`);
        ours.push({ c, backend, fwd, fb, params: net.params.count(), peakMiB: prof.peakBytes / 2 ** 20 });
        tf.dispose([x, r, labels]);
        net.dispose();
      }
    }
    const gpu = (ctx.backends ?? []).some((b) => GPU_BACKENDS.includes(b));
    const torch = await ctx.torch('scorenet.py', { threads: [1, 2], min_seconds: 1.0, devices: gpu ? ['cpu', 'cuda'] : ['cpu'], cases: torchCases });
    for (const o of ours) {
      const device = GPU_BACKENDS.includes(o.backend) ? 'cuda' : 'cpu';
      const found = torch?.cases?.filter((t) => t.name === o.c.name && (t.device ?? 'cpu') === device) ?? [];
      const trows = found.length ? found : [null];
      for (const t of trows) {
        const extra = (pass) => {
          const ourCpu = (pass === 'fwd' ? o.fwd : o.fb).cpu * 1000;
          const torchCpu = t ? (pass === 'fwd' ? t.fwd_cpu_ms : t.fwdbwd_cpu_ms) : null;
          return {
            torch_device: t?.device ?? null,
            torch_threads: t?.threads ?? null,
            ours_cpu_ms: ourCpu,
            torch_cpu_ms: torchCpu,
            ratio_cpu: torchCpu ? torchCpu / ourCpu : null,
            'img/s ours': o.c.batch / (pass === 'fwd' ? o.fwd : o.fb).wall,
            'max_diff/max|y|': t?.verify ? t.verify.max_abs_diff / t.verify.max_abs_ref : null,
            params: o.params,
            'peak MiB (fwd)': pass === 'fwd' ? o.peakMiB : null,
          };
        };
        rows.push(ctx.compareRow(`${o.c.name} fwd`, o.backend, o.fwd.wall * 1000, t?.fwd_ms, extra('fwd')));
        rows.push(ctx.compareRow(`${o.c.name} fwd+bwd`, o.backend, o.fb.wall * 1000, t?.fwdbwd_ms, extra('fb')));
      }
    }
    return rows;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
