#!/usr/bin/env python3
"""Independent deterministic reference for the single-input residual-MLP statistics K, T, V, G1.

What it computes
----------------
For the network z1 = b + W x (variance K1 = C_b + C_W |x|^2/n0) and, for l >= 1,
    z^{l+1}_i = gamma z^l_i + xi [ b_i + sum_j W_ij sigma(z^l_j) ],   W ~ N(0, C_W/n), b ~ N(0, C_b),
at one input and equal widths n, the leading-order kernel K^l and the O(1/n) quantities
    E[z_i^2]            = K + G1/n,
    n Cov(z_i^2, z_k^2) = V          (i != k),
    n E[z_i^2 z_k]      = T          (i != k),
at every layer 1..L.

How (derived here, not a port of the Java engine)
------------------------------------------------
1. Exact reduction to a mean-field particle system.  Given everything up to layer l, the branch
   u = b + W sigma(z^l) is Gaussian with covariance g_l * identity, g_l = C_b + (C_W/n) sum_j
   sigma(z^l_j)^2 (rows of W are fresh).  So in distribution z^{l+1}_i = gamma z^l_i +
   xi sqrt(g_l) eps^{l+1}_i with eps iid N(0,1), independent of the past.  Every neuron is a
   deterministic function Z(eps_i; g) of its own noises and of the common random vector
   g = (g_1, ..., g_{L-1}); given g the history of a neuron is a Gaussian process with increment
   variances s_1 = K1, s_{m+1} = xi^2 g_m.

2. Collective-variable (delta-method) expansion in g.  g = g* + O(n^{-1/2}), g*_m = C_b + C_W
   <sigma^2>_{K_m} (the leading-order kernel recursion).  The bulk responds to a small shift of
   g_{m'} by R[m][m'] = C_W d<sigma^2(z^m)>/dg_{m'} (strictly lower triangular), so the linear
   response is N = (I - R)^{-1}.  From this:
     * Sigma = n Cov(g) = C_W^2 N S N^T, S[p][q] = Cov(sigma^2(z^p), sigma^2(z^q)) under the
       leading-order depth process Cov(z^a, z^b) = gamma^{|a-b|} K^{min(a,b)}.
     * A tagged neuron i feeds g with its own term: g = g~ + Delta_i/n, Delta_i = N s_i,
       s_{i,q} = C_W (sigma^2(z_i^q) - <sigma^2>_q), where g~ (neuron i's term replaced by its
       mean) is independent of neuron i's noises.
     * For a function F of the history, with Phi_F(g) = E[F(Z(eps; g))]:
         n(E F(z_i) - Phi_F(g*)) = grad Phi_F . mu + 1/2 tr(Hess Phi_F Sigma)
                                   + E[ d_g F(Z(eps; g*)) . Delta(eps) ],
       mu = n(E g - g*) solved forward from mu_p = C_W * (that shift for F = sigma^2(z^p)).
       The last term is reduced with Stein's lemma on the fresh noise eps^{m+1}:
       E[d_{g_m} F . Delta_m] = (xi^2/2) gamma^{2(p-m-1)} E[F''(z^p) Delta_m(history up to m)].
     * For two tagged neurons i != k:
         n Cov(F(z_i), H(z_k)) = grad Phi_F^T Sigma grad Phi_H
                                 + grad Phi_F^T N c_H + grad Phi_H^T N c_F,
       c_{H,q} = C_W Cov(sigma^2(z^q), H(history)).
   With F = H = (z^l)^2 this is V, with F = (z^l)^2, H = z^l (Phi_H = 0) it is T, and
   G1 = grad K^l . mu.  All averages are one- or two-dimensional Gaussian integrals over the
   leading-order depth process: split Gauss-Legendre on the two half-lines (exact kink at 0),
   with the inner conditional average in closed form for ReLU and Gauss-Hermite for tanh.
   Only numpy is needed.

Usage: residual_reference.py --act relu|tanh --cb CB --cw CW --gamma G --xi XI --k1 K1 --depth L
Prints one JSON object {"K": [...], "T": [...], "V": [...], "G1": [...]} (index l-1).
"""
import argparse
import json
import math

import numpy as np

_LEG_X, _LEG_W = np.polynomial.legendre.leggauss(240)
_GH_X, _GH_W = np.polynomial.hermite_e.hermegauss(160)
_GH_W = _GH_W / math.sqrt(2 * math.pi)
_SQRT2 = math.sqrt(2.0)


def _half_line_nodes(k):
    """Nodes and weights of int f(x) phi_K(x) dx, x ~ N(0, K), split at 0 (each half Legendre)."""
    sd = math.sqrt(k)
    cut = 13.0 * sd
    xp = 0.5 * cut * (_LEG_X + 1.0)
    wp = 0.5 * cut * _LEG_W * np.exp(-0.5 * xp * xp / k) / math.sqrt(2 * math.pi * k)
    return np.concatenate([-xp[::-1], xp]), np.concatenate([wp[::-1], wp])


def _ncdf(x):
    return 0.5 * (1.0 + _erf(x / _SQRT2))


_erf = np.vectorize(math.erf, otypes=[float])


class Relu:
    odd = False

    @staticmethod
    def sig2(x):
        return np.where(x > 0, x * x, 0.0)

    @staticmethod
    def cond_sig2(mu, s):
        """E[sigma^2(mu + s w)], w ~ N(0, 1)."""
        a = mu / s
        return (mu * mu + s * s) * _ncdf(a) + mu * s * np.exp(-0.5 * a * a) / math.sqrt(2 * math.pi)

    @staticmethod
    def cond_sig2_dd(mu, s):
        """E[(sigma^2)''(mu + s w)] = d^2/dmu^2 cond_sig2 = 2 Phi(mu/s)."""
        return 2.0 * _ncdf(mu / s)


class Tanh:
    odd = True

    @staticmethod
    def sig2(x):
        return np.tanh(x) ** 2

    @staticmethod
    def cond_sig2(mu, s):
        y = mu[:, None] + s * _GH_X[None, :]
        return (np.tanh(y) ** 2) @ _GH_W

    @staticmethod
    def cond_sig2_dd(mu, s):
        y = mu[:, None] + s * _GH_X[None, :]
        return ((np.tanh(y) ** 2) * (_GH_X * _GH_X - 1.0)[None, :]) @ _GH_W / (s * s)


def expect(k, f):
    x, w = _half_line_nodes(k)
    return float(np.dot(w, f(x)))


def reference(act, cb, cw, gamma, xi, k1, depth):
    a = {"relu": Relu, "tanh": Tanh}[act]
    L = depth
    x2 = xi * xi
    # leading-order kernel and branch variances g*_m (m = 1..L-1; arrays index m-1)
    K = np.zeros(L)
    K[0] = k1
    for m in range(1, L):
        gs = cb + cw * expect(K[m - 1], a.sig2)
        K[m] = gamma * gamma * K[m - 1] + x2 * gs
    M = L - 1  # number of branch variances g_1..g_{L-1}

    def grad_k(l):
        """d K^l / d g_m, m = 1..L-1 (vector of length M)."""
        v = np.zeros(M)
        for m in range(1, l):
            v[m - 1] = x2 * gamma ** (2 * (l - m - 1))
        return v

    # one-time averages at K_p, p = 1..L-1
    phi = np.zeros(M)   # <sigma^2>
    phi1 = np.zeros(M)  # d<sigma^2>/dK
    phi2 = np.zeros(M)  # d^2<sigma^2>/dK^2
    var2 = np.zeros(M)  # Var(sigma^2)
    cz2 = np.zeros(M)   # Cov(sigma^2, z^2)
    ez = np.zeros(M)    # E[sigma^2 z]
    for p in range(1, L):
        k = K[p - 1]
        phi[p - 1] = expect(k, a.sig2)
        phi1[p - 1] = expect(k, lambda x: a.sig2(x) * (x * x / k - 1.0)) / (2 * k)
        phi2[p - 1] = expect(k, lambda x: a.sig2(x) * ((x * x / k) ** 2 - 6 * x * x / k + 3)) / (4 * k * k)
        var2[p - 1] = expect(k, lambda x: a.sig2(x) ** 2) - phi[p - 1] ** 2
        cz2[p - 1] = expect(k, lambda x: a.sig2(x) * x * x) - phi[p - 1] * k
        ez[p - 1] = expect(k, lambda x: a.sig2(x) * x)

    # cross-depth averages: for q < p, z^p = beta z^q + s w, beta = gamma^{p-q}, s^2 = K_p - beta^2 K_q
    S = np.zeros((M, M))    # Cov(sigma^2(z^p), sigma^2(z^q))
    Cdd = np.zeros((M, M))  # Cov((sigma^2)''(z^p), sigma^2(z^q)), q < p
    for p in range(1, L):
        S[p - 1, p - 1] = var2[p - 1]
        for q in range(1, p):
            kq = K[q - 1]
            beta = gamma ** (p - q)
            s = math.sqrt(K[p - 1] - beta * beta * kq)
            x, w = _half_line_nodes(kq)
            sx = a.sig2(x)
            S[p - 1, q - 1] = S[q - 1, p - 1] = float(np.dot(w, sx * a.cond_sig2(beta * x, s))) \
                - phi[q - 1] * phi[p - 1]
            Cdd[p - 1, q - 1] = float(np.dot(w, (sx - phi[q - 1]) * a.cond_sig2_dd(beta * x, s)))

    # bulk linear response R[m][m'] = C_W d<sigma^2(z^m)>/dg_{m'} and N = (I - R)^{-1}
    R = np.zeros((M, M))
    for m in range(1, L):
        R[m - 1, :] = cw * phi1[m - 1] * grad_k(m)
    N = np.linalg.inv(np.eye(M) - R)
    Sigma = cw * cw * N @ S @ N.T

    # mean shift mu = n(E g - g*), forward in p
    mu = np.zeros(M)
    for p in range(1, L):
        gp = grad_k(p)
        d = phi1[p - 1] * float(gp @ mu) + 0.5 * phi2[p - 1] * float(gp @ Sigma @ gp)
        for m in range(1, p):
            em = cw * sum(N[m - 1, q - 1] * Cdd[p - 1, q - 1] for q in range(1, m + 1))
            d += 0.5 * x2 * gamma ** (2 * (p - m - 1)) * em
        mu[p - 1] = cw * d

    out = {"K": [], "T": [], "V": [], "G1": []}
    for l in range(1, L + 1):
        gl = grad_k(l)
        c2 = np.zeros(M)
        c1 = np.zeros(M)
        for p in range(1, l):
            c2[p - 1] = cw * gamma ** (2 * (l - p)) * cz2[p - 1]
            c1[p - 1] = cw * gamma ** (l - p) * ez[p - 1]
        out["K"].append(float(K[l - 1]))
        out["V"].append(float(gl @ Sigma @ gl + 2 * gl @ N @ c2))
        out["T"].append(float(gl @ N @ c1))
        out["G1"].append(float(gl @ mu))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--act", required=True, choices=["relu", "tanh"])
    ap.add_argument("--cb", type=float, default=0.0)
    ap.add_argument("--cw", type=float, required=True)
    ap.add_argument("--gamma", type=float, required=True)
    ap.add_argument("--xi", type=float, default=1.0)
    ap.add_argument("--k1", type=float, required=True)
    ap.add_argument("--depth", type=int, default=8)
    o = ap.parse_args()
    print(json.dumps(reference(o.act, o.cb, o.cw, o.gamma, o.xi, o.k1, o.depth)))


if __name__ == "__main__":
    main()
