/**
 * Building likelihood terms from the command line:
 *   --guidance NAME (repeatable)   --guidance-set k=v (all terms) or NAME:k=v (one term)
 *   --class K --classifier gmm-exact|conv:CKPT|CKPT --scale W   (adds a 'classifier' term)
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { parseSetArgs, ScoresdeError, type Classifier, type ForwardOperator, type LikelihoodTerm, type ScoreModel, type Tensor } from '@scoresde/core';
import type { CliContext } from './context.js';
import { floatArg, intArg } from './options.js';

export async function resolveClassifier(spec: string, ctx: CliContext, model: ScoreModel): Promise<Classifier> {
  const { classifiers } = ctx.registries;
  let name = spec;
  let rest = '';
  const colon = spec.indexOf(':');
  if (colon > 0 && classifiers.has(spec.slice(0, colon))) {
    name = spec.slice(0, colon);
    rest = spec.slice(colon + 1);
  } else if (!classifiers.has(spec) && existsSync(resolve(ctx.cwd, spec)) && classifiers.has('conv')) {
    name = 'conv';
    rest = resolve(ctx.cwd, spec);
  }
  return classifiers.create(name, {}, { model, spec: rest, cwd: ctx.cwd, registries: ctx.registries });
}

export interface TermRequest {
  guidance: readonly string[];
  guidanceSet: readonly string[];
  operator?: ForwardOperator;
  y?: Tensor;
  classifier?: Classifier;
  label?: number;
  scale?: number;
}

export async function buildTerms(ctx: CliContext, model: ScoreModel, req: TermRequest): Promise<LikelihoodTerm[]> {
  const names = [...req.guidance];
  if (req.classifier && !names.includes('classifier')) names.push('classifier');
  const shared: string[] = [];
  const targeted = new Map<string, string[]>();
  for (const s of req.guidanceSet) {
    const m = /^([a-z0-9._-]+):(.+)$/.exec(s);
    if (m && names.includes(m[1]!)) targeted.set(m[1]!, [...(targeted.get(m[1]!) ?? []), m[2]!]);
    else shared.push(s);
  }
  for (const s of req.guidanceSet) {
    const m = /^([a-z0-9._-]+):/.exec(s);
    if (m && !names.includes(m[1]!) && ctx.registries.likelihoods.has(m[1]!)) {
      throw new ScoresdeError(`--guidance-set ${s}: guidance '${m[1]}' is not in use (add --guidance ${m[1]})`);
    }
  }
  if (shared.length > 0 && req.guidance.length !== 1) {
    throw new ScoresdeError(
      req.guidance.length === 0
        ? `--guidance-set ${shared[0]}: no --guidance given`
        : `--guidance-set ${shared[0]}: several guidance terms are in use; write NAME:key=value`,
    );
  }
  const terms: LikelihoodTerm[] = [];
  try {
    for (const name of names) {
      const own = req.guidance.includes(name) ? shared : [];
      const params = parseSetArgs([...own, ...(targeted.get(name) ?? [])], '--guidance-set');
      if (name === 'classifier' && req.scale !== undefined) params['scale'] = req.scale;
      terms.push(
        await ctx.registries.likelihoods.create(name, params, {
          model,
          operator: req.operator,
          y: req.y,
          classifier: req.classifier,
          label: req.label,
          registries: ctx.registries,
        }),
      );
    }
  } catch (e) {
    for (const t of terms) t.dispose?.();
    throw e;
  }
  return terms;
}

export interface ClassFlags {
  class?: number;
  classifier?: string;
  scale?: number;
}

/** --class K --classifier C --scale W. */
export function withClassOptions(cmd: Command): Command {
  return cmd
    .option('--class <k>', 'class guidance toward class K (class-conditional sampling)', intArg('--class', 0))
    .option('--classifier <c>', 'gmm-exact | conv:CKPT | CKPT (a trained noise-conditional classifier)')
    .option('--scale <w>', 'class guidance scale (default 1)', floatArg('--scale'));
}

/** The classifier the class flags ask for, checked against the requested class; undefined without them. */
export async function classifierFromFlags(ctx: CliContext, model: ScoreModel, o: ClassFlags): Promise<Classifier | undefined> {
  if (o.class === undefined && o.classifier === undefined) {
    if (o.scale !== undefined) throw new ScoresdeError('--scale needs --class and --classifier');
    return undefined;
  }
  if (o.class === undefined || o.classifier === undefined) throw new ScoresdeError('class guidance needs both --class K and --classifier C');
  const classifier = await resolveClassifier(o.classifier, ctx, model);
  if (o.class >= classifier.numClasses) {
    classifier.dispose?.();
    throw new ScoresdeError(`--class ${o.class} is out of range: the classifier has ${classifier.numClasses} classes (0..${classifier.numClasses - 1})`);
  }
  return classifier;
}
