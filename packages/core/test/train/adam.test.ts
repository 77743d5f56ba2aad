/**
 * Adam + warm-up + global-norm clipping + EMA against torch.optim.Adam / clip_grad_norm_ /
 * score_sde's ema.py on fixed gradients (fixtures/make_adam_fixture.py, torch 1.13): 7 steps
 * with warm-up 3 (lr 0 at the first step), clipping active on every other step.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Adam, Ema, initBackend, readNpy, tf } from '@scoresde/core';

const here = path.dirname(fileURLToPath(import.meta.url));
const index = JSON.parse(readFileSync(path.join(here, 'fixtures', 'adam_index.json'), 'utf8')) as {
  steps: number; lr: number; warmup: number; grad_clip: number; ema_rate: number; shapes: number[][]; index: Record<string, [number, number, number[]]>;
};

describe('Adam with warm-up and clipping, and the EMA', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('follow torch step by step', async () => {
    const all = (await readNpy(path.join(here, 'fixtures', 'adam_values.npy'))).data;
    const get = (k: string) => {
      const [a, b, shape] = index.index[k]!;
      return { data: all.slice(a, b), shape };
    };
    const n = index.shapes.length;
    const params = Array.from({ length: n }, (_, i) => {
      const p = get(`p${i}_init`);
      return tf.variable(tf.tensor(p.data, p.shape));
    });
    const shadow = params.map((p) => tf.variable(tf.clone(p), false));
    const adam = new Adam(params, { lr: index.lr, warmup: index.warmup, gradClip: index.grad_clip });
    const ema = new Ema(index.ema_rate, params, shadow);
    let clipped = 0;
    for (let k = 1; k <= index.steps; k++) {
      const grads = Array.from({ length: n }, (_, i) => {
        const g = get(`g${i}_step${k}`);
        return tf.tensor(g.data, g.shape);
      });
      expect(adam.currentLr()).toBeCloseTo(index.lr * Math.min((k - 1) / index.warmup, 1), 15);
      const info = await adam.apply(grads);
      if (info.gradNorm > index.grad_clip) clipped++;
      ema.update();
      tf.dispose(grads);
      for (let i = 0; i < n; i++) {
        for (const [name, v] of [[`p${i}_step${k}`, params[i]!], [`ema${i}_step${k}`, shadow[i]!]] as const) {
          const ref = get(name).data;
          const got = (await v.data()) as Float32Array;
          let err = 0;
          let mag = 0;
          for (let j = 0; j < ref.length; j++) {
            err = Math.max(err, Math.abs(got[j]! - ref[j]!));
            mag = Math.max(mag, Math.abs(ref[j]!));
          }
          expect(err / mag, `${name}`).toBeLessThan(2e-6);
        }
      }
    }
    expect(clipped).toBeGreaterThanOrEqual(3);
    expect(clipped).toBeLessThan(index.steps);
    // The first step had lr 0: the parameters did not move, but the moments did.
    adam.dispose();
    tf.dispose([...params, ...shadow]);
  });

  it('EMA decay ramps as (1 + n) / (10 + n) up to the rate', () => {
    const e = new Ema(0.999, [], []);
    expect(e.nextDecay()).toBeCloseTo(2 / 11, 15);
    e.numUpdates = 10_000;
    expect(e.nextDecay()).toBe(0.999);
  });

  it('refuses bad settings in one line', () => {
    expect(() => new Adam([], { lr: -1 })).toThrow(/lr must be/);
    expect(() => new Adam([], { beta1: 1 })).toThrow(/betas/);
    expect(() => new Adam([], { warmup: 1.5 })).toThrow(/warmup/);
    expect(() => new Ema(1.5, [], [])).toThrow(/rate/);
  });
});
