#!/usr/bin/env node
/**
 * Benchmark dispatcher: `node bench/run.mjs [--json] [--only NAME[,NAME]]` (or `npm run bench`,
 * which builds first). Imports every bench/suites/*.mjs — each exports
 * `async function run(ctx)` returning rows (plain objects) — and prints one table per suite, or
 * with --json one JSON object {suite: rows}. Suites use the BUILT packages (packages/<pkg>/dist),
 * so run `npx tsc -b` first. Progress goes to stderr.
 */
import { readdirSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const json = args.includes('--json');
const onlyAt = args.indexOf('--only');
const only = onlyAt >= 0 ? (args[onlyAt + 1] ?? '').split(',').filter(Boolean) : null;
if (onlyAt >= 0 && (!only || only.length === 0)) fail('--only needs a suite name');

function fail(msg) {
  process.stderr.write(`bench: ${msg}\n`);
  process.exit(1);
}

async function importBuilt(pkg) {
  const file = join(root, 'packages', pkg, 'dist', 'index.js');
  try {
    return await import(pathToFileURL(file).href);
  } catch (e) {
    fail(`cannot import ${file} (${String(e?.message ?? e).split('\n')[0]}); run \`npx tsc -b\` first`);
  }
}

const suiteDir = join(root, 'bench', 'suites');
const names = readdirSync(suiteDir).filter((f) => f.endsWith('.mjs')).map((f) => basename(f, '.mjs')).sort();
const unknown = (only ?? []).filter((n) => !names.includes(n));
if (unknown.length) fail(`unknown suite ${unknown.join(', ')} (have ${names.join(', ')})`);
const selected = only ? names.filter((n) => only.includes(n)) : names;

const core = await importBuilt('core');
const ctx = {
  core,
  tf: core.tf,
  log: (msg) => process.stderr.write(`${msg}\n`),
  /** Median wall-clock seconds of `fn` (sync or async); options as for timeBoth. */
  async time(fn, opts) {
    return (await ctx.timeBoth(fn, opts)).wall;
  },
  /**
   * Time `fn` (sync or async) after one warm-up: at least `minReps` runs and `minSeconds` total.
   * Returns median seconds of wall time and of this process's CPU time (user + system). On a
   * shared machine wall time is inflated by other processes; for single-threaded backends (wasm,
   * cpu) CPU time is the compute time and gives stable throughput numbers.
   */
  async timeBoth(fn, { minReps = 3, minSeconds = 0.5, maxReps = 20 } = {}) {
    await fn();
    const wall = [];
    const cpu = [];
    const start = performance.now();
    while (wall.length < minReps || ((performance.now() - start) / 1000 < minSeconds && wall.length < maxReps)) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      await fn();
      wall.push((performance.now() - t0) / 1000);
      const c = process.cpuUsage(c0);
      cpu.push((c.user + c.system) / 1e6);
    }
    const median = (a) => a.sort((x, y) => x - y)[Math.floor(a.length / 2)];
    return { wall: median(wall), cpu: median(cpu) };
  },
};

const results = {};
for (const name of selected) {
  const mod = await import(pathToFileURL(join(suiteDir, `${name}.mjs`)).href);
  if (typeof mod.run !== 'function') fail(`suite ${name} does not export run(ctx)`);
  ctx.log(`bench: running ${name} ...`);
  results[name] = await mod.run(ctx);
}

if (json) {
  process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
} else {
  for (const [name, rows] of Object.entries(results)) {
    process.stdout.write(`\n${name}\n${table(rows)}\n`);
  }
}

function table(rows) {
  if (!rows.length) return '(no rows)';
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cell = (v) => (v === undefined || v === null ? '' : typeof v === 'number' ? fmt(v) : String(v));
  const cells = rows.map((r) => cols.map((c) => cell(r[c])));
  const width = cols.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i].length)));
  const line = (vals) => vals.map((v, i) => v.padEnd(width[i])).join('  ').trimEnd();
  return [line(cols), line(width.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

function fmt(v) {
  if (Number.isInteger(v)) return String(v);
  if (Math.abs(v) >= 100) return v.toFixed(0);
  if (Math.abs(v) >= 1) return v.toFixed(2);
  return v.toPrecision(3);
}
