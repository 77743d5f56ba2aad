/**
 * Distributed batch (`batch --queue`, `worker`, `queue status|failed`) against real redis-server
 * instances started here on random loopback ports: 3 worker processes over 12 synthetic series with
 * one worker killed (-9) in the middle of a job; Redis down at the start; Redis restarted mid-run
 * (append-only file, so the queue survives the restart); a series that fails on every attempt.
 * Outputs are compared byte for byte with a single-machine `batch` of the same task.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { DicomDataset, encodePart10 } from '@scoresde/datasets';
import { runCli, tempDir, cliPath, expectOneLineError, writeNpyFile } from '../helpers/cli.js';

const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

function files(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...files(p));
    else out.push(p);
  }
  return out.sort();
}
const dcmFiles = (dir: string) => files(dir).filter((f) => !/report\.(json|csv)$|manifest\.json$/.test(f)).map((f) => relative(dir, f));

/** `n` series of `slices` 16×16 16-bit images (pixel values from a fixed LCG). */
function makeInput(dir: string, n: number, slices: number): string {
  const inDir = join(dir, 'in');
  let state = 12345;
  const next = () => (state = (state * 1103515245 + 12345) % 2 ** 31) % 4096;
  for (let k = 0; k < n; k++) {
    mkdirSync(join(inDir, `s${k}`), { recursive: true });
    for (let j = 0; j < slices; j++) {
      const sop = `1.2.826.0.1.3680043.9.7777.${k + 1}.${j + 1}`;
      const ds = new DicomDataset()
        .setString(0x00080008, 'CS', 'ORIGINAL\\PRIMARY\\AXIAL')
        .setString(0x00080016, 'UI', '1.2.840.10008.5.1.4.1.1.7')
        .setString(0x00080018, 'UI', sop)
        .setString(0x00080060, 'CS', 'OT')
        .setString(0x00100010, 'PN', `Queue^Test${k}`)
        .setString(0x0020000d, 'UI', '1.2.826.0.1.3680043.9.7777.100')
        .setString(0x0020000e, 'UI', `1.2.826.0.1.3680043.9.7777.${k + 1}`)
        .setString(0x00200013, 'IS', String(j + 1))
        .setUint16(0x00280002, 1)
        .setString(0x00280004, 'CS', 'MONOCHROME2')
        .setUint16(0x00280010, 16)
        .setUint16(0x00280011, 16)
        .setUint16(0x00280100, 16)
        .setUint16(0x00280101, 12)
        .setUint16(0x00280102, 11)
        .setUint16(0x00280103, 0)
        .set(0x7fe00010, { vr: 'OW', bytes: new Uint8Array(Uint16Array.from({ length: 256 }, next).buffer) });
      writeFileSync(join(inDir, `s${k}`, `${j}.dcm`), encodePart10(ds, { sopClassUid: '1.2.840.10008.5.1.4.1.1.7', sopInstanceUid: sop, implementationClassUid: '1.2', implementationVersionName: 'T' }));
    }
  }
  return inDir;
}

function task(dir: string, t: object): string {
  const p = join(dir, `task-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(p, JSON.stringify(t));
  return p;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, cond: () => boolean, ms = 60_000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

interface Proc {
  child: ChildProcess;
  log: () => string;
  exited: Promise<number | null>;
}

function spawnLogged(cmd: string, args: string[], env: Record<string, string> = {}): Proc {
  const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let log = '';
  child.stdout!.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  child.on('error', (e) => (log += `spawn ${cmd}: ${e.message}\n`));
  const exited = new Promise<number | null>((res) => child.on('close', (code) => res(code)));
  return { child, log: () => log, exited };
}

async function startRedis(port: number, aofDir?: string): Promise<Proc> {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', ''];
  args.push(...(aofDir ? ['--appendonly', 'yes', '--appendfsync', 'always', '--dir', aofDir] : ['--appendonly', 'no']));
  const p = spawnLogged('redis-server', [...args, '--daemonize', 'no']);
  await until('redis-server', () => /Ready to accept connections|spawn redis-server/.test(p.log()) || p.child.exitCode !== null, 10_000);
  if (/spawn redis-server/.test(p.log())) throw new Error('redis-server not found: install the Debian package redis-server (.ci/run does)');
  if (p.child.exitCode !== null) throw new Error(`redis-server did not start: ${p.log()}`);
  return p;
}

const randomPort = () => 20000 + Math.floor(Math.random() * 30000);

function startWorker(url: string, delayMs: number, extra: string[] = []): Proc {
  return spawnLogged(process.execPath, [cliPath, 'worker', '--queue', url, '--lock-ms', '1000', ...extra], { SCORESDE_WORKER_DELAY_MS: String(delayMs) });
}

type Row = { input: string; output: string[]; status: string; reason: string; series?: string };
const reportRows = (out: string) =>
  (JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as { rows: Array<Row & { seconds?: number }> }).rows.map(({ seconds, ...r }) => {
    void seconds;
    return r;
  });

function expectSameOutputs(full: string, out: string): void {
  const a = dcmFiles(full);
  expect(dcmFiles(out)).toEqual(a);
  for (const f of a) expect(Buffer.compare(readFileSync(join(full, f)), readFileSync(join(out, f))), f).toBe(0);
  expect(reportRows(out)).toEqual(reportRows(full));
}

describe('scoresde batch --queue (BullMQ on a real redis-server)', () => {
  it('3 workers, 12 series, one worker killed -9 mid-job: every output once, byte-identical to a single-machine batch; status and rerun', async () => {
    const dir = tempDir();
    const inDir = makeInput(dir, 12, 3);
    const t = task(dir, { model: 'identity', seed: 5 });
    const full = join(dir, 'full');
    const ref = await runCli(['batch', '--in', inDir, '--out', full, '--task', t, '--quiet']);
    expect(ref.code, ref.stderr).toBe(0);
    expect(dcmFiles(full)).toHaveLength(36);

    const port = randomPort();
    const redis = await startRedis(port);
    const url = `redis://127.0.0.1:${port}`;
    const workers = [0, 1, 2].map(() => startWorker(url, 400));
    const out = join(dir, 'out');
    const batch = runCli(['batch', '--queue', url, '--in', inDir, '--out', out, '--task', t, '--json']);
    // Kill worker 0 while it holds a job (between its start line and its done line); another worker
    // re-runs that job after the lock expires and overwrites its files with the same bytes.
    await until('worker 0 to start a job', () => /job (s-[0-9a-f]+) started/.test(workers[0]!.log()));
    const killedJob = /job (s-[0-9a-f]+) started/.exec(workers[0]!.log())![1]!;
    await sleep(550); // past the 400 ms before processing: its files are written (or being written), the job not completed
    expect(workers[0]!.log()).not.toMatch(new RegExp(`job ${killedJob} done`));
    workers[0]!.child.kill('SIGKILL');
    const r = await batch;
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { ok: number; failed: number; series: number; enqueued: number };
    expect([j.ok, j.failed, j.series, j.enqueued]).toEqual([36, 0, 12, 12]);
    // The killed worker's job was handed back and finished by another worker.
    expect(workers[1]!.log() + workers[2]!.log()).toMatch(new RegExp(`job ${killedJob} done`));
    expectSameOutputs(full, out);
    expect(files(out).some((f) => f.endsWith('.tmp'))).toBe(false);

    const st = await runCli(['queue', 'status', '--queue', url, '--json']);
    expect(st.code, st.stderr).toBe(0);
    expect(JSON.parse(st.stdout)).toMatchObject({ waiting: 0, active: 0, completed: 12, failed: 0, total: 12, progress: 1 });
    expect((await runCli(['queue', 'failed', '--queue', url])).stdout).toMatch(/no failed jobs/);

    // Same command again: nothing enqueued, every series reused; same report rows.
    const again = await runCli(['batch', '--queue', url, '--in', inDir, '--out', out, '--task', t, '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ enqueued: 0, resumedSeries: 12, ok: 36 });
    expectSameOutputs(full, out);

    // Graceful shutdown: SIGTERM, exit 0.
    for (const w of workers.slice(1)) w.child.kill('SIGTERM');
    for (const w of workers.slice(1)) expect(await w.exited).toBe(0);
    redis.child.kill('SIGKILL');
  }, 90_000);

  it('reconstruction task (analytic Gaussian prior, mask + projection, 2 samples): 2 workers give the single-machine bytes', async () => {
    const dir = tempDir();
    const inDir = makeInput(dir, 4, 2);
    const d = 256;
    writeNpyFile(join(dir, 'mean.npy'), new Array(d).fill(0.5), [16, 16, 1]);
    const cov = new Array(d * d).fill(0);
    for (let i = 0; i < d; i++) cov[i * d + i] = 0.01;
    writeNpyFile(join(dir, 'cov.npy'), cov, [d, d]);
    const t = task(dir, {
      operator: 'mask', set: { box: [0, 0, 8, 16] }, model: `gaussian:${join(dir, 'mean.npy')},${join(dir, 'cov.npy')}`,
      sde: 've', sde_set: { sigma_max: 5 }, guidance: 'projection', sampler: 'pc', steps: 10, seed: 4, samples: 2, batch_size: 2,
    });
    const full = join(dir, 'full');
    const ref = await runCli(['batch', '--in', inDir, '--out', full, '--task', t, '--backend', 'cpu', '--quiet']);
    expect(ref.code, ref.stderr).toBe(0);
    expect(dcmFiles(full)).toHaveLength(16); // mean and std series
    const port = randomPort();
    const redis = await startRedis(port);
    const url = `redis://127.0.0.1:${port}`;
    const workers = [0, 1].map(() => startWorker(url, 0, ['--backend', 'cpu']));
    const out = join(dir, 'out');
    const r = await runCli(['batch', '--queue', url, '--in', inDir, '--out', out, '--task', t, '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    expectSameOutputs(full, out);
    expect(reportRows(out).every((x) => x.status === 'ok')).toBe(true);
    for (const w of workers) w.child.kill('SIGTERM');
    for (const w of workers) expect(await w.exited).toBe(0);
    redis.child.kill('SIGKILL');
  }, 90_000);

  it('SIGTERM then SIGINT while a job runs: the job is handed back at once (not after its 60 s lock) and another worker finishes it', async () => {
    const dir = tempDir();
    const inDir = makeInput(dir, 1, 2);
    const t = task(dir, { model: 'identity', seed: 1 });
    const port = randomPort();
    const redis = await startRedis(port);
    const url = `redis://127.0.0.1:${port}`;
    const slow = spawnLogged(process.execPath, [cliPath, 'worker', '--queue', url, '--lock-ms', '60000'], { SCORESDE_WORKER_DELAY_MS: '20000' });
    const out = join(dir, 'out');
    const batch = runCli(['batch', '--queue', url, '--in', inDir, '--out', out, '--task', t, '--json']);
    await until('the slow worker to start the job', () => /started/.test(slow.log()));
    slow.child.kill('SIGTERM');
    await until('the first signal to be seen', () => /finishing the active job/.test(slow.log()));
    slow.child.kill('SIGINT');
    expect(await slow.exited).toBe(130);
    expect(slow.log()).toMatch(/handing 1 active job\(s\) back/);
    const fast = startWorker(url, 0);
    const r = await batch;
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: 2, failed: 0 });
    expect(fast.log()).toMatch(/ done in /);
    fast.child.kill('SIGTERM');
    expect(await fast.exited).toBe(0);
    redis.child.kill('SIGKILL');
  }, 60_000);

  it('Redis down at the start: one clear line, non-zero exit, nothing written', async () => {
    const dir = tempDir();
    const inDir = makeInput(dir, 1, 1);
    const out = join(dir, 'out');
    const r = await runCli(['batch', '--queue', `redis://127.0.0.1:${randomPort()}`, '--in', inDir, '--out', out, '--task', task(dir, { model: 'identity' })]);
    expect(expectOneLineError(r)).toMatch(/--queue redis:\/\/127\.0\.0\.1:\d+: cannot reach Redis \(ECONNREFUSED\)/);
    expect(existsSync(out)).toBe(false);
    expect(expectOneLineError(await runCli(['queue', 'status', '--queue', 'http://x:1']))).toMatch(/only redis:\/\/ URLs/);
  });

  it('Redis restarted mid-run: workers and the waiting batch reconnect, outputs complete and identical', async () => {
    const dir = tempDir();
    const inDir = makeInput(dir, 12, 2);
    const t = task(dir, { model: 'identity', seed: 9 });
    const full = join(dir, 'full');
    expect((await runCli(['batch', '--in', inDir, '--out', full, '--task', t, '--quiet'])).code).toBe(0);
    const port = randomPort();
    const aof = join(dir, 'aof');
    mkdirSync(aof);
    let redis = await startRedis(port, aof);
    const url = `redis://127.0.0.1:${port}`;
    const workers = [0, 1].map(() => startWorker(url, 250));
    const out = join(dir, 'out');
    const batch = runCli(['batch', '--queue', url, '--in', inDir, '--out', out, '--task', t, '--json', '--lost-timeout', '60']);
    await until('a finished job', () => workers.some((w) => / done in /.test(w.log())));
    const doneBefore = workers.map((w) => w.log().match(/ done in /g)?.length ?? 0).reduce((x, y) => x + y, 0);
    redis.child.kill('SIGTERM');
    await redis.exited;
    await sleep(1500);
    redis = await startRedis(port, aof);
    const r = await batch;
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: 24, failed: 0, series: 12 });
    // Jobs were finished after the restart, by the same (reconnected) worker processes.
    const doneAfter = workers.map((w) => w.log().match(/ done in /g)?.length ?? 0).reduce((x, y) => x + y, 0);
    expect(doneBefore).toBeLessThan(12);
    expect(doneAfter).toBeGreaterThanOrEqual(12);
    expectSameOutputs(full, out);
    for (const w of workers) w.child.kill('SIGTERM');
    for (const w of workers) expect(await w.exited).toBe(0);
    redis.child.kill('SIGKILL');
  }, 90_000);

  it('a series failing on every attempt: retried with back-off, listed by `queue failed`, reported, retried by a rerun; Redis lost for good: one line, no report', async () => {
    const dir = tempDir();
    const inDir = makeInput(dir, 3, 2);
    const t = task(dir, { model: 'identity', seed: 2 });
    const port = randomPort();
    const redis = await startRedis(port);
    const url = `redis://127.0.0.1:${port}`;
    const out = join(dir, 'out');
    const args = ['batch', '--queue', url, '--in', inDir, '--out', out, '--task', t, '--attempts', '2', '--backoff-ms', '50'];
    const first = await runCli([...args, '--no-wait']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/3 series enqueued/);
    expect(existsSync(join(out, 'report.json'))).toBe(false);
    // The file disappears between scan and processing: that series fails on each attempt.
    const gone = join(inDir, 's1', '1.dcm');
    const kept = readFileSync(gone);
    rmSync(gone);
    const worker = startWorker(url, 0);
    const r = await runCli([...args, '--json']);
    expect(r.code).toBe(1);
    const rows = (JSON.parse(r.stdout) as { rows: Row[] }).rows;
    expect(rows.map((x) => `${x.input}:${x.status}`)).toEqual(['s0/0.dcm:ok', 's0/1.dcm:ok', 's1/0.dcm:ok', 's1/1.dcm:failed', 's2/0.dcm:ok', 's2/1.dcm:ok']);
    expect(rows[3]!.reason).toMatch(/ENOENT|no such file/);
    expect(worker.log()).toMatch(/attempt 2 failed: 1\/2 slices failed: s1\/1\.dcm/);
    const failed = JSON.parse((await runCli(['queue', 'failed', '--queue', url, '--json'])).stdout) as Array<{ attempts: number; reason: string; series: string }>;
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ attempts: 2, series: '1.2.826.0.1.3680043.9.7777.2' });
    expect(failed[0]!.reason).toMatch(/^1\/2 slices failed: s1\/1\.dcm: /);
    // The file is back: the same command retries the failed job (full attempts again) and reuses the rest.
    writeFileSync(gone, kept);
    const again = await runCli([...args, '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ enqueued: 1, resumedSeries: 2, ok: 6, failed: 0 });
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
    const cleaned = await runCli(['queue', 'clean', '--queue', url, '--json']);
    expect(cleaned.code, cleaned.stderr).toBe(0);
    expect(JSON.parse(cleaned.stdout)).toEqual({ completed: 3, failed: 0 });

    // No worker left: a new batch waits; Redis dies and does not come back.
    const out2 = join(dir, 'out2');
    const waiting = spawnLogged(process.execPath, [cliPath, 'batch', '--queue', url, '--in', inDir, '--out', out2, '--task', t, '--lost-timeout', '2']);
    await until('the batch to wait', () => /0\/3 series finished/.test(waiting.log()));
    redis.child.kill('SIGKILL');
    expect(await waiting.exited).toBe(1);
    const lines = waiting.log().split('\n').filter((l) => l.startsWith('scoresde: error:'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/lost the connection to Redis for 2 s .*no report written/);
    expect(existsSync(join(out2, 'report.json'))).toBe(false);
  }, 90_000);
});
