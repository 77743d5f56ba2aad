/**
 * Classifier checkpoints: `NAME.safetensors` plus the sidecar `NAME.json`.
 *
 * safetensors tensors (float32): `ema.<param>` (the weights the classifier uses), `raw.<param>`
 * (the optimised weights), `adam.m.<param>` / `adam.v.<param>` (Adam moments, trainable
 * parameters only) — conv weights HWIO, dense [in, out]. The safetensors `__metadata__` holds
 * the same JSON as the sidecar under the key `scoresde`.
 * Sidecar: { format: 'scoresde-classifier', version: 1, classes, shape, arch, sde: {name, params},
 *            step, emaUpdates, train: {lr, batchSize, emaRate, eps, seed, gradClip} }.
 * Both files are written atomically.
 */
import { readFile } from 'node:fs/promises';
import { ScoresdeError, SubVPSDE, VESDE, VPSDE, encodeSafetensors, parseSafetensors, tf, writeFileAtomic, type SDE } from '@scoresde/core';
import { ConvClassifier, resolveArch, type ResolvedArch } from './convClassifier.js';

export const CLASSIFIER_FORMAT = 'scoresde-classifier';

export interface ClassifierMeta {
  format: typeof CLASSIFIER_FORMAT;
  version: 1;
  classes: number;
  shape: number[];
  arch: ResolvedArch;
  sde: { name: string; params: Record<string, number> };
  step: number;
  emaUpdates?: number;
  train?: Record<string, number>;
}

export interface ClassifierCheckpoint {
  meta: ClassifierMeta;
  ema: Map<string, Float32Array>;
  raw?: Map<string, Float32Array>;
  adam?: Map<string, Float32Array>;
}

export function sidecarPath(path: string): string {
  return `${path.replace(/\.safetensors$/i, '')}.json`;
}

export function sdeParams(sde: SDE): Record<string, number> {
  const p = (sde as unknown as { params?: Record<string, number> }).params;
  return p ? { ...p } : {};
}

export function sdeFromMeta(m: ClassifierMeta['sde']): SDE {
  switch (m.name) {
    case 've':
      return new VESDE(m.params);
    case 'vp':
      return new VPSDE(m.params);
    case 'subvp':
      return new SubVPSDE(m.params);
    default:
      throw new ScoresdeError(`classifier checkpoint: unknown SDE '${m.name}' (ve, vp, subvp)`);
  }
}

export interface SaveOptions {
  model: ConvClassifier;
  ema: ConvClassifier;
  optimizer?: tf.Optimizer;
  step: number;
  emaUpdates: number;
  sde: SDE;
  trainConfig?: Record<string, number>;
}

export async function saveClassifierCheckpoint(path: string, o: SaveOptions): Promise<void> {
  const tensors = new Map<string, { data: Float32Array; shape: number[] }>();
  for (const [prefix, c] of [['ema', o.ema], ['raw', o.model]] as const) {
    for (const [key, v] of c.params) tensors.set(`${prefix}.${key}`, { data: (await v.data()) as Float32Array, shape: v.shape });
  }
  if (o.optimizer) {
    const weights = await o.optimizer.getWeights();
    const byVar = new Map<string, string>();
    for (const [key, v] of o.model.params) byVar.set(v.name, key);
    for (const w of weights) {
      const m = /^(.*)\/(m|v)$/.exec(w.name);
      if (!m) continue;
      const key = byVar.get(m[1]!);
      if (!key) continue;
      tensors.set(`adam.${m[2]}.${key}`, { data: (await w.tensor.data()) as Float32Array, shape: w.tensor.shape });
    }
  }
  const meta: ClassifierMeta = {
    format: CLASSIFIER_FORMAT,
    version: 1,
    classes: o.model.numClasses,
    shape: o.model.arch.shape,
    arch: o.model.arch,
    sde: { name: o.sde.name, params: sdeParams(o.sde) },
    step: o.step,
    emaUpdates: o.emaUpdates,
    train: o.trainConfig,
  };
  const json = JSON.stringify(meta, null, 2);
  await writeFileAtomic(path, encodeSafetensors(tensors, { metadata: { scoresde: JSON.stringify(meta) } }));
  await writeFileAtomic(sidecarPath(path), json + '\n');
}

function parseMeta(text: string, where: string): ClassifierMeta {
  let meta: ClassifierMeta;
  try {
    meta = JSON.parse(text) as ClassifierMeta;
  } catch {
    throw new ScoresdeError(`${where}: not valid JSON`);
  }
  if (!meta || meta.format !== CLASSIFIER_FORMAT) throw new ScoresdeError(`${where}: not a scoresde classifier checkpoint (format '${String(meta?.format)}')`);
  if (meta.version !== 1) throw new ScoresdeError(`${where}: unsupported classifier checkpoint version ${String(meta.version)}`);
  meta.arch = resolveArch(meta.arch);
  return meta;
}

export async function loadClassifierCheckpoint(path: string): Promise<ClassifierCheckpoint> {
  let buf: Uint8Array;
  try {
    buf = await readFile(path);
  } catch {
    throw new ScoresdeError(`classifier checkpoint: cannot read ${path}`);
  }
  const st = parseSafetensors(buf, path);
  let metaText: string | undefined;
  try {
    metaText = await readFile(sidecarPath(path), 'utf8');
  } catch {
    metaText = st.metadata.scoresde;
  }
  if (!metaText) throw new ScoresdeError(`classifier checkpoint ${path}: no sidecar ${sidecarPath(path)} and no embedded metadata`);
  const meta = parseMeta(metaText, sidecarPath(path));
  const ck: ClassifierCheckpoint = { meta, ema: new Map() };
  for (const [name, t] of st.tensors) {
    const dot = name.indexOf('.');
    const prefix = name.slice(0, dot);
    const key = name.slice(dot + 1);
    if (prefix === 'ema') ck.ema.set(key, t.data);
    else if (prefix === 'raw') (ck.raw ??= new Map()).set(key, t.data);
    else if (prefix === 'adam') (ck.adam ??= new Map()).set(key, t.data);
  }
  return ck;
}

/** Load the EMA classifier of a checkpoint (its SDE from the sidecar). */
export async function loadConvClassifier(path: string): Promise<ConvClassifier> {
  const ck = await loadClassifierCheckpoint(path);
  const c = new ConvClassifier(ck.meta.arch, sdeFromMeta(ck.meta.sde));
  for (const { key, shape } of c.paramSpecs()) {
    const data = ck.ema.get(key);
    if (!data) {
      c.dispose();
      throw new ScoresdeError(`classifier checkpoint ${path}: missing tensor 'ema.${key}'`);
    }
    if (data.length !== shape.reduce((a, b) => a * b, 1)) {
      c.dispose();
      throw new ScoresdeError(`classifier checkpoint ${path}: tensor 'ema.${key}' has ${data.length} values, expected shape [${shape.join(', ')}]`);
    }
    c.params.get(key)!.assign(tf.tensor(data, shape, 'float32'));
  }
  return c;
}
