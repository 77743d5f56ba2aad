/**
 * Composition of operators: (B∘A)x = B(A(x)), adjoint (B∘A)ᵀ = Aᵀ∘Bᵀ. Example: MRI
 * single-coil k-space = mask ∘ FFT. The composite takes A's input shape and B's output shape;
 * the noise model is B's (noise enters at the measurement).
 *
 * Decomposition: when the outer operator B has one (B = P(Λ)·T_B) and the inner A is invertible
 * (`innerInverse` given), B∘A = P(Λ)·(T_B∘A) with (T_B∘A)⁻¹ = A⁻¹∘T_B⁻¹.
 * Pseudo-inverse: A⁻¹(B⁺y) when `innerInverse` is given, else A⁺(B⁺y) when both exist
 * (a practical inverse, exact only in special cases).
 */
import { ScoresdeError, type Decomposition, type ForwardOperator, type Tensor } from '@scoresde/core';
import { checkInput, checkOutput, sameShape, shapeStr } from './util/shape.js';

export interface ComposeOptions {
  /** Name of the composite (default `outer∘inner`). */
  name?: string;
  /** A⁻¹ when the inner operator is invertible (e.g. a unitary FFT's inverse). */
  innerInverse?: (z: Tensor) => Tensor;
  /** Dispose the parts when the composite is disposed (default true). */
  ownsParts?: boolean;
}

/** B∘A: apply `inner` (A) first, then `outer` (B). */
export function compose(outer: ForwardOperator, inner: ForwardOperator, opts: ComposeOptions = {}): ForwardOperator {
  if (!sameShape(inner.outputShape, outer.inputShape)) {
    throw new ScoresdeError(
      `compose: ${inner.name} output ${shapeStr(inner.outputShape)} does not match ${outer.name} input ${shapeStr(outer.inputShape)}`,
    );
  }
  const name = opts.name ?? `${outer.name}∘${inner.name}`;
  const linear = outer.linear && inner.linear;
  const innerInverse = opts.innerInverse;
  const op: ForwardOperator = {
    name,
    inputShape: [...inner.inputShape],
    outputShape: [...outer.outputShape],
    linear,
    noise: outer.noise,
    forward(x: Tensor): Tensor {
      checkInput(x, op);
      const ax = inner.forward(x);
      try {
        return outer.forward(ax);
      } finally {
        ax.dispose();
      }
    },
  };
  if (linear && outer.adjoint && inner.adjoint) {
    const oa = outer.adjoint.bind(outer);
    const ia = inner.adjoint.bind(inner);
    op.adjoint = (y: Tensor): Tensor => {
      checkOutput(y, op);
      const by = oa(y);
      try {
        return ia(by);
      } finally {
        by.dispose();
      }
    };
  }
  const outerPinv = outer.pseudoInverse?.bind(outer);
  const innerBack = innerInverse ?? inner.pseudoInverse?.bind(inner);
  if (outerPinv && innerBack) {
    op.pseudoInverse = (y: Tensor): Tensor => {
      checkOutput(y, op);
      const z = outerPinv(y);
      try {
        return innerBack(z);
      } finally {
        z.dispose();
      }
    };
  }
  const d = outer.decomposition;
  if (d && innerInverse) {
    const dec: Decomposition = {
      transformShape: [...d.transformShape],
      transform(x: Tensor): Tensor {
        const ax = inner.forward(x);
        try {
          return d.transform(ax);
        } finally {
          ax.dispose();
        }
      },
      inverseTransform(z: Tensor): Tensor {
        const w = d.inverseTransform(z);
        try {
          return innerInverse(w);
        } finally {
          w.dispose();
        }
      },
      mask: () => d.mask(),
      embed: (y: Tensor) => d.embed(y),
    };
    op.decomposition = dec;
  }
  if (opts.ownsParts ?? true) {
    op.dispose = () => {
      outer.dispose?.();
      inner.dispose?.();
    };
  }
  return op;
}
