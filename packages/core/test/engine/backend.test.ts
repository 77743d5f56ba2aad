/**
 * Backend selection on this kind of machine: one-line reasons for backends that cannot start,
 * `auto` falling back to wasm quickly, doctor() facts. Expectations that depend on the machine
 * are gated on independent checks (is tfjs-node resolvable? is the Vulkan loader present?).
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { ScoresdeError, doctor, initBackend, tf } from '../../src/index.js';
import { hasGpuDeviceNode } from '../../src/engine/starters.js';

const require = createRequire(import.meta.url);
function resolvable(pkg: string): boolean {
  try {
    require.resolve(pkg);
    return true;
  } catch {
    return false;
  }
}
function hasVulkan(): boolean {
  try {
    process.dlopen({ exports: {} } as NodeJS.Module, 'libvulkan.so.1');
    return true;
  } catch (e) {
    return /self-register/i.test(String(e));
  }
}
const noTfjsNode = !resolvable('@tensorflow/tfjs-node') && !resolvable('@tensorflow/tfjs-node-gpu');
const noVulkan = process.platform === 'linux' && !hasVulkan();
// no hardware GPU (a software Vulkan driver such as lavapipe may still be installed)
const noGpu = noVulkan || !hasGpuDeviceNode();

async function failure(name: string): Promise<ScoresdeError> {
  try {
    await initBackend(name);
  } catch (e) {
    return e as ScoresdeError;
  }
  throw new Error(`backend '${name}' unexpectedly started`);
}

describe('initBackend', () => {
  it('rejects an unknown name with one line listing the choices', async () => {
    const e = await failure('cuda');
    expect(e).toBeInstanceOf(ScoresdeError);
    expect(e.message).toBe("unknown backend 'cuda' (choose from auto, tensorflow, webgpu, wasm, cpu)");
  });

  it.runIf(noTfjsNode)("'tensorflow' fails with one line when tfjs-node is not installed", async () => {
    const e = await failure('tensorflow');
    expect(e).toBeInstanceOf(ScoresdeError);
    expect(e.message).toMatch(/^backend 'tensorflow' cannot start: not installed \(npm install @tensorflow\/tfjs-node-gpu/);
    expect(e.message).not.toContain('\n');
  });

  it.runIf(noVulkan)("'webgpu' fails fast with one line when there is no GPU", async () => {
    const t0 = performance.now();
    const e = await failure('webgpu');
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(e).toBeInstanceOf(ScoresdeError);
    expect(e.message).toMatch(/^backend 'webgpu' cannot start: no Vulkan loader/);
    expect(e.message).not.toContain('\n');
    // The failure is remembered: asking again is instant and gives the same line.
    const t1 = performance.now();
    expect((await failure('webgpu')).message).toBe(e.message);
    expect(performance.now() - t1).toBeLessThan(50);
  });

  it.runIf(noTfjsNode && noGpu)("'auto' ends up on wasm and says why it skipped the others", async () => {
    await initBackend('cpu');
    const t0 = performance.now();
    const info = await initBackend('auto');
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(info.active).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(info.requested).toBe('auto');
    expect(Object.keys(info.skipped ?? {})).toEqual(['tensorflow', 'webgpu']);
    expect(info.detail).toMatch(/^simd (on|off), threads (on|off)$/);
  });

  it('switches between cpu and wasm and back, computing the same thing on each', async () => {
    const values: number[] = [];
    for (const b of ['cpu', 'wasm', 'cpu', 'wasm'] as const) {
      const info = await initBackend(b);
      expect(info.active).toBe(b);
      expect(tf.getBackend()).toBe(b);
      const t = tf.tensor([1, 2, 3, 4], [2, 2]);
      const s = tf.matMul(t, t).sum();
      values.push((await s.data())[0]!);
      tf.dispose([t, s]);
    }
    expect(values).toEqual([54, 54, 54, 54]);
  });

  it('serialises concurrent calls', async () => {
    const [a, b, c] = await Promise.all([initBackend('wasm'), initBackend('cpu'), initBackend('wasm')]);
    expect([a.active, b.active, c.active]).toEqual(['wasm', 'cpu', 'wasm']);
    expect(tf.getBackend()).toBe('wasm');
  });
});

describe('doctor', () => {
  it('lists every backend with versions or a one-line reason, and restores the active backend', async () => {
    await initBackend('cpu');
    const r = await doctor();
    expect(tf.getBackend()).toBe('cpu');
    expect(r.backends.map((b) => b.name)).toEqual(['tensorflow', 'webgpu', 'wasm', 'cpu']);
    for (const b of r.backends) {
      if (b.available) expect(b.version).toMatch(/^\d+\.\d+\.\d+/);
      else expect(b.reason && !b.reason.includes('\n')).toBe(true);
    }
    const wasm = r.backends.find((b) => b.name === 'wasm')!;
    expect(wasm.available).toBe(true);
    expect(wasm.version).toBe(tf.version_core);
    expect(r.tfjs).toBe(tf.version_core);
    expect(r.packages['@tensorflow/tfjs-backend-wasm']).toBe(tf.version_core);
    if (noTfjsNode && noGpu) expect(r.auto).toBe('wasm');
  });
});
