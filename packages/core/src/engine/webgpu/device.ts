/**
 * The webgpu backend's device, requested by the project instead of tfjs-webgpu's default factory
 * so that it also asks for `shader-f16` when the adapter offers it (tfjs asks only for
 * timestamp-query and bgra8unorm-storage). Limits are raised to the adapter's, as tfjs does.
 *
 * WGSL needs `enable f16;` before any declaration, but tfjs prepends its own declarations to a
 * program's code; so createShaderModule is wrapped to move the directive of sources that carry
 * the F16_MARKER to the front.
 */
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { tf } from '../../tf.js';

export const F16_MARKER = '/*scoresde:enable-f16*/';

interface AdapterLike {
  features: Set<string>;
  limits: Record<string, number>;
  info?: unknown;
  requestDevice(d: { requiredFeatures: string[]; requiredLimits: Record<string, number> }): Promise<DeviceLike>;
}
interface DeviceLike {
  features: Set<string>;
  createShaderModule(d: { code: string }): unknown;
  addEventListener(type: 'uncapturederror', f: (e: { error?: { constructor: { name: string }; message?: string } }) => void): void;
}

let f16 = false;
let pendingError: Error | undefined;

/**
 * WebGPU reports failures (out of memory, a buffer over the device's limits, an invalid shader)
 * asynchronously, as `uncapturederror` events, and the commands involved then silently produce
 * nothing. The first such error since the last call, as an Error named after its GPUError type
 * (GPUOutOfMemoryError, GPUValidationError, GPUInternalError), or undefined.
 */
export function takeDeviceError(): Error | undefined {
  const e = pendingError;
  pendingError = undefined;
  return e;
}

/** Throw the pending device error, if any (samplers call this between steps). */
export function throwIfDeviceError(): void {
  const e = takeDeviceError();
  if (e) throw e;
}

/** Whether the device was created with shader-f16 (so f16 GEMM tiles may be used). */
export function deviceHasF16(): boolean {
  return f16;
}

const LIMITS = ['maxComputeWorkgroupStorageSize', 'maxComputeWorkgroupsPerDimension', 'maxStorageBufferBindingSize', 'maxBufferSize', 'maxComputeWorkgroupSizeX', 'maxComputeInvocationsPerWorkgroup'];

/** Replace tfjs-webgpu's backend factory (call after importing it, before setBackend). */
export function registerWebgpuFactory(backendClass: new (device: unknown, info?: unknown) => WebGPUBackend): void {
  if (tf.engine().registry['webgpu']) return; // already initialised: keep it
  tf.removeBackend('webgpu');
  tf.registerBackend(
    'webgpu',
    async () => {
      const gpu = (globalThis as unknown as { navigator: { gpu: { requestAdapter(o: object): Promise<AdapterLike | null> } } }).navigator.gpu;
      const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
      if (!adapter) throw new Error('no WebGPU adapter');
      const requiredFeatures = ['timestamp-query', 'bgra8unorm-storage', 'shader-f16'].filter((f) => adapter.features.has(f));
      const requiredLimits: Record<string, number> = {};
      for (const l of LIMITS) if (adapter.limits[l] !== undefined) requiredLimits[l] = adapter.limits[l]!;
      const device = await adapter.requestDevice({ requiredFeatures, requiredLimits });
      f16 = device.features.has('shader-f16');
      device.addEventListener('uncapturederror', (ev) => {
        if (pendingError || !ev.error) return;
        const first = (ev.error.message ?? '').split('\n').find((l) => l.trim() !== '') ?? 'no message';
        pendingError = new Error(`webgpu: the GPU rejected work (${first.trim()})`);
        pendingError.name = ev.error.constructor.name;
      });
      const create = device.createShaderModule.bind(device);
      device.createShaderModule = (d: { code: string }) => (d.code.includes(F16_MARKER) ? create({ ...d, code: `enable f16;\n${d.code}` }) : create(d));
      return new backendClass(device, adapter.info);
    },
    3,
  );
}
