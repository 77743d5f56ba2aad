/**
 * The project's webgpu kernels against what tfjs-webgpu runs without them, in one process on the
 * same adapter (`--backend webgpu`; skipped with a note when webgpu does not start):
 *   conv dW / dX (implicit GEMM) vs tfjs's one-thread-per-output shaders; forward conv2d and
 *   matmul (opt-in GEMM, medium/large tiles) vs tfjs's; fused GroupNorm+SiLU vs the composite;
 *   the Stockham FFT vs DFT-as-matmul (256², 8 planes); radon W / Wᵀ kernels vs the op fallback
 *   (gather / segment sum, 256², 23 views); the fused sampler update vs mul/add.
 * Columns: project_ms and tfjs_ms (median wall, after a warm-up, data read back), speedup =
 * tfjs_ms / project_ms, and the project kernel's GFLOP/s or GB/s against the adapter. The
 * `adapter` column says what ran it: on a software adapter (lavapipe) the numbers measure the
 * CPU and say nothing about a GPU.
 */
export async function run(ctx) {
  const { core, tf } = ctx;
  const backends = (ctx.backends ?? []).filter((b) => b === 'webgpu');
  if (backends.length === 0) return [{ name: 'skipped', note: 'kernels suite runs with --backend webgpu' }];
  let info;
  try {
    info = await core.initBackend('webgpu');
  } catch (e) {
    return [{ name: 'unavailable', backend: 'webgpu', note: String(e?.message ?? e).split('\n')[0] }];
  }
  const adapter = info.detail ?? 'webgpu';
  const fo = await ctx.importBuilt('forward-operators');
  const rng = new core.Rng(3);
  const rows = [];
  const read = async (out) => {
    const outs = Array.isArray(out) ? out : [out];
    for (const t of outs) await t.data();
    tf.dispose(outs);
  };
  const opts = { minReps: 3, minSeconds: 0.5 };
  async function pair(name, work, project, tfjs, setup = {}) {
    let p;
    let t;
    try {
      setup.project?.();
      p = await ctx.timeBoth(() => read(project()), opts);
      setup.tfjs?.();
      t = await ctx.timeBoth(() => read(tfjs()), opts);
    } catch (e) {
      const note = String(e?.message ?? e).split('\n')[0];
      ctx.log(`  ${name}: ${p ? 'the tfjs path' : 'the project kernel'} failed: ${note}`);
      rows.push({ name, backend: 'webgpu', project_ms: p ? p.wall * 1000 : null, tfjs_ms: null, speedup: null, adapter, note: `${p ? 'tfjs path' : 'project kernel'} failed: ${note}` });
      return;
    } finally {
      setup.after?.();
    }
    const row = {
      name,
      backend: 'webgpu',
      project_ms: p.wall * 1000,
      tfjs_ms: t.wall * 1000,
      speedup: t.wall / p.wall,
      ...(work.flops ? { 'GFLOP/s': work.flops / p.wall / 1e9 } : {}),
      ...(work.bytes ? { 'GB/s': work.bytes / p.wall / 1e9 } : {}),
      adapter,
    };
    ctx.log(`  ${name}: project ${row.project_ms.toFixed(1)} ms, tfjs ${row.tfjs_ms.toFixed(1)} ms (×${row.speedup.toFixed(2)})`);
    rows.push(row);
  }
  const kernels = { project: () => core.setProjectKernels(true), tfjs: () => core.setProjectKernels(false), after: () => core.setProjectKernels(true) };
  const gemm = { project: () => core.setProjectGemm(true), tfjs: () => core.setProjectGemm(false), after: () => core.setProjectGemm(false) };

  // conv gradients and forward: 8×64×64×64 → 64, 3×3
  const x = rng.normalTensor([8, 64, 64, 64]);
  const w = rng.normalTensor([3, 3, 64, 64]);
  const dy = rng.normalTensor([8, 64, 64, 64]);
  const convFlops = 2 * 8 * 64 * 64 * 9 * 64 * 64;
  const attrs = { strides: 1, pad: 'same', dataFormat: 'NHWC' };
  await pair('conv dW 8×64²×64→64 3×3', { flops: convFlops }, () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape: w.shape }), () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape: w.shape }), kernels);
  await pair('conv dX 8×64²×64→64 3×3', { flops: convFlops }, () => tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: w }, { ...attrs, inputShape: x.shape }), () => tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: w }, { ...attrs, inputShape: x.shape }), kernels);
  await pair('conv fwd 8×64²×64→64 3×3 (opt-in GEMM)', { flops: convFlops }, () => tf.conv2d(x, w, 1, 'same'), () => tf.conv2d(x, w, 1, 'same'), gemm);
  tf.dispose([x, w, dy]);

  // matmul 1024³
  const a = rng.normalTensor([1024, 1024]);
  const b = rng.normalTensor([1024, 1024]);
  await pair('matmul 1024³ (opt-in GEMM)', { flops: 2 * 1024 ** 3 }, () => tf.matMul(a, b), () => tf.matMul(a, b), gemm);
  tf.dispose([a, b]);

  // GroupNorm + SiLU, 8×64×64×128, 32 groups (read + write once: the bandwidth floor)
  const g = rng.normalTensor([8, 64, 64, 128]);
  const gamma = tf.ones([128]);
  const beta = tf.zeros([128]);
  const composite = () =>
    tf.tidy(() => {
      const xg = tf.reshape(g, [8, 64, 64, 32, 4]);
      const { mean, variance } = tf.moments(xg, [1, 2, 4], true);
      const z = tf.add(tf.mul(tf.reshape(tf.div(tf.sub(xg, mean), tf.sqrt(tf.add(variance, 1e-6))), g.shape), gamma), beta);
      return tf.mul(z, tf.sigmoid(z));
    });
  await pair('GroupNorm+SiLU 8×64²×128, 32 groups', { bytes: 2 * g.size * 4 }, () => core.groupNormSilu(g, gamma, beta, 32, 1e-6), composite);
  tf.dispose([g, gamma, beta]);

  // centred 2-D FFT, 8 × 256² complex planes
  const k = rng.normalTensor([8, 256, 256, 2]);
  const fftFlops = 8 * 5 * 256 * 256 * Math.log2(256 * 256);
  await pair('fft2c 8×256² (Stockham vs DFT matmul)', { flops: fftFlops }, () => fo.fft2c(k, { method: 'gpu' }), () => fo.fft2c(k, { method: 'matmul' }));
  tf.dispose(k);

  // radon 256², 23 views
  const angles = fo.evenAngles(23);
  const opG = new fo.RadonOperator({ size: 256, anglesDeg: angles, implementation: 'gpu' });
  const opO = new fo.RadonOperator({ size: 256, anglesDeg: angles, implementation: 'ops' });
  const img = rng.normalTensor([4, 256, 256, 1]);
  const sino = rng.normalTensor([4, ...opG.outputShape]);
  await pair('radon W 4×256², 23 views', {}, () => opG.forward(img), () => opO.forward(img));
  await pair('radon Wᵀ 4×256², 23 views', {}, () => opG.adjoint(sino), () => opO.adjoint(sino));
  tf.dispose([img, sino]);
  opG.dispose();
  opO.dispose();

  // dispatches per score-network forward (ncsnpp-small 64², batch 1): fused GroupNorm+SiLU vs composite
  {
    const cfg = core.buildTrainConfig({ model: 'ncsnpp-small', sde: 've', imageSize: 64, numChannels: 1 });
    const net = core.initNetwork(cfg, new core.Rng(1));
    const xs = rng.normalTensor([1, 64, 64, 1]);
    const lab = tf.tensor1d([1.0]);
    const be = tf.backend();
    const orig = be.runWebGPUProgram.bind(be);
    let count = 0;
    be.runWebGPUProgram = (...args) => {
      count++;
      return orig(...args);
    };
    const dispatches = async () => {
      count = 0;
      await read(tf.tidy(() => net.forward(xs, lab)));
      return count;
    };
    try {
      await dispatches(); // warm-up: caches
      const fused = await dispatches();
      core.setFusedGroupNormAct(false);
      const plain = await dispatches();
      core.setFusedGroupNormAct(true);
      rows.push({ name: 'dispatches per ncsnpp-small 64² forward', backend: 'webgpu', project: fused, tfjs: plain, speedup: plain / fused, adapter, note: 'count of GPU programs run (fused GroupNorm+SiLU vs composite)' });
      ctx.log(`  dispatches per ncsnpp-small forward: ${fused} fused vs ${plain} composite`);
    } finally {
      be.runWebGPUProgram = orig;
      tf.dispose([xs, lab]);
      net.dispose();
    }
  }

  // sampler update x̄ = a·x + b·s, x = x̄ + c·z on 8×256²
  const u = rng.normalTensor([8, 256, 256, 1]);
  const v = rng.normalTensor([8, 256, 256, 1]);
  const z = rng.normalTensor([8, 256, 256, 1]);
  await pair('sampler update 8×256² (2 fused dispatches vs mul/add)', { bytes: 5 * u.size * 4 }, () => {
    const r = core.fusedStep(u, 0.99, v, 0.02, z, 0.1);
    return [r.x, r.xMean];
  }, () => tf.tidy(() => {
    const xMean = tf.add(tf.mul(u, 0.99), tf.mul(v, 0.02));
    return [tf.add(xMean, tf.mul(z, 0.1)), xMean];
  }));
  tf.dispose([u, v, z]);
  return rows;
}
