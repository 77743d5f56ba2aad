/** Model presets and buildTrainConfig: valid configs, SDE settings, centring defaults, errors. */
import { describe, expect, it } from 'vitest';
import { MODEL_PRESETS, buildTrainConfig, createNetwork, sdeFromNetworkConfig, VESDE, VPSDE, SubVPSDE } from '@scoresde/core';

describe('training presets', () => {
  it.each([
    ['ncsnpp-tiny', 32, 0.2e6, 0.5e6],
    ['ncsnpp-tiny', 64, 0.2e6, 0.5e6],
    ['ddpmpp-tiny', 32, 0.2e6, 0.5e6],
    ['ncsnpp-small', 64, 1e6, 4e6],
  ] as const)('%s at %i² builds a network of the documented size', (name, size, lo, hi) => {
    const cfg = buildTrainConfig({ model: name, sde: name.startsWith('ddpm') ? 'vp' : 've', imageSize: size, numChannels: 1 });
    expect(cfg.imageSize).toBe(size);
    const net = createNetwork(cfg);
    const n = net.params.count();
    expect(n).toBeGreaterThan(lo);
    expect(n).toBeLessThan(hi);
    net.dispose();
  });

  it('maps the SDE, its settings and the centring like score_sde configs', () => {
    const ve = buildTrainConfig({ model: 'ncsnpp-tiny', sde: 've', sdeParams: { sigma_max: 20, N: 500 }, imageSize: 32, numChannels: 1 });
    expect(ve.sde).toBe('vesde');
    expect(ve.centered).toBe(false);
    const s = sdeFromNetworkConfig(ve) as VESDE;
    expect(s).toBeInstanceOf(VESDE);
    expect(s.marginal(1).std).toBeCloseTo(20, 10);
    expect(s.N).toBe(500);
    const vp = buildTrainConfig({ model: 'ddpmpp-tiny', sde: 'vp', sdeParams: { beta_max: 10 }, imageSize: 32, numChannels: 3 });
    expect(vp.centered).toBe(true);
    expect(vp.numChannels).toBe(3);
    expect(sdeFromNetworkConfig(vp)).toBeInstanceOf(VPSDE);
    expect((sdeFromNetworkConfig(vp) as VPSDE).params.betaMax).toBe(10);
    const sub = buildTrainConfig({ model: { model: MODEL_PRESETS['ddpmpp-tiny'], data: { centered: false } }, sde: 'subvp', imageSize: 16, numChannels: 1 });
    expect(sdeFromNetworkConfig(sub)).toBeInstanceOf(SubVPSDE);
    expect(sub.centered).toBe(false);
  });

  it('refuses unknown presets, SDEs and settings in one line', () => {
    expect(() => buildTrainConfig({ model: 'huge', sde: 've', imageSize: 32, numChannels: 1 })).toThrow(/unknown model preset 'huge'/);
    expect(() => buildTrainConfig({ model: 'ncsnpp-tiny', sde: 'ou' as 've', imageSize: 32, numChannels: 1 })).toThrow(/unknown SDE 'ou'/);
    expect(() => buildTrainConfig({ model: 'ncsnpp-tiny', sde: 've', sdeParams: { sigma: 1 }, imageSize: 32, numChannels: 1 })).toThrow(/unknown SDE setting 'sigma'/);
    expect(() => buildTrainConfig({ model: 'ncsnpp-tiny', sde: 've', imageSize: 30, numChannels: 1 })).toThrow(/image_size 30 must be divisible/);
  });
});
