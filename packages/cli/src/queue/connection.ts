/**
 * `--queue redis://[user:password@]HOST:PORT[/DB]`: parse, check that Redis answers, and build the
 * BullMQ connection (BullMQ's Bun-style adapter over resp.ts). A lost connection is re-opened by
 * the adapter with exponential back-off (1 s … 20 s); commands issued meanwhile fail and BullMQ's
 * worker loop retries them, so workers carry on when Redis returns.
 */
import { createBunRedisClient } from 'bullmq';
import { ScoresdeError } from '@scoresde/core';
import { RespClient, type RedisTarget } from './resp.js';

/** The BullMQ queue every `batch --queue` producer and `worker` shares (one Redis, many batches). */
export const QUEUE_NAME = 'scoresde-batch';

export function parseQueueUrl(url: string): RedisTarget {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new ScoresdeError(`--queue ${url}: not a URL (expected redis://HOST:PORT)`);
  }
  if (u.protocol !== 'redis:') throw new ScoresdeError(`--queue ${url}: only redis:// URLs are supported (expected redis://HOST:PORT)`);
  if (!u.hostname) throw new ScoresdeError(`--queue ${url}: no host (expected redis://HOST:PORT)`);
  const port = u.port ? Number(u.port) : 6379;
  const dbPart = u.pathname.replace(/^\//, '');
  const db = dbPart === '' ? 0 : Number(dbPart);
  if (!Number.isInteger(db) || db < 0) throw new ScoresdeError(`--queue ${url}: database '${dbPart}' is not a number`);
  return {
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port,
    db,
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    url: `redis://${u.host}${db ? `/${db}` : ''}`,
  };
}

/** Connect once and PING; a one-line ScoresdeError when Redis cannot be reached within `timeoutMs`. */
export async function checkRedis(t: RedisTarget, timeoutMs = 5000): Promise<void> {
  const c = new RespClient(t);
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      c.connect().then(() => c.send('PING', [])),
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer in ${timeoutMs} ms`)), timeoutMs))),
    ]);
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code ?? (e instanceof Error ? e.message : String(e));
    throw new ScoresdeError(`--queue ${t.url}: cannot reach Redis (${why})`);
  } finally {
    clearTimeout(timer);
    c.onclose = undefined;
    c.close();
  }
}

/** Wait until Redis answers (workers started before Redis); prints one line while waiting. */
export async function waitForRedis(t: RedisTarget, log: (s: string) => void): Promise<void> {
  for (let i = 0; ; i++) {
    try {
      await checkRedis(t, 3000);
      return;
    } catch (e) {
      if (i === 0) log(`${(e as Error).message}; retrying until it answers`);
      await new Promise((r) => setTimeout(r, Math.min(500 * 2 ** i, 5000)));
    }
  }
}

/** A BullMQ connection to `t` (each Queue / Worker gets its own; BullMQ duplicates it for blocking calls). */
export function bullConnection(t: RedisTarget) {
  return createBunRedisClient(new RespClient(t) as never);
}
