#!/usr/bin/env python3
"""The same measurement the way a PyTorch user would write it: torch.randn weights, torch.bmm.

E = 4096 networks of width n = 1024, depth L = 32, N_D = 2 inputs, relu at criticality (C_W = 2,
C_b = 0); per layer and network the same power sums CudaEnsemble reduces on the device
(sum_i z_a z_b, sum_i (z_a z_b)(z_c z_d), sum_i z_a^6, in float64), so the work compared is the same:
sample weights, forward, statistics. Weights are materialised per layer for a batch of networks
(E_b x n x n floats), as torch.randn + bmm forces; the batch is chosen to fit memory. Forward only
(the NTK of PDLT's definition has no one-line torch form; torch.func.jacrev over 4096 networks would
measure something else). Timing: CUDA events, one warm-up, median of reps.

Usage: python3 torch_baseline.py [--out DIR] [--E 4096] [--n 1024] [--L 32] [--reps 5] [--batch 256]
"""
import argparse
import os
import statistics
import sys


def power_sums(z):
    """z: (B, ND, n) float32 -> (B, S) float64: sums of a_p, a_p a_q (p <= q), z_a^6."""
    zd = z.double()
    nd = zd.shape[1]
    a = [zd[:, i] * zd[:, j] for i in range(nd) for j in range(i, nd)]
    out = [x.sum(-1) for x in a]
    for p in range(len(a)):
        for q in range(p, len(a)):
            out.append((a[p] * a[q]).sum(-1))
    for i in range(nd):
        y = zd[:, i] * zd[:, i]
        out.append((y * y * y).sum(-1))
    return __import__("torch").stack(out, dim=1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.environ.get("OUT", "."))
    ap.add_argument("--E", type=int, default=4096)
    ap.add_argument("--n", type=int, default=1024)
    ap.add_argument("--L", type=int, default=32)
    ap.add_argument("--nd", type=int, default=2)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--batch", type=int, default=256)
    args = ap.parse_args()
    import torch
    if not torch.cuda.is_available():
        print("SKIP: torch sees no CUDA device")
        return 2
    dev = torch.device("cuda")
    E, n, L, nd, B = args.E, args.n, args.L, args.nd, args.batch
    cw = 2.0
    gen = torch.Generator(device=dev)
    gen.manual_seed(1234)
    x = torch.randn(nd, n, device=dev, generator=gen)

    def run():
        stats = []
        for e0 in range(0, E, B):
            b = min(B, E - e0)
            h = x.unsqueeze(0).expand(b, nd, n).transpose(1, 2).contiguous()  # (b, n, ND)
            for layer in range(L):
                w = torch.randn(b, n, n, device=dev, generator=gen) * (cw / n) ** 0.5
                z = torch.bmm(w, h)  # (b, n, ND)
                stats.append(power_sums(z.transpose(1, 2)))
                h = torch.relu(z)
        s = torch.cat(stats).cpu()  # the statistics leave the device, as in CudaEnsemble
        return s

    run()  # warm-up
    torch.cuda.synchronize()
    times = []
    for _ in range(args.reps):
        start = torch.cuda.Event(enable_timing=True)
        end = torch.cuda.Event(enable_timing=True)
        start.record()
        run()
        end.record()
        end.synchronize()
        times.append(start.elapsed_time(end) * 1e-3)
    t = statistics.median(times)
    weights = L * n * (n + 1)
    name = torch.cuda.get_device_name(0)
    lines = [
        f"torch {torch.__version__} cuda {torch.version.cuda} on {name}; E={E} n={n} L={L} N_D={nd} batch={B}",
        f"{'variant':16s} {'networks/s':>12s} {'weights/s':>12s} {'median_s':>10s} reps",
        f"{'torch randn+bmm':16s} {E / t:12.4g} {E * weights / t:12.4g} {t:10.4f} "
        + " ".join(f"{v:.4f}" for v in times),
        "weights/s counts weights+biases like CudaBench (no biases are drawn: C_b = 0). tf32 is "
        + ("on" if torch.backends.cuda.matmul.allow_tf32 else "off") + " for matmul.",
    ]
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "torch_summary.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
