/**
 * Distributed batch throughput (issue 8): the identity task on synthetic 512² CT series through
 * `scoresde batch --queue` with 1 and 2 local `scoresde worker` processes on a real redis-server
 * (started here on a free loopback port; the suite reports a note without it). Wall time of the
 * producer (its scan, enqueue and wait), median of five rounds, workers started beforehand.
 *
 * Two layouts: workers free to use every core, and each worker pinned to a core of its own with
 * `taskset` (what a worker per core or per host gives). One worker alone already keeps more than
 * one core busy (file I/O on libuv threads, garbage collection on V8's), so on a 2-core machine
 * the unpinned pair cannot double; the pinned rows show how the queue itself scales.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { makeSlices } from '../lib/ctSlices.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = join(root, 'packages', 'cli', 'dist', 'main.js');
const SERIES = 16;
const SLICES = 64;
const ROUNDS = 5;

const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Spawn and resolve once `ready` matches its stderr (rejects if it exits first or after 30 s). */
function start(cmd, args, ready) {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${cmd} did not start: ${log}`)), 30_000);
    const check = (b) => {
      log += b;
      if (ready.test(log)) {
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stdout.on('data', check);
    child.stderr.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${cmd} exited (${code}) before it was ready: ${log.trim().split('\n').pop()}`));
    });
  });
}

const stop = (child) =>
  new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });

function runBatch(url, inDir, outDir, task) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const p = spawn(process.execPath, [cli, 'batch', '--queue', url, '--in', inDir, '--out', outDir, '--task', task, '--quiet'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (b) => (err += b));
    p.once('exit', (code) => (code === 0 ? resolve((performance.now() - t0) / 1000) : reject(new Error(`batch --queue exited ${code}: ${err.trim()}`))));
  });
}

export async function run() {
  if (!has('redis-server')) return [{ case: 'batch --queue', note: 'redis-server not found (Debian package redis-server); suite skipped' }];
  const ds = await import(pathToFileURL(join(root, 'datasets', 'dist', 'index.js')).href);
  const base = mkdtempSync(join(tmpdir(), 'scoresde-bench-queue-'));
  const rows = [];
  let redis;
  try {
    const inDir = join(base, 'in');
    const total = makeSlices(ds, inDir, { series: SERIES, slices: SLICES, size: 512 });
    const task = join(base, 'task.json');
    writeFileSync(task, JSON.stringify({ model: 'identity', seed: 1 }));
    const port = await freePort();
    redis = await start('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], /Ready to accept connections/);
    const url = `redis://127.0.0.1:${port}`;
    const pinning = has('taskset') && availableParallelism() >= 2;
    const layouts = [
      { workers: 1, pinned: false },
      { workers: 2, pinned: false },
      ...(pinning ? [{ workers: 1, pinned: true }, { workers: 2, pinned: true }] : []),
    ];
    const median = {};
    let round = 0;
    for (const l of layouts) {
      const walls = [];
      for (let r = 0; r < ROUNDS; r++) {
        spawnSync('redis-cli', ['-p', String(port), 'flushall']);
        const workers = await Promise.all(
          Array.from({ length: l.workers }, (_, i) =>
            l.pinned
              ? start('taskset', ['-c', String(i), process.execPath, cli, 'worker', '--queue', url], /worker: ready/)
              : start(process.execPath, [cli, 'worker', '--queue', url], /worker: ready/),
          ),
        );
        const out = join(base, `out${round++}`);
        try {
          walls.push(await runBatch(url, inDir, out, task));
        } finally {
          await Promise.all(workers.map(stop));
          rmSync(out, { recursive: true, force: true });
        }
      }
      walls.sort((a, b) => a - b);
      const key = `${l.workers}${l.pinned ? 'p' : ''}`;
      median[key] = walls[Math.floor(walls.length / 2)];
      const one = median[l.pinned ? '1p' : '1'];
      rows.push({
        case: `identity, ${SERIES} series × ${SLICES} slices 512², ${l.workers} worker${l.workers > 1 ? 's' : ''}${l.pinned ? ', one core each (taskset)' : ', all cores'}`,
        wall_s: median[key],
        rounds_s: walls.map((w) => w.toFixed(2)).join(' '),
        slices_per_s: total / median[key],
        vs_one_worker: l.workers === 1 ? 1 : one / median[key],
        goal: l.workers === 2 ? '≥ 1.6× one worker' : '',
      });
    }
  } finally {
    if (redis) await stop(redis);
    rmSync(base, { recursive: true, force: true });
  }
  return rows;
}
