/**
 * Class-conditional samples of the shapes pack: the prior score plus classifier guidance
 * w·∇ₓ log q(k | x, t) from the pack's noise-conditional classifier (Song et al. 2021, §5), all
 * classes × samples in one PC batch (row-major by class: sample k·n + j has class k).
 */
import { Rng, tf, langevinCorrector, reverseDiffusionPredictor, type Registries } from '@scoresde/core';
import { ClassifierGuidanceTerm, reconstruct } from '@scoresde/guidance';
import { SHAPES_PRIOR } from './packs.js';
import { clip01 } from './posterior.js';

export interface ClassSamples {
  /** [classes·n, H, W, 1], clipped to [0, 1]. */
  samples: Float32Array;
  classes: number;
  n: number;
  H: number;
  W: number;
}

export async function sampleClasses(registries: Registries, cwd: string, n: number, steps: number, scale: number, snr: number, seed: number, onStep?: (d: number, t: number) => void): Promise<ClassSamples> {
  const model = await registries.scoreModels.create(SHAPES_PRIOR, {}, { spec: '', cwd, registries });
  try {
    const classifier = await registries.classifiers.create(SHAPES_PRIOR, {}, { model, spec: '', cwd, registries });
    try {
      const K = classifier.numClasses;
      const labels = Int32Array.from({ length: K * n }, (_, i) => Math.floor(i / n));
      const term = new ClassifierGuidanceTerm({ classifier, label: labels, scale });
      const r = await reconstruct({
        model,
        terms: [term],
        samples: K * n,
        rng: new Rng(seed).fork('shapes'),
        steps,
        predictor: reverseDiffusionPredictor(),
        corrector: langevinCorrector({ snr }),
        noSummary: true,
        onStep,
      });
      const data = clip01(Float32Array.from((await r.samples.data()) as Float32Array));
      tf.dispose(r.samples);
      const [H, W] = model.sampleShape as [number, number, number];
      return { samples: data, classes: K, n, H, W };
    } finally {
      classifier.dispose?.();
    }
  } finally {
    model.dispose?.();
  }
}
