/**
 * A minimal Redis connection (RESP2 over TCP) shaped like Bun's `RedisClient`, so that BullMQ's own
 * `createBunRedisClient` adapter can drive it. BullMQ 6 no longer ships a Redis driver (ioredis and
 * node-redis are optional peers, neither is installed here); this class only moves commands and
 * replies: queue semantics, Lua scripts, locks, stalled-job recovery and reconnect back-off all stay
 * BullMQ's.
 *
 * Contract used by the adapter: `connect()` (resolves once the socket is up and AUTH/SELECT are
 * sent, after calling `onconnect`), `connected`, `send(command, args)` (replies: simple and bulk
 * strings as UTF-8 strings, integers as numbers, arrays as arrays, null bulk/array as null, error
 * replies as rejected `Error`s), `close()`, `onclose(error?)` on a lost connection, and
 * `duplicate()` (a fresh unconnected client to the same server; blocking commands use their own).
 * Pending commands on a lost socket reject with "Connection closed", which the adapter maps to
 * BullMQ's ConnectionClosedError.
 */
import { Socket } from 'node:net';

export interface RedisTarget {
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
  url: string;
}

type Reply = string | number | null | Reply[];
interface Pending {
  resolve: (r: Reply) => void;
  reject: (e: Error) => void;
}

const CRLF = Buffer.from('\r\n');

/** RESP2 encoding of one command: an array of bulk strings. */
export function encodeCommand(command: string, args: ReadonlyArray<string | Buffer | number>): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length + 1}\r\n`)];
  for (const a of [command, ...args]) {
    const b = Buffer.isBuffer(a) ? a : Buffer.from(String(a), 'utf8');
    parts.push(Buffer.from(`$${b.length}\r\n`), b, CRLF);
  }
  return Buffer.concat(parts);
}

/** Parse one reply at `off`; returns undefined when the buffer holds only part of it. */
export function parseReply(buf: Buffer, off: number): { value: Reply | Error; next: number } | undefined {
  const eol = buf.indexOf(CRLF, off);
  if (eol < 0) return undefined;
  const type = String.fromCharCode(buf[off]!);
  const line = buf.toString('utf8', off + 1, eol);
  switch (type) {
    case '+':
      return { value: line, next: eol + 2 };
    case '-':
      return { value: new Error(line), next: eol + 2 };
    case ':':
      return { value: Number(line), next: eol + 2 };
    case '$': {
      const n = Number(line);
      if (n < 0) return { value: null, next: eol + 2 };
      if (buf.length < eol + 2 + n + 2) return undefined;
      return { value: buf.toString('utf8', eol + 2, eol + 2 + n), next: eol + 2 + n + 2 };
    }
    case '*': {
      const n = Number(line);
      if (n < 0) return { value: null, next: eol + 2 };
      const out: Reply[] = [];
      let p = eol + 2;
      for (let i = 0; i < n; i++) {
        const r = parseReply(buf, p);
        if (!r) return undefined;
        // An error nested in an array (e.g. inside EXEC) is passed on as a value.
        out.push(r.value instanceof Error ? (r.value.message as Reply) : r.value);
        p = r.next;
      }
      return { value: out, next: p };
    }
    default:
      throw new Error(`Redis protocol error: unexpected reply type '${type}'`);
  }
}

export class RespClient {
  connected = false;
  onconnect?: () => void;
  onclose?: (error?: Error) => void;
  onerror?: (error: Error) => void;
  private socket?: Socket;
  private pending: Pending[] = [];
  private buf: Buffer = Buffer.alloc(0);
  private connecting?: Promise<void>;
  private lastError?: Error;

  constructor(readonly target: RedisTarget) {}

  get url(): string {
    return this.target.url;
  }

  connect(): Promise<void> {
    if (this.connected) return Promise.resolve();
    this.connecting ??= new Promise<void>((resolve, reject) => {
      const s = new Socket();
      this.socket = s;
      s.setNoDelay(true);
      s.setKeepAlive(true, 10_000);
      let up = false;
      s.once('connect', () => {
        up = true;
        this.connected = true;
        this.buf = Buffer.alloc(0);
        const hello: Promise<unknown>[] = [];
        if (this.target.password !== undefined) {
          hello.push(this.send('AUTH', this.target.username ? [this.target.username, this.target.password] : [this.target.password]));
        }
        if (this.target.db !== 0) hello.push(this.send('SELECT', [String(this.target.db)]));
        Promise.all(hello).then(
          () => {
            this.onconnect?.();
            resolve();
          },
          (e: Error) => {
            s.destroy(e);
            reject(e);
          },
        );
      });
      s.on('data', (d: Buffer) => this.onData(d));
      s.on('error', (e) => {
        this.lastError = e;
        if (!up) reject(e);
      });
      s.on('close', () => {
        this.connecting = undefined;
        const wasUp = this.connected;
        this.connected = false;
        const err = new Error(`Connection closed${this.lastError ? ` (${this.lastError.message})` : ''}`);
        for (const p of this.pending.splice(0)) p.reject(err);
        if (!up) reject(this.lastError ?? err);
        if (wasUp) this.onclose?.(this.lastError);
      });
      s.connect(this.target.port, this.target.host);
    });
    return this.connecting;
  }

  send(command: string, args: ReadonlyArray<string | Buffer | number>): Promise<Reply> {
    if (!this.connected || !this.socket) return Promise.reject(new Error('Connection closed'));
    return new Promise<Reply>((resolve, reject) => {
      this.pending.push({ resolve, reject });
      this.socket!.write(encodeCommand(command, args));
    });
  }

  close(): void {
    this.socket?.destroy();
  }

  duplicate(): Promise<RespClient> {
    return Promise.resolve(new RespClient(this.target));
  }

  private onData(d: Buffer): void {
    this.buf = this.buf.length === 0 ? d : Buffer.concat([this.buf, d]);
    let off = 0;
    for (;;) {
      let r: ReturnType<typeof parseReply>;
      try {
        r = parseReply(this.buf, off);
      } catch (e) {
        this.socket?.destroy(e as Error);
        return;
      }
      if (!r) break;
      off = r.next;
      const p = this.pending.shift();
      if (p) {
        if (r.value instanceof Error) p.reject(r.value);
        else p.resolve(r.value);
      }
    }
    this.buf = off === this.buf.length ? Buffer.alloc(0) : this.buf.subarray(off);
  }
}
