"""Time a whole 256² MRI reconstruction step in PyTorch, as the recon suite runs it; print JSON.

    /usr/bin/python3 bench/torch/recon.py SPEC.json

SPEC = {"threads": [1, 2], "devices": ["cpu"] (add "cuda" on a GPU machine), "min_seconds": 1.0,
        "config": {model/data/training sections, as scorenet.py; the VE σ range from model.sigma_min
        / sigma_max}, "acceleration": 8, "snr": 0.16}

The same algorithm as the project's `reconstruct` with the PC sampler and projection guidance
(Song et al. 2022): per time step t_i (VE SDE, N = 1000 discretisation)
    corrector (Langevin, snr): g = s(x, σ_i); z ~ N(0, I);
        ε = 2 (snr ‖z‖ / ‖g‖)²;  x ← x + ε g + √(2ε) z;          then project(x, t_i)
    predictor (reverse diffusion): x ← x + (σ_i² − σ_{i−1}²) s(x, σ_i) + √(σ_i² − σ_{i−1}²) z;
                                                                  then project(x, t_{i−1})
    project(x, t): ŷ = y + σ(t)·Λ ⊙ F z;  x ← Re F⁻¹[Λ ⊙ ŷ + (1 − Λ) ⊙ F x]
with F the orthonormal centred 2-D FFT (torch.fft) and Λ a random Cartesian line mask keeping 1/8
of the phase-encoding lines (timing does not depend on which). The network is bench/torch/ncsnpp.py
with random weights, fp32, under torch.no_grad(). Per-step time = (time of 4 steps − time of 2 steps)
/ 2 (fixed costs cancel), median over repetitions after one warm-up of each, as the recon suite.

With "verify": DIR (DIR/{x, truth, mask, out}.npy, [H, W] float32: `out` is the project's own
projection of x at t = 0 for y = Λ ⊙ F truth), the script applies its projection to the same
inputs and reports max|ours − out| and max|out| under "verify", so the timed operator is the
project's operator.

Output: {"torch": version, "verify": {"max_abs_diff", "max_abs_ref"} | null, "cases": [{"name",
          "device", "threads", "step_ms", "step_cpu_ms", "net_fwd_ms", "fft_ms"}]} (cpu_ms null on
          cuda; fft_ms: one project() alone).
"""
import json
import math
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ncsnpp import NCSNpp  # noqa: E402
from scorenet import timed  # noqa: E402


def fft2c(x):
    return torch.fft.fftshift(torch.fft.fft2(torch.fft.ifftshift(x, dim=(-2, -1)), norm='ortho'), dim=(-2, -1))


def ifft2c(k):
    return torch.fft.fftshift(torch.fft.ifft2(torch.fft.ifftshift(k, dim=(-2, -1)), norm='ortho'), dim=(-2, -1))


class Recon:
    def __init__(self, spec, device):
        cfg = spec['config']
        torch.manual_seed(0)
        self.net = NCSNpp(cfg).eval().to(device)
        self.size = cfg['data']['image_size']
        self.device = device
        self.snr = spec.get('snr', 0.16)
        self.smin, self.smax = cfg['model'].get('sigma_min', 0.01), cfg['model'].get('sigma_max', 50.0)
        gen = torch.Generator().manual_seed(7)
        n = self.size
        keep = torch.randperm(n, generator=gen)[: max(1, n // spec.get('acceleration', 8))]
        mask = torch.zeros(n, n)
        mask[keep, :] = 1
        self.mask = mask.to(device)
        truth = torch.randn(1, 1, n, n, generator=gen).to(device)
        self.y = self.mask * fft2c(truth.to(torch.complex64))
        self.gen = torch.Generator(device=device).manual_seed(1)

    def sigma(self, t):
        return self.smin * (self.smax / self.smin) ** t

    def score(self, x, s):
        return self.net(x, torch.full((x.shape[0],), s, device=self.device))

    def noise(self):
        return torch.randn(1, 1, self.size, self.size, generator=self.gen, device=self.device)

    def project(self, x, t):
        y_hat = self.y + self.sigma(t) * self.mask * fft2c(self.noise().to(torch.complex64))
        k = fft2c(x.to(torch.complex64))
        return ifft2c(self.mask * y_hat + (1 - self.mask) * k).real

    def run(self, steps, n_total=1000, eps=1e-5):
        ts = torch.linspace(1.0, eps, n_total).tolist()
        x = self.noise() * self.smax
        with torch.no_grad():
            for i in range(steps):
                t = ts[i]
                s = self.sigma(t)
                g = self.score(x, s)
                z = self.noise()
                eps_ = 2 * (self.snr * z.norm() / g.norm()) ** 2
                x = self.project(x + eps_ * g + torch.sqrt(2 * eps_) * z, t)
                prev = self.sigma(ts[i + 1]) if i + 1 < n_total else 0.0
                d2 = s * s - prev * prev
                x = x + d2 * self.score(x, s) + math.sqrt(d2) * self.noise()
                x = self.project(x, ts[i + 1] if i + 1 < n_total else 0.0)
        return x


def verify(d):
    load = lambda name: torch.from_numpy(np.load(os.path.join(d, f'{name}.npy')).astype(np.float32))  # noqa: E731
    x, truth, mask, ref = load('x'), load('truth'), load('mask'), load('out')
    y = mask * fft2c(truth.to(torch.complex64))
    got = ifft2c(mask * y + (1 - mask) * fft2c(x.to(torch.complex64))).real
    return {'max_abs_diff': float((got - ref).abs().max()), 'max_abs_ref': float(ref.abs().max())}


def main():
    if len(sys.argv) != 2:
        sys.exit('usage: recon.py SPEC.json')
    spec = json.load(open(sys.argv[1]))
    checked = verify(spec['verify']) if spec.get('verify') else None
    devices = spec.get('devices', ['cpu'])
    if 'cuda' in devices and not torch.cuda.is_available():
        print('torch: no CUDA device; cuda rows skipped', file=sys.stderr)
        devices = [d for d in devices if d != 'cuda']
    min_s = spec.get('min_seconds', 1.0)
    rows = []
    for device in devices:
        r = Recon(spec, device)
        sync = torch.cuda.synchronize if device == 'cuda' else None
        for n in (spec.get('threads', [1, 2]) if device == 'cpu' else [None]):
            if n is not None:
                torch.set_num_threads(n)
            w2, c2 = timed(lambda: r.run(2), min_s, sync=sync)
            w4, c4 = timed(lambda: r.run(4), min_s, sync=sync)
            x = r.noise()
            with torch.no_grad():
                fwd, _ = timed(lambda: r.score(x, 1.0), min_s, sync=sync)
            fft, _ = timed(lambda: r.project(x, 0.5), min_s, sync=sync)
            cpu = device == 'cpu'
            rows.append({'name': 'MRI 8× 256² PC', 'device': device, 'threads': n, 'step_ms': max((w4 - w2) / 2, 1e-6),
                         'step_cpu_ms': max((c4 - c2) / 2, 1e-6) if cpu else None, 'net_fwd_ms': fwd, 'fft_ms': fft})
        print(f'torch: recon on {device} done', file=sys.stderr)
    json.dump({'torch': torch.__version__, 'verify': checked, 'cases': rows}, sys.stdout)
    sys.stdout.write('\n')


if __name__ == '__main__':
    main()
