/** Build a score network from a parsed config, or a config + PyTorch state_dict. */
import type { NdArrayF32 } from '../io/npy.js';
import type { Rng } from '../rng/rng.js';
import type { NetworkConfig } from './config.js';
import { DDPM } from './ddpm.js';
import { NCSNpp } from './ncsnpp.js';
import type { ScoreNetwork } from './network.js';

/** A network with declared but not yet loaded/initialised parameters. */
export function createNetwork(config: NetworkConfig): ScoreNetwork {
  return config.name === 'ddpm' ? new DDPM(config) : new NCSNpp(config);
}

/** A network initialised like the reference code (for training from scratch). */
export function initNetwork(config: NetworkConfig, rng: Rng): ScoreNetwork {
  const net = createNetwork(config);
  net.params.initialize(rng);
  return net;
}

/** A network holding the given state_dict (PyTorch keys/layouts; checked against the config). */
export function loadNetwork(config: NetworkConfig, stateDict: Map<string, NdArrayF32>, source?: string): ScoreNetwork {
  const net = createNetwork(config);
  net.params.loadStateDict(stateDict, { source });
  return net;
}
