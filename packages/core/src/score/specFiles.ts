/**
 * Loading analytic priors from files, for MODEL arguments of the CLI:
 *   gaussian:MEAN.npy,COV.npy  — MEAN of one sample's shape [H, W, C], COV of shape [d, d],
 *                                d = H·W·C (C order); float32 little-endian only, no NaN/Inf.
 *   gmm:SPEC.json              — see `loadGmmSpec` and packages/core/README.md.
 * Relative paths resolve against `cwd` (the Gaussian spec) or the JSON file's directory (GMM).
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import type { SDE } from '../contracts/sde.js';
import { ScoresdeError } from '../errors.js';
import { readNpy, assertFinite, type NdArrayF32 } from '../io/npy.js';
import { GaussianPrior } from './gaussian.js';
import { GmmPrior, type GmmComponentInput } from './gmm.js';
import type { CovTolerances } from './covariance.js';

async function loadArray(path: string): Promise<NdArrayF32> {
  const a = await readNpy(path);
  assertFinite(a, path);
  return a;
}

/** `MEAN.npy,COV.npy` → GaussianPrior. */
export async function loadGaussianPrior(spec: string, cwd: string, sde: SDE, tol: CovTolerances = {}): Promise<GaussianPrior> {
  const parts = spec.split(',').map((s) => s.trim());
  if (parts.length !== 2 || !parts[0] || !parts[1]) {
    throw new ScoresdeError(`gaussian: expected MEAN.npy,COV.npy, got '${spec}'`);
  }
  const [meanPath, covPath] = parts.map((p) => resolve(cwd, p)) as [string, string];
  const mean = await loadArray(meanPath);
  const cov = await loadArray(covPath);
  if (mean.shape.length !== 3) {
    throw new ScoresdeError(`gaussian: ${parts[0]} has shape [${mean.shape.join(', ')}]; the mean must have one sample's shape [H, W, C]`);
  }
  const d = mean.data.length;
  if (cov.shape.length !== 2 || cov.shape[0] !== d || cov.shape[1] !== d) {
    throw new ScoresdeError(
      `gaussian: ${parts[1]} has shape [${cov.shape.join(', ')}] but the mean [${mean.shape.join(', ')}] needs a ${d}×${d} covariance`,
    );
  }
  return new GaussianPrior({ shape: mean.shape, mean: mean.data, cov: cov.data, sde, ...tol });
}

const arrayOrFile = z.union([z.string().min(1), z.number(), z.array(z.unknown())]);
const gmmSpecSchema = z.strictObject({
  shape: z.tuple([z.number().int().positive(), z.number().int().positive(), z.number().int().positive()]),
  components: z
    .array(
      z.strictObject({
        weight: z.number(),
        mean: arrayOrFile,
        cov: arrayOrFile,
        kind: z.enum(['isotropic', 'diagonal', 'full']).optional(),
      }),
    )
    .min(1),
});
export type GmmSpec = z.infer<typeof gmmSpecSchema>;

function flattenNested(v: unknown, what: string, out: number[] = []): number[] {
  if (Array.isArray(v)) {
    for (const e of v) flattenNested(e, what, out);
  } else if (typeof v === 'number') {
    out.push(v);
  } else {
    throw new ScoresdeError(`${what}: expected numbers, found ${JSON.stringify(v)}`);
  }
  return out;
}

/**
 * Read a GMM SPEC.json:
 *   { "shape": [H, W, C],
 *     "components": [ { "weight": w, "mean": M, "cov": S, "kind"?: "isotropic"|"diagonal"|"full" }, … ] }
 * M: a number (constant mean), d numbers (flat or nested [H][W][C]) or a .npy path ([H, W, C] or [d]).
 * S: a number (isotropic variance); d numbers (diagonal); a d×d nested array (full); or a .npy
 *    path of shape [] / [1] (isotropic), [d] / [H, W, C] (diagonal) or [d, d] (full).
 * Weights must be positive and are normalised by their sum.
 */
export async function loadGmmPrior(specPath: string, cwd: string, sde: SDE, tol: CovTolerances = {}): Promise<GmmPrior> {
  if (!specPath) throw new ScoresdeError('gmm: expected gmm:SPEC.json');
  const file = resolve(cwd, specPath);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new ScoresdeError(`gmm: cannot read ${specPath}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ScoresdeError(`gmm: ${specPath} is not valid JSON (${(e as Error).message.split('\n')[0]})`);
  }
  const r = gmmSpecSchema.safeParse(json);
  if (!r.success) {
    const msgs = r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ScoresdeError(`gmm: ${specPath}: ${msgs.join('; ')}`);
  }
  const spec = r.data;
  const d = spec.shape[0] * spec.shape[1] * spec.shape[2];
  const base = dirname(file);
  const components: GmmComponentInput[] = [];
  for (const [k, c] of spec.components.entries()) {
    const who = `gmm: ${specPath}: component ${k}`;
    components.push({ weight: c.weight, ...(await resolveMean(c.mean, d, base, who)), ...(await resolveCov(c.cov, d, base, who, c.kind)) });
  }
  return new GmmPrior({ shape: [...spec.shape], components, sde, ...tol });
}

async function resolveMean(m: unknown, d: number, base: string, who: string): Promise<{ mean: ArrayLike<number> }> {
  if (typeof m === 'number') return { mean: new Float64Array(d).fill(m) };
  if (typeof m === 'string') {
    const a = await loadArray(resolve(base, m));
    if (a.data.length !== d) throw new ScoresdeError(`${who}: mean ${m} has shape [${a.shape.join(', ')}], expected ${d} values`);
    return { mean: a.data };
  }
  return { mean: flattenNested(m, `${who}: mean`) };
}

async function resolveCov(
  s: unknown,
  d: number,
  base: string,
  who: string,
  kind: GmmComponentInput['kind'],
): Promise<Pick<GmmComponentInput, 'cov' | 'kind'>> {
  if (typeof s === 'number') return { cov: s, kind: kind ?? 'isotropic' };
  if (typeof s === 'string') {
    const a = await loadArray(resolve(base, s));
    const r = a.shape.length;
    const inferred =
      a.data.length === 1 && r <= 1
        ? 'isotropic'
        : r === 2 && a.shape[0] === d && a.shape[1] === d
          ? 'full'
          : a.data.length === d && (r === 1 || r === 3)
            ? 'diagonal'
            : undefined;
    if (!inferred) throw new ScoresdeError(`${who}: covariance ${s} has shape [${a.shape.join(', ')}]; expected [], [${d}] or [${d}, ${d}]`);
    return { cov: inferred === 'isotropic' ? a.data[0]! : a.data, kind: kind ?? inferred };
  }
  const flat = flattenNested(s, `${who}: covariance`);
  const nestedFull = Array.isArray(s) && s.length === d && s.every((row) => Array.isArray(row) && row.length === d);
  return { cov: flat, kind: kind ?? (nestedFull ? 'full' : undefined) };
}
