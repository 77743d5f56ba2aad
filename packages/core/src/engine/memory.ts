/**
 * Memory of a batch: how many bytes one score evaluation needs per sample on the active backend,
 * how much the backend can give, and so which batch fits — for picking batch sizes and for
 * turning an out-of-memory failure into one line that says what would fit.
 *
 * Measured, not guessed: the engine's byte count at its peak during `model.score` (tf.profile,
 * every tensor the backend holds, intermediate activations included) at batches b₁ < b₂ gives
 * bytes = fixed + perSample·b. Kernel scratch space outside tensors is not counted, hence the
 * safety factor in `fittingBatch`.
 *
 * Budgets: wasm — its heap cannot grow past 4 GiB − 64 KiB (the module's maximum), less what is
 * held now; webgpu — WebGPU does not report device memory, so `SCORESDE_GPU_MEMORY_MB` (set it to
 * the card's memory) for the total, and always the device's per-buffer limit (the smaller of
 * maxBufferSize and maxStorageBufferBindingSize): every tensor is one buffer, so the largest
 * tensor of a score evaluation (measured the same way, fixed + per sample) bounds the batch even
 * when the total is unknown; cpu / tensorflow — none (host memory).
 */
import { tf } from '../tf.js';
import type { ScoreModel } from '../contracts/score.js';

export interface BatchMemory {
  /** Bytes needed whatever the batch (weights are not counted: they are held already). */
  fixedBytes: number;
  /** Additional bytes per sample of the batch. */
  perSampleBytes: number;
  /** The largest single tensor of the evaluation: fixed + per-sample bytes (optional). */
  largestFixedBytes?: number;
  largestPerSampleBytes?: number;
}

export interface MemoryBudget {
  /** Bytes the backend can still give in all (Infinity: not known, only the per-buffer limit). */
  bytes: number;
  /** The most one tensor (one GPU buffer) may hold, where the backend has such a limit. */
  maxBufferBytes?: number;
  /** Where the numbers come from, for messages. */
  source: string;
}

/** Bytes above the current level at the peak of `f` (its result is disposed). */
export async function peakExtraBytes(f: () => tf.TensorContainer): Promise<number> {
  return (await profileBytes(f)).peak;
}

/** Peak extra bytes of `f` and the bytes of the largest tensor one of its kernels made. */
async function profileBytes(f: () => tf.TensorContainer): Promise<{ peak: number; largest: number }> {
  const before = tf.memory().numBytes;
  const info = await tf.profile(() => f());
  tf.dispose(info.result as tf.TensorContainer);
  let largest = 0;
  for (const k of info.kernels) {
    for (const shape of k.outputShapes) {
      // float32/int32 are 4 bytes a value (complex64 8); the engine's tensors here are 4-byte
      if (shape) largest = Math.max(largest, 4 * shape.reduce((a, b) => a * b, 1));
    }
  }
  return { peak: Math.max(0, info.peakBytes - before), largest };
}

/** Peak memory of one score evaluation (at t = 0.5) as fixed + per-sample bytes. */
export async function measureScoreMemory(model: ScoreModel, batches: [number, number] = [1, 2]): Promise<BatchMemory> {
  const [b1, b2] = batches;
  if (!(Number.isInteger(b1) && Number.isInteger(b2) && b1 >= 1 && b2 > b1)) throw new RangeError(`measureScoreMemory: batches must be integers 1 ≤ b1 < b2, got ${b1}, ${b2}`);
  const at = async (b: number) =>
    profileBytes(() =>
      tf.tidy(() => {
        const x = tf.zeros([b, ...model.sampleShape]);
        return model.score(x, 0.5);
      }),
    );
  const m1 = await at(b1);
  const m2 = await at(b2);
  const perSampleBytes = Math.max(1, (m2.peak - m1.peak) / (b2 - b1));
  const largestPerSampleBytes = Math.max(1, (m2.largest - m1.largest) / (b2 - b1));
  return {
    fixedBytes: Math.max(0, m1.peak - perSampleBytes * b1),
    perSampleBytes,
    largestFixedBytes: Math.max(0, m1.largest - largestPerSampleBytes * b1),
    largestPerSampleBytes,
  };
}

const mib = (b: number) => `${(b / 2 ** 20).toFixed(b < 10 * 2 ** 20 ? 1 : 0)} MiB`;

export const WASM_HEAP_MAX_BYTES = 4294901760;

/** What the active backend can still give, if it can tell. */
export function memoryBudget(backend: string = tf.getBackend()): MemoryBudget | undefined {
  if (backend === 'wasm') {
    const held = tf.memory().numBytes;
    return { bytes: WASM_HEAP_MAX_BYTES - held, source: `wasm heap limit 4 GiB, ${(held / 2 ** 20).toFixed(0)} MiB held` };
  }
  if (backend === 'webgpu') {
    const maxBufferBytes = webgpuMaxBufferBytes();
    const mb = Number(process.env['SCORESDE_GPU_MEMORY_MB']);
    const buf = maxBufferBytes === undefined ? '' : `a WebGPU buffer holds at most ${mib(maxBufferBytes)}`;
    if (!(mb > 0)) return maxBufferBytes === undefined ? undefined : { bytes: Infinity, maxBufferBytes, source: buf };
    const held = tf.memory().numBytes;
    return { bytes: mb * 2 ** 20 - held, maxBufferBytes, source: `SCORESDE_GPU_MEMORY_MB=${mb}, ${(held / 2 ** 20).toFixed(0)} MiB held${buf ? `; ${buf}` : ''}` };
  }
  return undefined;
}

/** The webgpu device's per-buffer limit, min(maxBufferSize, maxStorageBufferBindingSize), once it runs. */
function webgpuMaxBufferBytes(): number | undefined {
  const backend = tf.findBackend('webgpu') as unknown as { device?: { limits?: { maxBufferSize?: number; maxStorageBufferBindingSize?: number } } } | null | undefined;
  const limits = backend?.device?.limits;
  const values = [limits?.maxBufferSize, limits?.maxStorageBufferBindingSize].filter((v): v is number => typeof v === 'number' && v > 0);
  return values.length ? Math.min(...values) : undefined;
}

/**
 * The largest batch whose measured bytes, times `overhead` (sampler state, guidance gradients,
 * scratch space; default 2), fit in the budget, and whose largest tensor fits in one buffer where
 * the budget has a per-buffer limit; at least 1. Infinity when neither bound is known.
 */
export function fittingBatch(m: BatchMemory, budget: MemoryBudget | number, overhead = 2): number {
  const b = typeof budget === 'number' ? { bytes: budget, source: '' } : budget;
  const total = Number.isFinite(b.bytes) ? Math.floor((b.bytes / overhead - m.fixedBytes) / m.perSampleBytes) : Infinity;
  const perBuffer =
    b.maxBufferBytes !== undefined && m.largestPerSampleBytes !== undefined
      ? Math.floor((b.maxBufferBytes - (m.largestFixedBytes ?? 0)) / m.largestPerSampleBytes)
      : Infinity;
  return Math.max(1, Math.min(total, perBuffer));
}

/** Whether an error is a backend running out of memory (wasm abort or heap growth, WebGPU, host). */
export function isOutOfMemory(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  if (e.name === 'GPUOutOfMemoryError') return true;
  // a buffer over the device's size limits: too large a batch, as far as the user is concerned
  if (e.name === 'GPUValidationError' && /exceeds the max buffer size|exceeds the max storage buffer binding size/i.test(e.message)) return true;
  const m = e.message;
  if (e.name === 'RuntimeError' && /^(Aborted|memory access out of bounds|unreachable)/.test(m)) return true;
  if (e instanceof RangeError && /Array buffer allocation failed|Invalid typed array length|WebAssembly\.Memory/.test(m)) return true;
  return /out of memory|OOM when allocating|Failed to allocate|Cannot enlarge memory/i.test(m);
}

/**
 * One line for an out-of-memory failure at `batch` (or, `predicted`, a batch refused before it
 * ran), with what would fit when it can be told.
 */
export function outOfMemoryMessage(what: string, batch: number, backend: string, m?: BatchMemory, budget?: MemoryBudget, predicted = false): string {
  let line = predicted
    ? `${what}: a batch of ${batch} does not fit in memory on the ${backend} backend`
    : `${what}: out of memory on the ${backend} backend at a batch of ${batch}`;
  if (m) line += `; one score evaluation takes ${mib(m.fixedBytes)} + ${mib(m.perSampleBytes)} per sample`;
  const fitting = m && budget ? fittingBatch(m, budget) : Infinity;
  if (m && budget && Number.isFinite(fitting)) {
    const fit = Math.min(fitting, Math.max(1, batch - 1));
    const largest = m.largestPerSampleBytes !== undefined && budget.maxBufferBytes !== undefined ? `, its largest tensor ${mib(m.largestPerSampleBytes)} per sample,` : '';
    const avail = Number.isFinite(budget.bytes) ? ` and ${mib(budget.bytes)} is available (${budget.source})` : ` and ${budget.source}`;
    line += `${largest}${avail}: a batch of ${fit} would fit`;
  } else {
    line += `: try a batch of ${Math.max(1, Math.floor(batch / 2))}`;
  }
  return line;
}
