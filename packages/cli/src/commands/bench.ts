/**
 * `scoresde bench [--only NAME[,NAME]] [--compare torch] [--json] [--suites DIR]`: run the benchmark
 * suites of the source checkout (`bench/suites/*.mjs`, each exporting `async function run(ctx)`
 * that returns rows of plain objects) and print one table per suite, or with --json one object
 * {suite: rows}. `node bench/run.mjs` (`npm run bench`) is this same runner.
 *
 * Comparison rows (suites that measure something the PyTorch scripts under bench/torch/ also run)
 * carry `{name, backend, ours_ms, torch_ms, ratio}` with ratio = torch_ms / ours_ms (above 1: we are
 * faster). With `--compare torch`, suites call `ctx.torch(script, spec)`, which runs
 * `python3 bench/torch/<script> SPEC.json` in this same run; when python3 or its torch module is
 * missing it prints one note on stderr and returns null, and the rows keep torch_ms = null.
 * The interpreter is $SCORESDE_PYTHON, else /usr/bin/python3, else python3 on PATH.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Command } from 'commander';
import * as core from '@scoresde/core';
import { ScoresdeError } from '@scoresde/core';
import { printJson } from '../output.js';

export type Row = Record<string, unknown>;

/** One comparison row: ratio = torch_ms / ours_ms, null when either side is missing. */
export interface CompareRow extends Row {
  name: string;
  backend: string;
  ours_ms: number;
  torch_ms: number | null;
  ratio: number | null;
}

export function compareRow(name: string, backend: string, oursMs: number, torchMs: number | null | undefined, extra: Row = {}): CompareRow {
  if (!(oursMs > 0)) throw new ScoresdeError(`bench: row '${name}' has no positive time of ours (${oursMs})`);
  const t = typeof torchMs === 'number' && torchMs > 0 ? torchMs : null;
  return { name, backend, ours_ms: oursMs, torch_ms: t, ratio: t === null ? null : t / oursMs, ...extra };
}

export interface Timing {
  wall: number;
  cpu: number;
}

export interface BenchContext {
  core: typeof core;
  tf: typeof core.tf;
  root: string;
  compare: 'torch' | null;
  /** Backends the network suites (scorenet, recon) run on, in order (default ['wasm']). */
  backends: string[];
  log(msg: string): void;
  time(fn: () => unknown, opts?: TimeOptions): Promise<number>;
  timeBoth(fn: () => unknown, opts?: TimeOptions): Promise<Timing>;
  importBuilt(pkg: string): Promise<Record<string, unknown>>;
  compareRow: typeof compareRow;
  /** Run bench/torch/<script> on a JSON spec; parsed stdout JSON, or null (no compare, no torch). */
  torch(script: string, spec: unknown): Promise<unknown>;
}

export interface TimeOptions {
  minReps?: number;
  minSeconds?: number;
  maxReps?: number;
}

export interface BenchOptions {
  only?: string[];
  compare?: 'torch' | null;
  suites?: string;
  /** Suites given as modules instead of files (a bundled entry, e.g. bench/device/entry.ts). */
  modules?: Record<string, { run?: (c: BenchContext) => Promise<Row[]> }>;
  /** Packages for importBuilt when they are bundled in (name → module). */
  packages?: Record<string, Record<string, unknown>>;
  /** The checkout root (bench/torch lives there); default: where this file was built. */
  root?: string;
  backends?: string[];
  log?: (msg: string) => void;
}

/** The repository root this CLI was built in (dist/commands/bench.js or src/commands/bench.ts → ../../../..). */
export function sourceRoot(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
}

/** Find a python3 that imports torch: {python, version} or {note} saying why not. */
export function findTorch(): { python: string; version: string } | { note: string } {
  const env = process.env.SCORESDE_PYTHON;
  const candidates = env ? [env] : ['/usr/bin/python3', 'python3'];
  let why = '';
  for (const py of candidates) {
    const r = spawnSync(py, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
    if (r.error) {
      why = `${py} not found`;
      continue;
    }
    if (r.status === 0) return { python: py, version: r.stdout.trim() };
    why = `${py} cannot import torch`;
  }
  return { note: `--compare torch: ${why}; rows are printed without torch times` };
}

/** Median of `fn`'s wall and process-CPU seconds after one warm-up run. */
export async function timeBoth(fn: () => unknown, { minReps = 3, minSeconds = 0.5, maxReps = 20 }: TimeOptions = {}): Promise<Timing> {
  await fn();
  const wall: number[] = [];
  const cpu: number[] = [];
  const start = performance.now();
  while (wall.length < minReps || ((performance.now() - start) / 1000 < minSeconds && wall.length < maxReps)) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await fn();
    wall.push((performance.now() - t0) / 1000);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1e6);
  }
  const median = (a: number[]) => a.sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
  return { wall: median(wall), cpu: median(cpu) };
}

/** Run the selected suites; returns {suite: rows}. */
export async function runBench(o: BenchOptions = {}): Promise<Record<string, Row[]>> {
  const root = o.root ?? sourceRoot();
  const dir = o.suites ?? join(root, 'bench', 'suites');
  if (!o.modules && !existsSync(dir)) throw new ScoresdeError(`bench: no suites at ${dir} (the bench command runs from a source checkout, or give --suites DIR)`);
  const names = o.modules
    ? Object.keys(o.modules).sort()
    : readdirSync(dir)
        .filter((f) => f.endsWith('.mjs'))
        .map((f) => basename(f, '.mjs'))
        .sort();
  const unknown = (o.only ?? []).filter((n) => !names.includes(n));
  if (unknown.length) throw new ScoresdeError(`bench: unknown suite ${unknown.join(', ')} (have ${names.join(', ')})`);
  const selected = o.only?.length ? names.filter((n) => o.only!.includes(n)) : names;
  const log = o.log ?? ((m: string) => process.stderr.write(`${m}\n`));
  const compare = o.compare ?? null;
  let torchFound: ReturnType<typeof findTorch> | undefined;
  const ctx: BenchContext = {
    core,
    tf: core.tf,
    root,
    compare,
    backends: o.backends?.length ? o.backends : ['wasm'],
    log,
    time: async (fn, opts) => (await timeBoth(fn, opts)).wall,
    timeBoth,
    compareRow,
    importBuilt: async (pkg) => o.packages?.[pkg] ?? ((await import(pathToFileURL(join(root, 'packages', pkg, 'dist', 'index.js')).href)) as Record<string, unknown>),
    torch: async (script, spec) => {
      if (compare !== 'torch') return null;
      if (!torchFound) {
        torchFound = findTorch();
        if ('note' in torchFound) log(`bench: ${torchFound.note}`);
        else log(`bench: comparing with torch ${torchFound.version} (${torchFound.python})`);
      }
      if ('note' in torchFound) return null;
      const path = join(root, 'bench', 'torch', script);
      const tmp = mkdtempSync(join(tmpdir(), 'scoresde-bench-torch-'));
      try {
        const specFile = join(tmp, 'spec.json');
        writeFileSync(specFile, JSON.stringify(spec));
        const r = spawnSync(torchFound.python, [path, specFile], { encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'inherit'] });
        if (r.status !== 0) throw new ScoresdeError(`bench: ${script} failed (exit ${r.status ?? r.signal}); see its message above`);
        return JSON.parse(r.stdout) as unknown;
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
    },
  };
  const results: Record<string, Row[]> = {};
  for (const name of selected) {
    const mod = o.modules?.[name] ?? ((await import(pathToFileURL(join(dir, `${name}.mjs`)).href)) as { run?: (c: BenchContext) => Promise<Row[]> });
    if (typeof mod.run !== 'function') throw new ScoresdeError(`bench: suite ${name} does not export run(ctx)`);
    log(`bench: running ${name} ...`);
    const rows = await mod.run(ctx);
    if (!Array.isArray(rows)) throw new ScoresdeError(`bench: suite ${name} returned no rows array`);
    results[name] = rows;
  }
  return results;
}

/** Plain-text table of rows (columns in first-seen order; numbers to ~3 significant digits). */
export function formatTable(rows: Row[]): string {
  if (!rows.length) return '(no rows)';
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cell = (v: unknown) => (v === undefined || v === null ? '' : typeof v === 'number' ? fmt(v) : typeof v === 'object' ? JSON.stringify(v) : String(v));
  const cells = rows.map((r) => cols.map((c) => cell(r[c])));
  const width = cols.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i]!.length)));
  const line = (vals: string[]) =>
    vals
      .map((v, i) => v.padEnd(width[i]!))
      .join('  ')
      .trimEnd();
  return [line(cols), line(width.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

function fmt(v: number): string {
  if (Number.isInteger(v)) return String(v);
  if (Math.abs(v) >= 100) return v.toFixed(0);
  if (Math.abs(v) >= 1) return v.toFixed(2);
  return v.toPrecision(3);
}

export function printResults(results: Record<string, Row[]>, json: boolean): void {
  if (json) printJson(results);
  else for (const [name, rows] of Object.entries(results)) process.stdout.write(`\n${name}\n${formatTable(rows)}\n`);
}

interface BenchFlags {
  only?: string;
  compare?: string;
  suites?: string;
  backend?: string;
  json: boolean;
}

/** The bench command; a bundled entry passes its suites, packages and root (see BenchOptions). */
export function benchCommand(bundled: Pick<BenchOptions, 'modules' | 'packages' | 'root'> = {}): Command {
  const cmd = new Command('bench')
    .description('run the benchmark suites (bench/suites) of the source checkout; --compare torch times the same networks in PyTorch')
    .option('--only <names>', 'comma-separated suite names')
    .option('--compare <what>', "also run the PyTorch scripts under bench/torch ('torch')")
    .option('--suites <dir>', 'suite folder (default: bench/suites of the checkout)')
    .option('--backend <list>', 'comma-separated backends for the network suites (scorenet, recon), e.g. wasm,webgpu', 'wasm')
    .option('--json', 'one JSON object {suite: rows} on stdout', false)
    .addHelpText('after', '\nExample:\n  scoresde bench --only scorenet --compare torch --json\n');
  cmd.action(async (o: BenchFlags) => {
    if (o.compare !== undefined && o.compare !== 'torch') throw new ScoresdeError(`--compare: only 'torch' is supported, got '${o.compare}'`);
    const only = o.only?.split(',').filter(Boolean);
    if (o.only !== undefined && !only?.length) throw new ScoresdeError('--only needs a suite name');
    const backends = (o.backend ?? 'wasm').split(',').filter(Boolean);
    const bad = backends.filter((b) => !(core.BACKENDS as readonly string[]).includes(b));
    if (bad.length || !backends.length) throw new ScoresdeError(`--backend: unknown backend '${bad[0] ?? ''}' (choose from ${core.BACKENDS.join(', ')})`);
    const results = await runBench({ ...bundled, only, compare: o.compare === 'torch' ? 'torch' : null, suites: o.suites, backends });
    printResults(results, o.json);
  });
  return cmd;
}
