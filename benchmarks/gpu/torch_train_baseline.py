#!/usr/bin/env python3
"""The trained ensemble the way a PyTorch user would write it: batched weights, torch.bmm, autograd.

E networks of width n, depth L (n_L = 1), relu, C_W = 2, C_b = 0.1, trained T full-batch GD steps on
N_A points of the built-in circle task (n0 = 2, y = sin phi + cos(2 phi)/2), loss 1/2 sum (z - y)^2,
per-parameter steps eta*lambda_W/n_{l-1} (weights) and eta*lambda_b (biases) with lambda = 1 — the same
work as CudaTrainBench (rgflow train --backend cuda), whose eta is 1/theta_max of the infinite-width
NTK; here eta is given (--eta; default 0.5, a stable step for these defaults). Weights: torch.randn
(not rgflow's Philox streams: the comparison is of speed, not of numbers). Float64 by default, as
kernels/train.cu. Timing: CUDA events, one warm-up, median of reps. Never run when written.

Usage: python3 torch_train_baseline.py [--out DIR] [--E 1024] [--n 512] [--L 3] [--T 100] [--na 8]
       [--reps 3] [--dtype float64|float32] [--eta 0.5]
"""
import argparse
import math
import os
import statistics


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.environ.get("OUT", "."))
    ap.add_argument("--E", type=int, default=1024)
    ap.add_argument("--n", type=int, default=512)
    ap.add_argument("--L", type=int, default=3)
    ap.add_argument("--T", type=int, default=100)
    ap.add_argument("--na", type=int, default=8)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--dtype", default="float64")
    ap.add_argument("--eta", type=float, default=0.5)
    args = ap.parse_args()
    import torch
    if not torch.cuda.is_available():
        print("SKIP: torch sees no CUDA device")
        return 2
    dev = torch.device("cuda")
    dt = getattr(torch, args.dtype)
    E, n, L, T, na = args.E, args.n, args.L, args.T, args.na
    widths = [2] + [n] * (L - 1) + [1]
    phi = torch.arange(na, dtype=dt, device=dev) * (2 * math.pi / na)
    x = torch.stack([math.sqrt(2) * torch.cos(phi), math.sqrt(2) * torch.sin(phi)], dim=1)  # (na, 2)
    y = torch.sin(phi) + 0.5 * torch.cos(2 * phi)
    gen = torch.Generator(device=dev)
    gen.manual_seed(1234)

    def init():
        ws, bs = [], []
        for l in range(1, L + 1):
            w = torch.randn(E, widths[l], widths[l - 1], device=dev, dtype=dt, generator=gen)
            ws.append((w * math.sqrt(2.0 / widths[l - 1])).requires_grad_())
            b = torch.randn(E, widths[l], 1, device=dev, dtype=dt, generator=gen)
            bs.append((b * math.sqrt(0.1)).requires_grad_())
        return ws, bs

    def forward(ws, bs):
        h = x.t().unsqueeze(0).expand(E, 2, na)  # (E, n0, na)
        for l in range(L):
            z = torch.baddbmm(bs[l], ws[l], h)
            h = torch.relu(z) if l < L - 1 else z
        return h[:, 0, :]  # (E, na)

    def train():
        ws, bs = init()
        for _ in range(T):
            loss = 0.5 * ((forward(ws, bs) - y) ** 2).sum()  # the sum over networks: independent grads
            gw = torch.autograd.grad(loss, ws + bs)
            with torch.no_grad():
                for l in range(L):
                    ws[l] -= args.eta / widths[l] * gw[l]
                    bs[l] -= args.eta * gw[L + l]
        torch.cuda.synchronize()
        return loss.item() / E

    times = []
    for r in range(args.reps + 1):
        a = torch.cuda.Event(enable_timing=True)
        b = torch.cuda.Event(enable_timing=True)
        a.record()
        mean_loss = train()
        b.record()
        torch.cuda.synchronize()
        s = a.elapsed_time(b) * 1e-3
        if r > 0:
            times.append(s)
        print(f"rep {'warmup' if r == 0 else r}: {s:.4f} s, {E / s:.1f} networks/s, mean final loss {mean_loss:.4g}")
    p = sum(widths[l] * widths[l - 1] for l in range(1, L + 1))
    med = statistics.median(times)
    line = (f"torch train E={E} n={n} L={L} T={T} N_A={na} {args.dtype}: median {med:.4f} s,"
            f" {E / med:.1f} networks/s, napkin {6 * na * p * T * E / med * 1e-9:.2f} GFLOP/s"
            f" (device {torch.cuda.get_device_name(0)}, torch {torch.__version__})")
    print(line)
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "torch_train_summary.txt"), "w") as f:
        f.write(line + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
