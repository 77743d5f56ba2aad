/**
 * The divergence's vector–Jacobian product through real score networks (the score_sde_pytorch
 * parity fixtures DDPM/VP and NCSN++/VE, random weights) on wasm: one Rademacher probe,
 * vᵀ(∂f̃/∂x)v by autodiff against the central difference vᵀ(f̃(x + hv) − f̃(x − hv)) / 2h, and
 * the drift returned beside it equals f − ½g²s evaluated directly. Skipped without the fixtures.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng, driftAndDivergence, initBackend, loadScoreModelFolder, makeProbes, parseNpy, reverseDrift, tf, type Tensor } from '@scoresde/core';

const repoRoot = fileURLToPath(new URL('../../../..', import.meta.url));
const parityDir = path.resolve(repoRoot, '..', 'shared', 'parity');
const have = existsSync(parityDir);

beforeAll(async () => {
  await initBackend('wasm');
});

describe.skipIf(!have).each(['ddpm_vp', 'ncsnpp_ve'])('%s', (name) => {
  it('autodiff vᵀJv matches central differences; drift matches', async () => {
    const dir = path.join(parityDir, name);
    const model = await loadScoreModelFolder(dir);
    const raw = parseNpy(readFileSync(path.join(dir, 'x.npy')));
    const [, C, H, W] = raw.shape as [number, number, number, number];
    const x = tf.tidy(() => tf.transpose(tf.slice(tf.tensor4d(raw.data, raw.shape as [number, number, number, number]), 0, 1), [0, 2, 3, 1]));
    const d = C * H * W;
    const t = 0.5;
    const sde = model.sde;
    const score = (y: Tensor, tt: number | Float32Array) => model.score(y, tt);
    const probes = makeProbes('rademacher', 1, d, 1, new Rng(4));
    const { drift, div } = driftAndDivergence(sde, score, x, t, probes);
    const h = 1e-2;
    const [fd, dErr] = tf.tidy(() => {
      const v = tf.reshape(probes.v, x.shape);
      const fp = reverseDrift(sde, score, tf.add(x, tf.mul(v, h)), t, true);
      const fm = reverseDrift(sde, score, tf.sub(x, tf.mul(v, h)), t, true);
      const f0 = reverseDrift(sde, score, x, t, true);
      return [tf.div(tf.sum(tf.mul(tf.sub(fp, fm), v)), 2 * h), tf.div(tf.max(tf.abs(tf.sub(f0, drift))), tf.max(tf.abs(f0)))];
    });
    const [a, b, e] = [(await div.data())[0]!, (await fd.data())[0]!, (await dErr.data())[0]!];
    console.log(`${name}: autodiff vᵀJv ${a.toFixed(4)}, central difference ${b.toFixed(4)}, drift rel err ${e.toExponential(2)}`);
    expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-3 * Math.max(1, Math.abs(b)));
    expect(e).toBeLessThanOrEqual(1e-6);
    tf.dispose([x, drift, div, fd, dErr, probes.v]);
    model.dispose?.();
  });
});
