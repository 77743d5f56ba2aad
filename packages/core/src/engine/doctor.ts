/**
 * `doctor()`: what this machine offers — every backend probed for real (started, then the
 * previously active backend restored), with package versions, the WebGPU adapter and wasm
 * features. Meant for `scoresde doctor`; never throws for an unavailable backend.
 */
import os from 'node:os';
import { tf } from '../tf.js';
import { AUTO_ORDER, currentBackend, startEngine, withEngineLock } from './backend.js';
import { firstLine, packageVersion, type AdapterFacts, type EngineName } from './starters.js';

export interface BackendProbe {
  name: EngineName;
  available: boolean;
  /** Package that provides it and its version (when installed). */
  pkg?: string;
  version?: string;
  /** One line of facts when available (adapter name, SIMD/threads). */
  detail?: string;
  adapter?: AdapterFacts;
  /** One line saying why not, when unavailable. */
  reason?: string;
}

export interface DoctorReport {
  node: string;
  platform: string;
  arch: string;
  cpus: number;
  tfjs: string;
  /** Packages relevant to the backends and their versions (undefined: not installed). */
  packages: Record<string, string | undefined>;
  /** In the order `auto` tries them. */
  backends: BackendProbe[];
  /** What `auto` would pick. */
  auto: EngineName | undefined;
  /** The backend initBackend had made active when doctor() was called (restored afterwards). */
  active: string | undefined;
}

const PACKAGES = [
  '@tensorflow/tfjs',
  '@tensorflow/tfjs-backend-wasm',
  '@tensorflow/tfjs-backend-webgpu',
  'webgpu',
  '@tensorflow/tfjs-node-gpu',
  '@tensorflow/tfjs-node',
];

export function doctor(): Promise<DoctorReport> {
  return withEngineLock(probeAll);
}

async function probeAll(): Promise<DoctorReport> {
  const before = currentBackend()?.active;
  const backends: BackendProbe[] = [];
  for (const name of AUTO_ORDER) {
    try {
      const f = await startEngine(name);
      backends.push({ name, available: true, pkg: f.pkg, version: f.version, detail: f.detail, adapter: f.adapter });
    } catch (e) {
      backends.push({ name, available: false, reason: firstLine(e) });
    }
  }
  const packages: Record<string, string | undefined> = {};
  for (const p of PACKAGES) packages[p] = await packageVersion(p);
  const usable = backends.filter((b) => b.available && !(b.name === 'webgpu' && b.adapter?.software));
  if (before && (AUTO_ORDER as readonly string[]).includes(before)) {
    await startEngine(before as EngineName).catch(() => undefined);
  }
  return {
    node: process.version,
    platform: process.platform,
    arch: process.arch,
    cpus: os.cpus().length,
    tfjs: tf.version_core,
    packages,
    backends,
    auto: usable[0]?.name,
    active: before,
  };
}
