/** Run the built `scoresde` CLI as a user would (node packages/cli/dist/main.js). */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeNpy } from '@scoresde/core';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const cliPath = join(repoRoot, 'packages/cli/dist/main.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], {
      cwd: opts.cwd ?? repoRoot,
      env: { ...process.env, ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

export function tempDir(prefix = 'scoresde-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function writeNpyFile(path: string, data: ArrayLike<number>, shape: number[]): string {
  writeFileSync(path, encodeNpy({ data: Float32Array.from(data), shape }));
  return path;
}

/** The error lines a failing command printed: exactly one `scoresde: error:` line and no stack. */
export function expectOneLineError(r: CliResult): string {
  const lines = r.stderr.split('\n').filter((l) => l.trim().length > 0 && !/^\S+: \d+\/\d+/.test(l));
  if (r.code === 0) throw new Error(`expected failure, got exit 0 (stderr: ${r.stderr})`);
  if (lines.length !== 1 || !lines[0]!.startsWith('scoresde: error: ')) {
    throw new Error(`expected one 'scoresde: error:' line, got:\n${r.stderr}`);
  }
  if (/\n\s+at /.test(r.stderr)) throw new Error(`stack trace printed:\n${r.stderr}`);
  return lines[0]!;
}
