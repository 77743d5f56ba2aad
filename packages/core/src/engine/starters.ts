/**
 * How each tfjs backend is brought up in Node. Every starter either leaves its backend active
 * (returning facts about it) or throws an Error whose message is ONE line saying why not.
 * - tensorflow: @tensorflow/tfjs-node-gpu, else @tensorflow/tfjs-node, loaded dynamically only if
 *   the user installed one (they are not dependencies: their installers download libtensorflow).
 * - webgpu: @tensorflow/tfjs-backend-webgpu on the `webgpu` package (Dawn). On Linux Dawn needs the
 *   Vulkan loader; we check for libvulkan.so.1 first so a GPU-less machine fails fast and quietly
 *   instead of letting Dawn print its own warnings. The adapter request is bounded by a timeout.
 * - wasm: @tensorflow/tfjs-backend-wasm plus the kernels this project registers (wasmKernels.ts).
 * - cpu: the pure-JS reference backend bundled with tfjs.
 */
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tf } from '../tf.js';

export type EngineName = 'tensorflow' | 'webgpu' | 'wasm' | 'cpu';

export interface StartFacts {
  /** npm package that provides the backend, and its version. */
  pkg: string;
  version?: string;
  /** One line of extra facts (adapter, SIMD/threads). */
  detail?: string;
  /** WebGPU adapter facts, when the backend is webgpu. */
  adapter?: AdapterFacts;
}

export interface AdapterFacts {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  isFallbackAdapter?: boolean;
  maxBufferSize?: number;
  maxStorageBufferBindingSize?: number;
  /** A software rasteriser (fallback adapter, SwiftShader, llvmpipe): `auto` skips it. */
  software?: boolean;
  /** The adapter offers shader-f16 (f16 GEMM staging: SCORESDE_WEBGPU_F16=1). */
  shaderF16?: boolean;
}

export interface StartOptions {
  /** Accept a software (fallback/CPU) WebGPU adapter. `auto` refuses one: wasm is faster. */
  allowSoftwareAdapter?: boolean;
  /** Milliseconds to wait for a WebGPU adapter before giving up (default 15000). */
  adapterTimeoutMs?: number;
}

export function firstLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.split('\n').find((l) => l.trim() !== '')?.trim() ?? 'unknown error';
}

async function setAndCheck(name: string): Promise<void> {
  const { registerGradientFixes } = await import('./gradientFixes.js');
  registerGradientFixes();
  let ok: boolean;
  try {
    ok = await tf.setBackend(name);
  } catch (e) {
    throw new Error(firstLine(e));
  }
  if (!ok) throw new Error(`tfjs could not initialise the '${name}' backend`);
  await tf.ready();
}

/** Version of an installed package (walks up from its entry point to its package.json). */
export async function packageVersion(pkg: string): Promise<string | undefined> {
  try {
    const { createRequire } = await import('node:module');
    const { readFileSync, existsSync } = await import('node:fs');
    const { dirname, join } = await import('node:path');
    const require = createRequire(import.meta.url);
    let dir = dirname(require.resolve(pkg));
    for (let i = 0; i < 6; i++) {
      const f = join(dir, 'package.json');
      if (existsSync(f)) {
        const j = JSON.parse(readFileSync(f, 'utf8')) as { name?: string; version?: string };
        if (j.name === pkg) return j.version;
      }
      dir = dirname(dir);
    }
  } catch {
    // not installed or not resolvable from here
  }
  return undefined;
}

function isNotFound(e: unknown): boolean {
  const code = (e as { code?: string }).code;
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND' || /Cannot find (package|module)/.test(firstLine(e));
}

export async function startCpu(): Promise<StartFacts> {
  const { registerCpuKernelFixes } = await import('./wasmKernels.js');
  registerCpuKernelFixes();
  await setAndCheck('cpu');
  // The cpu backend prints a multi-line "install tfjs-node" banner on first use; the user chose cpu.
  const be = tf.backend() as { firstUse?: boolean };
  if (be.firstUse) be.firstUse = false;
  return { pkg: '@tensorflow/tfjs-backend-cpu', version: tf.version_cpu };
}

export async function startWasm(): Promise<StartFacts> {
  const { registerWasmKernels } = await import('./wasmKernels.js');
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  // Bundled (bench/device/entry.ts → .devx/app.mjs): the .wasm binaries sit beside the bundle.
  const here = dirname(fileURLToPath(import.meta.url));
  if (existsSync(join(here, 'tfjs-backend-wasm.wasm'))) wasm.setWasmPaths(`${here}/`);
  registerWasmKernels();
  await setAndCheck('wasm');
  const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
  const threads = Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'));
  return { pkg: '@tensorflow/tfjs-backend-wasm', version: wasm.version_wasm, detail: `simd ${simd ? 'on' : 'off'}, threads ${threads ? 'on' : 'off'}` };
}

export async function startTensorflow(): Promise<StartFacts> {
  const problems: string[] = [];
  let missing = 0;
  const candidates = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'];
  for (const pkg of candidates) {
    let mod: { version?: { 'tfjs-node'?: string } };
    try {
      mod = (await import(pkg)) as typeof mod;
    } catch (e) {
      if (isNotFound(e)) missing++;
      else problems.push(`${pkg} fails to load: ${firstLine(e)}`);
      continue;
    }
    try {
      await setAndCheck('tensorflow');
    } catch (e) {
      problems.push(`${pkg} loaded but ${firstLine(e)} (is it the same tfjs version, ${tf.version_core}?)`);
      continue;
    }
    return { pkg, version: mod.version?.['tfjs-node'] ?? (await packageVersion(pkg)) };
  }
  if (missing === candidates.length) {
    throw new Error('not installed (npm install @tensorflow/tfjs-node-gpu, or @tensorflow/tfjs-node for CPU)');
  }
  throw new Error(problems.join('; '));
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
    timer.unref?.();
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

/** On Linux, Dawn drives GPUs through Vulkan: without the loader there can be no adapter. */
function checkVulkanLoader(): void {
  if (process.platform !== 'linux') return;
  try {
    process.dlopen({ exports: {} } as NodeJS.Module, 'libvulkan.so.1');
  } catch (e) {
    // A library that loads but is not a Node addon reports "did not self-register": it exists.
    if (/self-register/i.test(firstLine(e))) return;
    throw new Error('no Vulkan loader (libvulkan.so.1 not found): Dawn needs a GPU with a Vulkan driver');
  }
}

interface GpuAdapterLike {
  info?: { vendor?: string; architecture?: string; device?: string; description?: string };
  isFallbackAdapter?: boolean;
  limits?: { maxBufferSize?: number; maxStorageBufferBindingSize?: number };
  features?: { has(f: string): boolean };
}
interface GpuLike {
  requestAdapter(opts?: { powerPreference?: string }): Promise<GpuAdapterLike | null>;
}

async function navigatorGpu(): Promise<GpuLike> {
  const nav = (globalThis as { navigator?: { gpu?: GpuLike } }).navigator;
  if (nav?.gpu) return nav.gpu;
  checkVulkanLoader();
  let webgpu: { create: (flags: string[]) => GpuLike; globals: Record<string, unknown> };
  try {
    webgpu = (await import('webgpu')) as unknown as typeof webgpu;
  } catch (e) {
    throw new Error(`the 'webgpu' package (Dawn) cannot be loaded: ${firstLine(e)}`);
  }
  const gpu = webgpu.create([]);
  Object.assign(globalThis, webgpu.globals);
  const g = globalThis as { navigator?: object };
  if (g.navigator === undefined) {
    Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  } else {
    Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
  }
  return gpu;
}

/**
 * Linux: a GPU shows up as a device node (DRM render node, or NVIDIA's /dev/nvidia*). Without
 * one, only a software Vulkan driver (lavapipe) can answer an adapter request, and Dawn prints
 * warnings about it straight to the process's stderr; `auto` skips the request altogether.
 */
export function hasGpuDeviceNode(): boolean {
  if (process.platform !== 'linux') return true;
  try {
    if (readdirSync('/dev/dri').some((f) => f.startsWith('renderD'))) return true;
  } catch {
    // no DRM devices
  }
  try {
    return readdirSync('/dev').some((f) => /^nvidia\d+$/.test(f));
  } catch {
    return false;
  }
}

export async function startWebgpu(opts: StartOptions = {}): Promise<StartFacts> {
  if (!opts.allowSoftwareAdapter && !hasGpuDeviceNode()) throw new Error('no GPU device (/dev/dri/renderD*, /dev/nvidia*): only a software adapter could answer');
  const gpu = await navigatorGpu();
  const adapter = await withTimeout(gpu.requestAdapter({ powerPreference: 'high-performance' }), opts.adapterTimeoutMs ?? 15000, 'the WebGPU adapter request');
  if (!adapter) throw new Error('no WebGPU adapter (no GPU, or its Vulkan driver is missing)');
  const info = adapter.info ?? {};
  const facts: AdapterFacts = {
    vendor: info.vendor || undefined,
    architecture: info.architecture || undefined,
    device: info.device || undefined,
    description: info.description || undefined,
    isFallbackAdapter: adapter.isFallbackAdapter,
    maxBufferSize: adapter.limits?.maxBufferSize,
    maxStorageBufferBindingSize: adapter.limits?.maxStorageBufferBindingSize,
    shaderF16: adapter.features?.has('shader-f16') ?? false,
  };
  const software = adapter.isFallbackAdapter === true || /swiftshader|llvmpipe|lavapipe/i.test(`${info.description ?? ''} ${info.device ?? ''}`);
  facts.software = software;
  const name = [facts.vendor, facts.architecture, facts.description ?? facts.device].filter(Boolean).join(' ') || 'unnamed adapter';
  if (software && !opts.allowSoftwareAdapter) throw new Error(`only a software WebGPU adapter is available (${name})`);
  const { WebGPUBackend } = await import('@tensorflow/tfjs-backend-webgpu');
  const { registerWebgpuFactory } = await import('./webgpu/device.js');
  registerWebgpuFactory(WebGPUBackend as unknown as Parameters<typeof registerWebgpuFactory>[0]);
  const { registerWebgpuKernels } = await import('./webgpu/register.js');
  registerWebgpuKernels();
  await setAndCheck('webgpu');
  const pkg = '@tensorflow/tfjs-backend-webgpu';
  const detail = `${name}${software ? ' (software)' : ''}${facts.shaderF16 ? ', shader-f16' : ''}`;
  return { pkg, version: await packageVersion(pkg), detail, adapter: facts };
}

export const STARTERS: Record<EngineName, (opts?: StartOptions) => Promise<StartFacts>> = {
  tensorflow: startTensorflow,
  webgpu: startWebgpu,
  wasm: startWasm,
  cpu: startCpu,
};
