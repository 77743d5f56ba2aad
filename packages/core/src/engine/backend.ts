/**
 * Backend selection: `auto | tensorflow | webgpu | wasm | cpu` (how each starts: starters.ts).
 * `auto` tries tensorflow, webgpu, wasm, cpu in that order and keeps the first that starts; it
 * refuses a software WebGPU adapter (wasm is faster). A backend that failed once is not retried
 * in the same process (its reason is remembered), so repeated `auto` calls are instant.
 * Calls are serialised: concurrent initBackend calls never interleave tf.setBackend.
 */
import { tf } from '../tf.js';
import { ScoresdeError } from '../errors.js';
import { STARTERS, firstLine, type AdapterFacts, type EngineName, type StartFacts } from './starters.js';

export const BACKENDS = ['auto', 'tensorflow', 'webgpu', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKENDS)[number];
/** Order in which `auto` tries the real backends (fastest first). */
export const AUTO_ORDER: readonly EngineName[] = ['tensorflow', 'webgpu', 'wasm', 'cpu'];

export interface BackendInfo {
  /** What was asked for. */
  requested: BackendName;
  /** The tfjs backend now active ('tensorflow', 'webgpu', 'wasm', 'cpu'). */
  active: string;
  /** One line of extra facts (adapter name, SIMD/threads). */
  detail?: string;
  /** Package providing the backend and its version. */
  pkg?: string;
  version?: string;
  adapter?: AdapterFacts;
  /** With `auto`: why each faster backend was skipped. */
  skipped?: Record<string, string>;
}

let current: BackendInfo | undefined;
const started = new Map<EngineName, StartFacts>();
const failed = new Map<string, string>();
let queue: Promise<unknown> = Promise.resolve();

export function currentBackend(): BackendInfo | undefined {
  return current && tf.getBackend() === current.active ? current : undefined;
}

/** Why a backend could not start earlier in this process, if it failed. */
export function backendFailure(name: EngineName, auto = false): string | undefined {
  return failed.get(auto && name === 'webgpu' ? 'webgpu:auto' : name);
}

/** Start one backend (or re-activate it if it started before). Throws a one-line Error. */
export async function startEngine(name: EngineName, auto = false): Promise<StartFacts> {
  const key = auto && name === 'webgpu' ? 'webgpu:auto' : name;
  const known = failed.get(name) ?? (auto ? failed.get(key) : undefined);
  if (known !== undefined) throw new Error(known);
  const prior = started.get(name);
  if (auto && prior?.adapter?.software) throw new Error(`only a software WebGPU adapter is available (${prior.detail ?? 'unnamed'})`);
  if (prior && tf.findBackend(name)) {
    if (tf.getBackend() !== name && !(await tf.setBackend(name))) throw new Error(`tfjs could not re-activate '${name}'`);
    return prior;
  }
  try {
    const facts = await STARTERS[name]({ allowSoftwareAdapter: !auto });
    started.set(name, facts);
    return facts;
  } catch (e) {
    const reason = firstLine(e);
    failed.set(key, reason);
    throw new Error(reason);
  }
}

/** Run `f` with no other backend start/switch interleaving (initBackend and doctor use this). */
export function withEngineLock<T>(f: () => Promise<T>): Promise<T> {
  return serialised(f);
}

function serialised<T>(f: () => Promise<T>): Promise<T> {
  const run = queue.then(f, f);
  queue = run.catch(() => undefined);
  return run;
}

/**
 * Start the requested backend. Throws a one-line ScoresdeError saying why when it cannot start.
 * Calling again with the same name is cheap.
 */
export function initBackend(requested: BackendName | string = 'auto'): Promise<BackendInfo> {
  if (!(BACKENDS as readonly string[]).includes(requested)) {
    return Promise.reject(new ScoresdeError(`unknown backend '${requested}' (choose from ${BACKENDS.join(', ')})`));
  }
  return serialised(() => init(requested as BackendName));
}

async function init(req: BackendName): Promise<BackendInfo> {
  const live = currentBackend();
  if (live && (live.requested === req || (req !== 'auto' && live.active === req))) return live;
  if (req !== 'auto') {
    try {
      const facts = await startEngine(req);
      current = { requested: req, active: tf.getBackend(), ...facts };
      return current;
    } catch (e) {
      throw new ScoresdeError(`backend '${req}' cannot start: ${firstLine(e)}`);
    }
  }
  const skipped: Record<string, string> = {};
  for (const name of AUTO_ORDER) {
    try {
      const facts = await startEngine(name, true);
      current = { requested: 'auto', active: tf.getBackend(), ...facts, ...(Object.keys(skipped).length ? { skipped } : {}) };
      return current;
    } catch (e) {
      skipped[name] = firstLine(e);
    }
  }
  throw new ScoresdeError(`no backend could start (${Object.entries(skipped).map(([k, v]) => `${k}: ${v}`).join('; ')})`);
}
