package org.rgflow.theory;

import org.rgflow.act.Activation;
import org.rgflow.gauss.GaussQuadrature;
import org.rgflow.layer.Dense;
import org.rgflow.layer.Layer;
import org.rgflow.layer.Residual;
import org.rgflow.spec.NetworkSpec;

/**
 * Cross-neuron covariances of a residual network at leading order, one input (docs/THEORY.md
 * §17.2): 𝒞(f, g) = n Cov(f(h_i), g(h_k)) (i ≠ k) for functions of each neuron's state h = (its
 * pre-activation history z^{(1..ℓ)}, its NTK diagonal θ = Θ̂_ii). It gives A = 𝒞(θ, θ),
 * D = 𝒞(θ, z²), U = 𝒞(θ, z) = n E[Θ̂_ii z_k], and as a check V = 𝒞(z², z²), T = 𝒞(z², z).
 *
 * <p>Given everything up to layer m (call it P), the rows (b_i, W_i·) of layer m + 1 are fresh and
 * independent, so neurons i ≠ k are conditionally independent and n Cov(X_i′, Y_k′) =
 * n Cov(E[X_i′|P], E[Y_k′|P]) exactly. The conditional means are
 * E[θ_i′|P] = ξ²λ_b + γ²θ_i + ξ² X̂[ψ], ψ = λ_Wσ² + C_W σ′² θ, and for a history function G,
 * E[G′|P] = Ḡ(h_k; Ĝ) with Ĝ = C_b + C_W X̂[σ²] the variance of the new branch; X̂[φ] = n⁻¹Σ_j φ(h_j)
 * includes the neuron itself. Linearising in δX̂ (n Var δX̂[φ] = Cov₁(φ, φ) + 𝒞(φ, φ)) gives a linear
 * recursion that closes on 𝒞 = Σ M_ab ℓ_a ℓ_b over the functionals, per layer m′,
 * ρ_m′(f) = (ξ²/2) E[D_{m′+1}² f] (the response to the variance of the branch added at m′ + 1; D as
 * in {@link ResidualNtkF}), cσ_m′(f) = Cov₁(σ²(z^{(m′)}), f), cs_m′(f) = Cov₁(σ′²(z^{(m′)}), f), and
 * the coefficient of θ. The cross-depth inputs are Gaussian covariances across one neuron's history,
 * Cov(z^{(a)}, z^{(b)}) = Γ K^{(min)}. It reproduces {@link ResidualSeries}'s V and T (a separate
 * single-time recursion) and, at γ = 0, the engine's MLP A and D.
 */
public final class ResidualNtkFluct {
  private ResidualNtkFluct() {}

  /** Deepest network computed (dimension 3L + 1 matrices, O(L²) two-dimensional quadratures). */
  static final int MAX_DEPTH = 64;

  /** The deepest network {@link #of} computes. */
  public static int maxDepth() {
    return MAX_DEPTH;
  }

  /**
   * A, D, U, V, T at layers 1..L (index ℓ − 1), and G1 = n(E[z²] − K), the 1/n shift of the
   * one-neuron variance from the same depth-history expansion (docs/THEORY.md §17.8).
   */
  public record Series(double[] a, double[] d, double[] u, double[] v, double[] t, double[] g1) {}

  private static final int Z = 0;
  private static final int Z2 = 1;
  private static final int S2 = 2;  // σ²
  private static final int DS = 3;  // σ′²

  private static double fn(Activation act, int type, double z) {
    switch (type) {
      case Z:
        return z;
      case Z2:
        return z * z;
      case S2: {
        double v = act.value(z);
        return v * v;
      }
      default: {
        double d = act.d1(z);
        return d * d;
      }
    }
  }

  /** The series of {@code spec} with K^{(1)} = k1, Θ^{(1)} = theta1 (equal widths from layer 1). */
  public static Series of(NetworkSpec spec, double k1, double theta1) {
    return run(spec, k1, theta1, null, null, null);
  }

  private static Series run(NetworkSpec spec, double k1, double theta1, double[][][] mOut,
      double[][] kOut, double[][][] meanOut) {
    int depth = spec.depth();
    Activation act = spec.activation();
    GaussQuadrature q = new GaussQuadrature(act.kinks());
    int dim = 3 * depth + 1;
    int th = 3 * depth;
    double[][] m = new double[dim][dim];
    double[] k = new double[depth];
    double[] tht = new double[depth];
    double[][] mean = new double[depth][];  // E[f_type] at layer ℓ
    double[][] e2 = new double[depth][];    // E[f″] (Stein) at layer ℓ
    Series out = new Series(new double[depth], new double[depth], new double[depth],
        new double[depth], new double[depth], new double[depth]);
    // the one-neuron 1/n shift δ_ℓ(f) = n(E[f] − Gaussian), per layer m of the step m → m + 1:
    // α_m ρ_m(f) + (ξ²/2)Γ²[β_m Cov₁(σ²_m, f″) + w_m·ℓ(f″)] + ε_m (ξ⁴/4)Γ⁴⟨f⁗⟩ (§17.8)
    double[] alpha = new double[depth];
    double[] beta = new double[depth];
    double[] eps = new double[depth];
    double[] xis2 = new double[depth];
    double[][] wv = new double[depth][];
    k[0] = k1;
    tht[0] = theta1;
    for (int l = 1; l <= depth; l++) {
      double kk = k[l - 1];
      double inv = 1 / kk;
      double[] a = q.expect(new double[][] {{kk}}, 12, (z, o) -> {
        double y = z[0];
        double h2 = y * y * inv * inv - inv;
        double yy = y * y * inv * inv;
        o[11] = fn(act, S2, y) * (yy * yy - 6 * yy * inv + 3 * inv * inv);
        for (int t = 0; t < 4; t++) {
          double f = fn(act, t, y);
          o[t] = f;
          o[4 + t] = f * h2;
        }
        double s2 = fn(act, S2, y);
        double ds = fn(act, DS, y);
        o[8] = s2 * s2;
        o[9] = s2 * ds;
        o[10] = ds * ds;
      });
      mean[l - 1] = new double[] {a[0], a[1], a[2], a[3]};
      e2[l - 1] = new double[] {a[4], a[5], a[6], a[7]};
      double[] ez = ev(spec, q, act, k, mean, e2, Z, l, dim);
      double[] ez2 = ev(spec, q, act, k, mean, e2, Z2, l, dim);
      out.a()[l - 1] = m[th][th];
      out.d()[l - 1] = dot(m[th], ez2);
      out.u()[l - 1] = dot(m[th], ez);
      out.v()[l - 1] = form(m, ez2, ez2);
      out.t()[l - 1] = form(m, ez2, ez);
      // δ_l(z²) = G1 (z²″ = 2, z²⁗ = 0) and δ_l(σ²) for the next step
      double[] ef2 = l > 1 ? ev(spec, q, act, k, mean, z -> {
        double sv = act.value(z);
        double d1 = act.d1(z);
        return 2 * (d1 * d1 + sv * act.d2(z));
      }, a[6], a[11], l, dim) : null;
      double g1 = 0;
      double dsig = 0;
      for (int mp = 1; mp < l; mp++) {
        double g = ResidualNtkB.skip(spec, mp + 1, l);
        double h = 0.5 * xis2[mp - 1] * g * g;
        g1 += alpha[mp - 1] * 2 * h;
        dsig += alpha[mp - 1] * h * a[6]
            + h * (beta[mp - 1] * ef2[3 * (mp - 1) + 1] + dot(wv[mp - 1], ef2))
            + eps[mp - 1] * h * h * a[11];
      }
      out.g1()[l - 1] = g1;
      if (l == depth) {
        if (mOut != null) {
          mOut[0] = m;
          kOut[0] = k;
          meanOut[0] = mean;
        }
        break;
      }
      Layer next = spec.layer(l + 1);
      double gamma = 0;
      double xi = 1;
      if (next instanceof Residual r) {
        gamma = r.gamma();
        xi = r.xi();
      } else if (!(next instanceof Dense)) {
        throw new IllegalArgumentException("dense and residual layers only, got " + next.kind());
      }
      double cw = next.cw();
      double lw = next.lambdaW();
      double x2 = xi * xi;
      double thl = tht[l - 1];
      double s = a[3];
      double[] es = ev(spec, q, act, k, mean, e2, S2, l, dim);
      double[] ed = ev(spec, q, act, k, mean, e2, DS, l, dim);
      double[] mes = mul(m, es);
      alpha[l - 1] = cw * dsig;
      beta[l - 1] = cw;
      xis2[l - 1] = x2;
      wv[l - 1] = new double[dim];
      for (int i = 0; i < dim; i++) {
        wv[l - 1][i] = cw * mes[i];
      }
      eps[l - 1] = 0.5 * cw * cw * (a[8] - a[2] * a[2] + dot(es, mes));
      double[] epsi = new double[dim];
      for (int i = 0; i < dim; i++) {
        epsi[i] = lw * es[i] + cw * thl * ed[i];
      }
      epsi[th] += cw * s;
      int rho = 3 * (l - 1);
      int cs = rho + 1;
      int cd = rho + 2;
      // R = identity except column ρ_l → C_W e_σ and column θ → γ²δ_θ + ξ² e_ψ
      double[] rr = new double[dim];
      double[] rt = new double[dim];
      for (int i = 0; i < dim; i++) {
        rr[i] = cw * es[i];
        rt[i] = x2 * epsi[i];
      }
      rt[th] += gamma * gamma;
      double[] mr = mul(m, rr);
      double[] mt = mul(m, rt);
      double rrr = dot(rr, mr);
      double rtt = dot(rt, mt);
      double rrt = dot(rr, mt);
      for (int i = 0; i < dim; i++) {
        m[i][rho] = mr[i];
        m[rho][i] = mr[i];
        m[i][th] = mt[i];
        m[th][i] = mt[i];
      }
      m[rho][rho] = rrr;
      m[th][th] = rtt;
      m[rho][th] = rrt;
      m[th][rho] = rrt;
      // the neuron's own share of X̂ (Cov₁ terms): L K^T + K L^T + K S K^T
      double vs = a[8] - a[2] * a[2];
      double csd = a[9] - a[2] * a[3];
      double vd = a[10] - a[3] * a[3];
      addSym(m, cs, rho, cw);
      addSym(m, cs, th, x2 * lw);
      addSym(m, cd, th, x2 * cw * thl);
      m[rho][rho] += cw * cw * vs;
      double spsi = lw * vs + cw * thl * csd;
      addSym(m, rho, th, cw * x2 * spsi);
      m[th][th] += x2 * x2 * (lw * lw * vs + 2 * lw * cw * thl * csd + cw * cw * thl * thl * vd);
      k[l] = gamma * gamma * kk + x2 * (next.cb() + cw * a[2]);
      tht[l] = x2 * (next.lambdaB() + lw * a[2]) + (gamma * gamma + x2 * cw * s) * thl;
    }
    return out;
  }

  /**
   * The single-time closure of A, D, U, V and T (docs/THEORY.md §17.9), for comparison with the
   * history recursion {@link #of}: the cross-neuron covariance of two functions of the newest
   * pre-activation is written through its first two Hermite components only,
   * 𝒞(f, g) ≈ c(f)ᵀ M c(g) with c(f) = (⟨f′⟩, ⟨f″⟩/2, θ-coefficient) and
   * M = [[0, T, U], [T, V, D], [U, D, A]] (𝒞(z, z) = 0 exactly). One step then uses the exact
   * conditional means of §17.2 (θ′ = ξ²λ_b + γ²θ + ξ²X̂[ψ], z′² = γ²z² + ξ²(C_b + C_W X̂[σ²]),
   * z′ = γz). Its V and T are ResidualSeries.closure's; at γ = 0 it is the MLP's A and D; at layer 2
   * it is exact. G1 is not part of it (NaN).
   */
  public static Series closure(NetworkSpec spec, double k1, double theta1) {
    int depth = spec.depth();
    Activation act = spec.activation();
    GaussQuadrature q = new GaussQuadrature(act.kinks());
    Series out = new Series(new double[depth], new double[depth], new double[depth],
        new double[depth], new double[depth], new double[depth]);
    java.util.Arrays.fill(out.g1(), Double.NaN);
    double[][] m = new double[3][3];
    double kk = k1;
    double thl = theta1;
    for (int l = 1; l <= depth; l++) {
      out.a()[l - 1] = m[2][2];
      out.d()[l - 1] = m[1][2];
      out.u()[l - 1] = m[0][2];
      out.v()[l - 1] = m[1][1];
      out.t()[l - 1] = m[0][1];
      if (l == depth) {
        break;
      }
      Layer next = spec.layer(l + 1);
      double gamma = 0;
      double xi = 1;
      if (next instanceof Residual r) {
        gamma = r.gamma();
        xi = r.xi();
      } else if (!(next instanceof Dense)) {
        throw new IllegalArgumentException("dense and residual layers only, got " + next.kind());
      }
      double cw = next.cw();
      double lw = next.lambdaW();
      double x2 = xi * xi;
      final double k = kk;
      // functions z, z², σ², σ′²: means and the one-neuron covariance matrix
      double[] g = q.expect(new double[][] {{k}}, 12, (z, o) -> {
        double y = z[0];
        double[] f = {y, y * y, fn(act, S2, y), fn(act, DS, y)};
        o[0] = f[2];
        o[1] = f[3];
        int c = 2;
        for (int i = 0; i < 4; i++) {
          for (int j = i; j < 4; j++) {
            o[c++] = f[i] * f[j];
          }
        }
      });
      double[] mu = {0, k, g[0], g[1]};
      double[][] c1 = new double[4][4];
      int ci = 2;
      for (int i = 0; i < 4; i++) {
        for (int j = i; j < 4; j++) {
          c1[i][j] = g[ci++] - mu[i] * mu[j];
          c1[j][i] = c1[i][j];
        }
      }
      // Hermite coordinates of σ² and σ′² (Stein: ⟨f′⟩ = ⟨f z⟩/K, ⟨f″⟩ = Cov(f, z²)/K²)
      double[] cs = {c1[0][2] / k, 0.5 * c1[1][2] / (k * k), 0};
      double[] cd = {c1[0][3] / k, 0.5 * c1[1][3] / (k * k), 0};
      double[] cpsi = new double[3];
      for (int i = 0; i < 3; i++) {
        cpsi[i] = lw * cs[i] + cw * thl * cd[i];
      }
      cpsi[2] += cw * g[1];
      // r_X = o_X + φ_X in Hermite coordinates, and the same in the function basis (z, z², σ², σ′²)
      // for the one-neuron terms; X = z, z², θ
      double[][] r = new double[3][3];
      double[][] fo = new double[3][4];
      double[][] fr = new double[3][4];
      r[0][0] = gamma;
      fo[0][0] = gamma;
      fr[0][0] = gamma;
      for (int i = 0; i < 3; i++) {
        r[1][i] = x2 * cw * cs[i];
        r[2][i] = x2 * cpsi[i];
      }
      r[1][1] += gamma * gamma;
      r[2][2] += gamma * gamma;
      fo[1][1] = gamma * gamma;
      fr[1][1] = gamma * gamma;
      fr[1][2] = x2 * cw;
      fr[2][2] = x2 * lw;
      fr[2][3] = x2 * cw * thl;
      double[][] mNew = new double[3][3];
      for (int x = 0; x < 3; x++) {
        for (int y = 0; y < 3; y++) {
          mNew[x][y] = dot(r[x], mul(m, r[y])) + dot(fr[x], mul(c1, fr[y]))
              - dot(fo[x], mul(c1, fo[y]));
        }
      }
      m = mNew;
      thl = x2 * (next.lambdaB() + lw * g[0]) + (gamma * gamma + x2 * cw * g[1]) * thl;
      kk = gamma * gamma * kk + x2 * (next.cb() + cw * g[0]);
    }
    return out;
  }

  private static void addSym(double[][] m, int i, int j, double v) {
    m[i][j] += v;
    if (i != j) {
      m[j][i] += v;
    }
  }

  /** The coordinates of f_type(z^{(l)}) on ρ_m′, cσ_m′, cs_m′ (m′ &lt; l); θ-coefficient 0. */
  private static double[] ev(NetworkSpec spec, GaussQuadrature q, Activation act, double[] k,
      double[][] mean, double[][] e2, int type, int l, int dim) {
    return ev(spec, q, act, k, mean, z -> fn(act, type, z), mean[l - 1][type], e2[l - 1][type], l,
        dim);
  }

  /** The same for any f with E[f(z^{(l)})] = fMean and E[f″(z^{(l)})] = fE2. */
  private static double[] ev(NetworkSpec spec, GaussQuadrature q, Activation act, double[] k,
      double[][] mean, java.util.function.DoubleUnaryOperator f, double fMean, double fE2, int l,
      int dim) {
    double[] e = new double[dim];
    for (int mp = 1; mp < l; mp++) {
      double g = ResidualNtkB.skip(spec, mp + 1, l);
      Layer lay = spec.layer(mp + 1);
      double xi = lay instanceof Residual r ? r.xi() : 1;
      e[3 * (mp - 1)] = 0.5 * xi * xi * g * g * fE2;
    }
    // m′ = l is not needed: M has no weight on the coordinates of layer l before the step l → l + 1
    for (int mp = 1; mp < l; mp++) {
      double g = ResidualNtkB.skip(spec, mp, l);
      if (g == 0) {
        continue;
      }
      double c = g * k[mp - 1];
      double[] x = q.expect(new double[][] {{k[mp - 1], c}, {c, k[l - 1]}}, 2, (z, o) -> {
        double fv = f.applyAsDouble(z[1]);
        o[0] = fn(act, S2, z[0]) * fv;
        o[1] = fn(act, DS, z[0]) * fv;
      });
      e[3 * (mp - 1) + 1] = x[0] - mean[mp - 1][S2] * fMean;
      e[3 * (mp - 1) + 2] = x[1] - mean[mp - 1][DS] * fMean;
    }
    return e;
  }

  /**
   * 𝒞(f, g) = n Cov(f(z_i^{(L)}), g(z_k^{(L)})) (i ≠ k) at the last layer L of {@code spec}, for
   * any two functions of the last pre-activation (leading order; V = 𝒞(z², z²), T = 𝒞(z², z)).
   */
  public static double crossCovariance(NetworkSpec spec, double k1, double theta1,
      java.util.function.DoubleUnaryOperator f, java.util.function.DoubleUnaryOperator g) {
    double[][][] last = new double[1][][];
    double[][] kOut = new double[1][];
    double[][][] meanOut = new double[1][][];
    run(spec, k1, theta1, last, kOut, meanOut);
    int l = spec.depth();
    Activation act = spec.activation();
    GaussQuadrature q = new GaussQuadrature(act.kinks());
    double kk = kOut[0][l - 1];
    double inv = 1 / kk;
    double[] a = q.expect(new double[][] {{kk}}, 4, (z, o) -> {
      double h2 = z[0] * z[0] * inv * inv - inv;
      o[0] = f.applyAsDouble(z[0]);
      o[1] = o[0] * h2;
      o[2] = g.applyAsDouble(z[0]);
      o[3] = o[2] * h2;
    });
    int dim = 3 * l + 1;
    double[] ef = ev(spec, q, act, kOut[0], meanOut[0], f, a[0], a[1], l, dim);
    double[] eg = ev(spec, q, act, kOut[0], meanOut[0], g, a[2], a[3], l, dim);
    return form(last[0], ef, eg);
  }

  private static double[] mul(double[][] m, double[] x) {
    double[] y = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      y[i] = dot(m[i], x);
    }
    return y;
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  private static double form(double[][] m, double[] x, double[] y) {
    return dot(x, mul(m, y));
  }
}
