/**
 * A named registry of factories. Each entry has a zod parameter schema so the CLI can validate,
 * list and document it. Built-ins and plugins register the same way.
 */
import type { z } from 'zod';
import { ScoresdeError } from '../errors.js';
import { validateParams } from './params.js';

export interface RegistryEntry<Ctx, T, S extends z.ZodType = z.ZodType> {
  name: string;
  /** One line for `plugins list`. */
  description: string;
  /** Parameter schema; `create` receives the parsed (defaulted, coerced) value. */
  schema: S;
  create(params: z.infer<S>, ctx: Ctx): T | Promise<T>;
  /** Longer documentation for `plugins info`. */
  docs?: string;
}

export interface RegisteredEntry<Ctx, T> extends RegistryEntry<Ctx, T> {
  /** Who registered it: 'builtin' or a plugin name. */
  source: string;
}

const NAME_RE = /^[a-z0-9][a-z0-9._-]*$/;

export class Registry<Ctx, T> {
  private readonly entries = new Map<string, RegisteredEntry<Ctx, T>>();
  constructor(readonly kind: string) {}

  add<S extends z.ZodType>(entry: RegistryEntry<Ctx, T, S>, source = 'builtin'): void {
    if (!entry || typeof entry !== 'object') throw new ScoresdeError(`${this.kind}: entry must be an object`);
    if (typeof entry.name !== 'string' || !NAME_RE.test(entry.name)) {
      throw new ScoresdeError(`${this.kind}: invalid name ${JSON.stringify(entry.name)} (lower-case letters, digits, '.', '_', '-')`);
    }
    if (typeof entry.create !== 'function') throw new ScoresdeError(`${this.kind} '${entry.name}': create must be a function`);
    if (!entry.schema || typeof (entry.schema as { safeParse?: unknown }).safeParse !== 'function') {
      throw new ScoresdeError(`${this.kind} '${entry.name}': schema must be a zod schema`);
    }
    const prev = this.entries.get(entry.name);
    if (prev) {
      throw new ScoresdeError(`${this.kind} '${entry.name}' is already registered by ${prev.source}`);
    }
    this.entries.set(entry.name, { ...(entry as unknown as RegistryEntry<Ctx, T>), source });
  }

  remove(name: string): void {
    this.entries.delete(name);
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  get(name: string): RegisteredEntry<Ctx, T> {
    const e = this.entries.get(name);
    if (!e) {
      const known = [...this.entries.keys()].sort();
      throw new ScoresdeError(`unknown ${this.kind} '${name}' (known: ${known.join(', ') || 'none'})`);
    }
    return e;
  }

  names(): string[] {
    return [...this.entries.keys()].sort();
  }

  list(): RegisteredEntry<Ctx, T>[] {
    return this.names().map((n) => this.entries.get(n)!);
  }

  /** Validate `params` against the entry's schema, then create. */
  async create(name: string, params: unknown, ctx: Ctx): Promise<T> {
    const e = this.get(name);
    const parsed = validateParams(e.schema, params, `${this.kind} '${name}'`);
    return await e.create(parsed, ctx);
  }

  /** Synchronous create for factories that do not return a promise. */
  createSync(name: string, params: unknown, ctx: Ctx): T {
    const e = this.get(name);
    const parsed = validateParams(e.schema, params, `${this.kind} '${name}'`);
    const r = e.create(parsed, ctx);
    if (r instanceof Promise) throw new Error(`${this.kind} '${name}' has an asynchronous factory; use create()`);
    return r;
  }
}
