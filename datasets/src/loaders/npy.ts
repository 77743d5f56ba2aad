/**
 * A .npy stack as a Dataset: float32 (or float64/float16, as core readNpy converts) of shape
 * [N, H, W, C] (NHWC) or [N, H, W] (one channel). Values are used as they are: training expects
 * [0, 1] data (score_sde's convention before its optional centring), so a stack whose values
 * leave [−0.01, 1.01] is refused unless `allowAnyRange`. Optional labels: a second .npy of N
 * integers (any numeric dtype; must be whole numbers ≥ 0).
 */
import { resolve } from 'node:path';
import { readNpy, ScoresdeError, type Dataset } from '@scoresde/core';
import { InMemoryDataset } from './memory.js';

export interface NpyStackOptions {
  labels?: string;
  allowAnyRange?: boolean;
}

export async function loadNpyStack(path: string, opts: NpyStackOptions = {}): Promise<Dataset> {
  const abs = resolve(path);
  const a = await readNpy(abs);
  const s = a.shape;
  if (s.length !== 3 && s.length !== 4) throw new ScoresdeError(`${path}: expected an [N, H, W, C] or [N, H, W] stack, got shape ${JSON.stringify(s)}`);
  const shape: [number, number, number] = [s[1]!, s[2]!, s.length === 4 ? s[3]! : 1];
  if (shape[0] !== shape[1]) throw new ScoresdeError(`${path}: images are ${shape[0]}×${shape[1]}; score networks need square images`);
  if (!opts.allowAnyRange) {
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of a.data) {
      if (!Number.isFinite(v)) throw new ScoresdeError(`${path}: holds non-finite values`);
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (lo < -0.01 || hi > 1.01) throw new ScoresdeError(`${path}: values span [${lo}, ${hi}]; training data must lie in [0, 1]`);
  }
  let labels: Int32Array | undefined;
  if (opts.labels) {
    const l = await readNpy(resolve(opts.labels));
    if (l.shape.length !== 1 || l.shape[0] !== s[0]) throw new ScoresdeError(`${opts.labels}: expected ${s[0]} labels, got shape ${JSON.stringify(l.shape)}`);
    labels = new Int32Array(l.data.length);
    for (let i = 0; i < l.data.length; i++) {
      const v = l.data[i]!;
      if (!Number.isInteger(v) || v < 0) throw new ScoresdeError(`${opts.labels}: label ${i} is ${v}, not a whole number ≥ 0`);
      labels[i] = v;
    }
  }
  return new InMemoryDataset(a.data, shape, `npy:${abs}`, labels);
}
