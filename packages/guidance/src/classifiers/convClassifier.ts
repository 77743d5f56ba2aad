/**
 * A time-conditioned convolutional classifier q_φ(k | x, t) (wide-ResNet-like, as the noise-
 * conditional classifiers of Song et al. 2021 / Dhariwal & Nichol 2021, scaled down):
 *
 *   c_in = 1/√(alpha(t)² + std(t)²)                       (input preconditioning: unit scale)
 *   e    = Linear(SiLU(Linear(emb(t))))                    emb: Gaussian Fourier features of
 *                                                           log std(t) ('fourier') or the DDPM
 *                                                           sinusoidal embedding of 999·t ('positional')
 *   h    = Conv3×3(c_in x)                                 (width nf·chMult[0])
 *   for each level ℓ (resolution H/2^ℓ, width nf·chMult[ℓ]):
 *     if ℓ > 0: h ← Conv3×3(AvgPool2×2(h))                 (down-sampling; `down{ℓ}`)
 *     repeat `blocks` times:                               residual block
 *       h ← h + Conv3×3(SiLU(GN(Conv3×3(SiLU(GN(h))) + Dense_b(e))))
 *   logits = Linear(mean_{H,W} SiLU(GN(h)))                [B, K]
 *   log q(k | x, t) = log_softmax(logits)
 *
 * One level (chMult [1], the default) sees an 11×11 neighbourhood with 2 blocks, so at high noise
 * it must decide a global shape from pooled local evidence; more levels (the encoder half of a
 * U-Net, as Dhariwal & Nichol's classifier) see the whole image. Blocks are numbered across levels
 * (`block0` … `block{L·blocks−1}`), so one-level checkpoints keep their names.
 *
 * GroupNorm: G = min(nf/4, 32) groups, eps 1e-6. Weights are tf.Variables keyed by name (the
 * checkpoint names); conv weights HWIO. Everything is differentiable (guidance takes ∇ₓ).
 */
import { Rng, ScoresdeError, tf, type Classifier, type SDE, type Tensor } from '@scoresde/core';

/** tfjs variable names must be unique per engine. */
let instanceCounter = 0;

export const EMBEDDINGS = ['fourier', 'positional'] as const;
export type EmbeddingKind = (typeof EMBEDDINGS)[number];

export interface ConvClassifierArch {
  /** Sample shape [H, W, C]. */
  shape: number[];
  numClasses: number;
  /** Width nf (default 32; a multiple of 4). */
  channels?: number;
  /** Residual blocks per level (default 2). */
  blocks?: number;
  /** Width multipliers per resolution level, halving the resolution between levels (default [1]). */
  chMult?: number[];
  embedding?: EmbeddingKind;
  /** Embedding size (default 2·nf, even). */
  embedDim?: number;
}

export type ResolvedArch = Required<ConvClassifierArch>;

export function resolveArch(a: ConvClassifierArch): ResolvedArch {
  const who = 'conv classifier';
  if (!Array.isArray(a.shape) || a.shape.length !== 3 || !a.shape.every((s) => Number.isInteger(s) && s > 0)) {
    throw new ScoresdeError(`${who}: shape must be [H, W, C] of positive integers, got ${JSON.stringify(a.shape)}`);
  }
  if (!Number.isInteger(a.numClasses) || a.numClasses < 2) throw new ScoresdeError(`${who}: needs at least 2 classes, got ${a.numClasses}`);
  const channels = a.channels ?? 32;
  if (!Number.isInteger(channels) || channels < 4 || channels % 4 !== 0) throw new ScoresdeError(`${who}: channels must be a positive multiple of 4, got ${channels}`);
  const blocks = a.blocks ?? 2;
  if (!Number.isInteger(blocks) || blocks < 0) throw new ScoresdeError(`${who}: blocks must be a non-negative integer, got ${blocks}`);
  const chMult = a.chMult ?? [1];
  if (!Array.isArray(chMult) || chMult.length === 0 || !chMult.every((m) => Number.isInteger(m) && m > 0)) {
    throw new ScoresdeError(`${who}: chMult must be a non-empty list of positive integers, got ${JSON.stringify(a.chMult)}`);
  }
  const down = 2 ** (chMult.length - 1);
  if (a.shape[0]! % down !== 0 || a.shape[1]! % down !== 0) {
    throw new ScoresdeError(`${who}: ${chMult.length} levels halve the image ${chMult.length - 1} times, so H and W must be multiples of ${down}, got ${a.shape[0]}×${a.shape[1]}`);
  }
  const embedding = a.embedding ?? 'fourier';
  if (!(EMBEDDINGS as readonly string[]).includes(embedding)) throw new ScoresdeError(`${who}: embedding must be one of ${EMBEDDINGS.join(', ')}, got '${embedding}'`);
  const embedDim = a.embedDim ?? 2 * channels;
  if (!Number.isInteger(embedDim) || embedDim < 2 || embedDim % 2 !== 0) throw new ScoresdeError(`${who}: embedDim must be an even positive integer, got ${embedDim}`);
  return { shape: [...a.shape], numClasses: a.numClasses, channels, blocks, chMult: [...chMult], embedding, embedDim };
}

interface ParamDecl {
  shape: number[];
  /** 'he' (fan-in uniform, as torch's default), 'zero', 'one', 'fourier' (N(0, 16), fixed). */
  init: 'he' | 'zero' | 'one' | 'fourier';
  fanIn?: number;
  trainable: boolean;
}

export class ConvClassifier implements Classifier {
  readonly name = 'conv';
  readonly arch: ResolvedArch;
  readonly sde: SDE;
  readonly params = new Map<string, tf.Variable>();
  private readonly decls = new Map<string, ParamDecl>();

  constructor(arch: ConvClassifierArch, sde: SDE, seed = 0) {
    this.arch = resolveArch(arch);
    this.sde = sde;
    const { channels: nf, blocks, embedDim: E, numClasses: K } = this.arch;
    const C = this.arch.shape[2]!;
    const conv = (name: string, cin: number, cout: number, zero = false) => {
      this.decl(`${name}.weight`, [3, 3, cin, cout], zero ? 'zero' : 'he', 9 * cin);
      this.decl(`${name}.bias`, [cout], 'zero');
    };
    const dense = (name: string, cin: number, cout: number) => {
      this.decl(`${name}.weight`, [cin, cout], 'he', cin);
      this.decl(`${name}.bias`, [cout], 'zero');
    };
    const gn = (name: string, c: number) => {
      this.decl(`${name}.weight`, [c], 'one');
      this.decl(`${name}.bias`, [c], 'zero');
    };
    if (this.arch.embedding === 'fourier') this.decls.set('temb.fourier.W', { shape: [E / 2], init: 'fourier', trainable: false });
    dense('temb.dense0', E, E);
    dense('temb.dense1', E, E);
    const widths = this.arch.chMult.map((m) => m * nf);
    conv('conv_in', C, widths[0]!);
    let n = 0;
    widths.forEach((w, level) => {
      if (level > 0) conv(`down${level}`, widths[level - 1]!, w);
      for (let b = 0; b < blocks; b++, n++) {
        gn(`block${n}.norm0`, w);
        conv(`block${n}.conv0`, w, w);
        dense(`block${n}.temb`, E, w);
        gn(`block${n}.norm1`, w);
        conv(`block${n}.conv1`, w, w);
      }
    });
    gn('head.norm', widths[widths.length - 1]!);
    dense('head.dense', widths[widths.length - 1]!, K);
    this.initialize(new Rng(seed));
  }

  private decl(key: string, shape: number[], init: ParamDecl['init'], fanIn?: number): void {
    this.decls.set(key, { shape, init, fanIn, trainable: true });
  }

  /** (Re)initialise every parameter from `rng` (per-key forks). */
  initialize(rng: Rng): void {
    for (const v of this.params.values()) v.dispose();
    this.params.clear();
    for (const [key, d] of this.decls) {
      const n = d.shape.reduce((a, b) => a * b, 1);
      const r = rng.fork(key);
      let data: Float32Array;
      if (d.init === 'zero') data = new Float32Array(n);
      else if (d.init === 'one') data = new Float32Array(n).fill(1);
      else if (d.init === 'fourier') data = Float32Array.from(r.normalArray(n), (v) => v * 16);
      else {
        const bound = 1 / Math.sqrt(d.fanIn!);
        data = Float32Array.from({ length: n }, () => (2 * r.uniform() - 1) * bound);
      }
      const initial = tf.tensor(data, d.shape, 'float32');
      this.params.set(key, tf.variable(initial, d.trainable, `clf${++instanceCounter}_${key}`));
      initial.dispose();
    }
  }

  get numClasses(): number {
    return this.arch.numClasses;
  }

  /** Parameter declarations in order: name, shape, trainable. */
  paramSpecs(): { key: string; shape: number[]; trainable: boolean }[] {
    return [...this.decls].map(([key, d]) => ({ key, shape: d.shape, trainable: d.trainable }));
  }

  trainableVariables(): tf.Variable[] {
    return [...this.decls].filter(([, d]) => d.trainable).map(([k]) => this.params.get(k)!);
  }

  private p(key: string): tf.Variable {
    return this.params.get(key)!;
  }

  private groupNorm(x: Tensor, name: string): Tensor {
    const [b, h, w, c] = x.shape as [number, number, number, number];
    const g = Math.min(c / 4, 32);
    const xr = tf.reshape(x, [b, h * w, g, c / g]);
    const { mean, variance } = tf.moments(xr, [1, 3], true);
    const y = tf.reshape(tf.div(tf.sub(xr, mean), tf.sqrt(tf.add(variance, 1e-6))), [b, h, w, c]);
    return tf.add(tf.mul(y, this.p(`${name}.weight`)), this.p(`${name}.bias`));
  }

  private conv(x: Tensor, name: string): Tensor {
    return tf.add(tf.conv2d(x as tf.Tensor4D, this.p(`${name}.weight`) as tf.Tensor4D, 1, 'same'), this.p(`${name}.bias`));
  }

  private dense(x: Tensor, name: string): Tensor {
    return tf.add(tf.matMul(x as tf.Tensor2D, this.p(`${name}.weight`) as tf.Tensor2D), this.p(`${name}.bias`));
  }

  /** Per-sample coefficients [B] on the host: c_in and the embedding argument. */
  private timeInputs(t: number | Float32Array, B: number): { cin: Float32Array; arg: Float32Array } {
    const cin = new Float32Array(B);
    const arg = new Float32Array(B);
    for (let b = 0; b < B; b++) {
      const tb = typeof t === 'number' ? t : t[b]!;
      if (!Number.isFinite(tb)) throw new ScoresdeError(`conv classifier: time ${tb} is not finite`);
      const { alpha, std } = this.sde.marginal(tb);
      cin[b] = 1 / Math.sqrt(alpha * alpha + std * std);
      arg[b] = this.arch.embedding === 'fourier' ? Math.log(Math.max(std, 1e-12)) : 999 * tb;
    }
    return { cin, arg };
  }

  /** Logits [B, K]; t one time or one per sample. */
  logits(x: Tensor, t: number | Float32Array): Tensor {
    const [H, W, C] = this.arch.shape as [number, number, number];
    if (x.rank !== 4 || x.shape[1] !== H || x.shape[2] !== W || x.shape[3] !== C) {
      throw new ScoresdeError(`conv classifier: expected x of shape [B, ${H}, ${W}, ${C}], got [${x.shape.join(', ')}]`);
    }
    const B = x.shape[0]!;
    if (typeof t !== 'number' && t.length !== B) throw new ScoresdeError(`conv classifier: ${t.length} times for a batch of ${B}`);
    const { cin, arg } = this.timeInputs(t, B);
    return tf.tidy(() => {
      const silu = (v: Tensor) => tf.mul(v, tf.sigmoid(v));
      const a = tf.tensor2d(arg, [B, 1]);
      let emb: Tensor;
      if (this.arch.embedding === 'fourier') {
        const proj = tf.mul(tf.matMul(a, tf.reshape(this.p('temb.fourier.W'), [1, -1])), 2 * Math.PI);
        emb = tf.concat([tf.sin(proj), tf.cos(proj)], 1);
      } else {
        const half = this.arch.embedDim / 2;
        const f = Float32Array.from({ length: half }, (_, i) => Math.exp((-Math.log(10000) * i) / Math.max(half - 1, 1)));
        const proj = tf.matMul(a, tf.tensor2d(f, [1, half]));
        emb = tf.concat([tf.sin(proj), tf.cos(proj)], 1);
      }
      const e = this.dense(silu(this.dense(emb, 'temb.dense0')), 'temb.dense1');
      let h = this.conv(tf.mul(x, tf.tensor4d(cin, [B, 1, 1, 1])), 'conv_in');
      let n = 0;
      for (let level = 0; level < this.arch.chMult.length; level++) {
        if (level > 0) h = this.conv(tf.avgPool(h as tf.Tensor4D, 2, 2, 'valid'), `down${level}`);
        for (let b = 0; b < this.arch.blocks; b++, n++) {
          let r = this.conv(silu(this.groupNorm(h, `block${n}.norm0`)), `block${n}.conv0`);
          r = tf.add(r, tf.reshape(this.dense(silu(e), `block${n}.temb`), [B, 1, 1, -1]));
          r = this.conv(silu(this.groupNorm(r, `block${n}.norm1`)), `block${n}.conv1`);
          h = tf.add(h, r);
        }
      }
      const pooled = tf.mean(silu(this.groupNorm(h, 'head.norm')), [1, 2]);
      return this.dense(pooled, 'head.dense');
    });
  }

  logProbs(x: Tensor, t: number | Float32Array): Tensor {
    return tf.tidy(() => tf.logSoftmax(this.logits(x, t), 1));
  }

  dispose(): void {
    for (const v of this.params.values()) v.dispose();
    this.params.clear();
  }
}
