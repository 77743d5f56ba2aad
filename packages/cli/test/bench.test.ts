import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Rng, buildTrainConfig, createRegistries, initBackend, initNetwork, networkConfigToJson, saveScoreModelFolder, tf, writeNpy } from '@scoresde/core';
import { registerMri } from '@scoresde/forward-operators';
import { ProjectionTerm } from '@scoresde/guidance';
import { compareRow, findTorch, formatTable, runBench, sourceRoot } from '../src/commands/bench.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'scoresde-bench-test-'));
  dirs.push(d);
  return d;
}

/** A suite folder with one suite that asks for a torch run and builds comparison rows from it. */
function suiteDir(): string {
  const d = tmp();
  writeFileSync(
    join(d, 'probe.mjs'),
    `export async function run(ctx) {
      const t = await ctx.torch('scorenet.py', { cases: [] });
      return [ctx.compareRow('probe fwd', 'wasm', 20, t ? 10 : null, { got_torch: t !== null, compare: ctx.compare })];
    }\n`,
  );
  return d;
}

async function withEnv<T>(key: string, value: string | undefined, f: () => Promise<T>): Promise<T> {
  const old = process.env[key];
  if (value === undefined) delete process.env[key];
  else process.env[key] = value;
  try {
    return await f();
  } finally {
    if (old === undefined) delete process.env[key];
    else process.env[key] = old;
  }
}

const torchPython = (() => {
  const r = spawnSync('/usr/bin/python3', ['-c', 'import torch'], { encoding: 'utf8' });
  return !r.error && r.status === 0;
})();

describe('bench rows', () => {
  it('compareRow: {name, backend, ours_ms, torch_ms, ratio = torch_ms / ours_ms} first, extras after', () => {
    const r = compareRow('net fwd', 'wasm', 40, 10, { torch_threads: 2 });
    expect(Object.keys(r).slice(0, 5)).toEqual(['name', 'backend', 'ours_ms', 'torch_ms', 'ratio']);
    expect(r).toMatchObject({ name: 'net fwd', backend: 'wasm', ours_ms: 40, torch_ms: 10, ratio: 0.25, torch_threads: 2 });
    expect(compareRow('x', 'wasm', 5, null)).toMatchObject({ torch_ms: null, ratio: null });
    expect(compareRow('x', 'wasm', 5, undefined).ratio).toBeNull();
    expect(() => compareRow('x', 'wasm', 0, 3)).toThrow(/no positive time of ours/);
  });

  it('formatTable prints the columns in first-seen order with blanks for nulls', () => {
    const t = formatTable([compareRow('a', 'wasm', 2, 4), compareRow('b', 'cpu', 1234.5, null)]).split('\n');
    expect(t[0]!.split(/\s+/)).toEqual(['name', 'backend', 'ours_ms', 'torch_ms', 'ratio']);
    expect(t[2]!.split(/\s+/)).toEqual(['a', 'wasm', '2', '4', '2']);
    expect(t[3]!.split(/\s+/)).toEqual(['b', 'cpu', '1235']);
  });
});

describe('bench runner', () => {
  it('without python/torch: one note, and the rows come without torch times', async () => {
    const notes: string[] = [];
    const res = await withEnv('SCORESDE_PYTHON', '/nonexistent/python3', () =>
      runBench({ suites: suiteDir(), compare: 'torch', log: (m) => notes.push(m) }),
    );
    expect(res.probe).toEqual([{ name: 'probe fwd', backend: 'wasm', ours_ms: 20, torch_ms: null, ratio: null, got_torch: false, compare: 'torch' }]);
    const torchNotes = notes.filter((m) => m.includes('--compare torch'));
    expect(torchNotes).toHaveLength(1);
    expect(torchNotes[0]).toMatch(/\/nonexistent\/python3 not found; rows are printed without torch times/);
    expect(await withEnv('SCORESDE_PYTHON', '/nonexistent/python3', async () => findTorch())).toHaveProperty('note');
  });

  it('without --compare the torch script is not run', async () => {
    const res = await runBench({ suites: suiteDir(), log: () => {} });
    expect(res.probe![0]).toMatchObject({ torch_ms: null, ratio: null, got_torch: false, compare: null });
  });

  it('unknown suites and a missing folder are one-line errors', async () => {
    await expect(runBench({ suites: suiteDir(), only: ['nope'], log: () => {} })).rejects.toThrow(/unknown suite nope \(have probe\)/);
    await expect(runBench({ suites: join(tmp(), 'none'), log: () => {} })).rejects.toThrow(/no suites at/);
  });

  it.skipIf(!torchPython)('with torch: bench/torch/scorenet.py computes our network (our weights) and times it', async () => {
    await initBackend('cpu');
    const cfg = buildTrainConfig({ model: 'ncsnpp-tiny', sde: 've', imageSize: 8, numChannels: 1 });
    const rng = new Rng(11);
    const net = initNetwork(cfg, rng);
    for (const v of net.params.trainableVariables()) v.assign(tf.tidy(() => v.add(rng.normalTensor(v.shape).mul(0.05))));
    const x = rng.normalTensor([2, 8, 8, 1]);
    const lab = new Float32Array([0.05, 7]);
    const y = tf.tidy(() => net.forward(x, tf.tensor1d(lab)));
    const dir = tmp();
    await saveScoreModelFolder(dir, net);
    await writeNpy(join(dir, 'x.npy'), { data: (await x.data()) as Float32Array, shape: x.shape });
    await writeNpy(join(dir, 'labels.npy'), { data: lab, shape: [2] });
    await writeNpy(join(dir, 'out.npy'), { data: (await y.data()) as Float32Array, shape: y.shape });
    const maxRef = Math.max(...Array.from((await y.data()) as Float32Array, Math.abs));
    tf.dispose([x, y]);
    net.dispose();
    const spec = { threads: [1], min_seconds: 0, cases: [{ name: 'tiny', config_path: join(dir, 'config.json'), batch: 2, verify: dir }] };
    writeFileSync(join(dir, 'spec.json'), JSON.stringify(spec));
    const r = spawnSync('/usr/bin/python3', [join(sourceRoot(), 'bench', 'torch', 'scorenet.py'), join(dir, 'spec.json')], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { cases: { name: string; threads: number; fwd_ms: number; fwdbwd_ms: number; verify: { max_abs_diff: number; max_abs_ref: number } }[] };
    expect(out.cases).toHaveLength(1);
    const c = out.cases[0]!;
    expect(c).toMatchObject({ name: 'tiny', threads: 1 });
    expect(c.fwd_ms).toBeGreaterThan(0);
    expect(c.fwdbwd_ms).toBeGreaterThan(0);
    expect(c.verify.max_abs_ref).toBeCloseTo(maxRef, 3);
    expect(maxRef).toBeGreaterThan(1e-2); // perturbed weights: a live network, not zeros
    expect(c.verify.max_abs_diff).toBeLessThan(1e-4 * c.verify.max_abs_ref);
  }, 60_000);

  it.skipIf(!torchPython)('with torch: bench/torch/recon.py projects exactly as our MRI projection and times a PC step', async () => {
    await initBackend('cpu');
    const registries = createRegistries();
    registerMri(registries.operators);
    const n = 16;
    const op = await registries.operators.create('mri', { acceleration: 4, mask: 'random' }, { inputShape: [n, n, 1], cwd: process.cwd(), registries });
    const rng = new Rng(4);
    const truth = rng.normalTensor([1, n, n, 1]);
    const x = rng.normalTensor([1, n, n, 1]);
    const term = new ProjectionTerm({ operator: op, y: op.forward(truth), lambda: 1 });
    const out = term.finalize(x);
    const mask = tf.tidy(() => tf.slice(op.decomposition!.mask(), [0, 0, 0, 0], [1, n, n, 1]));
    const dir = tmp();
    for (const [name, t] of [['x', x], ['truth', truth], ['mask', mask], ['out', out]] as const) {
      await writeNpy(join(dir, `${name}.npy`), { data: (await t.data()) as Float32Array, shape: [n, n] });
    }
    const ones = Array.from((await mask.data()) as Float32Array).filter((v) => v === 1).length;
    expect(ones).toBeGreaterThan(0);
    expect(ones).toBeLessThan(n * n);
    tf.dispose([truth, x, out, mask]);
    const config = networkConfigToJson(buildTrainConfig({ model: 'ncsnpp-tiny', sde: 've', imageSize: 8, numChannels: 1 }));
    writeFileSync(join(dir, 'spec.json'), JSON.stringify({ threads: [1], min_seconds: 0, config, verify: dir }));
    const r = spawnSync('/usr/bin/python3', [join(sourceRoot(), 'bench', 'torch', 'recon.py'), join(dir, 'spec.json')], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const res = JSON.parse(r.stdout) as { verify: { max_abs_diff: number; max_abs_ref: number }; cases: { threads: number; step_ms: number; net_fwd_ms: number }[] };
    expect(res.verify.max_abs_ref).toBeGreaterThan(0.5);
    expect(res.verify.max_abs_diff).toBeLessThan(1e-5 * res.verify.max_abs_ref);
    expect(res.cases).toHaveLength(1);
    expect(res.cases[0]).toMatchObject({ threads: 1 });
    expect(res.cases[0]!.step_ms).toBeGreaterThan(0);
    expect(res.cases[0]!.net_fwd_ms).toBeGreaterThan(0);
  }, 60_000);
});
