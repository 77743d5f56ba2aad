/**
 * Options every command shares (--backend, --seed, --json, --config, --plugin, --debug) and the
 * merge of a JSON config file under explicit flags (flags win).
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { BACKENDS, ScoresdeError } from '@scoresde/core';

export interface CommonOptions {
  backend: string;
  seed: number;
  json: boolean;
  config?: string;
  plugin: string[];
  debug: boolean;
}

export function collect(value: string, prev: string[] = []): string[] {
  return [...prev, value];
}

export function intArg(name: string, min = -Infinity): (v: string) => number {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new ScoresdeError(`${name} must be an integer${min > -Infinity ? ` ≥ ${min}` : ''}, got '${v}'`);
    return n;
  };
}

export function floatArg(name: string, min = -Infinity): (v: string) => number {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < min) throw new ScoresdeError(`${name} must be a number${min > -Infinity ? ` ≥ ${min}` : ''}, got '${v}'`);
    return n;
  };
}

/** A comma-separated list of integers ≥ min, e.g. `1,2,4`. */
export function intListArg(name: string, min = -Infinity): (v: string) => number[] {
  return (v: string) => {
    const parts = v.split(',').map((p) => p.trim());
    const ns = parts.map(Number);
    if (parts.some((p) => p === '') || !ns.every((n) => Number.isInteger(n) && n >= min)) {
      throw new ScoresdeError(`${name} must be a comma-separated list of integers${min > -Infinity ? ` ≥ ${min}` : ''}, got '${v}'`);
    }
    return ns;
  };
}

/** Add the shared options to a command. */
export function withCommonOptions(cmd: Command, opts: { seed?: boolean; backend?: boolean } = {}): Command {
  if (opts.backend !== false) cmd.option('--backend <name>', `compute backend: ${BACKENDS.join('|')}`, 'auto');
  if (opts.seed !== false) cmd.option('--seed <n>', 'random seed', intArg('--seed'), 0);
  cmd
    .option('--json', 'machine-readable output on stdout', false)
    .option('--config <file>', 'JSON file of option values; flags given on the command line win')
    .option('--plugin <path-or-package>', 'load a plugin (repeatable)', collect, [])
    .option('--debug', 'print stack traces on errors', false);
  return cmd;
}

/**
 * Fill options the user did not give on the command line from the --config file. Keys may be
 * camelCase or kebab-case (`corrector-steps` or `correctorSteps`).
 */
export function applyConfig(cmd: Command): void {
  mergeConfigFile(cmd);
  for (const opt of cmd.options) {
    if (opt.mandatory && cmd.getOptionValue(opt.attributeName()) === undefined) {
      throw new ScoresdeError(`required option '${opt.flags}' not specified (on the command line or in --config)`);
    }
  }
}

function mergeConfigFile(cmd: Command): void {
  const file = cmd.getOptionValue('config') as string | undefined;
  if (!file) return;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code ?? (e instanceof Error ? e.message : String(e));
    throw new ScoresdeError(`--config ${file}: cannot read JSON (${why})`);
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new ScoresdeError(`--config ${file}: must hold a JSON object`);
  const known = new Map(cmd.options.map((o) => [o.attributeName(), o]));
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    const attr = k.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    const opt = known.get(attr);
    if (!opt) throw new ScoresdeError(`--config ${file}: unknown option '${k}' for '${cmd.name()}'`);
    const src = cmd.getOptionValueSource(attr);
    if (src === 'cli' || src === 'env') continue;
    let value: unknown = v;
    if (opt.variadic || Array.isArray(cmd.getOptionValue(attr))) {
      value = Array.isArray(v) ? v.map(String) : [String(v)];
    } else if (typeof v !== 'boolean' && v !== null && (opt as unknown as { parseArg?: (s: string, p: unknown) => unknown }).parseArg) {
      value = (opt as unknown as { parseArg: (s: string, p: unknown) => unknown }).parseArg(String(v), undefined);
    }
    cmd.setOptionValueWithSource(attr, value, 'config');
  }
}
