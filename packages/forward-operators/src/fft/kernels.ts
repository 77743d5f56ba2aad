/**
 * Custom tfjs kernels for the 'cpu' and 'wasm' backends:
 * - `ScoresdeFft2c` {x} (attrs { inverse }): y = F x or F⁻¹ x on [B,H,W,2K];
 * - `ScoresdeMaskedFft2c` {x, mask} (attrs { inverse, real }): forward y = M ⊙ F x, inverse
 *   x = F⁻¹(M ⊙ y); with `real`, the forward takes real planes [B,H,W,K] and the inverse returns
 *   the real part [B,H,W,K] (the MRI operator's forward and adjoint in one kernel each);
 * - `ScoresdeSenseFft2c` {x, maps, mask} (attrs { inverse, real, coils }): the multi-coil
 *   operator y_c = M ⊙ F(S_c x) and its adjoint Σ_c S̄_c F⁻¹(M ⊙ y_c) (see hostSenseFft2c.ts).
 * Each reads its inputs straight from the backend's host memory (cpu: `readSync`; wasm: views of
 * the wasm heap), runs the host transform (hostFft2c.ts / hostSenseFft2c.ts) and writes the result
 * into a new tensor of the same backend — no round trip through the engine per op.
 *
 * Gradient: the kernel is the real-linear map R^{2N} → R^{2N} of a unitary complex map F (or F⁻¹).
 * With complex data stored as (re, im) channel pairs, the transpose of that real map is the real
 * form of the adjoint Fᴴ, and Fᴴ = F⁻¹ since F is unitary. So ∂L/∂x = F⁻¹(∂L/∂y) for the forward
 * kernel and F(∂L/∂y) for the inverse one — the re/im channels are passed through unchanged.
 * Likewise (M ⊙ F ∘ embed)ᵀ = Re ∘ F⁻¹ ∘ (M ⊙ ·): the masked kernels' gradients are each other.
 * The SENSE kernels are likewise each other's transposes. Masks and coil maps get zero gradients
 * (they are data, not parameters).
 */
import { tf, type WebGPUBackendLike } from '@scoresde/core';
import { hostFft2c, hostFft2cOutShape } from './hostFft2c.js';
import { hostSenseFft2c, hostSenseOutShape } from './hostSenseFft2c.js';
import { gpuFft2c } from './webgpuFft.js';

export const FFT2C_KERNEL = 'ScoresdeFft2c';
export const MASKED_FFT2C_KERNEL = 'ScoresdeMaskedFft2c';
export const SENSE_FFT2C_KERNEL = 'ScoresdeSenseFft2c';
export const FFT2C_BACKENDS = ['cpu', 'wasm'] as const;
/** Backends with a device FFT (webgpuFft.ts) for the plain and masked kernels. */
export const GPU_FFT_BACKENDS = ['webgpu'] as const;

interface CpuLike {
  readSync(dataId: object): ArrayLike<number>;
  makeTensorInfo(shape: number[], dtype: string, values: Float32Array): tf.TensorInfo;
}
interface WasmLike {
  makeOutput(shape: number[], dtype: string): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array;
}

function size(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

const cpuKernel: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const x = inputs['x'] as tf.TensorInfo;
  const be = backend as unknown as CpuLike;
  const inverse = Boolean((attrs as { inverse?: boolean }).inverse);
  const out = new Float32Array(size(x.shape));
  hostFft2c(be.readSync(x.dataId), out, x.shape, inverse);
  return be.makeTensorInfo(x.shape.slice(), 'float32', out);
};

const wasmKernel: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const x = inputs['x'] as tf.TensorInfo;
  const be = backend as unknown as WasmLike;
  const inverse = Boolean((attrs as { inverse?: boolean }).inverse);
  const outInfo = be.makeOutput(x.shape.slice(), 'float32');
  // Views are taken after the allocation above, so a heap growth cannot detach them.
  const src = be.typedArrayFromHeap(x);
  const dst = be.typedArrayFromHeap(outInfo);
  hostFft2c(src, dst, x.shape, inverse);
  return outInfo;
};

const webgpuKernel: tf.KernelFunc = ({ inputs, backend, attrs }) =>
  gpuFft2c(backend as unknown as WebGPUBackendLike, inputs['x'] as tf.TensorInfo, { inverse: Boolean((attrs as { inverse?: boolean }).inverse) });

const webgpuMaskedKernel: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const a = attrs as MaskedAttrs;
  return gpuFft2c(backend as unknown as WebGPUBackendLike, inputs['x'] as tf.TensorInfo, { inverse: Boolean(a.inverse), real: Boolean(a.real), mask: inputs['mask'] as tf.TensorInfo });
};

interface MaskedAttrs {
  inverse?: boolean;
  real?: boolean;
}

const cpuMaskedKernel: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const x = inputs['x'] as tf.TensorInfo;
  const mask = inputs['mask'] as tf.TensorInfo;
  const be = backend as unknown as CpuLike;
  const a = attrs as MaskedAttrs;
  const o = { inverse: Boolean(a.inverse), real: Boolean(a.real), mask: be.readSync(mask.dataId) };
  const shape = hostFft2cOutShape(x.shape, o);
  const out = new Float32Array(size(shape));
  hostFft2c(be.readSync(x.dataId), out, x.shape, o);
  return be.makeTensorInfo(shape, 'float32', out);
};

const wasmMaskedKernel: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const x = inputs['x'] as tf.TensorInfo;
  const mask = inputs['mask'] as tf.TensorInfo;
  const be = backend as unknown as WasmLike;
  const a = attrs as MaskedAttrs;
  const inverse = Boolean(a.inverse);
  const real = Boolean(a.real);
  const shape = hostFft2cOutShape(x.shape, { inverse, real });
  const outInfo = be.makeOutput(shape, 'float32');
  hostFft2c(be.typedArrayFromHeap(x), be.typedArrayFromHeap(outInfo), x.shape, { inverse, real, mask: be.typedArrayFromHeap(mask) });
  return outInfo;
};

interface SenseAttrs {
  inverse?: boolean;
  real?: boolean;
  coils?: number;
}

function senseOpts(attrs: unknown): { inverse: boolean; real: boolean; coils: number } {
  const a = attrs as SenseAttrs;
  return { inverse: Boolean(a.inverse), real: Boolean(a.real), coils: Number(a.coils) };
}

const cpuSenseKernel: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, maps, mask } = inputs as { x: tf.TensorInfo; maps: tf.TensorInfo; mask: tf.TensorInfo };
  const be = backend as unknown as CpuLike;
  const o = senseOpts(attrs);
  const shape = hostSenseOutShape(x.shape, o);
  const out = new Float32Array(size(shape));
  hostSenseFft2c(be.readSync(x.dataId), out, x.shape, be.readSync(maps.dataId), be.readSync(mask.dataId), o);
  return be.makeTensorInfo(shape, 'float32', out);
};

const wasmSenseKernel: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, maps, mask } = inputs as { x: tf.TensorInfo; maps: tf.TensorInfo; mask: tf.TensorInfo };
  const be = backend as unknown as WasmLike;
  const o = senseOpts(attrs);
  const outInfo = be.makeOutput(hostSenseOutShape(x.shape, o), 'float32');
  hostSenseFft2c(be.typedArrayFromHeap(x), be.typedArrayFromHeap(outInfo), x.shape, be.typedArrayFromHeap(maps), be.typedArrayFromHeap(mask), o);
  return outInfo;
};

let registered = false;

/** Register the kernels (both backends) and the gradient once; later calls do nothing. */
export function registerFftKernels(): void {
  if (registered) return;
  registered = true;
  for (const backendName of FFT2C_BACKENDS) {
    if (!tf.getKernel(FFT2C_KERNEL, backendName)) {
      tf.registerKernel({ kernelName: FFT2C_KERNEL, backendName, kernelFunc: backendName === 'cpu' ? cpuKernel : wasmKernel });
    }
  }
  for (const backendName of FFT2C_BACKENDS) {
    if (!tf.getKernel(MASKED_FFT2C_KERNEL, backendName)) {
      tf.registerKernel({ kernelName: MASKED_FFT2C_KERNEL, backendName, kernelFunc: backendName === 'cpu' ? cpuMaskedKernel : wasmMaskedKernel });
    }
  }
  for (const backendName of FFT2C_BACKENDS) {
    if (!tf.getKernel(SENSE_FFT2C_KERNEL, backendName)) {
      tf.registerKernel({ kernelName: SENSE_FFT2C_KERNEL, backendName, kernelFunc: backendName === 'cpu' ? cpuSenseKernel : wasmSenseKernel });
    }
  }
  for (const backendName of GPU_FFT_BACKENDS) {
    if (!tf.getKernel(FFT2C_KERNEL, backendName)) tf.registerKernel({ kernelName: FFT2C_KERNEL, backendName, kernelFunc: webgpuKernel });
    if (!tf.getKernel(MASKED_FFT2C_KERNEL, backendName)) tf.registerKernel({ kernelName: MASKED_FFT2C_KERNEL, backendName, kernelFunc: webgpuMaskedKernel });
  }
  if (!tf.getGradient(SENSE_FFT2C_KERNEL)) {
    tf.registerGradient({
      kernelName: SENSE_FFT2C_KERNEL,
      inputsToSave: ['maps', 'mask'],
      gradFunc: (dy, saved, attrs) => {
        const o = senseOpts(attrs);
        const [maps, mask] = saved as [tf.Tensor, tf.Tensor];
        return {
          x: () => runSenseFft2cKernel(dy as tf.Tensor, maps, mask, { ...o, inverse: !o.inverse }),
          maps: () => tf.zerosLike(maps),
          mask: () => tf.zerosLike(mask),
        };
      },
    });
  }
  if (!tf.getGradient(MASKED_FFT2C_KERNEL)) {
    tf.registerGradient({
      kernelName: MASKED_FFT2C_KERNEL,
      inputsToSave: ['mask'],
      gradFunc: (dy, saved, attrs) => {
        const a = attrs as MaskedAttrs;
        const mask = saved[0]!;
        return {
          x: () => runMaskedFft2cKernel(dy as tf.Tensor, mask, !a.inverse, Boolean(a.real)),
          mask: () => tf.zerosLike(mask),
        };
      },
    });
  }
  if (!tf.getGradient(FFT2C_KERNEL)) {
    tf.registerGradient({
      kernelName: FFT2C_KERNEL,
      inputsToSave: [],
      gradFunc: (dy, _saved, attrs) => {
        const inverse = Boolean((attrs as { inverse?: boolean }).inverse);
        return { x: () => runFft2cKernel(dy as tf.Tensor, !inverse) };
      },
    });
  }
}

/** Run the kernel on the active backend (which must be cpu or wasm). */
export function runFft2cKernel(x: tf.Tensor, inverse: boolean): tf.Tensor {
  registerFftKernels();
  return tf.engine().runKernel(FFT2C_KERNEL, { x }, { inverse }) as tf.Tensor;
}

/** Run the masked kernel on the active backend (cpu or wasm). `mask` is [1, H, W, 1] float32. */
export function runMaskedFft2cKernel(x: tf.Tensor, mask: tf.Tensor, inverse: boolean, real: boolean): tf.Tensor {
  registerFftKernels();
  return tf.engine().runKernel(MASKED_FFT2C_KERNEL, { x, mask }, { inverse, real }) as tf.Tensor;
}

/**
 * Run the multi-coil kernel on the active backend (cpu or wasm). `maps` [1,H,W,2C] interleaved
 * (Re S_c, Im S_c), `mask` [1,H,W,1].
 */
export function runSenseFft2cKernel(x: tf.Tensor, maps: tf.Tensor, mask: tf.Tensor, o: { inverse: boolean; real: boolean; coils: number }): tf.Tensor {
  registerFftKernels();
  return tf.engine().runKernel(SENSE_FFT2C_KERNEL, { x, maps, mask }, { inverse: o.inverse, real: o.real, coils: o.coils }) as tf.Tensor;
}
