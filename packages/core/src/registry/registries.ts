/**
 * The named registries every plugin (and every built-in) adds to, and the context each factory
 * receives.
 */
import type { SDE } from '../contracts/sde.js';
import type { Predictor, Corrector } from '../contracts/sampler.js';
import type { ScoreModel } from '../contracts/score.js';
import type { ForwardOperator } from '../contracts/operator.js';
import type { LikelihoodTerm, Classifier } from '../contracts/guidance.js';
import type { Tensor } from '../tf.js';
import { Registry } from './registry.js';

export interface SdeContext {
  readonly registries: Registries;
}
export interface SamplerPartContext {
  readonly sde: SDE;
}
export interface ScoreModelContext {
  /** What followed `NAME:` in a MODEL argument (e.g. `mean.npy,cov.npy`), or '' */
  readonly spec: string;
  /** The SDE the user asked for (--sde), when the model does not carry its own. */
  readonly sde?: SDE;
  /** Directory relative paths in `spec` resolve against. */
  readonly cwd: string;
  readonly registries: Registries;
}
export interface OperatorContext {
  /** Per-sample input shape [H, W, C]. */
  readonly inputShape: number[];
  /** Directory relative paths in parameters resolve against. */
  readonly cwd: string;
  readonly registries: Registries;
}
export interface LikelihoodContext {
  readonly model: ScoreModel;
  readonly operator?: ForwardOperator;
  /** Measurement, [B, ...operator.outputShape] or [1, ...] to broadcast. */
  readonly y?: Tensor;
  readonly classifier?: Classifier;
  /** Requested class per sample, for class guidance. */
  readonly label?: number;
  readonly registries: Registries;
}
export interface ClassifierContext {
  readonly model: ScoreModel;
  readonly spec: string;
  readonly cwd: string;
  readonly registries: Registries;
}

export interface Registries {
  readonly sdes: Registry<SdeContext, SDE>;
  readonly predictors: Registry<SamplerPartContext, Predictor>;
  readonly correctors: Registry<SamplerPartContext, Corrector>;
  readonly scoreModels: Registry<ScoreModelContext, ScoreModel>;
  readonly operators: Registry<OperatorContext, ForwardOperator>;
  readonly likelihoods: Registry<LikelihoodContext, LikelihoodTerm>;
  readonly classifiers: Registry<ClassifierContext, Classifier>;
}

export const REGISTRY_KINDS = ['sdes', 'predictors', 'correctors', 'scoreModels', 'operators', 'likelihoods', 'classifiers'] as const;
export type RegistryKind = (typeof REGISTRY_KINDS)[number];

const KIND_LABEL: Record<RegistryKind, string> = {
  sdes: 'sde',
  predictors: 'predictor',
  correctors: 'corrector',
  scoreModels: 'score model',
  operators: 'operator',
  likelihoods: 'guidance',
  classifiers: 'classifier',
};

export function kindLabel(kind: RegistryKind): string {
  return KIND_LABEL[kind];
}

export function createRegistries(): Registries {
  return {
    sdes: new Registry('sde'),
    predictors: new Registry('predictor'),
    correctors: new Registry('corrector'),
    scoreModels: new Registry('score model'),
    operators: new Registry('operator'),
    likelihoods: new Registry('guidance'),
    classifiers: new Registry('classifier'),
  };
}
