/** Shared types of the ODE integrators. */
import type { Tensor } from '../../tf.js';

/** dy/dt = rhs(t, y). Must return a new tensor (the integrator disposes it). */
export type OdeRhs = (t: number, y: Tensor) => Tensor;

export interface IntegrateOptions {
  /**
   * Replace the state after every accepted step (e.g. a data-consistency projection); the
   * returned tensor is adopted (the input is disposed by the integrator). Adaptive integrators
   * re-evaluate the right-hand side after it (one more evaluation per step).
   */
  afterStep?: (y: Tensor, t: number) => Tensor;
  /** Progress: time reached, right-hand-side evaluations and accepted steps so far. */
  onStep?: (info: { t: number; nfe: number; steps: number }) => void;
}

export interface IntegrateResult {
  /** State at the end time (caller owns it). */
  y: Tensor;
  /** Right-hand-side evaluations. */
  nfe: number;
  /** Accepted steps. */
  steps: number;
  /** Rejected step attempts (adaptive only). */
  rejected: number;
}
