package org.rgflow.validation;

import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.rgflow.act.Activation;
import org.rgflow.layer.Dense;
import org.rgflow.layer.Layer;
import org.rgflow.layer.Residual;
import org.rgflow.spec.NetworkSpec;

/**
 * An independent Monte Carlo of the single-input residual network's leading-order cross-neuron
 * statistics (docs/THEORY.md §17.9), test only. It does not build weights: for one input, given
 * layer ℓ the new branch b_i + Σ_j W_ij σ(z_j) is, row by row, an independent Gaussian of variance
 * Ĝ = C_b + (C_W/n)Σ_jσ(z_j)², so the pre-activations of all n neurons follow exactly
 *
 * <pre>  z_i^{(ℓ+1)} = γ z_i^{(ℓ)} + ξ √Ĝ ε_i,   ε_i iid N(0, 1),   z_i^{(1)} iid N(0, K^{(1)}),</pre>
 *
 * an n-particle system coupled only through the empirical mean of σ², at cost O(nL) per network
 * instead of O(n²L). The NTK diagonal is carried by its conditional mean,
 * θ′ = ξ²λ_b + γ²θ + ξ²(1/n)Σ_j(λ_Wσ_j² + C_Wσ′_j²θ), one collective number per network: the
 * neuron-specific remainder of Θ̂_ii (mean zero given the past, O(n^{-1/2})) changes the
 * cross-neuron covariances A, D, U only at relative O(1/n). So at large n, n·Cov across networks
 * estimates the leading-order A = n Var θ, D = n Cov(θ, X̂[z²]), U = n Cov(θ, X̂[z]), and from the
 * exact z-law V = n Cov(z_i², z_k²), T = n E[z_i² z_k] (i ≠ k) and G1 = n(E z² − K).
 *
 * <p>Randomness: java.util.SplittableRandom, one generator per batch seeded from a hash of
 * (seed, batch), so the result does not depend on the threads and nearby seeds give unrelated
 * streams. Errors: the spread of {@code batches} batch estimates.
 */
final class ResidualParticleMc {
  private ResidualParticleMc() {}

  static final String[] NAMES = {"A", "D", "U", "V", "T", "G1"};

  /** Estimates and SEs, [quantity in NAMES order][layer − 1]. */
  record Result(int n, long ensemble, double[][] mean, double[][] se) {}

  /**
   * @param kInf the infinite-width K^{(ℓ)} (index ℓ − 1) that G1 is measured against
   */
  static Result run(NetworkSpec spec, double k1, double theta1, double[] kInf, int n,
      long ensemble, int batches, long seed) {
    int depth = spec.depth();
    long per = ensemble / batches;
    double[][][] est = new double[batches][][];
    IntStream.range(0, batches).parallel().forEach(b -> est[b] = batch(spec, k1, theta1, kInf, n,
        per, new SplittableRandom(mix(mix(seed) + b))));
    double[][] mean = new double[NAMES.length][depth];
    double[][] se = new double[NAMES.length][depth];
    for (int q = 0; q < NAMES.length; q++) {
      for (int l = 0; l < depth; l++) {
        double s = 0;
        for (int b = 0; b < batches; b++) {
          s += est[b][q][l];
        }
        double m = s / batches;
        double v = 0;
        for (int b = 0; b < batches; b++) {
          v += (est[b][q][l] - m) * (est[b][q][l] - m);
        }
        mean[q][l] = m;
        se[q][l] = Math.sqrt(v / (batches - 1) / batches);
      }
    }
    return new Result(n, per * batches, mean, se);
  }

  /**
   * A 64-bit finaliser (MurmurHash3's fmix64). SplittableRandom(s) walks s + k·γ with a fixed γ, so
   * plain seeds that differ by a little give the same stream shifted by a few draws; hashed seeds
   * start the walks at unrelated points.
   */
  static long mix(long z) {
    z ^= z >>> 33;
    z *= 0xff51afd7ed558ccdL;
    z ^= z >>> 33;
    z *= 0xc4ceb9fe1a85ec53L;
    z ^= z >>> 33;
    return z;
  }

  private static double[][] batch(NetworkSpec spec, double k1, double theta1, double[] kInf, int n,
      long per, SplittableRandom rng) {
    int depth = spec.depth();
    Activation act = spec.activation();
    // per layer: Σ θ, θ², θ m1, θ m2, m1, m2, m1², m2², m1 m2, p22, p21
    double[][] acc = new double[depth][11];
    double[] z = new double[n];
    double dn = n;
    double sk1 = Math.sqrt(k1);
    for (long e = 0; e < per; e++) {
      for (int i = 0; i < n; i++) {
        z[i] = sk1 * rng.nextGaussian();
      }
      double th = theta1;
      for (int l = 1; l <= depth; l++) {
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        double s4 = 0;
        double ss = 0;
        double sd = 0;
        for (int i = 0; i < n; i++) {
          double x = z[i];
          double x2 = x * x;
          s1 += x;
          s2 += x2;
          s3 += x2 * x;
          s4 += x2 * x2;
          double v = act.value(x);
          double d = act.d1(x);
          ss += v * v;
          sd += d * d;
        }
        double m1 = s1 / dn;
        double m2 = s2 / dn;
        double[] a = acc[l - 1];
        a[0] += th;
        a[1] += th * th;
        a[2] += th * m1;
        a[3] += th * m2;
        a[4] += m1;
        a[5] += m2;
        a[6] += m1 * m1;
        a[7] += m2 * m2;
        a[8] += m1 * m2;
        a[9] += (s2 * s2 - s4) / (dn * (dn - 1));
        a[10] += (s2 * s1 - s3) / (dn * (dn - 1));
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
          throw new IllegalArgumentException("dense and residual layers only");
        }
        double g = Math.sqrt(next.cb() + next.cw() * ss / dn);
        for (int i = 0; i < n; i++) {
          z[i] = gamma * z[i] + xi * g * rng.nextGaussian();
        }
        th = xi * xi * (next.lambdaB() + next.lambdaW() * ss / dn + next.cw() * th * sd / dn)
            + gamma * gamma * th;
      }
    }
    double[][] out = new double[NAMES.length][depth];
    double p = per;
    double c = p / (p - 1);
    for (int l = 0; l < depth; l++) {
      double[] a = acc[l];
      double t = a[0] / p;
      double m1 = a[4] / p;
      double m2 = a[5] / p;
      double covM2 = c * (a[7] / p - m2 * m2);
      double covM12 = c * (a[8] / p - m1 * m2);
      out[0][l] = dn * c * (a[1] / p - t * t);
      out[1][l] = dn * c * (a[3] / p - t * m2);
      out[2][l] = dn * c * (a[2] / p - t * m1);
      // E[z_i²]E[z_k²] from the batch mean of m2 is biased by Var(m2)/per: add it back
      out[3][l] = dn * (a[9] / p - m2 * m2 + covM2 / p);
      out[4][l] = dn * (a[10] / p - m1 * m2 + covM12 / p);
      out[5][l] = dn * (m2 - kInf[l]);
    }
    return out;
  }

  /** Prints a table against the history recursion and the closure: for the benchmark file. */
  public static void main(String[] args) {
    String act = args[0];
    double gamma = Double.parseDouble(args[1]);
    double lw = Double.parseDouble(args[2]);
    int depth = Integer.parseInt(args[3]);
    long ensemble = Long.parseLong(args[4]);
    long seed = Long.parseLong(args[5]);
    double cw = (1 - gamma * gamma) * (act.equals("relu") ? 2 : 1);
    NetworkSpec spec = ResidualTheoryTest.spec(act, 64, depth, 0, cw, 0.5, lw, gamma, 1);
    org.rgflow.theory.ResidualNtkFluct.Series h = org.rgflow.theory.ResidualNtkFluct.of(spec, 1, 1);
    org.rgflow.theory.ResidualNtkFluct.Series cl =
        org.rgflow.theory.ResidualNtkFluct.closure(spec, 1, 1);
    double[] kInf = org.rgflow.theory.ResidualSeries.closure(spec, 1, true).k();
    double[][] th = {h.a(), h.d(), h.u(), h.v(), h.t(), h.g1()};
    double[][] tc = {cl.a(), cl.d(), cl.u(), cl.v(), cl.t(), cl.g1()};
    Result[] rs = new Result[args.length - 6];
    for (int j = 6; j < args.length; j++) {
      int n = Integer.parseInt(args[j]);
      long t0 = System.nanoTime();
      rs[j - 6] = run(spec, 1, 1, kInf, n, ensemble, 50, seed + n);
      System.out.printf("# %s gamma=%s lambda_W=%s C_W=%s K1=Theta1=1 n=%d E=%d seed=%d: %.1f s%n",
          act, gamma, lw, cw, n, ensemble, seed + n, (System.nanoTime() - t0) * 1e-9);
    }
    for (int q = 0; q < NAMES.length; q++) {
      for (int l = 2; l <= depth; l++) {
        StringBuilder sb = new StringBuilder(String.format("%-2s l=%d history %.6g closure %.6g",
            NAMES[q], l, th[q][l - 1], tc[q][l - 1]));
        double[] m = new double[rs.length];
        double[] s = new double[rs.length];
        for (int j = 0; j < rs.length; j++) {
          m[j] = rs[j].mean()[q][l - 1];
          s[j] = rs[j].se()[q][l - 1];
          sb.append(String.format(" | n=%d %.6g +- %.3g (z_h %.2f z_c %.2f)", rs[j].n(), m[j], s[j],
              (m[j] - th[q][l - 1]) / s[j], (m[j] - tc[q][l - 1]) / s[j]));
        }
        if (rs.length >= 2) {
          // Richardson on the last two widths (the second twice the first)
          int a = rs.length - 2;
          double ex = 2 * m[a + 1] - m[a];
          double es = Math.sqrt(4 * s[a + 1] * s[a + 1] + s[a] * s[a]);
          sb.append(String.format(" | 2X(%d)-X(%d) %.6g +- %.3g (z_h %.2f z_c %.2f)",
              rs[a + 1].n(), rs[a].n(), ex, es, (ex - th[q][l - 1]) / es,
              (ex - tc[q][l - 1]) / es));
        }
        System.out.println(sb);
      }
    }
  }
}
