/**
 * The simplest baselines: the adjoint (back-projection) Aᵀy, and the "zero-filled" / direct
 * reconstruction A⁺y when the operator provides a pseudo-inverse (mask: zeros in the holes; MRI:
 * inverse FFT of zero-filled k-space; CT: FBP), else Aᵀy.
 */
import { ScoresdeError, type ForwardOperator, type Tensor } from '@scoresde/core';

export function adjointRecon(op: ForwardOperator, y: Tensor): Tensor {
  if (!op.adjoint) throw new ScoresdeError(`operator '${op.name}' has no adjoint`);
  return op.adjoint(y);
}

export function zeroFilled(op: ForwardOperator, y: Tensor): Tensor {
  return op.pseudoInverse ? op.pseudoInverse(y) : adjointRecon(op, y);
}
