export { VESDE, type VESDEParams } from './ve.js';
export { VPSDE, BetaSDE, type VPSDEParams } from './vp.js';
export { SubVPSDE } from './subvp.js';
export { reverseDrift, reverseDiffusion, reverseDiscretize, type ScoreInput } from './reverse.js';
export { isotropicLogp, isotropicSample } from './common.js';
export { sdeKind, type SdeKind, type BuiltinSde } from './kind.js';
