/**
 * `--queue redis://[user:password@]HOST:PORT[/DB]`: parse, check that Redis answers, and build the
 * BullMQ connections on ioredis. A lost connection is re-opened with exponential back-off
 * (1 s … 20 s). Worker connections queue their commands until Redis is back
 * (maxRetriesPerRequest: null, as BullMQ requires), so workers carry on when Redis returns; the
 * producer's connection fails a command after one retry so `batch --queue` can report a lost Redis.
 */
import { Redis, type RedisOptions } from 'ioredis';
import { ScoresdeError } from '@scoresde/core';

export interface RedisTarget {
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
  /** The URL without credentials, for messages. */
  url: string;
}

function redisOptions(t: RedisTarget): RedisOptions {
  return {
    host: t.host,
    port: t.port,
    db: t.db,
    username: t.username,
    password: t.password,
    retryStrategy: (attempt: number) => Math.min(1000 * 2 ** Math.max(attempt - 1, 0), 20_000),
  };
}

function quiet(c: Redis): Redis {
  // Connection errors surface through the commands that fail (and are retried or reported there);
  // without a listener ioredis would print each reconnect attempt.
  c.on('error', () => undefined);
  return c;
}

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
  const c = new Redis({ ...redisOptions(t), lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
  // The socket error (ECONNREFUSED, …) says more than the 'Connection is closed' connect() rejects with.
  let socketError: NodeJS.ErrnoException | undefined;
  c.on('error', (e: NodeJS.ErrnoException) => (socketError ??= e));
  try {
    await c.connect();
    await c.ping();
  } catch (e) {
    const err = (socketError ?? e) as NodeJS.ErrnoException;
    const why = err.code ?? (err instanceof Error ? err.message : String(err));
    throw new ScoresdeError(`--queue ${t.url}: cannot reach Redis (${why})`);
  } finally {
    c.disconnect();
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

/**
 * A BullMQ connection to `t` (each Queue / Worker gets its own; BullMQ duplicates it for blocking
 * calls). Workers wait out an outage; the producer ('client') fails fast enough to report it.
 */
export function bullConnection(t: RedisTarget, role: 'worker' | 'client' = 'client'): Redis {
  return quiet(new Redis({ ...redisOptions(t), maxRetriesPerRequest: role === 'worker' ? null : 1 }));
}
