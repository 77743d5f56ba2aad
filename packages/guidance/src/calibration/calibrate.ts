/**
 * Calibration against exact posteriors: for an analytic Gaussian prior (smooth image prior of
 * problems.ts), each operator, noise level, sampler and guidance, draw K posterior samples of
 * p(x | y) and compare their Gaussian fit with the closed-form posterior (posterior/):
 * max |mean error| (absolute, in units of the prior's σ_max = √λ_max(C), and relative ‖Δm‖/‖m‖),
 * covariance relative Frobenius error, W2 between the Gaussians, and the Monte-Carlo floor of the
 * covariance error for K exact samples. On mask rows it also reports the errors on the
 * unobserved pixels and the largest |x − y| on the observed ones (0 for exact projection).
 *
 * One measurement y = A x* + n per (prior, operator, σ), x* drawn from the prior (seeded).
 * Samplers: PC (reverse diffusion predictor, optional Langevin corrector, `steps` steps) and the
 * probability-flow ODE (RK45, rtol = atol = `rtol`). Every sample batch is one tensor.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  Rng, ScoresdeError, SubVPSDE, VESDE, VPSDE, langevinCorrector, noneCorrector, tf, writeFileAtomic,
  type ForwardOperator, type GaussianPrior, type LikelihoodTerm, type SDE, type Tensor,
} from '@scoresde/core';
import { MaskOperator, MriOperator } from '@scoresde/forward-operators';
import { ExactGaussianTerm } from '../terms/exactGaussian.js';
import { ProjectionTerm } from '../terms/projection.js';
import { DpsTerm } from '../terms/dps.js';
import { DataConsistencyTerm } from '../terms/dataConsistency.js';
import { reconstruct, type SamplerKind } from '../reconstruct.js';
import { operatorMatrix, rangeReduction } from '../linalg/operatorMatrix.js';
import { matVec } from '../linalg/dense.js';
import { gaussianPosterior, type GaussianMomentsF64 } from '../posterior/gaussianPosterior.js';
import { covErrorFloor, covRelFrobenius, meanMaxAbsError, meanRelError, sampleMoments, wasserstein2 } from '../posterior/metrics.js';
import { CALIBRATION_OPERATORS, calibrationOperator, makeGaussianPrior, smoothGaussianSpec, type CalibrationOperator, type GaussianSpec } from './problems.js';

export const CALIBRATION_GUIDANCES = ['exact-gaussian', 'projection', 'dps', 'data-consistency'] as const;
export type CalibrationGuidance = (typeof CALIBRATION_GUIDANCES)[number];
export const CALIBRATION_SDES = ['ve', 'vp', 'subvp'] as const;

export interface CalibrationCase {
  /** Image side n (prior on n×n×1, d = n²). */
  side: number;
  operator: CalibrationOperator;
  sigma: number;
  sampler: SamplerKind;
  guidance: CalibrationGuidance;
}

export interface CalibrateOptions {
  sde?: (typeof CALIBRATION_SDES)[number];
  /** Explicit cases; otherwise the grid below. */
  cases?: CalibrationCase[];
  /** Grid (defaults: the issue's table). Sides 4 and 8; radon and mri only on 8. */
  sides?: number[];
  operators?: CalibrationOperator[];
  sigmas?: number[];
  samplers?: SamplerKind[];
  guidances?: CalibrationGuidance[];
  /** Posterior samples per row (default 2000). */
  samples?: number;
  /** PC steps (default 1000). */
  steps?: number;
  /** PC corrector (default 'none': reverse diffusion only). */
  corrector?: 'none' | 'langevin';
  snr?: number;
  /** ODE tolerance (default 1e-5). */
  rtol?: number;
  seed?: number;
  /** PC samples per batch (default 1000; the event loop runs between batches). */
  pcBatch?: number;
  /** Guidance parameters, e.g. { dps: { zeta: 1 }, projection: { lambda: 1 } }. */
  params?: { dps?: { zeta?: number }; projection?: { lambda?: number }; 'data-consistency'?: { step?: number } };
  onRow?: (row: CalibrationRow, index: number, total: number) => void;
}

export interface CalibrationRow {
  d: number;
  side: number;
  operator: CalibrationOperator;
  sigma: number;
  sampler: SamplerKind;
  guidance: CalibrationGuidance;
  status: 'ok' | 'skipped' | 'failed';
  note?: string;
  /** Rank of the measurement (range of A). */
  rank?: number;
  nfe?: number;
  seconds?: number;
  /** max_i |m̂_i − m_i|. */
  meanMaxAbs?: number;
  /** meanMaxAbs / σ_max (prior). */
  meanErrSigma?: number;
  meanRel?: number;
  covRel?: number;
  w2?: number;
  /** Expected covRel of K exact samples. */
  covFloor?: number;
  /** Mask rows: errors on the unobserved pixels, and max |x − y| on the observed ones. */
  unobservedMeanErrSigma?: number;
  unobservedCovRel?: number;
  observedMaxAbs?: number;
}

export interface CalibrationReport {
  sde: string;
  samples: number;
  steps: number;
  corrector: string;
  rtol: number;
  seed: number;
  rows: CalibrationRow[];
  markdown: string;
}

function makeSde(name: string): SDE {
  if (name === 've') return new VESDE();
  if (name === 'vp') return new VPSDE();
  if (name === 'subvp') return new SubVPSDE();
  throw new ScoresdeError(`calibrate: unknown sde '${name}' (choose from ${CALIBRATION_SDES.join(', ')})`);
}

/** The default grid: sides 4 and 8 for mask and matrix, 8 for radon and mri. */
export function calibrationCases(o: CalibrateOptions = {}): CalibrationCase[] {
  const out: CalibrationCase[] = [];
  for (const side of o.sides ?? [4, 8]) {
    for (const operator of o.operators ?? [...CALIBRATION_OPERATORS]) {
      if (!o.sides && side < 8 && (operator === 'radon' || operator === 'mri')) continue;
      for (const sigma of o.sigmas ?? [0, 0.05]) {
        for (const sampler of o.samplers ?? (['pc', 'ode'] as SamplerKind[])) {
          for (const guidance of o.guidances ?? [...CALIBRATION_GUIDANCES]) out.push({ side, operator, sigma, sampler, guidance });
        }
      }
    }
  }
  return out;
}

interface Problem {
  spec: GaussianSpec;
  prior: GaussianPrior;
  op: ForwardOperator;
  y: Tensor;
  post: GaussianMomentsF64;
  rank: number;
  sigmaMax: number;
  /** A applied to the samples on the host: A (m×d). */
  A: Float64Array;
  yHost: Float32Array;
  observed?: Uint8Array;
}

async function buildProblem(c: CalibrationCase, sde: SDE, seed: number): Promise<Problem> {
  const spec = smoothGaussianSpec(c.side, c.side);
  const prior = makeGaussianPrior(spec, sde);
  const op = calibrationOperator(c.operator, spec.shape, c.sigma);
  const rng = new Rng(seed).fork(`${c.side}/${c.operator}/${c.sigma}`);
  const truth = prior.sampleData(1, rng.fork('truth'));
  const y = tf.tidy(() => op.noise.sample(op.forward(truth), rng.fork('noise')));
  truth.dispose();
  const dense = await operatorMatrix(op);
  const red = rangeReduction(dense);
  const yHost = (await y.data()) as Float32Array;
  const post = gaussianPosterior({ mean: spec.mean, cov: spec.cov, A: red.At, r: red.r, y: matVec(red.R, yHost, red.r, red.m), sigma: c.sigma });
  const sigmaMax = Math.sqrt(Math.max(...prior.eigenvalues));
  let observed: Uint8Array | undefined;
  if (op instanceof MaskOperator) observed = Uint8Array.from(await op.maskTensor.data(), (v) => (v > 0 ? 1 : 0));
  return { spec, prior, op, y, post, rank: red.r, sigmaMax, A: dense.A, yHost, observed };
}

function disposeProblem(p: Problem): void {
  p.y.dispose();
  p.prior.dispose();
  p.op.dispose?.();
}

async function makeTerm(c: CalibrationCase, p: Problem, o: CalibrateOptions): Promise<LikelihoodTerm | string> {
  switch (c.guidance) {
    case 'exact-gaussian':
      return ExactGaussianTerm.create({ prior: p.prior, operator: p.op, y: p.y, sigma: c.sigma });
    case 'projection':
      if (!p.op.decomposition) return 'no decomposition';
      return new ProjectionTerm({ operator: p.op, y: p.y, lambda: o.params?.projection?.lambda });
    case 'dps':
      return new DpsTerm({ operator: p.op, y: p.y, zeta: o.params?.dps?.zeta });
    case 'data-consistency': {
      const closed = p.op instanceof MaskOperator || (p.op instanceof MriOperator && p.op.coils === 1);
      return DataConsistencyTerm.create({ operator: p.op, y: p.y, mode: closed ? 'closed_form' : 'gradient', step: o.params?.['data-consistency']?.step });
    }
  }
}

function subset(m: GaussianMomentsF64, idx: number[]): GaussianMomentsF64 {
  const d = m.d;
  const k = idx.length;
  const cov = new Float64Array(k * k);
  idx.forEach((i, a) => idx.forEach((j, b) => (cov[a * k + b] = m.cov[i * d + j]!)));
  return { mean: Float64Array.from(idx, (i) => m.mean[i]!), cov, d: k };
}

export async function calibrate(o: CalibrateOptions = {}): Promise<CalibrationReport> {
  const sdeName = o.sde ?? 've';
  const sde = makeSde(sdeName);
  const samples = o.samples ?? 2000;
  const steps = o.steps ?? 1000;
  const rtol = o.rtol ?? 1e-5;
  const seed = o.seed ?? 0;
  const corrName = o.corrector ?? 'none';
  const cases = o.cases ?? calibrationCases(o);
  const rows: CalibrationRow[] = [];
  const problems = new Map<string, Problem>();
  try {
    for (const [i, c] of cases.entries()) {
      const key = `${c.side}/${c.operator}/${c.sigma}`;
      let p = problems.get(key);
      if (!p) {
        p = await buildProblem(c, sde, seed);
        problems.set(key, p);
      }
      const row: CalibrationRow = { d: p.spec.d, side: c.side, operator: c.operator, sigma: c.sigma, sampler: c.sampler, guidance: c.guidance, status: 'ok', rank: p.rank };
      let term: LikelihoodTerm | string | undefined;
      try {
        term = await makeTerm(c, p, o);
        if (typeof term === 'string') {
          row.status = 'skipped';
          row.note = term;
        } else {
          const t0 = performance.now();
          const r = await reconstruct({
            model: p.prior, sde, terms: [term], samples, rng: new Rng(seed).fork(`${key}/${c.sampler}/${c.guidance}`), sampler: c.sampler,
            steps: c.sampler === 'pc' ? steps : undefined, rtol, atol: rtol,
            corrector: corrName === 'langevin' ? langevinCorrector({ snr: o.snr ?? 0.16 }) : noneCorrector(), noSummary: true,
            batchSize: c.sampler === 'pc' ? Math.min(samples, o.pcBatch ?? 1000) : samples,
          });
          row.seconds = (performance.now() - t0) / 1000;
          // score evaluations per sample trajectory (PC runs the samples in batches)
          row.nfe = r.nfe / Math.ceil(samples / (c.sampler === 'pc' ? Math.min(samples, o.pcBatch ?? 1000) : samples));
          const data = (await r.samples.data()) as Float32Array;
          r.samples.dispose();
          scoreRow(row, data, p, samples);
        }
      } catch (e) {
        row.status = 'failed';
        row.note = e instanceof Error ? e.message : String(e);
      } finally {
        if (term && typeof term !== 'string') term.dispose?.();
      }
      rows.push(row);
      o.onRow?.(row, i, cases.length);
    }
  } finally {
    for (const p of problems.values()) disposeProblem(p);
  }
  const report = { sde: sdeName, samples, steps, corrector: corrName, rtol, seed, rows, markdown: '' };
  report.markdown = calibrationMarkdown(report);
  return report;
}

function scoreRow(row: CalibrationRow, data: Float32Array, p: Problem, n: number): void {
  const d = p.spec.d;
  if (!data.every(Number.isFinite)) {
    row.status = 'failed';
    row.note = 'non-finite samples';
    return;
  }
  const m = sampleMoments(data, d);
  row.meanMaxAbs = meanMaxAbsError(m.mean, p.post.mean);
  row.meanErrSigma = row.meanMaxAbs / p.sigmaMax;
  row.meanRel = meanRelError(m.mean, p.post.mean);
  row.covRel = covRelFrobenius(m.cov, p.post.cov);
  row.w2 = wasserstein2(m, p.post);
  row.covFloor = covErrorFloor(p.post.cov, d, n);
  if (p.observed) {
    const unobs: number[] = [];
    const obs: number[] = [];
    p.observed.forEach((v, i) => (v ? obs : unobs).push(i));
    const ms = subset(m, unobs);
    const ps = subset(p.post, unobs);
    row.unobservedMeanErrSigma = meanMaxAbsError(ms.mean, ps.mean) / p.sigmaMax;
    row.unobservedCovRel = covRelFrobenius(ms.cov, ps.cov);
    let worst = 0;
    for (let b = 0; b < n; b++) for (const i of obs) worst = Math.max(worst, Math.abs(data[b * d + i]! - p.yHost[i]!));
    row.observedMaxAbs = worst;
  }
}

const f = (v: number | undefined, digits = 3): string => (v === undefined ? '' : v === 0 ? '0' : Math.abs(v) < 1e-3 ? v.toExponential(1) : v.toFixed(digits));

/** The table as GitHub markdown. */
export function calibrationMarkdown(r: Omit<CalibrationReport, 'markdown'>): string {
  const head =
    `Calibration against the closed-form posterior — SDE ${r.sde}, ${r.samples} samples per row, PC: reverse diffusion` +
    `${r.corrector === 'langevin' ? ' + Langevin' : ''}, ${r.steps} steps; ODE: RK45 rtol = atol = ${r.rtol}; seed ${r.seed}.\n` +
    'mean err: max_i |m̂_i − m_i| / σ_max (prior); cov: ‖Ĉ − C‖_F/‖C‖_F; floor: expected cov error of exact samples; ' +
    'unobs.: mask rows restricted to the unobserved pixels; obs. max dev: max over samples and observed pixels of abs(x − y); NFE: score evaluations per sample; s: wall seconds.\n\n';
  const cols = ['d', 'operator', 'σ_y', 'sampler', 'guidance', 'mean err', 'mean rel', 'cov', 'floor', 'W2', 'unobs. mean', 'unobs. cov', 'obs. max dev', 'NFE', 's', 'note'];
  const lines = [`| ${cols.join(' | ')} |`, `|${cols.map(() => '---').join('|')}|`];
  for (const x of r.rows) {
    lines.push(
      `| ${[
        x.d, x.operator, x.sigma, x.sampler, x.guidance, f(x.meanErrSigma), f(x.meanRel), f(x.covRel), f(x.covFloor), f(x.w2),
        f(x.unobservedMeanErrSigma), f(x.unobservedCovRel), f(x.observedMaxAbs), x.nfe ?? '', x.seconds === undefined ? '' : x.seconds.toFixed(1),
        x.status === 'ok' ? '' : `${x.status}: ${x.note ?? ''}`,
      ].join(' | ')} |`,
    );
  }
  return head + lines.join('\n') + '\n';
}

/** Write `calibration.md` and `calibration.json` (atomic) into `dir`; returns their paths. */
export async function writeCalibration(report: CalibrationReport, dir: string): Promise<{ markdown: string; json: string }> {
  await mkdir(dir, { recursive: true });
  const md = join(dir, 'calibration.md');
  const js = join(dir, 'calibration.json');
  await writeFileAtomic(md, report.markdown);
  const { markdown: _m, ...rest } = report;
  await writeFileAtomic(js, JSON.stringify(rest, null, 2) + '\n');
  return { markdown: md, json: js };
}
