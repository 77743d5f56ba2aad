/**
 * A score network as a ScoreModel: the SDE-specific conversion of score_sde_pytorch's
 * models/utils.py get_score_fn.
 *
 * continuous (the default):
 *   VE:          labels = σ(t);   score = net(x, labels)  (scale_by_sigma divides by σ inside)
 *   VP, sub-VP:  labels = 999·t;  score = −net(x, labels) / std(t)
 * discrete (training.continuous = false, score_sde's SMLD / DDPM models):
 *   VE:  labels = round((T − t)(N − 1));  score = net(x, labels)
 *   VP:  labels = t (N − 1);  score = −net / √(1 − ᾱ)[⌊labels⌋], ᾱ = ∏(1 − β_i),
 *        β_i = linspace(β_min/N, β_max/N, N)
 *   (sub-VP always uses the continuous form, as the reference does.)
 * Labels are rounded to float32 as the reference computes them in float32.
 */
import { tf, type Tensor } from '../tf.js';
import { ScoresdeError } from '../errors.js';
import { timeAt, type ScoreModel, type TimeArg } from '../contracts/score.js';
import type { SDE } from '../contracts/sde.js';
import { sdeKind, type SdeKind } from '../sde/kind.js';
import type { ForwardContext } from '../nn/context.js';
import type { ScoreNetwork } from '../nn/network.js';

/** torch.round: nearest integer, ties to even. */
function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v - Math.trunc(v)) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export interface NetworkScoreModelOptions {
  /** Continuous-time labels (default: the config's training.continuous). */
  continuous?: boolean;
}

export class NetworkScoreModel implements ScoreModel {
  readonly sampleShape: number[];
  readonly kind: SdeKind;
  readonly continuous: boolean;
  private readonly discreteStd?: Float64Array;

  constructor(
    readonly network: ScoreNetwork,
    readonly sde: SDE,
    opts: NetworkScoreModelOptions = {},
  ) {
    const c = network.config;
    this.sampleShape = [c.imageSize, c.imageSize, c.numChannels];
    const kind = sdeKind(sde);
    if (!kind) throw new ScoresdeError(`score network: SDE '${sde.name}' is not VE, VP or sub-VP; the network's score conversion is undefined for it`);
    const trained = { vesde: 've', vpsde: 'vp', subvpsde: 'subvp' }[c.sde];
    if (kind !== trained) {
      throw new ScoresdeError(`score network: trained for training.sde '${c.sde}' but used with SDE '${sde.name}'; its score conversion would be wrong`);
    }
    this.kind = kind;
    this.continuous = opts.continuous ?? c.continuous;
    if (!this.continuous && kind === 'vp') {
      const p = (sde as unknown as { params: { betaMin: number; betaMax: number } }).params;
      const n = sde.N;
      const std = new Float64Array(n);
      let cum = 1;
      for (let i = 0; i < n; i++) {
        const beta = p.betaMin / n + (n === 1 ? 0 : ((p.betaMax / n - p.betaMin / n) * i) / (n - 1));
        cum *= 1 - beta;
        std[i] = Math.sqrt(1 - cum);
      }
      this.discreteStd = std;
    }
  }

  /** The labels fed to the network for times t (batch size `batch`), float32. */
  labels(t: TimeArg, batch: number): Float32Array {
    if (typeof t !== 'number' && t.length !== batch) {
      throw new ScoresdeError(`score: got ${t.length} times for a batch of ${batch}`);
    }
    const out = new Float32Array(batch);
    for (let i = 0; i < batch; i++) {
      const ti = Math.fround(timeAt(t, i));
      if (this.kind === 've') {
        out[i] = this.continuous ? this.sde.marginal(ti).std : roundHalfEven(Math.fround(Math.fround(this.sde.T - ti) * (this.sde.N - 1)));
      } else if (this.continuous || this.kind === 'subvp') out[i] = ti * 999;
      else out[i] = ti * (this.sde.N - 1);
    }
    return out;
  }

  /** Per-sample divisor of −net for VP / sub-VP (std of the perturbation kernel). */
  private stds(t: TimeArg, labels: Float32Array): Float32Array {
    const out = new Float32Array(labels.length);
    for (let i = 0; i < labels.length; i++) {
      out[i] = this.discreteStd ? this.discreteStd[Math.trunc(labels[i]!)]! : this.sde.marginal(Math.fround(timeAt(t, i))).std;
    }
    return out;
  }

  private checkInput(x: Tensor): void {
    const s = this.sampleShape;
    if (x.rank !== 4 || x.shape[1] !== s[0] || x.shape[2] !== s[1] || x.shape[3] !== s[2]) {
      throw new ScoresdeError(`score: input shape ${JSON.stringify(x.shape)} does not match the network's [B, ${s.join(', ')}] (NHWC)`);
    }
  }

  /** The raw network output net(x, labels(t)), NHWC. */
  raw(x: Tensor, t: TimeArg, ctx: ForwardContext = {}): Tensor {
    this.checkInput(x);
    const labels = this.labels(t, x.shape[0]!);
    return tf.tidy(() => this.network.forward(x, tf.tensor1d(labels, 'float32'), ctx));
  }

  /** The raw output turned into a score, for a raw output computed elsewhere (e.g. in training). */
  scoreFromRaw(raw: Tensor, t: TimeArg): Tensor {
    if (this.kind === 've') return tf.clone(raw);
    const labels = this.labels(t, raw.shape[0]!);
    const std = this.stds(t, labels);
    return tf.tidy(() => tf.div(tf.neg(raw), tf.tensor4d(std, [std.length, 1, 1, 1])));
  }

  score(x: Tensor, t: TimeArg): Tensor {
    this.checkInput(x);
    const labels = this.labels(t, x.shape[0]!);
    if (this.kind === 've') return tf.tidy(() => this.network.forward(x, tf.tensor1d(labels, 'float32')));
    const std = this.stds(t, labels);
    return tf.tidy(() => tf.div(tf.neg(this.network.forward(x, tf.tensor1d(labels, 'float32'))), tf.tensor4d(std, [std.length, 1, 1, 1])));
  }

  dispose(): void {
    this.network.dispose();
  }
}
