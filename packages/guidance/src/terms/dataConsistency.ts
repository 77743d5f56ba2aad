/**
 * `data-consistency` — a step toward A x = y after every predictor and corrector step
 * (score-MRI style, Chung & Ye 2022), for any linear operator with an adjoint:
 *   gradient:     x ← x − η Aᵀ(A x − y)      (one gradient step on ½‖A x − y‖², η = `step`,
 *                                             default 1/‖A‖², ‖A‖ by power iteration),
 *   closed_form:  x ← x + Aᵀ(y − A x)        (exact projection onto {A x = y} when AᵀA is an
 *                                             orthogonal projection: mask, single-coil MRI;
 *                                             checked at creation on a random probe).
 * y is used as measured (no forward diffusion of y); with noisy y this pulls samples onto the
 * noisy data, so it is a heuristic, not a posterior sampler (see the calibration table).
 */
import { Rng, ScoresdeError, tf, type ForwardOperator, type LikelihoodTerm, type Tensor } from '@scoresde/core';
import { opNorm } from '@scoresde/forward-operators';
import { checkBatchPair, checkMeasurement } from './common.js';

export const DC_MODES = ['gradient', 'closed_form'] as const;
export type DcMode = (typeof DC_MODES)[number];

export interface DataConsistencyOptions {
  operator: ForwardOperator;
  y: Tensor;
  mode?: DcMode;
  /** η for 'gradient' (default 1/‖A‖²). */
  step?: number;
}

export class DataConsistencyTerm implements LikelihoodTerm {
  readonly name = 'data-consistency';
  readonly weight = 1;
  private constructor(
    private readonly op: ForwardOperator,
    private readonly y: Tensor,
    readonly mode: DcMode,
    readonly step: number,
  ) {}

  static async create(o: DataConsistencyOptions): Promise<DataConsistencyTerm> {
    const who = 'data-consistency';
    const op = o.operator;
    if (!op.linear || typeof op.adjoint !== 'function') throw new ScoresdeError(`guidance '${who}' needs a linear operator with an adjoint; '${op.name}' is not: use 'dps'`);
    checkMeasurement(o.y, op, who);
    const mode = o.mode ?? 'gradient';
    if (!(DC_MODES as readonly string[]).includes(mode)) throw new ScoresdeError(`guidance '${who}': unknown mode '${mode}' (choose from ${DC_MODES.join(', ')})`);
    let step = 1;
    if (mode === 'closed_form') {
      await checkProjection(op);
    } else if (o.step !== undefined) {
      if (!Number.isFinite(o.step) || o.step <= 0) throw new ScoresdeError(`guidance '${who}': step must be a positive number, got ${o.step}`);
      step = o.step;
    } else {
      const n = await opNorm(op);
      if (!(n > 0)) throw new ScoresdeError(`guidance '${who}': operator '${op.name}' has norm 0`);
      step = 1 / (n * n);
    }
    return new DataConsistencyTerm(op, tf.keep(tf.clone(o.y)), mode, step);
  }

  project(x: Tensor): Tensor {
    checkBatchPair(this.y, x, this.name);
    return tf.tidy(() => {
      const r = tf.sub(this.y, this.op.forward(x));
      const g = this.op.adjoint!(r);
      return tf.add(x, this.step === 1 ? g : tf.mul(g, this.step));
    });
  }

  dispose(): void {
    this.y.dispose();
  }
}

/** ‖P(Pv) − Pv‖ ≤ 1e-4‖Pv‖ with P = AᵀA on a seeded random probe, else a one-line error. */
async function checkProjection(op: ForwardOperator): Promise<void> {
  const [a, b] = tf.tidy(() => {
    const v = new Rng(1234).normalTensor([1, ...op.inputShape]);
    const pv = op.adjoint!(op.forward(v));
    const ppv = op.adjoint!(op.forward(pv));
    return [tf.norm(tf.sub(ppv, pv)), tf.norm(pv)];
  });
  const [na, nb] = [(await a.data())[0]!, (await b.data())[0]!];
  tf.dispose([a, b]);
  if (!(na <= 1e-4 * nb)) {
    throw new ScoresdeError(`guidance 'data-consistency': closed_form needs AᵀA to be an orthogonal projection (mask, single-coil mri); operator '${op.name}' is not: use mode=gradient`);
  }
}
