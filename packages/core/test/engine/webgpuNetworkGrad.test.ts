/**
 * Gradients of a loss through a whole NCSN++ (the score_sde_pytorch parity fixture `ncsnpp_ve`)
 * with respect to every trainable parameter, on webgpu (the project's conv-gradient and fused
 * GroupNorm + SiLU kernels) against the cpu backend. Metric: L2 error per parameter ≤ 1e-4 of its
 * norm (or 1e-6 of the whole gradient where the true gradient is 0), all together ≤ 2e-5.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { initBackend, loadScoreModelFolder, readNpy, tf } from '../../src/index.js';
import { webgpuAvailable } from './compare.js';

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', '..', 'shared', 'parity', 'ncsnpp_ve');
const gpu = await webgpuAvailable();

async function grads(backend: 'cpu' | 'webgpu'): Promise<Float32Array[]> {
  await initBackend(backend);
  const model = await loadScoreModelFolder(dir);
  try {
    const [x, t] = await Promise.all(['x', 't'].map((f) => readNpy(path.join(dir, `${f}.npy`))));
    const xt = tf.tidy(() => tf.transpose(tf.tensor4d(x!.data, x!.shape as [number, number, number, number]), [0, 2, 3, 1]));
    const vars = model.network.params.trainableVariables();
    const { value, grads: g } = tf.variableGrads(() => {
      const s = model.score(xt, t!.data);
      const r = tf.sin(tf.range(0, s.size).mul(0.013)).reshape(s.shape);
      return tf.sum(tf.mul(s, r)) as tf.Scalar;
    }, vars);
    // Variable names are numbered per load; the declaration order is the same on both backends.
    const out: Float32Array[] = [];
    for (const v of vars) out.push(Float32Array.from(await g[v.name]!.data()));
    tf.dispose([xt, value, ...Object.values(g)]);
    return out;
  } finally {
    model.dispose();
  }
}

describe.runIf(gpu && existsSync(dir))('NCSN++ parameter gradients on webgpu match cpu', () => {
  it('every trainable parameter', async () => {
    const ref = await grads('cpu');
    const got = await grads('webgpu');
    expect(got.map((g) => g.length)).toEqual(ref.map((r) => r.length));
    // Per parameter: ‖g − r‖ ≤ 1e-4·‖r‖, or ≤ 1e-6 of the whole gradient's norm for parameters whose
    // true gradient is zero (the attention key bias: softmax ignores a per-query constant), whose
    // float32 reference is rounding noise.
    const norm = (a: Float32Array) => Math.sqrt(a.reduce((acc, v) => acc + v * v, 0));
    const dist = (a: Float32Array, b: Float32Array) => Math.sqrt(a.reduce((acc, v, i) => acc + (v - b[i]!) ** 2, 0));
    const total = Math.sqrt(ref.reduce((acc, r) => acc + norm(r) ** 2, 0));
    let num = 0;
    for (const [k, r] of ref.entries()) {
      const d = dist(got[k]!, r);
      expect(d, `parameter ${k}`).toBeLessThanOrEqual(Math.max(1e-4 * norm(r), 1e-6 * total));
      num += d * d;
    }
    const den = total * total;
    console.log(`webgpu vs cpu: ${ref.length} parameters, overall rel L2 ${Math.sqrt(num / den).toExponential(2)}`);
    expect(Math.sqrt(num / den)).toBeLessThanOrEqual(2e-5);
  });
});
