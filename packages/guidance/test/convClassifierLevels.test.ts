/**
 * The conv classifier's resolution levels (chMult): its logits equal a plain float64 reference
 * forward written here from the documented architecture (random weights in every parameter);
 * one level keeps the one-level parameter names (old checkpoints load); a multi-level checkpoint
 * round-trips; bad architectures are one clear line.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng, VESDE, tf } from '@scoresde/core';
import { ConvClassifier, resolveArch } from '../src/classifiers/convClassifier.js';
import { trainClassifier } from '../src/classifiers/train.js';
import { loadConvClassifier } from '../src/classifiers/checkpoint.js';
import { startBackend } from './helpers.js';

beforeAll(startBackend);

type Img = { h: number; w: number; c: number; v: Float64Array };
type Params = Map<string, { shape: number[]; v: Float64Array }>;

const silu = (v: number) => v / (1 + Math.exp(-v));

function conv3(x: Img, p: Params, name: string): Img {
  const W = p.get(`${name}.weight`)!;
  const b = p.get(`${name}.bias`)!.v;
  const co = W.shape[3]!;
  const out = new Float64Array(x.h * x.w * co);
  for (let y = 0; y < x.h; y++)
    for (let xx = 0; xx < x.w; xx++)
      for (let o = 0; o < co; o++) {
        let s = b[o]!;
        for (let dy = 0; dy < 3; dy++)
          for (let dx = 0; dx < 3; dx++) {
            const iy = y + dy - 1;
            const ix = xx + dx - 1;
            if (iy < 0 || ix < 0 || iy >= x.h || ix >= x.w) continue;
            for (let i = 0; i < x.c; i++) s += x.v[(iy * x.w + ix) * x.c + i]! * W.v[((dy * 3 + dx) * x.c + i) * co + o]!;
          }
        out[(y * x.w + xx) * co + o] = s;
      }
  return { h: x.h, w: x.w, c: co, v: out };
}

function groupNormSilu(x: Img, p: Params, name: string): Img {
  const g = Math.min(x.c / 4, 32);
  const per = x.c / g;
  const gamma = p.get(`${name}.weight`)!.v;
  const beta = p.get(`${name}.bias`)!.v;
  const out = new Float64Array(x.v.length);
  for (let k = 0; k < g; k++) {
    let m = 0;
    let n = 0;
    for (let s = 0; s < x.h * x.w; s++) for (let j = 0; j < per; j++, n++) m += x.v[s * x.c + k * per + j]!;
    m /= n;
    let v = 0;
    for (let s = 0; s < x.h * x.w; s++) for (let j = 0; j < per; j++) v += (x.v[s * x.c + k * per + j]! - m) ** 2;
    v /= n;
    for (let s = 0; s < x.h * x.w; s++)
      for (let j = 0; j < per; j++) {
        const c = k * per + j;
        out[s * x.c + c] = silu(((x.v[s * x.c + c]! - m) / Math.sqrt(v + 1e-6)) * gamma[c]! + beta[c]!);
      }
  }
  return { ...x, v: out };
}

function dense(x: Float64Array, p: Params, name: string): Float64Array {
  const W = p.get(`${name}.weight`)!;
  const b = p.get(`${name}.bias`)!.v;
  const [ci, co] = W.shape as [number, number];
  return Float64Array.from({ length: co }, (_, o) => {
    let s = b[o]!;
    for (let i = 0; i < ci; i++) s += x[i]! * W.v[i * co + o]!;
    return s;
  });
}

function avgPool(x: Img): Img {
  const h = x.h / 2;
  const w = x.w / 2;
  const v = new Float64Array(h * w * x.c);
  for (let y = 0; y < h; y++)
    for (let xx = 0; xx < w; xx++)
      for (let c = 0; c < x.c; c++) {
        let s = 0;
        for (const [dy, dx] of [[0, 0], [0, 1], [1, 0], [1, 1]] as const) s += x.v[((2 * y + dy) * x.w + 2 * xx + dx) * x.c + c]!;
        v[(y * w + xx) * x.c + c] = s / 4;
      }
  return { h, w, c: x.c, v };
}

/** The documented forward pass for one image, in float64. */
function referenceLogits(img: Img, t: number, p: Params, arch: { chMult: number[]; blocks: number }, sde: VESDE): Float64Array {
  const { alpha, std } = sde.marginal(t);
  const cin = 1 / Math.sqrt(alpha * alpha + std * std);
  const Wf = p.get('temb.fourier.W')!.v;
  const proj = Array.from(Wf, (w) => 2 * Math.PI * Math.log(std) * w);
  const emb = Float64Array.from([...proj.map(Math.sin), ...proj.map(Math.cos)]);
  const e = dense(dense(emb, p, 'temb.dense0').map(silu), p, 'temb.dense1');
  let h = conv3({ ...img, v: img.v.map((v) => v * cin) }, p, 'conv_in');
  let n = 0;
  arch.chMult.forEach((_, level) => {
    if (level > 0) h = conv3(avgPool(h), p, `down${level}`);
    for (let b = 0; b < arch.blocks; b++, n++) {
      let r = conv3(groupNormSilu(h, p, `block${n}.norm0`), p, `block${n}.conv0`);
      const te = dense(e.map(silu), p, `block${n}.temb`);
      r = { ...r, v: r.v.map((v, i) => v + te[i % r.c]!) };
      r = conv3(groupNormSilu(r, p, `block${n}.norm1`), p, `block${n}.conv1`);
      h = { ...h, v: h.v.map((v, i) => v + r.v[i]!) };
    }
  });
  const a = groupNormSilu(h, p, 'head.norm');
  const pooled = Float64Array.from({ length: a.c }, (_, c) => {
    let s = 0;
    for (let q = 0; q < a.h * a.w; q++) s += a.v[q * a.c + c]!;
    return s / (a.h * a.w);
  });
  return dense(pooled, p, 'head.dense');
}

describe('conv classifier levels', () => {
  it('logits equal a float64 reference of the documented architecture (3 levels, random weights)', async () => {
    const sde = new VESDE({ sigmaMin: 0.01, sigmaMax: 25 });
    const arch = { shape: [8, 8, 2], numClasses: 3, channels: 4, blocks: 1, chMult: [1, 2, 3] };
    const clf = new ConvClassifier(arch, sde, 4);
    const rng = new Rng(21);
    const p: Params = new Map();
    for (const { key, shape } of clf.paramSpecs()) {
      const n = shape.reduce((a, b) => a * b, 1);
      const v = Float32Array.from(rng.normalArray(n), (z) => (key === 'temb.fourier.W' ? z : 0.4 * z));
      clf.params.get(key)!.assign(tf.tensor(v, shape));
      p.set(key, { shape, v: Float64Array.from(v) });
    }
    expect(p.get('down2.weight')!.shape).toEqual([3, 3, 8, 12]);
    expect(p.get('head.dense.weight')!.shape).toEqual([12, 3]);
    const B = 3;
    const x = Float32Array.from(rng.normalArray(B * 128));
    const times = Float32Array.from([0.2, 0.55, 0.9]);
    const got = await clf.logits(tf.tensor4d(x, [B, 8, 8, 2]), times).data();
    for (let b = 0; b < B; b++) {
      const ref = referenceLogits({ h: 8, w: 8, c: 2, v: Float64Array.from(x.subarray(b * 128, (b + 1) * 128)) }, times[b]!, p, arch, sde);
      const scale = Math.max(...ref.map(Math.abs));
      for (let k = 0; k < 3; k++) expect(Math.abs(got[b * 3 + k]! - ref[k]!)).toBeLessThan(1e-4 * scale);
    }
    clf.dispose();
  });

  it('one level keeps the one-level parameter names; more levels add down-sampling convs', () => {
    const sde = new VESDE();
    const names = (chMult?: number[]) => new ConvClassifier({ shape: [8, 8, 1], numClasses: 2, channels: 4, blocks: 2, chMult }, sde).paramSpecs().map((s) => s.key);
    const one = names(undefined);
    expect(names([1])).toEqual(one);
    expect(one.some((k) => k.startsWith('down'))).toBe(false);
    expect(one).toContain('block1.conv1.weight');
    const three = names([1, 2, 2]);
    expect(three).toContain('down1.weight');
    expect(three).toContain('down2.bias');
    expect(three).toContain('block5.conv1.weight');
    expect(three).not.toContain('block6.conv1.weight');
  });

  it('a multi-level checkpoint round-trips and refuses a different architecture on resume', async () => {
    const sde = new VESDE({ sigmaMin: 0.01, sigmaMax: 5 });
    const rng = new Rng(3);
    const labels = Int32Array.from({ length: 64 }, (_, i) => i % 2);
    const x = Float32Array.from({ length: 64 * 64 }, (_, i) => (labels[Math.floor(i / 64)] === 1 && (i % 64) < 32 ? 1 : 0) + 0.1 * rng.normal());
    const arch = { shape: [8, 8, 1], channels: 4, blocks: 1, chMult: [1, 2] };
    const dir = mkdtempSync(join(tmpdir(), 'clf-levels-'));
    const ck = join(dir, 'c.safetensors');
    const r = await trainClassifier({ data: { x, labels }, sde, arch, steps: 4, batchSize: 16, seed: 1, checkpoint: ck });
    const loaded = await loadConvClassifier(ck);
    expect(loaded.arch.chMult).toEqual([1, 2]);
    const probe = new Rng(5).normalTensor([4, 8, 8, 1]);
    const a = await r.classifier.logProbs(probe, 0.4).data();
    const b = await loaded.logProbs(probe, 0.4).data();
    a.forEach((v, i) => expect(b[i]).toBe(v));
    await expect(trainClassifier({ data: { x, labels }, sde, arch: { ...arch, chMult: [1, 1] }, steps: 6, resume: ck })).rejects.toThrow(/cannot resume: checkpoint architecture/);
    for (const c of [r.classifier, r.raw, loaded]) c.dispose();
    probe.dispose();
  });

  it('bad architectures are one clear line', () => {
    const base = { shape: [8, 8, 1], numClasses: 2 };
    expect(() => resolveArch({ ...base, chMult: [] })).toThrow(/chMult must be a non-empty list of positive integers/);
    expect(() => resolveArch({ ...base, chMult: [1, 0] })).toThrow(/chMult must be a non-empty list of positive integers, got \[1,0\]/);
    expect(() => resolveArch({ ...base, chMult: [1, 1.5] })).toThrow(/positive integers/);
    expect(() => resolveArch({ shape: [12, 12, 1], numClasses: 2, chMult: [1, 1, 1, 1] })).toThrow(/4 levels halve the image 3 times, so H and W must be multiples of 8, got 12×12/);
    expect(resolveArch({ shape: [12, 12, 1], numClasses: 2, chMult: [1, 2, 2] }).chMult).toEqual([1, 2, 2]);
  });
});
