/**
 * Parameters from the command line (`--set k=v`) and config files, and their validation
 * against an entry's zod schema with one-line errors.
 */
import { z } from 'zod';
import { ScoresdeError } from '../errors.js';

/** Parse `k=v` pairs. Values are JSON where they parse as JSON (numbers, booleans, arrays), else strings. */
export function parseSetArgs(pairs: readonly string[], flag = '--set'): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of pairs) {
    const eq = p.indexOf('=');
    if (eq <= 0) throw new ScoresdeError(`${flag} expects key=value, got '${p}'`);
    const key = p.slice(0, eq).trim();
    const raw = p.slice(eq + 1).trim();
    out[key] = parseValue(raw);
  }
  return out;
}

export function parseValue(raw: string): unknown {
  if (raw === '') return '';
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/** Validate params; throws a one-line ScoresdeError naming the entry and the offending keys. */
export function validateParams<S extends z.ZodType>(schema: S, params: unknown, what: string): z.infer<S> {
  rejectUnknownKeys(schema, params, what);
  const r = schema.safeParse(params ?? {});
  if (r.success) return r.data;
  const msgs = r.error.issues.map((iss) => {
    const path = iss.path.length ? iss.path.join('.') : '(params)';
    return `${path}: ${iss.message}`;
  });
  throw new ScoresdeError(`${what}: invalid parameters: ${msgs.join('; ')}`);
}

/** A human-readable description of a zod object schema: one row per key. */
export interface ParamDoc {
  key: string;
  type: string;
  default?: unknown;
  description?: string;
  optional: boolean;
}

export function describeSchema(schema: z.ZodType): ParamDoc[] {
  const json = z.toJSONSchema(schema, { unrepresentable: 'any', io: 'input' }) as {
    properties?: Record<string, { type?: unknown; default?: unknown; description?: string; enum?: unknown[]; anyOf?: unknown[] }>;
    required?: string[];
  };
  const props = json.properties ?? {};
  const required = new Set(json.required ?? []);
  return Object.entries(props).map(([key, p]) => ({
    key,
    type: p.enum ? p.enum.map((v) => JSON.stringify(v)).join('|') : typeof p.type === 'string' ? p.type : p.anyOf ? 'union' : 'any',
    default: p.default,
    description: p.description,
    optional: !required.has(key) || p.default !== undefined,
  }));
}

/**
 * Plain zod objects drop keys they do not know, so a typo (`--set acceleraton=8`) would silently
 * fall back to a default. Refuse keys the schema does not describe.
 */
function rejectUnknownKeys(schema: z.ZodType, params: unknown, what: string): void {
  if (!params || typeof params !== 'object' || Array.isArray(params)) return;
  let json: { type?: unknown; properties?: Record<string, unknown>; additionalProperties?: unknown };
  try {
    json = z.toJSONSchema(schema, { unrepresentable: 'any', io: 'input' }) as typeof json;
  } catch {
    return;
  }
  if (json.type !== 'object' || !json.properties || (json.additionalProperties !== undefined && json.additionalProperties !== false)) return;
  const known = Object.keys(json.properties);
  for (const k of Object.keys(params)) {
    if (!known.includes(k)) {
      throw new ScoresdeError(`${what}: unknown parameter '${k}' (known: ${known.join(', ') || 'none'})`);
    }
  }
}
