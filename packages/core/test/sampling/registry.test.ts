import { describe, expect, it } from 'vitest';
import { createRegistries, registerSamplers, ScoresdeError, type Corrector } from '@scoresde/core';
import { SDES } from './problems.js';

describe('sampler registration', () => {
  const reg = createRegistries();
  registerSamplers(reg);
  const ctx = { sde: SDES.ve() };

  it('registers the predictors and correctors by name', () => {
    expect(reg.predictors.names()).toEqual(['ancestral_sampling', 'euler_maruyama', 'none', 'reverse_diffusion']);
    expect(reg.correctors.names()).toEqual(['ald', 'langevin', 'none']);
    for (const n of reg.predictors.names()) expect(reg.predictors.createSync(n, {}, ctx).name).toBe(n);
    for (const n of reg.correctors.names()) expect(reg.correctors.createSync(n, {}, ctx).name).toBe(n);
  });

  it('applies schema defaults and validates parameters with one-line errors', () => {
    expect((reg.correctors.createSync('langevin', {}, ctx) as Corrector).nSteps).toBe(1);
    expect((reg.correctors.createSync('ald', { n_steps: 3 }, ctx) as Corrector).nSteps).toBe(3);
    expect(() => reg.correctors.createSync('langevin', { snr: -0.1 }, ctx)).toThrow(/corrector 'langevin': invalid parameters: snr/);
    expect(() => reg.correctors.createSync('langevin', { snr: 0.1, nsteps: 2 }, ctx)).toThrow(ScoresdeError);
    expect(() => reg.predictors.createSync('euler_maruyama', { step: 1 }, ctx)).toThrow(ScoresdeError);
    expect(() => reg.predictors.get('heun')).toThrow(/unknown predictor 'heun'/);
  });

  it('ancestral_sampling refuses sub-VP when it is created', () => {
    expect(reg.predictors.createSync('ancestral_sampling', {}, { sde: SDES.vp() }).name).toBe('ancestral_sampling');
    expect(() => reg.predictors.createSync('ancestral_sampling', {}, { sde: SDES.subvp() })).toThrow(/supports only the ve and vp SDEs/);
  });
});
