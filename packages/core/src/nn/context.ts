/** Per-call options of a network forward pass. */
export interface ForwardContext {
  /** Training mode: dropout active. Default false (eval, as in the parity fixtures). */
  training?: boolean;
  /**
   * Seed of the dropout masks in training mode (each dropout layer mixes its name into it).
   * The same seed gives the same masks (tfjs draws seeded uniforms on the host side), so a
   * training loop should derive it from its own seeded stream, one per step, for reproducible
   * runs; without it masks come from an unseeded generator.
   */
  dropoutSeed?: number;
}
