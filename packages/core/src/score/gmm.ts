/**
 * Analytic Gaussian-mixture prior x₀ ~ Σ_k w_k N(μ_k, C_k) with isotropic (c I), diagonal
 * (diag(c)) or full (d×d) component covariances, and its exact time-dependent score under an
 * affine SDE (kernel N(alpha x₀, std² I)):
 *   p_t(x) = Σ_k w_k N(x; alpha μ_k, alpha² C_k + std² I),
 *   γ_k(x, t) = p_t(k | x) = softmax_k(log w_k + log N_k)   (log-sum-exp, log-determinants from
 *   the eigenvalues alpha² λ + std²),
 *   ∇ log p_t(x) = Σ_k γ_k ∇ log N_k(x).
 * Weights must be positive; they are normalised by their sum. The components are the classes
 * used for class-conditional generation (`responsibilities` is the exact noisy classifier).
 */
import { tf, type Tensor } from '../tf.js';
import type { Rng } from '../rng/rng.js';
import type { SDE } from '../contracts/sde.js';
import type { ScoreModel, TimeArg } from '../contracts/score.js';
import { ScoresdeError } from '../errors.js';
import type { GaussianComponent, CovKind } from './gaussianComponent.js';
import { checkMean, checkShape, diagonalComponent, fullComponent, isotropicComponent, type CovTolerances } from './covariance.js';
import { coefsAt, type Coefs } from './times.js';
import { flatten, unflatten } from './flat.js';

export interface GmmComponentInput {
  /** Positive; weights are normalised over the components. */
  weight: number;
  /** μ_k, d values in C order. */
  mean: ArrayLike<number>;
  /**
   * A number (isotropic variance), d variances (diagonal) or d×d row-major entries (full).
   * `kind` disambiguates when d = 1; otherwise it is inferred from the length.
   */
  cov: number | ArrayLike<number>;
  kind?: CovKind;
}

export interface GmmPriorOptions extends CovTolerances {
  shape: number[];
  components: GmmComponentInput[];
  sde: SDE;
}

export class GmmPrior implements ScoreModel {
  readonly sampleShape: number[];
  readonly sde: SDE;
  readonly d: number;
  /** Normalised weights. */
  readonly weights: Float64Array;
  readonly components: readonly GaussianComponent[];
  private readonly logW: Float64Array;

  constructor(opts: GmmPriorOptions) {
    const who = 'gmm prior';
    this.d = checkShape(opts.shape, who);
    this.sampleShape = [...opts.shape];
    if (!opts.sde) throw new ScoresdeError(`${who}: an SDE is required`);
    this.sde = opts.sde;
    if (!Array.isArray(opts.components) || opts.components.length === 0) throw new ScoresdeError(`${who}: needs at least one component`);
    const K = opts.components.length;
    const w = new Float64Array(K);
    opts.components.forEach((c, k) => {
      if (typeof c.weight !== 'number' || !Number.isFinite(c.weight) || c.weight <= 0) {
        throw new ScoresdeError(`${who}: component ${k} weight must be a positive finite number, got ${c.weight}`);
      }
      w[k] = c.weight;
    });
    const total = w.reduce((a, b) => a + b, 0);
    this.weights = w.map((v) => v / total);
    this.logW = this.weights.map(Math.log);
    const comps: GaussianComponent[] = [];
    try {
      opts.components.forEach((c, k) => comps.push(makeComponent(c, this.d, `${who}: component ${k}`, opts)));
    } catch (e) {
      comps.forEach((c) => c.dispose());
      throw e;
    }
    this.components = comps;
  }

  get numComponents(): number {
    return this.components.length;
  }

  /** Logits log w_k + log N_k(x) [B, K] and each component's score [B, d] (inside tidy). */
  private parts(xf: Tensor, c: Coefs, who: string, withScores: boolean): { logits: Tensor; scores: Tensor[] } {
    const logps: Tensor[] = [];
    const scores: Tensor[] = [];
    this.components.forEach((comp, k) => {
      if (withScores) {
        const r = comp.evaluate(xf, c, true, who);
        scores.push(r.score);
        logps.push(tf.add(r.logp!, this.logW[k]!));
      } else {
        logps.push(tf.add(comp.logDensity(xf, c, who), this.logW[k]!));
      }
    });
    return { logits: tf.stack(logps, 1), scores };
  }

  score(x: Tensor, t: TimeArg): Tensor {
    return tf.tidy(() => {
      const who = 'gmm score';
      const xf = flatten(x, this.sampleShape, who);
      const { logits, scores } = this.parts(xf, coefsAt(this.sde, t, xf.shape[0]!, who), who, true);
      const gamma = tf.softmax(logits, 1);
      const cols = tf.split(gamma, this.numComponents, 1);
      const total = scores.reduce<Tensor | null>((acc, s, k) => {
        const term = tf.mul(cols[k]!, s);
        return acc ? tf.add(acc, term) : term;
      }, null)!;
      return unflatten(total, this.sampleShape);
    });
  }

  /** Exact p_t(k | x), [B, K] (rows sum to 1). */
  responsibilities(x: Tensor, t: TimeArg): Tensor {
    return tf.tidy(() => tf.exp(this.logResponsibilities(x, t)));
  }

  /** log p_t(k | x), [B, K]. */
  logResponsibilities(x: Tensor, t: TimeArg): Tensor {
    return tf.tidy(() => {
      const who = 'gmm responsibilities';
      const xf = flatten(x, this.sampleShape, who);
      const { logits } = this.parts(xf, coefsAt(this.sde, t, xf.shape[0]!, who), who, false);
      return tf.logSoftmax(logits, 1);
    });
  }

  /** ∇ₓ log N(x; alpha μ_k, alpha² C_k + std² I), shape of x. */
  componentScore(x: Tensor, t: TimeArg, k: number): Tensor {
    const comp = this.component(k);
    return tf.tidy(() => {
      const who = 'gmm componentScore';
      const xf = flatten(x, this.sampleShape, who);
      return unflatten(comp.evaluate(xf, coefsAt(this.sde, t, xf.shape[0]!, who), false, who).score, this.sampleShape);
    });
  }

  /**
   * ∇ₓ log p_t(k | x) = ∇ₓ log N_k(x) − ∇ₓ log p_t(x): the exact classifier-guidance gradient for
   * class k (with `score`, ∇ log p_t(x | k) = componentScore), shape of x.
   */
  classLogProbGrad(x: Tensor, t: TimeArg, k: number): Tensor {
    return tf.tidy(() => tf.sub(this.componentScore(x, t, k), this.score(x, t)));
  }

  /** log p_t(x), [B]. */
  logDensity(x: Tensor, t: TimeArg): Tensor {
    return tf.tidy(() => {
      const who = 'gmm logDensity';
      const xf = flatten(x, this.sampleShape, who);
      return tf.logSumExp(this.parts(xf, coefsAt(this.sde, t, xf.shape[0]!, who), who, false).logits, 1);
    });
  }

  /** E[x₀ | x_t = x] = Σ_k p_t(k|x) E_k[x₀ | x_t = x], shape of x. */
  denoiseMean(x: Tensor, t: TimeArg): Tensor {
    return tf.tidy(() => {
      const who = 'gmm denoiseMean';
      const xf = flatten(x, this.sampleShape, who);
      const c = coefsAt(this.sde, t, xf.shape[0]!, who);
      const gamma = tf.softmax(this.parts(xf, c, who, false).logits, 1);
      const cols = tf.split(gamma, this.numComponents, 1);
      let acc: Tensor | null = null;
      this.components.forEach((comp, k) => {
        const term = tf.mul(cols[k]!, comp.denoiseMean(xf, c, who));
        acc = acc ? tf.add(acc, term) : term;
      });
      return unflatten(acc!, this.sampleShape);
    });
  }

  /** n exact samples of p₀ and their component labels (drawn with rng: labels first, then noise). */
  sampleData(n: number, rng: Rng): { x: Tensor; labels: Int32Array } {
    if (!Number.isInteger(n) || n < 1) throw new ScoresdeError(`gmm sampleData: n must be a positive integer, got ${n}`);
    const K = this.numComponents;
    const cdf = new Float64Array(K);
    this.weights.reduce((acc, w, k) => (cdf[k] = acc + w), 0);
    const labels = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const u = rng.uniform();
      let k = 0;
      while (k < K - 1 && u >= cdf[k]!) k++;
      labels[i] = k;
    }
    const x = tf.tidy(() => {
      const blocks: Tensor[] = [];
      const order: number[] = [];
      for (let k = 0; k < K; k++) {
        const idx: number[] = [];
        labels.forEach((l, i) => l === k && idx.push(i));
        if (idx.length === 0) continue;
        blocks.push(this.components[k]!.sample(idx.length, rng));
        order.push(...idx);
      }
      // rows are grouped by component; put them back in draw order
      const inv = new Int32Array(n);
      order.forEach((i, pos) => (inv[i] = pos));
      const grouped = blocks.length === 1 ? blocks[0]! : tf.concat(blocks, 0);
      return unflatten(tf.gather(grouped, tf.tensor1d(inv, 'int32')), this.sampleShape);
    });
    return { x, labels };
  }

  private component(k: number): GaussianComponent {
    if (!Number.isInteger(k) || k < 0 || k >= this.numComponents) {
      throw new ScoresdeError(`gmm: component index ${k} out of range 0..${this.numComponents - 1}`);
    }
    return this.components[k]!;
  }

  dispose(): void {
    this.components.forEach((c) => c.dispose());
  }
}

function makeComponent(c: GmmComponentInput, d: number, who: string, tol: CovTolerances): GaussianComponent {
  if (!c || typeof c !== 'object') throw new ScoresdeError(`${who}: must be an object`);
  const mean = checkMean(c.mean, d, who);
  const cov = c.cov;
  const kind: CovKind | undefined =
    c.kind ?? (typeof cov === 'number' ? 'isotropic' : cov && cov.length === d ? 'diagonal' : cov && cov.length === d * d ? 'full' : undefined);
  if (kind === 'isotropic') {
    const v = typeof cov === 'number' ? cov : cov.length === 1 ? cov[0]! : NaN;
    if (typeof cov !== 'number' && cov.length !== 1) throw new ScoresdeError(`${who}: isotropic covariance must be one number`);
    return isotropicComponent(mean, v, who);
  }
  if (typeof cov === 'number') throw new ScoresdeError(`${who}: a ${kind} covariance needs an array`);
  if (kind === 'diagonal') return diagonalComponent(mean, cov, who);
  if (kind === 'full') return fullComponent(mean, cov, who, tol);
  throw new ScoresdeError(`${who}: covariance must be a number, ${d} variances or ${d}×${d} entries, got ${cov?.length ?? typeof cov} entries`);
}
