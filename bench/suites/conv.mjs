/**
 * conv2d forward and backward throughput (GFLOP/s) on wasm — with the project's kernels
 * (polyphase Conv2DBackpropInput, Conv2DBackpropFilter via a forward conv) — and on cpu at a
 * smaller size. FLOPs of one pass = 2·N·Ho·Wo·kH·kW·Cin·Cout (the same for forward, input grad
 * and filter grad); "fwd+bwd" counts 3 passes and runs tf.grads of Σ conv(x, w) ⊙ r.
 * GFLOP/s are per second of this process's CPU time (both backends are single-threaded here, and
 * the machine may be shared); the wall-clock milliseconds are shown too.
 * Goal (issue 2): backward ≥ 50% of forward GFLOP/s on wasm; `bwd/fwd` is that ratio (mean of
 * dX and dW throughput over forward). `tfjs dX` times the built-in wasm Conv2DBackpropInput that
 * ours replaces (batch-1 layer only, it is slow).
 */
export async function run(ctx) {
  const { tf, core } = ctx;
  const layers = [
    { backend: 'wasm', n: 8, h: 64, ci: 64, co: 64, k: 3, s: 1 },
    { backend: 'wasm', n: 8, h: 64, ci: 64, co: 64, k: 3, s: 2 },
    { backend: 'wasm', n: 1, h: 32, ci: 64, co: 64, k: 3, s: 1 },
    { backend: 'cpu', n: 1, h: 16, ci: 16, co: 16, k: 3, s: 1 },
  ];
  const rows = [];
  for (const L of layers) {
    await core.initBackend(L.backend);
    const ho = Math.ceil(L.h / L.s);
    const flops = 2 * L.n * ho * ho * L.k * L.k * L.ci * L.co;
    const rng = new core.Rng(1);
    const x = rng.normalTensor([L.n, L.h, L.h, L.ci]);
    const w = rng.normalTensor([L.k, L.k, L.ci, L.co]);
    const dy = rng.normalTensor([L.n, ho, ho, L.co]);
    const once = async (f) => {
      const out = f();
      const outs = Array.isArray(out) ? out : [out];
      for (const t of outs) await t.data();
      tf.dispose(outs);
    };
    const fwd = await ctx.timeBoth(() => once(() => tf.conv2d(x, w, L.s, 'same')));
    const dx = await ctx.timeBoth(() => once(() => tf.conv2dTranspose(dy, w, [L.n, L.h, L.h, L.ci], L.s, 'same')));
    const dw = await ctx.timeBoth(() =>
      once(() => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: L.s, pad: 'same', filterShape: w.shape, dataFormat: 'NHWC' })),
    );
    let builtinDx;
    const builtin = core.replacedBuiltinKernel('Conv2DBackpropInput', L.backend);
    if (builtin && L.backend === 'wasm' && L.n === 1) {
      const ours = tf.getKernel('Conv2DBackpropInput', 'wasm');
      const swap = (k) => {
        tf.unregisterKernel('Conv2DBackpropInput', 'wasm');
        tf.registerKernel(k);
      };
      swap(builtin);
      builtin.setupFunc?.(tf.backend()); // it was replaced before the backend ran its setup
      try {
        builtinDx = await ctx.timeBoth(() => once(() => tf.conv2dTranspose(dy, w, [L.n, L.h, L.h, L.ci], L.s, 'same')), { minReps: 1, minSeconds: 0 });
      } finally {
        swap(ours);
      }
    }
    const grads = tf.grads((a, b) => tf.conv2d(a, b, L.s, 'same').mul(dy).sum());
    const full = await ctx.timeBoth(() => once(() => tf.tidy(() => grads([x, w]))));
    tf.dispose([x, w, dy]);
    const g = (t, passes = 1) => (passes * flops) / t.cpu / 1e9;
    const row = {
      backend: L.backend,
      layer: `${L.n}x${L.h}x${L.h}x${L.ci}→${L.co} ${L.k}x${L.k}/${L.s}`,
      GFLOP: flops / 1e9,
      'fwd GF/s': g(fwd),
      'dX GF/s': g(dx),
      'dW GF/s': g(dw),
      'tfjs dX GF/s': builtinDx === undefined ? undefined : g(builtinDx),
      'fwd+bwd GF/s': g(full, 3),
      'bwd/fwd': (g(dx) + g(dw)) / 2 / g(fwd),
      'fwd wall ms': fwd.wall * 1000,
      'fwd+bwd wall ms': full.wall * 1000,
    };
    ctx.log(`  ${row.backend} ${row.layer}: fwd ${row['fwd GF/s'].toFixed(1)}, dX ${row['dX GF/s'].toFixed(1)}, dW ${row['dW GF/s'].toFixed(1)} GFLOP/s`);
    rows.push(row);
  }
  return rows;
}
