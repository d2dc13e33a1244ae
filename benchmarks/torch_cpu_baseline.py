#!/usr/bin/env python3
"""PyTorch CPU baseline for the direct sampler: the same forward passes done "the PyTorch way".

E networks in batches of B: for every layer draw W ~ N(0, C_W/n_prev) for the whole batch with
torch.randn (float32, PyTorch's own generator), biases likewise when C_b > 0 (as rgflow, which skips
them at C_b = 0), and propagate the N_D inputs with torch.bmm and ReLU. Forward only, no statistics.
Prints weights (and biases) per second, counted as rgflow's `timing:` line counts them:
Σ_ℓ n_ℓ (n_{ℓ−1} + 1) per network.

    /usr/bin/python3 benchmarks/torch_cpu_baseline.py              # rgflow sample's shape: n0 8, width 256, depth 16, N_D 1, E 600
    /usr/bin/python3 benchmarks/torch_cpu_baseline.py --threads 2 --repeats 3

Debian's python3-torch is installed for /usr/bin/python3 (apt-get install python3-torch); the pyenv
python3 on PATH has no torch. Threads: torch.set_num_threads (intra-op: bmm; randn on CPU fills
large tensors in parallel too). The first batch is a warm-up and is not timed.
"""
import argparse
import math
import time

import torch


def batch_forward(x, widths, cb, cw, batch, gen):
    """z of the last layer for `batch` networks; x is (n0, N_D)."""
    h = x.unsqueeze(0).expand(batch, -1, -1)
    n_prev = x.shape[0]
    for n in widths:
        w = torch.randn(batch, n, n_prev, generator=gen, dtype=torch.float32)
        w.mul_(math.sqrt(cw / n_prev))
        z = torch.bmm(w, h)
        if cb > 0:
            b = torch.randn(batch, n, 1, generator=gen, dtype=torch.float32)
            z.add_(b, alpha=math.sqrt(cb))
        h = torch.relu(z)
        n_prev = n
    return z


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--width", type=int, default=256)
    p.add_argument("--depth", type=int, default=16)
    p.add_argument("--n0", type=int, default=8, help="input dimension (rgflow's default 8)")
    p.add_argument("--nd", type=int, default=1, help="number of inputs N_D")
    p.add_argument("--ensemble", type=int, default=600, help="networks per timed repeat")
    p.add_argument("--batch", type=int, default=16, help="networks per torch.bmm (rgflow's chunk)")
    p.add_argument("--cb", type=float, default=0.0)
    p.add_argument("--cw", type=float, default=2.0)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--repeats", type=int, default=1)
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()

    torch.set_num_threads(a.threads)
    gen = torch.Generator().manual_seed(a.seed)
    x = torch.randn(a.n0, a.nd, generator=gen, dtype=torch.float32)
    widths = [a.width] * a.depth
    weights_per_network = sum(n * (m + 1) for n, m in zip(widths, [a.n0] + widths[:-1]))

    # Check once (untimed): layer 1 is exactly Gaussian, E[z_i²] = C_b + C_W (1/n0) x·x within 5 SE.
    z1 = torch.cat([batch_forward(x, widths[:1], a.cb, a.cw, 64, gen) for _ in range(4)]).double()
    zz = (z1[:, :, 0] ** 2).flatten()
    k, se = zz.mean().item(), zz.std().item() / math.sqrt(zz.numel())
    exact = a.cb + a.cw * (x[:, 0].double() @ x[:, 0].double()).item() / a.n0
    assert abs(k - exact) <= 5 * se, (k, se, exact)

    batch_forward(x, widths, a.cb, a.cw, a.batch, gen)  # warm-up
    times = []
    for _ in range(a.repeats):
        t = time.perf_counter()
        done = 0
        while done < a.ensemble:
            b = min(a.batch, a.ensemble - done)
            batch_forward(x, widths, a.cb, a.cw, b, gen)
            done += b
        times.append(time.perf_counter() - t)
    best = min(times)
    print(f"torch {torch.__version__} float32, {torch.get_num_threads()} threads: n0 {a.n0}, width {a.width}, "
          f"depth {a.depth}, N_D {a.nd}, E {a.ensemble}, batch {a.batch}; "
          f"repeats {', '.join(f'{t:.3f}' for t in times)} s")
    print(f"networks/s {a.ensemble / best:.4g}")
    print(f"weights/s  {a.ensemble * weights_per_network / best:.4g}")


if __name__ == "__main__":
    main()
