export * from './data.js';
export * from './loss.js';
export * from './adam.js';
export * from './ema.js';
export * from './recipe.js';
export * from './trainer.js';
export * from './checkpoint.js';
export * from './presets.js';
