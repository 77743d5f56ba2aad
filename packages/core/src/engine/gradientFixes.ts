/**
 * Gradient functions that replace wrong or failing ones in tfjs-core 4.22 (backend independent;
 * see each file under ./gradients/): MirrorPad (silently wrong), Cumsum on a non-last axis
 * (shape error), and Maximum / Minimum / SquaredDifference / BatchMatMul with a broadcast input
 * (shape error); plus gradients it lacks (DepthToSpace, GatherNd, zero gradients of comparisons
 * and other piecewise-constant kernels). Registered by every backend starter; idempotent.
 */
import { tf } from '../tf.js';
import { BROADCAST_REDUCED, broadcastReduced, isBroadcastReduced } from './gradients/broadcastReduce.js';
import { cumsumGradConfig } from './gradients/cumsum.js';
import { depthToSpaceGradConfig, gatherNdGradConfig, zeroGradConfigs } from './gradients/missing.js';
import { mirrorPadGradConfig } from './gradients/mirrorPad.js';

export const GRADIENT_FIXES: readonly tf.GradConfig[] = [mirrorPadGradConfig, cumsumGradConfig];

/** Gradients tfjs-core lacks; registered only where none exists (a later tfjs may add them). */
export const MISSING_GRADIENTS: readonly tf.GradConfig[] = [depthToSpaceGradConfig, gatherNdGradConfig, ...zeroGradConfigs];

function install(g: tf.GradConfig): void {
  if (tf.getGradient(g.kernelName) === g) return;
  tf.unregisterGradient(g.kernelName);
  tf.registerGradient(g);
}

export function registerGradientFixes(): void {
  for (const g of GRADIENT_FIXES) install(g);
  for (const g of MISSING_GRADIENTS) if (!tf.getGradient(g.kernelName)) tf.registerGradient(g);
  for (const name of BROADCAST_REDUCED) {
    const have = tf.getGradient(name);
    if (have && !isBroadcastReduced(have)) install(broadcastReduced(have));
  }
}
