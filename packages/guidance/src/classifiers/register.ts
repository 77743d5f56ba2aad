/** Registers the trainable classifier 'conv' (a checkpoint: `--classifier conv:CKPT.safetensors`). */
import type { ClassifierContext, Classifier, Registry } from '@scoresde/core';

export function registerConvClassifier(_classifiers: Registry<ClassifierContext, Classifier>): void {
  // filled in with the trainable classifier
}
