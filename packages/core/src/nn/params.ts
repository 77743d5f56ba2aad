/**
 * Parameters of a network, declared by the layers under their PyTorch state_dict keys
 * (score_sde_pytorch names such as `all_modules.3.Conv_0.weight`) with their PyTorch shapes.
 *
 * Storage on the device is tfjs-native: conv weights OIHW → HWIO, `nn.Linear` weights
 * [out, in] → [in, out]; everything else (NIN `W` [in, out], biases, GroupNorm affine,
 * Fourier `W`) keeps its shape. `loadStateDict` converts, `stateDict` converts back, so a
 * state_dict written with safetensors.torch loads unchanged and our checkpoints load in torch.
 */
import { tf } from '../tf.js';
import { ScoresdeError } from '../errors.js';
import type { NdArrayF32 } from '../io/npy.js';
import { Rng } from '../rng/rng.js';

/** How a PyTorch tensor maps to the stored tfjs tensor. */
export type ParamLayout = 'conv' | 'linear' | 'plain';

export interface ParamSpec {
  key: string;
  /** Shape in the PyTorch state_dict. */
  torchShape: number[];
  layout: ParamLayout;
  /** Trainable (false for fixed buffers such as the Fourier features' W). */
  trainable: boolean;
  /** Initial value in PyTorch layout (the reference initialiser of that layer). */
  init: (rng: Rng) => Float32Array;
  /**
   * A deterministic buffer (e.g. `sigmas`) that may be absent from a file: then `init` fills it
   * (called with a fixed-seed Rng).
   */
  optional?: boolean;
}

export function tfShape(spec: Pick<ParamSpec, 'torchShape' | 'layout'>): number[] {
  const s = spec.torchShape;
  if (spec.layout === 'conv') return [s[2]!, s[3]!, s[1]!, s[0]!];
  if (spec.layout === 'linear') return [s[1]!, s[0]!];
  return [...s];
}

/** PyTorch layout → tfjs layout (a fresh array). */
export function toTfLayout(data: Float32Array, spec: Pick<ParamSpec, 'torchShape' | 'layout'>): Float32Array {
  const s = spec.torchShape;
  if (spec.layout === 'plain') return data.slice();
  const out = new Float32Array(data.length);
  if (spec.layout === 'linear') {
    const [o, i] = s as [number, number];
    for (let a = 0; a < o; a++) for (let b = 0; b < i; b++) out[b * o + a] = data[a * i + b]!;
    return out;
  }
  const [O, I, H, W] = s as [number, number, number, number];
  for (let o = 0; o < O; o++)
    for (let i = 0; i < I; i++)
      for (let h = 0; h < H; h++)
        for (let w = 0; w < W; w++) out[((h * W + w) * I + i) * O + o] = data[((o * I + i) * H + h) * W + w]!;
  return out;
}

/** tfjs layout → PyTorch layout (a fresh array). */
export function toTorchLayout(data: Float32Array, spec: Pick<ParamSpec, 'torchShape' | 'layout'>): Float32Array {
  const s = spec.torchShape;
  if (spec.layout === 'plain') return data.slice();
  const out = new Float32Array(data.length);
  if (spec.layout === 'linear') {
    const [o, i] = s as [number, number];
    for (let a = 0; a < o; a++) for (let b = 0; b < i; b++) out[a * i + b] = data[b * o + a]!;
    return out;
  }
  const [O, I, H, W] = s as [number, number, number, number];
  for (let o = 0; o < O; o++)
    for (let i = 0; i < I; i++)
      for (let h = 0; h < H; h++)
        for (let w = 0; w < W; w++) out[((o * I + i) * H + h) * W + w] = data[((h * W + w) * I + i) * O + o]!;
  return out;
}

export interface LoadOptions {
  /** Name used in error messages (usually the file path). */
  source?: string;
  /** Keys that may be present in the file without being parameters (buffers we recompute). */
  ignorableKeys?: string[];
}

export class ParamStore {
  private readonly specs = new Map<string, ParamSpec>();
  private readonly vars = new Map<string, tf.Variable>();

  declare(spec: ParamSpec): void {
    if (this.specs.has(spec.key)) throw new Error(`parameter '${spec.key}' declared twice`);
    this.specs.set(spec.key, spec);
  }

  /** The device tensor of a parameter (tfjs layout). */
  get(key: string): tf.Variable {
    const v = this.vars.get(key);
    if (!v) throw new ScoresdeError(`parameter '${key}' has not been loaded or initialised`);
    return v;
  }

  keys(): string[] {
    return [...this.specs.keys()];
  }

  spec(key: string): ParamSpec {
    const s = this.specs.get(key);
    if (!s) throw new ScoresdeError(`unknown parameter '${key}'`);
    return s;
  }

  /** Number of scalar parameters. */
  count(): number {
    let n = 0;
    for (const s of this.specs.values()) n += s.torchShape.reduce((a, b) => a * b, 1);
    return n;
  }

  /** Trainable variables, in declaration order (= PyTorch parameter order). */
  trainableVariables(): tf.Variable[] {
    return [...this.specs.values()].filter((s) => s.trainable).map((s) => this.get(s.key));
  }

  /** Fill every parameter with its reference initialiser. */
  initialize(rng: Rng): void {
    this.disposeVariables();
    for (const s of this.specs.values()) {
      const data = s.init(rng.fork(s.key));
      this.vars.set(s.key, ownedVariable(tf.tensor(toTfLayout(data, s), tfShape(s), 'float32'), s.trainable));
    }
  }

  /**
   * Load a PyTorch state_dict (already float32). Accepts a DataParallel `module.` prefix.
   * Every declared key must be present with its PyTorch shape; unknown keys are refused.
   */
  loadStateDict(tensors: Map<string, NdArrayF32>, opts: LoadOptions = {}): void {
    const src = opts.source ?? 'state_dict';
    const byKey = new Map<string, NdArrayF32>();
    for (const [k, v] of tensors) byKey.set(k.startsWith('module.') ? k.slice('module.'.length) : k, v);
    const ignorable = new Set(opts.ignorableKeys ?? []);
    const missing = [...this.specs.values()].filter((s) => !byKey.has(s.key) && !s.optional).map((s) => s.key);
    if (missing.length) {
      const more = missing.length > 1 ? ` (and ${missing.length - 1} more)` : '';
      throw new ScoresdeError(`${src}: missing tensor '${missing[0]}'${more}; the config and the weights describe different networks`);
    }
    for (const k of byKey.keys()) {
      if (!this.specs.has(k) && !ignorable.has(k)) {
        throw new ScoresdeError(`${src}: unexpected tensor '${k}' (not a parameter of the network the config describes)`);
      }
    }
    for (const s of this.specs.values()) {
      const t = byKey.get(s.key);
      if (!t) continue;
      if (t.shape.length !== s.torchShape.length || t.shape.some((d, i) => d !== s.torchShape[i])) {
        throw new ScoresdeError(
          `${src}: tensor '${s.key}' has shape ${JSON.stringify(t.shape)} but the config needs ${JSON.stringify(s.torchShape)}`,
        );
      }
    }
    this.disposeVariables();
    for (const s of this.specs.values()) {
      const t = byKey.get(s.key);
      const data = t ? t.data : s.init(new Rng(0));
      this.vars.set(s.key, ownedVariable(tf.tensor(toTfLayout(data, s), tfShape(s), 'float32'), s.trainable));
    }
  }

  /** The parameters in PyTorch key names and layouts (for safetensors checkpoints). */
  async stateDict(): Promise<Map<string, NdArrayF32>> {
    const out = new Map<string, NdArrayF32>();
    for (const s of this.specs.values()) {
      const data = (await this.get(s.key).data()) as Float32Array;
      out.set(s.key, { shape: [...s.torchShape], data: toTorchLayout(data, s) });
    }
    return out;
  }

  private disposeVariables(): void {
    for (const v of this.vars.values()) v.dispose();
    this.vars.clear();
  }

  dispose(): void {
    this.disposeVariables();
  }
}

/** A variable made from a fresh tensor, which is then released (the variable keeps its own reference). */
function ownedVariable(initial: tf.Tensor, trainable: boolean): tf.Variable {
  const v = tf.variable(initial, trainable);
  initial.dispose();
  return v;
}
