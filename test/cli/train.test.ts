/**
 * `scoresde train` end to end (the built CLI in a child process): a micro NCSN++ on ellipses,
 * its checkpoint used as `sample --model DIR`, resume through the CLI equal to an
 * uninterrupted run byte for byte on cpu, .npy-stack data, and one-line errors for bad input.
 */
import { describe, expect, it, beforeAll } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { parseNpy } from '@scoresde/core';
import { runCli, tempDir, writeNpyFile, expectOneLineError, cliPath, repoRoot } from '../helpers/cli.js';

const MICRO = {
  model: { name: 'ncsnpp', nf: 8, ch_mult: [1, 2], num_res_blocks: 1, attn_resolutions: [4], fir: false, progressive_input: 'none', embedding_type: 'fourier', scale_by_sigma: true, dropout: 0.1, ema_rate: 0.95 },
  optim: { lr: 5e-4, warmup: 1, grad_clip: 0.5 },
};

let dir: string;
let micro: string;
beforeAll(() => {
  dir = tempDir('scoresde-train-cli-');
  micro = join(dir, 'micro.json');
  writeFileSync(micro, JSON.stringify(MICRO));
});

describe('scoresde train', () => {
  it('trains, reports JSON, writes a model folder that `sample --model DIR` takes', async () => {
    const out = join(dir, 'run');
    const r = await runCli(['train', '--data', 'ellipses', '--size', '16', '--model-config', micro, '--steps', '3', '--batch-size', '4', '--micro-batch', '2', '--lr', '1e-3', '--out', out, '--backend', 'wasm', '--json', '--seed', '1']);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout) as { step: number; steps_run: number; loss: number; steps_per_second: number; backend: string; parameters: number };
    expect(s.step).toBe(3);
    expect(s.steps_run).toBe(3);
    expect(s.loss).toBeGreaterThan(0);
    expect(s.steps_per_second).toBeGreaterThan(0);
    expect(s.backend).toBe('wasm');
    expect(s.parameters).toBeGreaterThan(10_000);
    expect(r.stderr).toMatch(/train: 3\/3 loss \d+\.\d+ .* steps\/s/);
    for (const f of ['weights.safetensors', 'config.json', 'training-state.safetensors']) expect(existsSync(join(out, f))).toBe(true);
    const cfg = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')) as {
      training: { sde: string };
      data: { image_size: number; centered: boolean };
      train: { step: number; data: string; ema_rate: number; micro_batch: number; optim: { lr: number; warmup: number; grad_clip: number } };
    };
    expect(cfg.training.sde).toBe('vesde');
    expect(cfg.data).toMatchObject({ image_size: 16, centered: false });
    // Flags win over the config file's optim / model.ema_rate, which win over the defaults.
    expect(cfg.train).toMatchObject({ step: 3, data: 'ellipses(size=16,count=100000,seed=0)', ema_rate: 0.95, micro_batch: 2, optim: { lr: 1e-3, warmup: 1, grad_clip: 0.5 } });

    const samples = join(dir, 's.npy');
    const q = await runCli(['sample', '--model', out, '--n', '2', '--steps', '4', '--out', samples, '--backend', 'wasm', '--seed', '2']);
    expect(q.code, q.stderr).toBe(0);
    const arr = parseNpy(readFileSync(samples));
    expect(arr.shape).toEqual([2, 16, 16, 1]);
    expect(arr.data.every((v) => Number.isFinite(v))).toBe(true);

    // A finished run refuses to be overwritten, and --resume to the same step is a no-op.
    expectOneLineError(await runCli(['train', '--data', 'ellipses', '--out', out, '--backend', 'wasm']));
    const again = await runCli(['train', '--out', out, '--resume', '--steps', '3', '--backend', 'wasm', '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect((JSON.parse(again.stdout) as { steps_run: number }).steps_run).toBe(0);
  });

  it('resume through the CLI equals an uninterrupted run byte for byte (cpu, .npy stack data)', async () => {
    const stack = new Float32Array(5 * 8 * 8).map((_, i) => ((i * 37) % 101) / 100);
    const data = writeNpyFile(join(dir, 'stack.npy'), stack, [5, 8, 8, 1]);
    const common = ['--data', data, '--model-config', micro, '--batch-size', '2', '--warmup', '1', '--lr', '1e-3', '--ema', '0.9', '--seed', '4', '--backend', 'cpu', '--quiet'];
    const full = join(dir, 'full');
    const half = join(dir, 'half');
    const a = await runCli(['train', ...common, '--steps', '3', '--out', full]);
    expect(a.code, a.stderr).toBe(0);
    const b = await runCli(['train', ...common, '--steps', '1', '--out', half]);
    expect(b.code, b.stderr).toBe(0);
    const c = await runCli(['train', '--out', half, '--resume', '--steps', '3', '--backend', 'cpu', '--quiet']);
    expect(c.code, c.stderr).toBe(0);
    expect(readFileSync(join(half, 'weights.safetensors')).equals(readFileSync(join(full, 'weights.safetensors')))).toBe(true);
    expect(readFileSync(join(half, 'training-state.safetensors')).equals(readFileSync(join(full, 'training-state.safetensors')))).toBe(true);
    // An option that contradicts the saved run is refused.
    const line = expectOneLineError(await runCli(['train', '--out', half, '--resume', '--steps', '4', '--batch-size', '3', '--backend', 'cpu']));
    expect(line).toMatch(/--resume: batchSize: 3 given, the run has 2/);
  });

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('%s saves a checkpoint at the step reached and exits %i; --resume continues from it', async (signal, exitCode) => {
    const out = join(dir, `interrupted-${signal}`);
    const child = spawn(process.execPath, [cliPath, 'train', '--data', 'shapes', '--size', '8', '--model-config', micro, '--steps', '40', '--batch-size', '2', '--out', out, '--backend', 'wasm', '--json'], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let sent = false;
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      if (!sent && /train: \d+\/40/.test(d.toString())) {
        sent = true;
        child.kill(signal);
      }
    });
    const code = await new Promise<number>((res) => child.on('close', (c) => res(c ?? -1)));
    expect(code).toBe(exitCode);
    const s = JSON.parse(stdout) as { interrupted: boolean; step: number };
    expect(s.interrupted).toBe(true);
    expect(s.step).toBeGreaterThanOrEqual(1);
    expect(s.step).toBeLessThan(40);
    const cfg = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')) as { train: { step: number } };
    expect(cfg.train.step).toBe(s.step);
    const r = await runCli(['train', '--out', out, '--resume', '--steps', String(s.step + 1), '--backend', 'wasm', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ start_step: s.step, step: s.step + 1 });
  });

  it('--workers 2 trains on two threads exactly like --micro-batch 2 in one (wasm), and refuses webgpu', async () => {
    const common = ['--data', 'ellipses', '--size', '8', '--model-config', micro, '--steps', '2', '--batch-size', '4', '--seed', '6', '--backend', 'wasm'];
    const one = join(dir, 'one-thread');
    const two = join(dir, 'two-workers');
    const a = await runCli(['train', ...common, '--micro-batch', '2', '--out', one, '--quiet']);
    expect(a.code, a.stderr).toBe(0);
    const b = await runCli(['train', ...common, '--workers', '2', '--out', two]);
    expect(b.code, b.stderr).toBe(0);
    expect(b.stderr).toMatch(/backend wasm \(2 worker threads\)/);
    expect(readFileSync(join(two, 'weights.safetensors')).equals(readFileSync(join(one, 'weights.safetensors')))).toBe(true);
    expect(readFileSync(join(two, 'training-state.safetensors')).equals(readFileSync(join(one, 'training-state.safetensors')))).toBe(true);
    expect((JSON.parse(readFileSync(join(two, 'config.json'), 'utf8')) as { train: { micro_batch: number } }).train.micro_batch).toBe(2);
    const line = expectOneLineError(await runCli(['train', ...common, '--workers', '0', '--out', join(dir, 'w0')]));
    expect(line).toMatch(/--workers/);
    const gpuLine = expectOneLineError(await runCli(['train', ...common.slice(0, -1), 'webgpu', '--workers', '2', '--out', join(dir, 'wgpu')]));
    expect(gpuLine).toMatch(/--workers splits the work over CPU cores \(wasm or cpu backend\), not webgpu|backend 'webgpu' cannot start/);
    expect(existsSync(join(dir, 'wgpu', 'weights.safetensors'))).toBe(false);
  });

  it('bad input gives one line and writes nothing', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"model": ');
    const odd = join(dir, 'odd.json');
    writeFileSync(odd, JSON.stringify({ model: { ...MICRO.model, ch_mult: [1, 2, 2, 2] } }));
    const cases: [string[], RegExp][] = [
      [['--data', 'faces'], /--data 'faces': not 'ellipses', 'shapes', an existing PNG folder or a \.npy file/],
      [['--data', 'ellipses', '--model-config', 'huge'], /--model-config 'huge': not a preset/],
      [['--data', 'ellipses', '--model-config', bad], /--model-config .*bad\.json: cannot read JSON/],
      [['--data', 'ellipses', '--size', '12', '--model-config', odd], /image_size 12 must be divisible by 2\^\(len\(model\.ch_mult\) − 1\) = 8/],
      [['--data', 'ellipses', '--sde', 'ou'], /--sde 'ou': training supports ve, vp, subvp/],
      [['--data', 'ellipses', '--sde-set', 'sigma=3'], /unknown SDE setting 'sigma'/],
      [['--data', 'shapes', '--size', '16', '--model-config', micro, '--ema', '2'], /ema rate must lie in \[0, 1\]/],
      [['--resume'], /cannot resume: .*training-state\.safetensors does not exist/],
      [[], /--data is required/],
    ];
    for (const [args, re] of cases) {
      const out = join(dir, `bad-${Math.random().toString(36).slice(2)}`);
      const r = await runCli(['train', ...args, '--out', out, '--backend', 'cpu', '--steps', '1']);
      expect(expectOneLineError(r), args.join(' ')).toMatch(re);
      expect(existsSync(join(out, 'weights.safetensors'))).toBe(false);
    }
  });
});
