#!/usr/bin/env python3
"""NumPy baseline for the CPU ensemble benchmark: the same measurement done "the NumPy way".

For each of E networks: draw Gaussian weights W ~ N(0, C_W/n_prev) and biases b ~ N(0, C_b) for every
layer (float64, like the Java reference), and propagate N_D inputs with a matmul and ReLU. Forward only,
no statistics. Prints weights (and biases) generated per second, the figure CpuEnsembleBench reports.

    python3 benchmarks/numpy_baseline.py                  # width 512, depth 16, N_D 2, E 16
    python3 benchmarks/numpy_baseline.py --width 256 --ensemble 64 --repeats 5

Napkin math: 16·512·513 ≈ 4.2 M normal draws per network dominate; the matmuls are N_D·4.2 M MACs.
NumPy's generator is single-threaded, so this is a one-core baseline (BLAS may use more for matmul).
"""
import argparse
import math
import time

import numpy as np


def one_network(rng, x, widths, cb, cw):
    h = x
    n_prev = x.shape[0]
    for n in widths:
        w = rng.standard_normal((n, n_prev)) * math.sqrt(cw / n_prev)
        b = rng.standard_normal(n) * math.sqrt(cb)
        z = w @ h + b[:, None]
        h = np.maximum(z, 0.0)
        n_prev = n
    return z


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--width", type=int, default=512)
    p.add_argument("--depth", type=int, default=16)
    p.add_argument("--n0", type=int, default=0, help="input dimension (default: the width)")
    p.add_argument("--nd", type=int, default=2, help="number of inputs N_D")
    p.add_argument("--ensemble", type=int, default=16, help="networks per timed repeat")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()

    rng = np.random.default_rng(a.seed)
    n0 = a.n0 or a.width
    x = rng.standard_normal((n0, a.nd))
    widths = [a.width] * a.depth
    weights_per_network = sum(n * (m + 1) for n, m in zip(widths, [n0] + widths[:-1]))

    # Check once (untimed): layer 1 is exactly Gaussian, so E[z_i z_i] over networks and neurons must
    # match C_W (1/n0) x·x within 5 standard errors.
    zs = np.concatenate([one_network(rng, x, widths[:1], 0.0, 2.0) for _ in range(64)])
    k, se = (zs[:, 0] ** 2).mean(), (zs[:, 0] ** 2).std() / math.sqrt(len(zs))
    exact = 2.0 * (x[:, 0] @ x[:, 0]) / n0
    assert abs(k - exact) <= 5 * se, (k, se, exact)

    one_network(rng, x, widths, 0.0, 2.0)  # warm-up
    best = math.inf
    for _ in range(a.repeats):
        t = time.perf_counter()
        for _ in range(a.ensemble):
            one_network(rng, x, widths, 0.0, 2.0)
        best = min(best, time.perf_counter() - t)
    print(f"numpy {np.__version__}: n0 {n0}, width {a.width}, depth {a.depth}, N_D {a.nd}, E {a.ensemble}, "
          f"best of {a.repeats}: {best:.3f} s")
    print(f"networks/s {a.ensemble / best:.4g}")
    print(f"weights/s  {a.ensemble * weights_per_network / best:.4g}")


if __name__ == "__main__":
    main()
