/**
 * The training loop of score_sde_pytorch (run_lib.train, continuous DSM): per step
 *   1. batch = data at the seeded order's next indices; x₀ = 2·batch − 1 if data.centered
 *   2. from the training Rng, in order: t (B uniforms), z (B·H·W·C normals), the dropout seed
 *   3. loss = DSM loss of the raw network in training mode (dropout on), gradients by autodiff
 *   4. Adam (warm-up, global-norm clipping), then the EMA update of the shadow weights.
 * The network's score conversion is NetworkScoreModel's (per-sample t): VE uses the output as
 * is (scale_by_sigma divides by σ inside), VP / sub-VP use −output/σ(t).
 * Streams: the initial weights come from Rng(seed).fork('init'), every per-step draw from
 * Rng(seed).fork('train') (its state is saved in checkpoints), and the data order is a pure
 * function of (seed, step), so a resumed run equals an uninterrupted one bit for bit on a
 * deterministic backend (tested on cpu; single-threaded wasm was bit-equal in a check too).
 */
import { tf, type Tensor } from '../tf.js';
import { ScoresdeError } from '../errors.js';
import { Rng } from '../rng/rng.js';
import type { SDE } from '../contracts/sde.js';
import type { NetworkConfig } from '../nn/config.js';
import type { ScoreNetwork } from '../nn/network.js';
import { createNetwork, initNetwork } from '../nn/build.js';
import { NetworkScoreModel } from '../score/network.js';
import { sdeFromNetworkConfig } from '../builtins/networks.js';
import { Adam } from './adam.js';
import { Ema } from './ema.js';
import { drawDsmNoise } from './loss.js';
import { chunkGradients } from './chunkGrads.js';
import { GradientPool } from './gradPool.js';
import { ShuffledOrder, type Dataset } from './data.js';
import type { TrainRecipe } from './recipe.js';

export interface TrainStepInfo {
  /** Steps done after this one. */
  step: number;
  loss: number;
  gradNorm: number;
  lr: number;
}

/** Parts a Trainer is assembled from (fresh or restored from a checkpoint). */
export interface TrainerParts {
  config: NetworkConfig;
  recipe: TrainRecipe;
  data: Dataset;
  net: ScoreNetwork;
  emaNet: ScoreNetwork;
  rng: Rng;
  step: number;
  emaUpdates: number;
}

/**
 * acc + next, chunk by chunk in order (consumes both): the one summation both the in-process loop
 * and the worker pool use, so their results are the same bit for bit.
 */
function accumulate(acc: tf.Tensor[] | undefined, next: tf.Tensor[]): tf.Tensor[] {
  if (!acc) return next;
  const sum = acc.map((a, i) => tf.add(a, next[i]!));
  tf.dispose([...acc, ...next]);
  return sum;
}

export class Trainer {
  readonly config: NetworkConfig;
  readonly recipe: TrainRecipe;
  readonly data: Dataset;
  readonly sde: SDE;
  /** Raw (optimised) network. */
  readonly net: ScoreNetwork;
  /** Network holding the EMA weights (what checkpoints save as the model). */
  readonly emaNet: ScoreNetwork;
  readonly adam: Adam;
  readonly ema: Ema;
  /** The stream of t, z and dropout seeds. */
  rng: Rng;
  private readonly order: ShuffledOrder;
  private readonly model: NetworkScoreModel;
  private readonly vars: tf.Variable[];
  private pool?: GradientPool;

  private constructor(p: TrainerParts) {
    this.config = p.config;
    this.recipe = p.recipe;
    this.data = p.data;
    const [h, w, c] = p.data.shape;
    if (h !== p.config.imageSize || w !== p.config.imageSize || c !== p.config.numChannels) {
      throw new ScoresdeError(`training: data samples are ${h}×${w}×${c} but the model config needs ${p.config.imageSize}×${p.config.imageSize}×${p.config.numChannels}`);
    }
    this.sde = sdeFromNetworkConfig(p.config);
    this.net = p.net;
    this.emaNet = p.emaNet;
    this.rng = p.rng;
    this.vars = p.net.params.trainableVariables();
    this.adam = new Adam(this.vars, p.recipe.adam);
    this.adam.step = p.step;
    this.ema = new Ema(p.recipe.emaRate, this.vars, p.emaNet.params.trainableVariables());
    this.ema.numUpdates = p.emaUpdates;
    this.order = new ShuffledOrder(p.recipe.seed, p.data.size, p.recipe.batchSize);
    this.model = new NetworkScoreModel(p.net, this.sde, { continuous: true });
  }

  /** A fresh run: the network initialised like the reference from `Rng(seed).fork('init')`. */
  static async create(config: NetworkConfig, recipe: TrainRecipe, data: Dataset): Promise<Trainer> {
    if (!config.continuous) throw new ScoresdeError('training: only continuous-time training (training.continuous = true) is implemented');
    const root = new Rng(recipe.seed);
    const net = initNetwork(config, root.fork('init'));
    const emaNet = createNetwork(config);
    emaNet.params.loadStateDict(await net.params.stateDict());
    return new Trainer({ config, recipe, data, net, emaNet, rng: root.fork('train'), step: 0, emaUpdates: 0 });
  }

  /** Assemble from restored parts (see checkpoint.ts); the moments are set by the caller. */
  static fromParts(p: TrainerParts): Trainer {
    return new Trainer(p);
  }

  get step(): number {
    return this.adam.step;
  }

  /** The data of batch number `step` as the model sees it (NHWC, centred if configured). */
  private async batchTensor(step: number): Promise<Tensor> {
    const idx = this.order.indices(step);
    const { x } = await this.data.batch(idx);
    const [h, w, c] = this.data.shape;
    if (x.length !== idx.length * h * w * c) throw new ScoresdeError(`training: the data set returned ${x.length} values for ${idx.length} samples of ${h}×${w}×${c}`);
    return tf.tidy(() => {
      const t = tf.tensor4d(x, [idx.length, h, w, c]);
      return this.config.centered ? tf.sub(tf.mul(t, 2), 1) : t;
    });
  }

  /**
   * Loss and gradients (in `trainable variables` order) of the next step's batch, without
   * applying them. Consumes the step's randomness (t, z, dropout seed) from the training Rng;
   * `trainStep` calls it. With micro-batches of size m < B, chunk k (samples [km, km + m)) uses
   * its slice of t and z and the dropout seed + k, and contributes (m_k / B)·(its mean loss).
   */
  async gradients(): Promise<{ loss: number; grads: tf.Tensor[] }> {
    const B = this.recipe.batchSize;
    const mb = this.recipe.microBatch;
    const x0 = await this.batchTensor(this.step);
    const per = x0.size / B;
    const noise = drawDsmNoise(this.rng, B, this.data.shape, this.sde, this.recipe.eps);
    const dropoutSeed = this.rng.nextU32();
    if (this.pool) return this.poolGradients(x0, noise, dropoutSeed);
    let acc: tf.Tensor[] | undefined;
    let loss = 0;
    try {
      for (let s = 0, k = 0; s < B; s += mb, k++) {
        const e = Math.min(B, s + mb);
        const chunk = { t: noise.t.subarray(s, e), z: noise.z.subarray(s * per, e * per) };
        const xc = e - s === B ? x0 : tf.slice(x0, [s], [e - s]);
        const { value, grads: ordered } = chunkGradients(this.net, this.model, this.sde, this.vars, { x0: xc, ...chunk, dropoutSeed: (dropoutSeed + k) >>> 0, weight: (e - s) / B }, this.recipe.likelihoodWeighting);
        if (xc !== x0) xc.dispose();
        loss += ((await value.data()) as Float32Array)[0]!;
        value.dispose();
        acc = accumulate(acc, ordered);
      }
    } catch (e) {
      if (acc) tf.dispose(acc);
      throw e;
    } finally {
      x0.dispose();
    }
    return { loss, grads: acc! };
  }

  /**
   * The micro-batch chunks computed by the worker pool (gradPool.ts), summed here in chunk order
   * exactly as the in-process loop does. Takes ownership of x0.
   */
  private async poolGradients(x0: Tensor, noise: { t: Float32Array; z: Float32Array }, dropoutSeed: number): Promise<{ loss: number; grads: tf.Tensor[] }> {
    const B = this.recipe.batchSize;
    const mb = this.recipe.microBatch;
    const per = x0.size / B;
    let xs: Float32Array;
    try {
      xs = (await x0.data()) as Float32Array;
    } finally {
      x0.dispose();
    }
    const chunks = [];
    for (let s = 0, k = 0; s < B; s += mb, k++) {
      const e = Math.min(B, s + mb);
      chunks.push({
        x0: xs.slice(s * per, e * per),
        shape: [e - s, ...x0.shape.slice(1)],
        t: noise.t.slice(s, e),
        z: noise.z.slice(s * per, e * per),
        dropoutSeed: (dropoutSeed + k) >>> 0,
        weight: (e - s) / B,
      });
    }
    const weights = await Promise.all(this.vars.map(async (v) => (await v.data()) as Float32Array));
    const parts = await this.pool!.run(weights, chunks, this.recipe.likelihoodWeighting);
    let loss = 0;
    let acc: tf.Tensor[] | undefined;
    for (const p of parts) {
      loss += p.loss;
      const ordered = p.grads.map((g, i) => tf.tensor(g, this.vars[i]!.shape, 'float32'));
      acc = accumulate(acc, ordered);
    }
    return { loss, grads: acc! };
  }

  /**
   * Compute the micro-batch chunks' gradients on `workers` worker threads (data parallel; the
   * same result as in-process). Call `stopWorkers` (or `dispose`) when done.
   */
  async startWorkers(workers: number, backend = 'wasm'): Promise<void> {
    await this.stopWorkers();
    this.pool = await GradientPool.start(workers, this.config, this.net, backend);
  }

  async stopWorkers(): Promise<void> {
    const p = this.pool;
    this.pool = undefined;
    await p?.close();
  }

  /** One optimisation step. */
  async trainStep(): Promise<TrainStepInfo> {
    const { loss, grads } = await this.gradients();
    if (!Number.isFinite(loss)) {
      tf.dispose(grads);
      throw new ScoresdeError(`training diverged at step ${this.step + 1}: loss is ${loss} (try a smaller --lr, more --warmup or --grad-clip)`);
    }
    const info = await this.adam.apply(grads);
    tf.dispose(grads);
    this.ema.update();
    return { step: this.step, loss, gradNorm: info.gradNorm, lr: info.lr };
  }

  /** The EMA network as a score model (shares the trainer's EMA weights; do not dispose it). */
  emaScoreModel(): NetworkScoreModel {
    return new NetworkScoreModel(this.emaNet, this.sde);
  }

  dispose(): void {
    void this.stopWorkers();
    this.adam.dispose();
    this.net.dispose();
    this.emaNet.dispose();
  }
}
