/**
 * Depthwise conv2d (channel multiplier 1, as in FIR up/down-sampling) forward and backward on
 * wasm: forward is tfjs's XNNPACK kernel; dX goes through the project's phase-split forward
 * depthwise convs, dW through a direct loop (depthwise filters of FIR resampling are constants,
 * so training rarely needs dW). FLOPs of one pass = 2·N·Ho·Wo·kH·kW·C; GFLOP/s per CPU-second.
 */
export async function run(ctx) {
  const { tf, core } = ctx;
  const layers = [
    { n: 8, h: 64, c: 128, k: 4, s: 2, pad: 'valid' },
    { n: 8, h: 64, c: 128, k: 3, s: 1, pad: 'same' },
  ];
  const rows = [];
  await core.initBackend('wasm');
  for (const L of layers) {
    const rng = new core.Rng(2);
    const x = rng.normalTensor([L.n, L.h, L.h, L.c]);
    const w = rng.normalTensor([L.k, L.k, L.c, 1]);
    const y0 = tf.depthwiseConv2d(x, w, L.s, L.pad);
    const [, ho, wo] = y0.shape;
    y0.dispose();
    const dy = rng.normalTensor([L.n, ho, wo, L.c]);
    const flops = 2 * L.n * ho * wo * L.k * L.k * L.c;
    const once = async (f) => {
      const t = f();
      await t.data();
      t.dispose();
    };
    const attrs = { strides: L.s, dilations: 1, pad: L.pad };
    const fwd = await ctx.timeBoth(() => once(() => tf.depthwiseConv2d(x, w, L.s, L.pad)));
    const dx = await ctx.timeBoth(() => once(() => tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy, filter: w }, { ...attrs, inputShape: x.shape })));
    const dw = await ctx.timeBoth(() => once(() => tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x, dy }, { ...attrs, filterShape: w.shape })));
    tf.dispose([x, w, dy]);
    const g = (t) => flops / t.cpu / 1e9;
    rows.push({
      backend: 'wasm',
      layer: `${L.n}x${L.h}x${L.h}x${L.c} ${L.k}x${L.k}/${L.s} ${L.pad}`,
      'fwd GF/s': g(fwd),
      'dX GF/s': g(dx),
      'dW GF/s': g(dw),
      'fwd ms': fwd.cpu * 1000,
      'dX ms': dx.cpu * 1000,
      'dW ms': dw.cpu * 1000,
    });
  }
  return rows;
}
