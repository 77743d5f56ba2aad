/**
 * Network construction and loading: config validation, weights/config disagreement (one line
 * naming the tensor), DataParallel prefix, F16 checkpoints, state_dict round trip, the 'folder'
 * score model, gradients (vs finite differences), dropout and the reference initialiser.
 */
import { describe, expect, it, beforeAll } from 'vitest';
import { existsSync, mkdtempSync, copyFileSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tf } from '../../src/tf.js';
import { initBackend } from '../../src/engine/backend.js';
import { ScoresdeError } from '../../src/errors.js';
import { Rng } from '../../src/rng/rng.js';
import { encodeSafetensors, readSafetensors, writeSafetensors } from '../../src/io/safetensors.js';
import { networkConfigToJson, parseNetworkConfig } from '../../src/nn/config.js';
import { initNetwork } from '../../src/nn/build.js';
import { loadScoreModelFolder, registerNetworkModels, saveScoreModelFolder } from '../../src/builtins/networks.js';
import { createRegistries } from '../../src/registry/registries.js';
import { Dropout } from '../../src/nn/dropout.js';
import { NetworkScoreModel } from '../../src/score/network.js';
import { VESDE } from '../../src/sde/ve.js';
import { VPSDE } from '../../src/sde/vp.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixture = path.join(here, 'fixtures', 'variants', 've_outskip_inskip_cat');
const baseConfig = JSON.parse(readFileSync(path.join(fixture, 'config.json'), 'utf8')) as {
  model: Record<string, unknown>;
  data: Record<string, unknown>;
  training: Record<string, unknown>;
};

function withModel(over: Record<string, unknown>, data: Record<string, unknown> = {}, training: Record<string, unknown> = {}) {
  return { model: { ...baseConfig.model, ...over }, data: { ...baseConfig.data, ...data }, training: { ...baseConfig.training, ...training } };
}

function oneLineError(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ScoresdeError);
    expect((e as Error).message).not.toContain('\n');
    return (e as Error).message;
  }
  throw new Error('expected an error');
}

async function folderWith(weights: Uint8Array, config: unknown = baseConfig): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'model-'));
  writeFileSync(path.join(dir, 'weights.safetensors'), weights);
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config));
  return dir;
}

async function rejection(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ScoresdeError);
    expect((e as Error).message).not.toContain('\n');
    return (e as Error).message;
  }
  throw new Error('expected a rejection');
}

const x = () => tf.tidy(() => tf.tensor4d(new Rng(3).normalArray(2 * 8 * 8 * 2), [2, 8, 8, 2]));
const t = new Float32Array([0.2, 0.7]);

beforeAll(async () => {
  await initBackend('cpu');
});

describe('config validation', () => {
  it('accepts the reference options and refuses unsupported ones by name', () => {
    expect(parseNetworkConfig(baseConfig).progressive).toBe('output_skip');
    expect(oneLineError(() => parseNetworkConfig(withModel({ name: 'ncsnv2' })))).toMatch(/model\.name "ncsnv2" is not supported \(choose ncsnpp, ddpm\)/);
    expect(oneLineError(() => parseNetworkConfig(withModel({ resblock_type: 'wide' })))).toMatch(/model\.resblock_type/);
    expect(oneLineError(() => parseNetworkConfig(withModel({ progressive: 'cascade' })))).toMatch(/model\.progressive "cascade"/);
    expect(oneLineError(() => parseNetworkConfig(withModel({ embedding_type: 'fourier' }, {}, { continuous: false })))).toMatch(
      /embedding_type 'fourier' needs training\.continuous/,
    );
    expect(oneLineError(() => parseNetworkConfig(withModel({ name: 'ddpm', nf: 16 })))).toMatch(/GroupNorm\(32\) needs multiples of 32/);
    expect(oneLineError(() => parseNetworkConfig(withModel({ ch_mult: [1, 2, 2, 2] }, { image_size: 12 })))).toMatch(/data\.image_size 12 must be divisible by/);
    expect(oneLineError(() => parseNetworkConfig(withModel({ nf: 'many' })))).toMatch(/model\.nf must be a number/);
    expect(oneLineError(() => parseNetworkConfig(withModel({}, {}, { sde: 'cld' })))).toMatch(/training\.sde "cld" is not supported/);
    expect(oneLineError(() => parseNetworkConfig({ model: baseConfig.model }))).toMatch(/'data' section is missing/);
  });
});

describe('weights that disagree with the config', () => {
  it('missing tensor, wrong shape, unexpected tensor, truncated file: one line naming the tensor', async () => {
    const { tensors } = await readSafetensors(path.join(fixture, 'weights.safetensors'));
    const missing = new Map(tensors);
    missing.delete('all_modules.5.Conv_1.weight');
    expect(await rejection(loadScoreModelFolder(await folderWith(encodeSafetensors(missing))))).toMatch(
      /weights\.safetensors: missing tensor 'all_modules\.5\.Conv_1\.weight'/,
    );
    const wide = await folderWith(readFileSync(path.join(fixture, 'weights.safetensors')), withModel({ nf: 16 }));
    expect(await rejection(loadScoreModelFolder(wide))).toMatch(/tensor '[\w.]+' has shape \[\d+(,\d+)*\] but the config needs \[\d+(,\d+)*\]/);
    const extra = new Map(tensors);
    extra.set('all_modules.99.W', { shape: [1], data: new Float32Array(1) });
    expect(await rejection(loadScoreModelFolder(await folderWith(encodeSafetensors(extra))))).toMatch(/unexpected tensor 'all_modules\.99\.W'/);
    const full = readFileSync(path.join(fixture, 'weights.safetensors'));
    expect(await rejection(loadScoreModelFolder(await folderWith(full.subarray(0, full.length - 100))))).toMatch(/tensor '[\w.]+': truncated file/);
    const dir = mkdtempSync(path.join(tmpdir(), 'model-'));
    expect(await rejection(loadScoreModelFolder(dir))).toMatch(/cannot read .*config\.json: ENOENT/);
  });

  it('accepts a DataParallel module. prefix, a missing sigmas buffer and F16 storage', async () => {
    const ref = await loadScoreModelFolder(fixture);
    const { tensors } = await readSafetensors(path.join(fixture, 'weights.safetensors'));
    const prefixed = new Map([...tensors].filter(([k]) => k !== 'sigmas').map(([k, v]) => [`module.${k}`, v]));
    const m1 = await loadScoreModelFolder(await folderWith(encodeSafetensors(prefixed)));
    // F16 except the fixed Fourier features (see EncodeSafetensorsOptions.dtype)
    const m2 = await loadScoreModelFolder(await folderWith(encodeSafetensors(tensors, { dtype: (k) => (k === 'all_modules.0.W' ? 'F32' : 'F16') })));
    const xs = x();
    const [a, b, c] = [ref, m1, m2].map((m) => m.score(xs, t));
    expect(tf.max(tf.abs(tf.sub(a!, b!))).arraySync()).toBe(0);
    const rel = (tf.max(tf.abs(tf.sub(a!, c!))).arraySync() as number) / (tf.max(tf.abs(a!)).arraySync() as number);
    expect(rel).toBeGreaterThan(0); // F16 really rounds the weights...
    console.log(`F16 weights: max score deviation ${rel.toExponential(2)} of max|score|`);
    expect(rel).toBeLessThan(3e-3); // ...to half precision only
    tf.dispose([xs, a!, b!, c!]);
    [ref, m1, m2].forEach((m) => m.dispose());
  });
});

describe('state_dict round trip and registry', () => {
  it('stateDict() → safetensors → load reproduces the network bit for bit', async () => {
    const cfg = parseNetworkConfig(baseConfig);
    const net = initNetwork(cfg, new Rng(11));
    const dir = mkdtempSync(path.join(tmpdir(), 'model-'));
    await writeSafetensors(path.join(dir, 'weights.safetensors'), await net.params.stateDict());
    copyFileSync(path.join(fixture, 'config.json'), path.join(dir, 'config.json'));
    expect(oneLineError(() => new NetworkScoreModel(net, new VPSDE()))).toMatch(/trained for training\.sde 'vesde' but used with SDE 'vp'/);
    const a = new NetworkScoreModel(net, new VESDE({ sigmaMin: 0.01, sigmaMax: 50, N: 1000 }));
    const b = await loadScoreModelFolder(dir);
    const xs = x();
    const [sa, sb] = [a.score(xs, t), b.score(xs, t)];
    expect(Array.from(sa.dataSync())).toEqual(Array.from(sb.dataSync()));
    // one shared time = the same time per sample
    const [s1, s2] = [a.score(xs, 0.4), a.score(xs, new Float32Array([0.4, 0.4]))];
    expect(Array.from(s1.dataSync())).toEqual(Array.from(s2.dataSync()));
    expect(() => a.score(xs, new Float32Array([0.4]))).toThrow(/got 1 times for a batch of 2/);
    expect(() => a.score(tf.zeros([1, 8, 8, 1]), 0.4)).toThrow(/input shape \[1,8,8,1\] does not match the network's \[B, 8, 8, 2\]/);
    tf.dispose([xs, sa, sb, s1, s2]);
    a.dispose();
    b.dispose();
  });

  it("'folder' score model resolves folder:DIR relative to cwd", async () => {
    const reg = createRegistries();
    registerNetworkModels(reg);
    const m = await reg.scoreModels.create('folder', {}, { spec: path.basename(fixture), cwd: path.dirname(fixture), registries: reg });
    expect(m.sampleShape).toEqual([8, 8, 2]);
    expect(m.sde.name).toBe('ve');
    m.dispose?.();
    await expect(reg.scoreModels.create('folder', {}, { spec: '', cwd: here, registries: reg })).rejects.toThrow(/needs a directory/);
  });
});

describe('training support', () => {
  it('input gradient matches central finite differences (float64-free check on cpu)', () => {
    const cfg = parseNetworkConfig(withModel({ dropout: 0 }));
    const net = initNetwork(cfg, new Rng(5));
    const labels = tf.tensor1d([0.5, 3]);
    const xs = x();
    const dir = tf.tidy(() => tf.tensor4d(new Rng(9).normalArray(2 * 8 * 8 * 2), [2, 8, 8, 2]));
    const f = (z: tf.Tensor) => tf.sum(tf.mul(net.forward(z, labels), dir));
    const g = tf.grad(f)(xs);
    const analytic = tf.sum(tf.mul(g, dir)).arraySync() as number;
    const h = 1e-2;
    const fd = ((f(tf.add(xs, tf.mul(dir, h))).arraySync() as number) - (f(tf.sub(xs, tf.mul(dir, h))).arraySync() as number)) / (2 * h);
    expect(Math.abs(analytic - fd)).toBeLessThan(2e-3 * Math.abs(fd) + 1e-3);
    const { grads } = tf.variableGrads(() => tf.sum(tf.square(net.forward(xs, labels))) as tf.Scalar, net.params.trainableVariables());
    const names = Object.keys(grads);
    expect(names.length).toBe(net.params.trainableVariables().length);
    expect(names.every((k) => Number.isFinite(tf.sum(tf.abs(grads[k]!)).arraySync() as number))).toBe(true);
    net.dispose();
  });

  it('score(x, t) is differentiable in x (for guidance through the denoiser) without leaking tensors', async () => {
    const m = await loadScoreModelFolder(path.join(here, 'fixtures', 'variants', 'vp_ddpmres_fir_residual'));
    const xs = tf.tensor4d(new Rng(1).normalArray(4 * 64), [4, 8, 8, 1]);
    const dir = tf.tensor4d(new Rng(2).normalArray(4 * 64), [4, 8, 8, 1]);
    const f = (z: tf.Tensor) => tf.sum(tf.mul(m.score(z, 0.5), dir));
    tf.tidy(() => tf.grad(f)(xs)); // warm-up caches
    const before = tf.memory().numTensors;
    const analytic = tf.tidy(() => tf.sum(tf.mul(tf.grad(f)(xs), dir)).arraySync() as number);
    expect(tf.memory().numTensors).toBe(before);
    const h = 1e-2;
    const fd = tf.tidy(() => ((f(tf.add(xs, tf.mul(dir, h))).arraySync() as number) - (f(tf.sub(xs, tf.mul(dir, h))).arraySync() as number)) / (2 * h));
    expect(Math.abs(analytic - fd)).toBeLessThan(2e-3 * Math.abs(fd));
    tf.dispose([xs, dir]);
    m.dispose();
  });

  it('dropout: off in eval, seeded in training, rate respected', () => {
    const cfg = parseNetworkConfig(withModel({ dropout: 0.5 }));
    const net = initNetwork(cfg, new Rng(5));
    const labels = tf.tensor1d([0.5, 3]);
    const xs = x();
    const ev1 = net.forward(xs, labels).dataSync();
    const ev2 = net.forward(xs, labels, { training: false, dropoutSeed: 1 }).dataSync();
    expect(Array.from(ev1)).toEqual(Array.from(ev2));
    const a = net.forward(xs, labels, { training: true, dropoutSeed: 42 }).dataSync();
    const b = net.forward(xs, labels, { training: true, dropoutSeed: 42 }).dataSync();
    const c = net.forward(xs, labels, { training: true, dropoutSeed: 43 }).dataSync();
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
    expect(Array.from(a)).not.toEqual(Array.from(ev1));
    net.dispose();
    const ones = tf.ones([100000]);
    const d = new Dropout(0.3, 'probe').apply(ones, { training: true, dropoutSeed: 7 }).dataSync();
    const kept = d.filter((v) => v !== 0);
    expect(Math.abs(kept.length / d.length - 0.7)).toBeLessThan(0.01); // ±7σ of Binomial(1e5, 0.7)
    expect(kept.every((v) => Math.abs(v - 1 / 0.7) < 1e-6)).toBe(true);
  });

  it('initialiser follows default_init: U(±√(3·scale/fan_avg)), zero biases, unit GroupNorm', () => {
    const cfg = parseNetworkConfig(baseConfig);
    const net = initNetwork(cfg, new Rng(1));
    const w = net.params.get('all_modules.3.weight').dataSync(); // conv3x3(2 → 8): fan_in 18, fan_out 72
    const bound = Math.sqrt(3 / ((18 + 72) / 2));
    let m2 = 0;
    for (const v of w) {
      expect(Math.abs(v)).toBeLessThanOrEqual(bound);
      m2 += v * v;
    }
    expect(m2 / w.length).toBeGreaterThan(0.8 * (bound * bound) / 3);
    expect(m2 / w.length).toBeLessThan(1.2 * (bound * bound) / 3);
    expect(Array.from(net.params.get('all_modules.3.bias').dataSync())).toEqual(new Array(8).fill(0));
    expect(Array.from(net.params.get('all_modules.4.GroupNorm_0.weight').dataSync())).toEqual(new Array(8).fill(1));
    const W = net.params.get('all_modules.0.W').dataSync(); // Fourier W ~ N(0, 16²)
    const sd = Math.sqrt(W.reduce((s, v) => s + v * v, 0) / W.length);
    expect(sd).toBeGreaterThan(6);
    expect(sd).toBeLessThan(30);
    expect(net.params.trainableVariables().length).toBe(net.params.keys().length - 2); // W and sigmas are fixed
    net.dispose();
  });
});

describe('gradients on wasm (training on the default CPU backend)', () => {
  const cases: Record<string, Record<string, unknown>> = {
    'ncsnpp biggan FIR, output_skip, residual input': { fir: true, progressive: 'output_skip', progressive_input: 'residual' },
    'ncsnpp resblock ddpm FIR conv up/down, residual pyramids': { fir: true, resblock_type: 'ddpm', progressive: 'residual', progressive_input: 'residual', embedding_type: 'positional' },
    'ncsnpp no FIR, nearest/avg-pool, input_skip': { fir: false, resamp_with_conv: false, resblock_type: 'ddpm', progressive: 'output_skip', progressive_input: 'input_skip', embedding_type: 'positional' },
    'ddpm nearest+conv / strided conv': { name: 'ddpm', nf: 32, ch_mult: [1, 1] },
  };
  it.each(Object.keys(cases))('%s: every parameter gradient matches cpu', async (label) => {
    const model = { ...baseConfig.model, nf: 8, ch_mult: [1, 2], dropout: 0, progressive_combine: 'sum', ...cases[label] };
    const cfg = parseNetworkConfig({ model, data: { ...baseConfig.data, num_channels: 1 }, training: { sde: 'vesde', continuous: true } });
    const grads: Float32Array[][] = [];
    for (const backend of ['cpu', 'wasm']) {
      await initBackend(backend);
      const net = initNetwork({ ...cfg, initScale: 1 }, new Rng(2));
      const xs = tf.tensor4d(new Rng(4).normalArray(2 * 8 * 8), [2, 8, 8, 1]);
      const labels = tf.tensor1d([0.5, 3]);
      const vars = net.params.trainableVariables();
      const { grads: g } = tf.variableGrads(() => tf.sum(tf.square(net.forward(xs, labels))) as tf.Scalar, vars);
      grads.push(vars.map((v) => g[v.name]!.dataSync() as Float32Array));
      tf.dispose([xs, labels, ...Object.values(g)]);
      net.dispose();
    }
    await initBackend('cpu');
    expect(grads[1]!.length).toBe(grads[0]!.length);
    // Some gradients are zero in exact arithmetic (biases and time-embedding shifts removed by a
    // following one-channel-per-group GroupNorm, attention key biases under softmax) and are
    // float noise ~1e-20 of the largest; compare each parameter relative to its own scale, with a
    // floor of 1e-6 of the largest gradient.
    const globalMax = Math.max(...grads[0]!.map((a) => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0)));
    expect(globalMax).toBeGreaterThan(0);
    let worst = 0;
    grads[0]!.forEach((a, i) => {
      const b = grads[1]![i]!;
      const scale = Math.max(a.reduce((m, v) => Math.max(m, Math.abs(v)), 0), 1e-3 * globalMax);
      for (let j = 0; j < a.length; j++) worst = Math.max(worst, Math.abs(a[j]! - b[j]!) / scale);
    });
    expect(worst).toBeLessThan(1e-3);
  });
});

describe('saving model folders', () => {
  it('networkConfigToJson round-trips every fixture config', () => {
    const dirs = [
      ...['ncsnpp_ve', 'ddpmpp_vp', 'ddpm_vp'].map((n) => path.resolve(here, '..', '..', '..', '..', '..', 'shared', 'parity', n)).filter((d) => existsSync(d)),
      ...['ve_outskip_inskip_cat', 'vp_ddpmres_fir_residual', 'subvp_nofir_uncond_elu', 've_discrete_posemb', 'vp_discrete', 've_deep_multiattn'].map((n) =>
        path.join(here, 'fixtures', 'variants', n),
      ),
    ];
    for (const d of dirs) {
      const c = parseNetworkConfig(JSON.parse(readFileSync(path.join(d, 'config.json'), 'utf8')));
      expect(parseNetworkConfig(JSON.parse(JSON.stringify(networkConfigToJson(c))))).toEqual(c);
    }
  });

  it('saveScoreModelFolder → loadScoreModelFolder: F32 exact, F16 close with Fourier W kept exact', async () => {
    const cfg = parseNetworkConfig(baseConfig);
    const net = initNetwork({ ...cfg, initScale: 1 }, new Rng(8));
    const model = new NetworkScoreModel(net, new VESDE());
    const d32 = mkdtempSync(path.join(tmpdir(), 'save-'));
    const d16 = mkdtempSync(path.join(tmpdir(), 'save-'));
    await saveScoreModelFolder(d32, net, { extra: { recipe: { seed: 8 } }, metadata: { step: '0' } });
    await saveScoreModelFolder(d16, net, { dtype: 'F16' });
    expect(JSON.parse(readFileSync(path.join(d32, 'config.json'), 'utf8')).recipe).toEqual({ seed: 8 });
    const st16 = await readSafetensors(path.join(d16, 'weights.safetensors'));
    expect(st16.tensors.get('all_modules.0.W')!.dtype).toBe('F32');
    expect(st16.tensors.get('sigmas')!.dtype).toBe('F32');
    expect(st16.tensors.get('all_modules.3.weight')!.dtype).toBe('F16');
    const [m32, m16] = [await loadScoreModelFolder(d32), await loadScoreModelFolder(d16)];
    const xs = x();
    const [a, b, c] = [model.score(xs, t), m32.score(xs, t), m16.score(xs, t)];
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    const rel = (tf.max(tf.abs(tf.sub(a, c))).arraySync() as number) / (tf.max(tf.abs(a)).arraySync() as number);
    expect(rel).toBeGreaterThan(0);
    expect(rel).toBeLessThan(3e-3);
    tf.dispose([xs, a, b, c]);
    [model, m32, m16].forEach((m) => m.dispose());
  });
});
