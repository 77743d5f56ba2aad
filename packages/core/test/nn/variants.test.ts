/**
 * Parity with score_sde_pytorch for NCSN++ options the shared fixtures do not cover
 * (fixtures/variants, made by fixtures/make_variant_fixtures.py from the reference code):
 * output_skip / residual output pyramids, input_skip (cat, sum) / residual input pyramids,
 * resblock 'ddpm' with FIR Conv2d up/down and with plain (strided conv, nearest, avg-pool)
 * resampling, no skip rescale, init_scale, unconditional, ELU, sub-VP, discrete VE (positional
 * labels, sigmas[labels]), discrete VP (√(1 − ᾱ) table) and a deeper stack (3 levels, 2 blocks,
 * attention at two resolutions, lrelu). Tolerance as the shared fixtures:
 * max abs error ≤ 1e-4 · max|ref| for labels, raw output and score, cpu and wasm.
 */
import { describe, expect, it, beforeAll } from 'vitest';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tf } from '../../src/tf.js';
import { initBackend } from '../../src/engine/backend.js';
import { readNpy } from '../../src/io/npy.js';
import { loadScoreModelFolder } from '../../src/builtins/networks.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const VARIANTS = ['ve_outskip_inskip_cat', 'vp_ddpmres_fir_residual', 'subvp_nofir_uncond_elu', 've_discrete_posemb', 'vp_discrete', 've_deep_multiattn'];

function relErr(a: Float32Array, ref: Float32Array): number {
  expect(a.length).toBe(ref.length);
  let m = 0;
  let d = 0;
  for (let i = 0; i < a.length; i++) {
    m = Math.max(m, Math.abs(ref[i]!));
    d = Math.max(d, Math.abs(a[i]! - ref[i]!));
  }
  return d / m;
}

describe.each(['cpu', 'wasm'] as const)('NCSN++ option parity on %s', (backend) => {
  beforeAll(async () => {
    await initBackend(backend);
  });

  it.each(VARIANTS)('%s', async (name) => {
    const dir = path.join(here, 'fixtures', 'variants', name);
    const [x, t, labels, netOut, score] = await Promise.all(['x', 't', 'labels', 'net_out', 'score'].map((f) => readNpy(path.join(dir, `${f}.npy`))));
    const model = await loadScoreModelFolder(dir);
    try {
      expect(relErr(model.labels(t!.data, 4), labels!.data)).toBeLessThanOrEqual(1e-6);
      const xt = tf.transpose(tf.tensor4d(x!.data, x!.shape as [number, number, number, number]), [0, 2, 3, 1]);
      const raw = model.raw(xt, t!.data);
      const s = model.score(xt, t!.data);
      const rawN = tf.transpose(raw, [0, 3, 1, 2]);
      const sN = tf.transpose(s, [0, 3, 1, 2]);
      const eRaw = relErr((await rawN.data()) as Float32Array, netOut!.data);
      const eScore = relErr((await sN.data()) as Float32Array, score!.data);
      console.log(`${backend} ${name}: raw ${eRaw.toExponential(2)}, score ${eScore.toExponential(2)}`);
      expect(eRaw).toBeLessThanOrEqual(1e-4);
      expect(eScore).toBeLessThanOrEqual(1e-4);
      tf.dispose([xt, raw, s, rawN, sN]);
    } finally {
      model.dispose();
    }
  });
});
