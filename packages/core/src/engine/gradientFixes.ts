/**
 * Gradient functions that replace wrong ones in tfjs-core 4.22 (backend independent; see each
 * file under ./gradients/). Registered by every backend starter; idempotent.
 */
import { tf } from '../tf.js';
import { mirrorPadGradConfig } from './gradients/mirrorPad.js';

export const GRADIENT_FIXES: readonly tf.GradConfig[] = [mirrorPadGradConfig];

export function registerGradientFixes(): void {
  for (const g of GRADIENT_FIXES) {
    if (tf.getGradient(g.kernelName) === g) continue;
    tf.unregisterGradient(g.kernelName);
    tf.registerGradient(g);
  }
}
