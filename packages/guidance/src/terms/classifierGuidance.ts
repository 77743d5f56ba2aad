/**
 * `classifier` — classifier guidance (Song et al. 2021, §5 / App. I; Dhariwal & Nichol 2021):
 *   w · ∇ₓ log q_φ(k | x, t),
 * by tfjs autodiff through `classifier.logProbs` (one class per sample, or one for all). The term's
 * weight is the scale w. With the exact classifier of a GMM prior and w = 1 the composed score is
 * exactly the score of component k.
 */
import { ScoresdeError, tf, type Classifier, type LikelihoodTerm, type Tensor } from '@scoresde/core';

export interface ClassifierGuidanceOptions {
  classifier: Classifier;
  /** Requested class: one for all samples, or one per sample. */
  label: number | ArrayLike<number>;
  /** Scale w (default 1). */
  scale?: number;
  /** Number of classes the model defines (e.g. the GMM's components), to check the classifier. */
  modelClasses?: number;
}

export class ClassifierGuidanceTerm implements LikelihoodTerm {
  readonly name = 'classifier';
  readonly weight: number;
  private readonly labels: Int32Array;
  private readonly single: boolean;

  constructor(private readonly o: ClassifierGuidanceOptions) {
    const K = o.classifier.numClasses;
    if (o.modelClasses !== undefined && o.modelClasses !== K) {
      throw new ScoresdeError(`guidance 'classifier': the classifier has ${K} classes but the model has ${o.modelClasses} components`);
    }
    this.weight = o.scale ?? 1;
    if (!Number.isFinite(this.weight)) throw new ScoresdeError(`guidance 'classifier': scale must be finite, got ${this.weight}`);
    const list = typeof o.label === 'number' ? [o.label] : Array.from(o.label);
    if (list.length === 0) throw new ScoresdeError("guidance 'classifier' needs a class label (--class K)");
    for (const k of list) {
      if (!Number.isInteger(k) || k < 0 || k >= K) throw new ScoresdeError(`class index ${k} out of range 0..${K - 1}`);
    }
    this.labels = Int32Array.from(list);
    this.single = typeof o.label === 'number';
  }

  /** Σ_b log q(k_b | x_b, t). */
  private selected(x: Tensor, t: number): Tensor {
    const lp = this.o.classifier.logProbs(x, t);
    const B = x.shape[0]!;
    const K = this.o.classifier.numClasses;
    let labels: Int32Array;
    if (this.single) labels = new Int32Array(B).fill(this.labels[0]!);
    else if (this.labels.length === B) labels = this.labels;
    else throw new ScoresdeError(`guidance 'classifier': ${this.labels.length} labels for ${B} samples`);
    const onehot = tf.oneHot(tf.tensor1d(labels, 'int32'), K).toFloat();
    return tf.sum(tf.mul(lp, onehot));
  }

  grad(x: Tensor, t: number): Tensor {
    return tf.tidy(() => tf.grad((xi: Tensor) => this.selected(xi, t))(x));
  }
}
