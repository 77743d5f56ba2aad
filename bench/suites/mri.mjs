/**
 * MRI k-space operator: forward + adjoint time (one call of each, batch 1, read back) for a
 * 256×256 real image with a 4× random Cartesian mask — single-coil and 8 synthetic coils — on
 * wasm and cpu (host FFT kernels) and, where they start, webgpu and tensorflow (DFT-as-matmul), plus one plain centred 2-D FFT (fft2c) of a 256×256 complex image. Times are
 * medians (ctx.time) and, for forward+adjoint, also the best of 30 runs.
 * Goal (issue 3): single-coil forward+adjoint ≤ 10 ms on wasm.
 */

export async function run(ctx) {
  const { tf, core } = ctx;
  const ops = await ctx.importBuilt('forward-operators');
  const N = 256;
  const rows = [];
  // GPU backends only when asked for (--backend webgpu): a software adapter would be timed otherwise
  for (const backend of ['wasm', 'cpu', ...(ctx.backends ?? []).filter((b) => b === 'webgpu' || b === 'tensorflow')]) {
    try {
      await core.initBackend(backend);
    } catch (e) {
      if (backend === 'wasm' || backend === 'cpu') throw e;
      rows.push({ backend, case: `unavailable: ${String(e?.message ?? e).split('\n')[0]}` });
      continue;
    }
    const rng = new core.Rng(1);
    const x = rng.normalTensor([1, N, N, 1]);
    const z = rng.normalTensor([1, N, N, 2]);
    const once = async (f) => {
      const t = f();
      await t.data();
      t.dispose();
    };
    const fft = await ctx.time(() => once(() => ops.fft2c(z)));
    for (const coils of [1, 8]) {
      const registries = core.createRegistries();
      ops.registerMri(registries.operators);
      const op = await registries.operators.create('mri', { acceleration: 4, coils }, { inputShape: [N, N, 1], cwd: process.cwd(), registries });
      const fwd = await ctx.time(() => once(() => op.forward(x)));
      const y = op.forward(x);
      const adj = await ctx.time(() => once(() => op.adjoint(y)));
      const pair = async () => {
        const yy = op.forward(x);
        const a = op.adjoint(yy);
        await a.data();
        tf.dispose([yy, a]);
      };
      const both = await ctx.time(pair);
      // best of 30: the machine is often shared, the minimum is the least disturbed run
      let best = Infinity;
      for (let i = 0; i < 30; i++) {
        const t0 = performance.now();
        await pair();
        best = Math.min(best, (performance.now() - t0) / 1e3);
      }
      tf.dispose(y);
      op.dispose();
      rows.push({
        backend,
        case: `${N}² ${coils === 1 ? 'single-coil' : `${coils}-coil`} 4×`,
        'fwd ms': fwd * 1e3,
        'adj ms': adj * 1e3,
        'fwd+adj ms': both * 1e3,
        'fwd+adj best ms': best * 1e3,
        'fft2c ms': fft * 1e3,
        goal: coils === 1 && backend === 'wasm' ? (both * 1e3 <= 10 ? 'met (median ≤ 10 ms)' : 'median > 10 ms') : '',
      });
    }
    tf.dispose([x, z]);
    if (backend === 'wasm') {
      // a fastMRI knee-sized, non-power-of-two grid (Bluestein along both axes)
      const registries = core.createRegistries();
      ops.registerMri(registries.operators);
      const op = await registries.operators.create('mri', { acceleration: 4 }, { inputShape: [640, 368, 1], cwd: process.cwd(), registries });
      const xk = new core.Rng(3).normalTensor([1, 640, 368, 1]);
      const both = await ctx.time(async () => {
        const yy = op.forward(xk);
        const a = op.adjoint(yy);
        await a.data();
        tf.dispose([yy, a]);
      });
      tf.dispose(xk);
      op.dispose();
      rows.push({ backend, case: '640×368 single-coil 4× (Bluestein)', 'fwd+adj ms': both * 1e3 });
    }
  }
  return rows;
}
