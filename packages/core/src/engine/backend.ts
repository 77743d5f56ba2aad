/**
 * Backend selection: `auto | tensorflow | webgpu | wasm | cpu`.
 * - tensorflow: @tensorflow/tfjs-node-gpu or @tensorflow/tfjs-node, only if the user installed it
 *   (never a dependency: their installers download libtensorflow).
 * - webgpu: @tensorflow/tfjs-backend-webgpu on the `webgpu` package (Dawn). Needs
 *   globalThis.navigator.gpu before the backend module is imported.
 * - wasm: default on a CPU; the project registers the kernels it lacks (see wasmKernels.ts).
 * - cpu: the slow reference.
 * `auto` tries tensorflow, webgpu, wasm, cpu in that order and keeps the first that starts.
 */
import { tf } from '../tf.js';
import { ScoresdeError } from '../errors.js';

export const BACKENDS = ['auto', 'tensorflow', 'webgpu', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKENDS)[number];

export interface BackendInfo {
  /** What was asked for. */
  requested: BackendName;
  /** The tfjs backend now active ('tensorflow', 'webgpu', 'wasm', 'cpu'). */
  active: string;
  /** Extra facts (adapter name, package used). */
  detail?: string;
}

let current: BackendInfo | undefined;

export function currentBackend(): BackendInfo | undefined {
  return current;
}

type Starter = () => Promise<string | undefined>;

async function startCpu(): Promise<string | undefined> {
  await setAndCheck('cpu');
  return undefined;
}

async function startWasm(): Promise<string | undefined> {
  const { registerWasmKernels } = await import('./wasmKernels.js');
  await import('@tensorflow/tfjs-backend-wasm');
  registerWasmKernels();
  await setAndCheck('wasm');
  return undefined;
}

async function startTensorflow(): Promise<string | undefined> {
  const tried: string[] = [];
  for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    try {
      await import(pkg);
      await setAndCheck('tensorflow');
      return pkg;
    } catch (e) {
      tried.push(`${pkg}: ${firstLine(e)}`);
    }
  }
  throw new Error(`neither @tensorflow/tfjs-node-gpu nor @tensorflow/tfjs-node is installed and working (${tried.join('; ')})`);
}

async function startWebgpu(): Promise<string | undefined> {
  const nav = (globalThis as { navigator?: { gpu?: unknown } }).navigator;
  if (!nav?.gpu) {
    let webgpu: { create: (flags: string[]) => unknown; globals: Record<string, unknown> };
    try {
      webgpu = (await import('webgpu')) as unknown as typeof webgpu;
    } catch (e) {
      throw new Error(`the 'webgpu' package (Dawn) cannot be loaded: ${firstLine(e)}`);
    }
    Object.assign(globalThis, webgpu.globals);
    const gpu = webgpu.create([]);
    const g0 = globalThis as { navigator?: object };
    if (g0.navigator === undefined) {
      Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
    } else {
      Object.defineProperty(g0.navigator, 'gpu', { value: gpu, configurable: true });
    }
  }
  const g = (globalThis as unknown as { navigator: { gpu: { requestAdapter: () => Promise<unknown> } } }).navigator.gpu;
  const adapter = (await g.requestAdapter()) as { info?: { vendor?: string; architecture?: string; description?: string } } | null;
  if (!adapter) throw new Error('no WebGPU adapter (no GPU, or no Vulkan driver)');
  await import('@tensorflow/tfjs-backend-webgpu');
  await setAndCheck('webgpu');
  const info = adapter.info;
  return info ? [info.vendor, info.architecture, info.description].filter(Boolean).join(' ') : undefined;
}

async function setAndCheck(name: string): Promise<void> {
  let ok: boolean;
  try {
    ok = await tf.setBackend(name);
  } catch (e) {
    throw new Error(firstLine(e));
  }
  if (!ok) throw new Error(`tfjs could not initialise the '${name}' backend`);
  await tf.ready();
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0]!;
}

const STARTERS: Record<Exclude<BackendName, 'auto'>, Starter> = {
  tensorflow: startTensorflow,
  webgpu: startWebgpu,
  wasm: startWasm,
  cpu: startCpu,
};

/**
 * Start the requested backend. Throws a one-line ScoresdeError saying why when it cannot start.
 * Calling again with the same name is cheap.
 */
export async function initBackend(requested: BackendName | string = 'auto'): Promise<BackendInfo> {
  if (!(BACKENDS as readonly string[]).includes(requested)) {
    throw new ScoresdeError(`unknown backend '${requested}' (choose from ${BACKENDS.join(', ')})`);
  }
  const req = requested as BackendName;
  if (current && (current.requested === req || current.active === req) && tf.getBackend() === current.active) {
    return current;
  }
  if (req !== 'auto') {
    try {
      const detail = await STARTERS[req]();
      current = { requested: req, active: tf.getBackend(), detail };
      return current;
    } catch (e) {
      throw new ScoresdeError(`backend '${req}' cannot start: ${firstLine(e)}`);
    }
  }
  const reasons: string[] = [];
  for (const name of ['tensorflow', 'webgpu', 'wasm', 'cpu'] as const) {
    try {
      const detail = await STARTERS[name]();
      current = { requested: 'auto', active: tf.getBackend(), detail };
      return current;
    } catch (e) {
      reasons.push(`${name}: ${firstLine(e)}`);
    }
  }
  throw new ScoresdeError(`no backend could start (${reasons.join('; ')})`);
}
