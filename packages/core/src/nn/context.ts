/** Per-call options of a network forward pass. */
export interface ForwardContext {
  /** Training mode: dropout active. Default false (eval, as in the parity fixtures). */
  training?: boolean;
  /**
   * Seed of the dropout masks in training mode (each dropout layer derives its own stream
   * from it); the same seed gives the same masks on every backend that honours tfjs seeds.
   */
  dropoutSeed?: number;
}
