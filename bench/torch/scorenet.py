"""Time our NCSN++ / DDPM++ written in PyTorch (bench/torch/ncsnpp.py) on this machine; print JSON.

    /usr/bin/python3 bench/torch/scorenet.py SPEC.json

SPEC = {"threads": [1, 2], "min_seconds": 1.0, "devices": ["cpu"] (add "cuda" on a GPU machine), "cases": [
          {"name": "...", "config": {model/data/training sections} | "config_path": "config.json",
           "batch": 8,
           "backward": true,    # optional: false skips forward+backward
           "verify": "DIR"      # optional: DIR/{weights.safetensors, x.npy, labels.npy, out.npy}
          }, ...]}
x.npy / out.npy are NHWC [B, H, W, C] float32 (our layout), labels.npy [B]. With `verify`, the
network loads DIR/weights.safetensors (our checkpoint: PyTorch key names, strict) and the row reports
max|torch(x, labels) - out| and max|out|. Timing uses random weights when no verify DIR is given
(timing does not depend on the values), fp32, eval mode, median wall time over repetitions after
one warm-up: forward under torch.no_grad(), forward+backward = gradient of sum(net(x) * r) with
respect to every trainable parameter (one training step without the optimizer).

On "cuda" (skipped with a note on stderr when torch has no CUDA device) the times are wall times
with torch.cuda.synchronize() after each run, threads is null, and cpu_ms is null.

Output: {"torch": version, "cases": [{"name", "device", "threads", "batch", "fwd_ms", "fwd_cpu_ms", "fwdbwd_ms",
          "fwdbwd_cpu_ms" (process CPU time: the stable measure on a shared machine at 1 thread),
          "verify": {"max_abs_diff", "max_abs_ref"} | null}]}
"""
import json
import os
import statistics
import struct
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ncsnpp import NCSNpp  # noqa: E402

DTYPES = {'F32': np.float32, 'F16': np.float16, 'F64': np.float64}


def read_safetensors(path):
    """Minimal safetensors reader: u64 LE header length, JSON header, raw little-endian data."""
    with open(path, 'rb') as f:
        raw = f.read()
    n = struct.unpack('<Q', raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    out = {}
    for key, info in header.items():
        if key == '__metadata__':
            continue
        if info['dtype'] not in DTYPES:
            raise ValueError(f"{path}: tensor {key} has dtype {info['dtype']}; this reader takes F32/F16/F64")
        a, b = info['data_offsets']
        arr = np.frombuffer(raw[8 + n + a:8 + n + b], dtype=DTYPES[info['dtype']]).reshape(info['shape'])
        out[key] = torch.from_numpy(arr.astype(np.float32))
    return out


def timed(fn, min_seconds, min_reps=3, max_reps=50, sync=None):
    """Median wall and process-CPU milliseconds of fn after one warm-up (sync: wait for the GPU)."""
    if sync:
        inner = fn

        def fn():
            inner()
            sync()
    fn()
    wall, cpu = [], []
    start = time.perf_counter()
    while len(wall) < min_reps or (time.perf_counter() - start < min_seconds and len(wall) < max_reps):
        c0, t0 = time.process_time(), time.perf_counter()
        fn()
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return statistics.median(wall) * 1000, statistics.median(cpu) * 1000


def labels_for(cfg, batch, gen):
    if cfg['model'].get('embedding_type', 'fourier') == 'fourier':
        return torch.exp(torch.empty(batch).uniform_(np.log(0.01), np.log(50), generator=gen))
    return torch.randint(0, 999, (batch,), generator=gen).float()


def run_case(case, threads, min_seconds, device='cpu'):
    cfg = case['config'] if 'config' in case else json.load(open(case['config_path']))
    torch.manual_seed(0)
    net = NCSNpp(cfg).eval()
    verify = None
    if case.get('verify'):
        d = case['verify']
        net.load_state_dict(read_safetensors(os.path.join(d, 'weights.safetensors')), strict=True)
        x = torch.from_numpy(np.load(os.path.join(d, 'x.npy'))).permute(0, 3, 1, 2).contiguous()
        lab = torch.from_numpy(np.load(os.path.join(d, 'labels.npy')))
        ref = np.load(os.path.join(d, 'out.npy'))
        with torch.no_grad():
            got = net(x, lab).permute(0, 2, 3, 1).numpy()
        verify = {'max_abs_diff': float(np.abs(got - ref).max()), 'max_abs_ref': float(np.abs(ref).max())}
    b, size, ch = case['batch'], cfg['data']['image_size'], cfg['data']['num_channels']
    gen = torch.Generator().manual_seed(1)
    x = torch.randn(b, ch, size, size, generator=gen).to(device)
    lab = labels_for(cfg, b, gen).to(device)
    r = torch.randn(b, ch, size, size, generator=gen).to(device)
    net = net.to(device)
    params = [p for p in net.parameters() if p.requires_grad]
    sync = torch.cuda.synchronize if device == 'cuda' else None
    rows = []
    for n in (threads if device == 'cpu' else [None]):
        if n is not None:
            torch.set_num_threads(n)

        def fwd():
            with torch.no_grad():
                net(x, lab)

        def fwdbwd():
            for p in params:
                p.grad = None
            (net(x, lab) * r).sum().backward()

        f_ms, f_cpu = timed(fwd, min_seconds, sync=sync)
        b_ms, b_cpu = timed(fwdbwd, min_seconds, sync=sync) if case.get('backward', True) else (None, None)
        cpu = device == 'cpu'
        rows.append({'name': case['name'], 'device': device, 'threads': n, 'batch': b, 'fwd_ms': f_ms, 'fwd_cpu_ms': f_cpu if cpu else None,
                     'fwdbwd_ms': b_ms, 'fwdbwd_cpu_ms': b_cpu if cpu else None, 'verify': verify})
    return rows


def main():
    if len(sys.argv) != 2:
        sys.exit('usage: scorenet.py SPEC.json')
    spec = json.load(open(sys.argv[1]))
    threads = spec.get('threads', [1, 2])
    devices = spec.get('devices', ['cpu'])
    if 'cuda' in devices and not torch.cuda.is_available():
        print('torch: no CUDA device; cuda rows skipped', file=sys.stderr)
        devices = [d for d in devices if d != 'cuda']
    rows = []
    for case in spec['cases']:
        for device in devices:
            rows += run_case(case, threads, spec.get('min_seconds', 1.0), device)
        print(f"torch: {case['name']} done", file=sys.stderr)
    json.dump({'torch': torch.__version__, 'cases': rows}, sys.stdout)
    sys.stdout.write('\n')


if __name__ == '__main__':
    main()
