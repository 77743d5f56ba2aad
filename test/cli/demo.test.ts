/**
 * `scoresde demo --quick` end to end (the built CLI in a child process, the shipped model packs):
 * every output file exists with the right shape, the table has every task × method with finite
 * PSNR / SSIM per phantom, and bad input is one error line. Quality is not asserted here (a quick
 * run takes 3 PC steps); the measured full-run numbers are in the pack READMEs.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { runCli, tempDir, expectOneLineError } from '../helpers/cli.js';

interface Stat {
  mean: number;
  std: number;
  values: number[];
}
interface Report {
  settings: { phantoms: number; samples: number; steps: number; quick: boolean; phantomSeed: number };
  prior: string;
  backend: string;
  tasks: { id: string; grid: string; nfe: number; methods: Record<'naive' | 'tv' | 'ours', { label: string; psnr: Stat; ssim: Stat }>; gain: { naive: number; tv: number } }[];
  shapes?: { perClass: number; file: string };
  seconds: number;
}

describe('scoresde demo', () => {
  it('--quick writes the grids, the markdown and JSON tables, and prints the table', async () => {
    const out = join(tempDir('scoresde-demo-'), 'demo');
    const r = await runCli(['demo', '--quick', '--out', out, '--backend', 'wasm']);
    expect(r.code, r.stderr).toBe(0);
    for (const f of ['ct-23.png', 'mri-4x.png', 'mri-8x.png', 'shapes-classes.png', 'results.md', 'results.json']) expect(existsSync(join(out, f)), f).toBe(true);

    const rep = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as Report;
    expect(rep.settings).toMatchObject({ phantoms: 2, samples: 2, steps: 3, quick: true, phantomSeed: 1000 });
    expect(rep.prior).toBe('prior-ellipses-64');
    expect(rep.backend).toBe('wasm');
    expect(rep.tasks.map((t) => t.id)).toEqual(['ct-23', 'mri-4x', 'mri-8x']);
    for (const t of rep.tasks) {
      expect(t.methods.naive.label).toBe(t.id === 'ct-23' ? 'FBP' : 'zero-filled');
      // PC: a predictor and a corrector evaluation per step, plus the final denoising step.
      expect(t.nfe).toBeGreaterThanOrEqual(6);
      for (const m of ['naive', 'tv', 'ours'] as const) {
        const v = t.methods[m];
        expect(v.psnr.values).toHaveLength(2);
        expect(v.ssim.values).toHaveLength(2);
        for (const p of v.psnr.values) expect(Number.isFinite(p)).toBe(true);
        for (const s of v.ssim.values) expect(Math.abs(s)).toBeLessThanOrEqual(1);
        expect(v.psnr.mean).toBeCloseTo((v.psnr.values[0]! + v.psnr.values[1]!) / 2, 10);
      }
      expect(t.gain.naive).toBeCloseTo(t.methods.ours.psnr.mean - t.methods.naive.psnr.mean, 10);
      // Rows: phantoms; columns: truth | naive | TV | ours | |error| | std, 64² tiles, 2-pixel gaps.
      const meta = await sharp(join(out, `${t.id}.png`)).metadata();
      expect([meta.width, meta.height]).toEqual([6 * 64 + 5 * 2, 2 * 64 + 2]);
    }
    // Baselines see the real measurement, so even a quick run gives them sensible numbers.
    expect(rep.tasks[0]!.methods.naive.psnr.mean).toBeGreaterThan(18);
    const shapes = await sharp(join(out, 'shapes-classes.png')).metadata();
    expect([shapes.width, shapes.height]).toEqual([32, 4 * 32 + 3 * 2]);

    const md = readFileSync(join(out, 'results.md'), 'utf8');
    const rows = md.split('\n').filter((l) => /^\| (CT|MRI)/.test(l));
    expect(rows).toHaveLength(9 + 3);
    expect(md).toContain('| task | method | PSNR (dB) | SSIM |');
    expect(r.stdout).toContain('| CT, 23 views | FBP |');
    expect(r.stdout).toContain('| MRI, 8× Cartesian | ours (posterior mean) |');
  }, 240_000);

  it('refuses the training seed as held-out phantoms and a missing pack, in one line', async () => {
    const out = join(tempDir('scoresde-demo-bad-'), 'demo');
    expect(expectOneLineError(await runCli(['demo', '--quick', '--phantom-seed', '0', '--out', out]))).toMatch(/training seed/);
    expect(expectOneLineError(await runCli(['demo', '--quick', '--ellipses-pack', '/nonexistent/pack', '--out', out]))).toMatch(/nonexistent/);
    expect(existsSync(out)).toBe(false);
  }, 60_000);
});

describe('demo fbp-consistency (CT measurement step)', () => {
  it('is stable with the λ/ρ step and drives A x toward y', async () => {
    const { createContainer, registriesOf, initBackend, Rng, tf, VESDE } = await import('@scoresde/core');
    const { registerOperators } = await import('@scoresde/forward-operators');
    const { EllipsesDataset } = await import('@scoresde/datasets');
    const { FbpConsistencyTerm, pinvGain } = await import('../../packages/cli/src/demo/fbpConsistency.js');
    await initBackend('wasm');
    const registries = registriesOf(createContainer({ cwd: '/' }));
    registerOperators(registries);
    const op = await registries.operators.create('radon', { angles: 23 }, { inputShape: [32, 32, 1], cwd: '/', registries });
    const rho = await pinvGain(op);
    // FBP·A amplifies the highest frequencies: ρ well above 1, so a unit step would diverge.
    expect(rho).toBeGreaterThan(1.5);
    const x0 = tf.tensor(new EllipsesDataset({ imageSize: 32, seed: 5 }).batch([0]).x, [1, 32, 32, 1]);
    const y = op.forward(x0);
    const term = new FbpConsistencyTerm(op, y, 1, rho);
    const ctx = { sde: new VESDE(), rng: new Rng(0), priorScore: (x: unknown) => x as never };
    const rel = async (x: import('@scoresde/core').Tensor): Promise<number> => {
      const r = tf.tidy(() => tf.div(tf.norm(tf.sub(op.forward(x), y)), tf.norm(y)));
      const v = (await r.data())[0]!;
      r.dispose();
      return v;
    };
    let x = tf.zeros([1, 32, 32, 1]);
    const start = await rel(x);
    const residuals: number[] = [];
    for (let i = 0; i < 60; i++) {
      // t = 0: no measurement noise (VE std(0) = σ_min = 0.01 is still drawn, as in sampling).
      const n = term.project(x, 0, ctx as never);
      x.dispose();
      x = n;
      if (i % 20 === 19) residuals.push(await rel(x));
    }
    expect(start).toBe(1);
    expect(residuals[0]!).toBeLessThan(0.2);
    expect(residuals[2]!).toBeLessThan(residuals[0]!);
    term.dispose();
    tf.dispose([x, x0, y]);
    op.dispose?.();
  }, 60_000);
});
