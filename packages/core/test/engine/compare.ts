/** Helpers for wasm-vs-cpu comparisons: run the same computation on a backend, read it back. */
import { initBackend, tf } from '../../src/index.js';

/** Relative L2 error ‖a − b‖₂ / ‖b‖₂ (b is the reference). */
export function relL2(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i]! - b[i]!) ** 2;
    den += b[i]! ** 2;
  }
  return Math.sqrt(num / den);
}

/** Inner product in float64. */
export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** Euclidean norm in float64. */
export function norm(a: ArrayLike<number>): number {
  return Math.sqrt(dot(a, a));
}

/** max |a − b| / max |b| (b is the reference). */
export function relMax(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i]! - b[i]!));
    den = Math.max(den, Math.abs(b[i]!));
  }
  return num / den;
}

/**
 * Switch to `backend`, build inputs from host arrays there, run `f`, and return every output as a
 * Float32Array (inputs and outputs disposed). Also checks the computation left no tensor behind.
 */
export async function runOn(
  backend: 'cpu' | 'wasm' | 'webgpu',
  inputs: { data: Float32Array | Int32Array; shape: number[]; dtype?: 'float32' | 'int32' }[],
  f: (...xs: tf.Tensor[]) => tf.Tensor | tf.Tensor[],
): Promise<Float32Array[]> {
  await initBackend(backend);
  const before = tf.memory().numTensors;
  const dataBefore = tf.engine().backend.numDataIds();
  const xs = inputs.map((i) => tf.tensor(i.data, i.shape, i.dtype ?? 'float32'));
  const out = tf.tidy(() => f(...xs));
  const outs = Array.isArray(out) ? out : [out];
  const res: Float32Array[] = [];
  for (const t of outs) res.push(Float32Array.from(await t.data()));
  tf.dispose([...xs, ...outs]);
  if (tf.memory().numTensors !== before) throw new Error(`leaked ${tf.memory().numTensors - before} tensors on ${backend}`);
  if (tf.engine().backend.numDataIds() !== dataBefore) throw new Error(`leaked ${tf.engine().backend.numDataIds() - dataBefore} data buffers on ${backend}`);
  return res;
}

/**
 * Whether the webgpu backend starts here (a GPU, or Mesa's lavapipe software Vulkan as CI
 * installs). With SCORESDE_REQUIRE_WEBGPU=1 (CI) a failure to start is an error, not a skip.
 */
export async function webgpuAvailable(): Promise<boolean> {
  const prev = tf.getBackend();
  try {
    await initBackend('webgpu');
    return true;
  } catch (e) {
    if (process.env['SCORESDE_REQUIRE_WEBGPU'] === '1') throw e;
    return false;
  } finally {
    if (prev && prev !== 'webgpu') await initBackend(prev as 'cpu' | 'wasm');
  }
}
