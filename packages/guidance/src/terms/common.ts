/** Input checks and small helpers shared by the guidance terms (one-line ScoresdeErrors). */
import { GaussianPrior, ScoresdeError, type ForwardOperator, type ScoreModel, type Tensor } from '@scoresde/core';

/** Guidance names that fit an operator without a decomposition (used in error messages). */
export const NO_DECOMPOSITION_HINT = "use 'dps' or 'data-consistency' (or 'exact-gaussian' with an analytic Gaussian prior)";

export function shapeStr(s: readonly number[]): string {
  return `[${s.join(', ')}]`;
}

/** y must be [B, ...outputShape] (B ≥ 1; B = 1 broadcasts over the samples). */
export function checkMeasurement(y: Tensor | undefined, op: ForwardOperator, who: string): Tensor {
  if (!y) throw new ScoresdeError(`guidance '${who}' needs a measurement y`);
  const out = op.outputShape;
  const ok = y.rank === out.length + 1 && out.every((s, i) => y.shape[i + 1] === s);
  if (!ok) {
    throw new ScoresdeError(
      `guidance '${who}': measurement y has shape ${shapeStr(y.shape)}, operator '${op.name}' produces ${shapeStr(['B', ...out] as unknown as number[])}`,
    );
  }
  return y;
}

/** The batch of y must be 1 or the batch of x. */
export function checkBatchPair(y: Tensor, x: Tensor, who: string): void {
  const by = y.shape[0]!;
  const bx = x.shape[0]!;
  if (by !== 1 && by !== bx) throw new ScoresdeError(`guidance '${who}': measurement batch ${by} does not match ${bx} samples (use 1 to share y)`);
}

export function needOperator(op: ForwardOperator | undefined, who: string): ForwardOperator {
  if (!op) throw new ScoresdeError(`guidance '${who}' needs a forward operator (--operator)`);
  return op;
}

export function checkOperatorInput(op: ForwardOperator, model: ScoreModel, who: string): void {
  const a = op.inputShape;
  const b = model.sampleShape;
  if (a.length !== b.length || a.some((s, i) => s !== b[i])) {
    throw new ScoresdeError(`guidance '${who}': operator '${op.name}' takes images ${shapeStr(a)} but the model samples ${shapeStr(b)}`);
  }
}

/** The Gaussian noise level of the operator's noise model, or `override`. */
export function noiseSigma(op: ForwardOperator, who: string, override?: number): number {
  if (override !== undefined) {
    if (!Number.isFinite(override) || override < 0) throw new ScoresdeError(`guidance '${who}': sigma must be a finite number ≥ 0, got ${override}`);
    return override;
  }
  if (op.noise.kind === 'none') return 0;
  if (op.noise.kind === 'gaussian') return op.noise.sigma;
  throw new ScoresdeError(`guidance '${who}' needs Gaussian (or no) measurement noise, operator '${op.name}' has '${op.noise.kind}' noise`);
}

/** The model as an analytic Gaussian prior, or a one-line error. */
export function needGaussianPrior(model: ScoreModel, who: string): GaussianPrior {
  if (model instanceof GaussianPrior) return model;
  const m = model as Partial<GaussianPrior>;
  if (m.eigenvalues instanceof Float64Array && m.eigenvectors instanceof Float64Array && m.mean instanceof Float64Array) return model as GaussianPrior;
  throw new ScoresdeError(`guidance '${who}' needs an analytic Gaussian prior (model 'gaussian:MEAN.npy,COV.npy')`);
}

export function checkUnit(v: number, what: string): void {
  if (!Number.isFinite(v) || v < 0 || v > 1) throw new ScoresdeError(`${what} must be in [0, 1], got ${v}`);
}
