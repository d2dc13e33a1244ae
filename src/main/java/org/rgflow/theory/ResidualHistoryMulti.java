package org.rgflow.theory;

import org.rgflow.act.Activation;
import org.rgflow.gauss.GaussQuadrature;
import org.rgflow.layer.Dense;
import org.rgflow.layer.Layer;
import org.rgflow.layer.Residual;
import org.rgflow.spec.NetworkSpec;

/**
 * The depth-history V and G1 of a residual network on N ≤ 2 inputs (docs/THEORY.md §17.11): the
 * multi-input form of the V, G1 part of {@link ResidualNtkFluct}. Each neuron's history on the N
 * inputs is, at leading order, the Gaussian process with Cov(z^{(a)}_α, z^{(b)}_β) =
 * Γ(a, b)K^{(min(a,b))}_{αβ}. The collective variables of the step m → m + 1 are the empirical
 * averages X̂[σ_ασ_β] (the branch covariance Ĝ_{αβ} = C_b + C_W X̂[σ_ασ_β]); they are indexed
 * here by ordered pairs r = (α, β) (the two copies of an off-diagonal pair each carry half of the
 * covariance derivative, so no factor 2 is special-cased). The coordinates per layer m are
 * ρ_{m,r}(f) = (ξ²_{m+1}/2)Γ(m+1, ℓ)² E[∂_α∂_β f(z^{(ℓ)})] and cσ_{m,r}(f) =
 * Cov₁(σ_ασ_β(z^{(m)}), f(z^{(ℓ)})); 𝒞(f, g) = Σ M_ab ℓ_a(f)ℓ_b(g) and V_{(12)(34)} =
 * 𝒞(z_1z_2, z_3z_4). G1_{αβ} = δ_ℓ(z_αz_β) from the one-neuron shift δ of §17.8 with the
 * derivatives ∂_r in place of d²/dz². The two-time averages are 2N-dimensional Gaussian
 * quadratures; E[g(x)∂_r f(y)] with y = Γx + e is written E[g(x)f(y)He2^S_r(e)], S = Cov(e), and
 * one-time derivatives as Hermite averages at K^{(ℓ)}. Needs a non-singular K at every layer.
 */
public final class ResidualHistoryMulti {
  private ResidualHistoryMulti() {}

  /** Deepest network computed: O(L²) four-dimensional quadratures. */
  public static final int MAX_DEPTH = 8;

  /** Deepest network whose off-diagonal V and G1 the engine fills in (the cost grows as L²). */
  public static final int FILL_DEPTH = 4;

  /** The rule of the two-time (four-dimensional) averages: the default four-dimensional one. */
  private static final GaussQuadrature.Rule RULE = GaussQuadrature.ruleFor(4);

  /** V[ℓ−1][α1][α2][α3][α4] and G1[ℓ−1][α][β] at layers 1..L. */
  public record Series(double[][][][][] v, double[][][] g1) {}

  /** The series of {@code spec} from the layer-1 kernel k1 (N × N, N ≤ 2, non-singular). */
  public static Series of(NetworkSpec spec, double[][] k1) {
    int n = k1.length;
    if (n < 1 || n > 2) {
      throw new IllegalArgumentException("one or two inputs, got " + n);
    }
    int depth = spec.depth();
    if (depth > MAX_DEPTH) {
      throw new IllegalArgumentException("depth " + depth + " > " + MAX_DEPTH);
    }
    Activation act = spec.activation();
    GaussQuadrature q = new GaussQuadrature(act.kinks());
    int np = n * n;
    int per = 2 * np;
    int dim = per * depth;
    double[][] m = new double[dim][dim];
    double[][][] k = new double[depth][][];
    k[0] = copy(k1);
    double[][] phiMean = new double[depth][];
    double[][][] phiCov1 = new double[depth][][];   // Cov₁(φ_r, φ_s) at layer ℓ
    double[][][] phiZz = new double[depth][][];     // Cov₁(φ_r, z_a z_b) (pair index) at layer ℓ
    double[][][] dPhi = new double[depth][][];      // E[∂_s φ_p] at layer ℓ: [p][s]
    double[][][][] ddPhi = new double[depth][][][]; // E[∂_s∂_t φ_p]: [p][s][t]
    // step data (layer m): α_{m,r}, W_{m,r} (dim), ε_{m,rs}
    double[][] alpha = new double[depth][];
    double[][][] wv = new double[depth][][];
    double[][][] eps = new double[depth][][];
    Series out = new Series(new double[depth][n][n][n][n], new double[depth][n][n]);
    for (int l = 1; l <= depth; l++) {
      final double[][] kk = k[l - 1];
      final double[][] inv = inverse(kk);
      double[] a = q.expect(kk, np + np * np + np * np + np * np * np + np * np, (z, o) -> {
        double[] sg = new double[n];
        for (int i = 0; i < n; i++) {
          sg[i] = act.value(z[i]);
        }
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
          for (int j = 0; j < n; j++) {
            y[i] += inv[i][j] * z[j];
          }
        }
        int c = 0;
        double[] phi = new double[np];
        for (int r = 0; r < np; r++) {
          phi[r] = sg[r / n] * sg[r % n];
          o[c++] = phi[r];
        }
        for (int r = 0; r < np; r++) {
          for (int s = 0; s < np; s++) {
            o[c++] = phi[r] * phi[s];
          }
        }
        for (int r = 0; r < np; r++) {
          for (int s = 0; s < np; s++) {
            o[c++] = phi[r] * z[s / n] * z[s % n];
          }
        }
        for (int p = 0; p < np; p++) {
          for (int s = 0; s < np; s++) {
            for (int t = 0; t < np; t++) {
              o[c++] = phi[p] * he4(y, inv, s / n, s % n, t / n, t % n);
            }
          }
        }
        for (int p = 0; p < np; p++) {
          for (int s = 0; s < np; s++) {
            o[c++] = phi[p] * (y[s / n] * y[s % n] - inv[s / n][s % n]);
          }
        }
      });
      int c = 0;
      phiMean[l - 1] = new double[np];
      for (int r = 0; r < np; r++) {
        phiMean[l - 1][r] = a[c++];
      }
      phiCov1[l - 1] = new double[np][np];
      for (int r = 0; r < np; r++) {
        for (int s = 0; s < np; s++) {
          phiCov1[l - 1][r][s] = a[c++] - phiMean[l - 1][r] * phiMean[l - 1][s];
        }
      }
      phiZz[l - 1] = new double[np][np];
      for (int r = 0; r < np; r++) {
        for (int s = 0; s < np; s++) {
          phiZz[l - 1][r][s] = a[c++] - phiMean[l - 1][r] * kk[s / n][s % n];
        }
      }
      ddPhi[l - 1] = new double[np][np][np];
      for (int p = 0; p < np; p++) {
        for (int s = 0; s < np; s++) {
          for (int t = 0; t < np; t++) {
            ddPhi[l - 1][p][s][t] = a[c++];
          }
        }
      }
      dPhi[l - 1] = new double[np][np];
      for (int p = 0; p < np; p++) {
        for (int s = 0; s < np; s++) {
          dPhi[l - 1][p][s] = a[c++];
        }
      }
      // two-time covariances with every earlier layer m′ < ℓ:
      // cPhi[m′][s][p] = Cov(φ_s(z^{(m′)}), φ_p(z^{(ℓ)})), cD[m′][s][r][p] = Cov(φ_s(z^{(m′)}), ∂_rφ_p(z^{(ℓ)}))
      double[][][] cPhi = new double[l][][];
      double[][][][] cD = new double[l][][][];
      for (int mp = 1; mp < l; mp++) {
        double g = ResidualNtkB.skip(spec, mp, l);
        cPhi[mp - 1] = new double[np][np];
        cD[mp - 1] = new double[np][np][np];
        if (g == 0) {
          continue;
        }
        double[][] km = k[mp - 1];
        double[][] joint = new double[2 * n][2 * n];
        double[][] sc = new double[n][n];
        for (int i = 0; i < n; i++) {
          for (int j = 0; j < n; j++) {
            joint[i][j] = km[i][j];
            joint[i][n + j] = g * km[i][j];
            joint[n + i][j] = g * km[i][j];
            joint[n + i][n + j] = kk[i][j];
            sc[i][j] = kk[i][j] - g * g * km[i][j];
          }
        }
        final double[][] sInv = inverse(sc);
        final double gg = g;
        double[] b = q.expect(joint, np * np + np * np * np, (z, o) -> {
          double[] e = new double[n];
          double[] sx = new double[n];
          double[] sy = new double[n];
          for (int i = 0; i < n; i++) {
            e[i] = z[n + i] - gg * z[i];
            sx[i] = act.value(z[i]);
            sy[i] = act.value(z[n + i]);
          }
          double[] u = new double[n];
          for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
              u[i] += sInv[i][j] * e[j];
            }
          }
          int cc = 0;
          for (int s = 0; s < np; s++) {
            double fx = sx[s / n] * sx[s % n];
            for (int p = 0; p < np; p++) {
              double fy = sy[p / n] * sy[p % n];
              o[cc++] = fx * fy;
              for (int r = 0; r < np; r++) {
                o[cc++] = fx * fy * (u[r / n] * u[r % n] - sInv[r / n][r % n]);
              }
            }
          }
        }, RULE);
        int cc = 0;
        for (int s = 0; s < np; s++) {
          for (int p = 0; p < np; p++) {
            cPhi[mp - 1][s][p] = b[cc++] - phiMean[mp - 1][s] * phiMean[l - 1][p];
            for (int r = 0; r < np; r++) {
              cD[mp - 1][s][r][p] = b[cc++] - phiMean[mp - 1][s] * dPhi[l - 1][p][r];
            }
          }
        }
      }
      // evaluation vectors at layer ℓ: of z_az_b, of φ_p and of ∂_rφ_p
      double[][] ezz = new double[np][dim];
      double[][] ephi = new double[np][dim];
      double[][][] edphi = new double[np][np][dim];
      for (int mp = 1; mp < l; mp++) {
        double h = h(spec, mp, l);
        double g = ResidualNtkB.skip(spec, mp, l);
        int base = per * (mp - 1);
        for (int s = 0; s < np; s++) {
          for (int ab = 0; ab < np; ab++) {
            ezz[ab][base + s] = h * (delta(s, ab, n));
            ezz[ab][base + np + s] = g * g * phiZz[mp - 1][s][ab];
          }
          for (int p = 0; p < np; p++) {
            ephi[p][base + s] = h * dPhi[l - 1][p][s];
            ephi[p][base + np + s] = cPhi[mp - 1][s][p];
            for (int r = 0; r < np; r++) {
              edphi[p][r][base + s] = h * ddPhi[l - 1][p][r][s];
              edphi[p][r][base + np + s] = cD[mp - 1][s][r][p];
            }
          }
        }
      }
      for (int ab = 0; ab < np; ab++) {
        double[] mz = mul(m, ezz[ab]);
        for (int cd = 0; cd < np; cd++) {
          out.v()[l - 1][ab / n][ab % n][cd / n][cd % n] = dot(ezz[cd], mz);
        }
      }
      // δ_ℓ(φ_p) and G1
      double[] dsig = new double[np];
      for (int mp = 1; mp < l; mp++) {
        double h = h(spec, mp, l);
        if (h == 0) {
          continue;
        }
        Layer lay = spec.layer(mp + 1);
        double cwm = lay.cw();
        for (int ab = 0; ab < np; ab++) {
          out.g1()[l - 1][ab / n][ab % n] += 2 * h * alpha[mp - 1][ab];
        }
        for (int p = 0; p < np; p++) {
          double t = 0;
          for (int r = 0; r < np; r++) {
            t += h * alpha[mp - 1][r] * dPhi[l - 1][p][r];
            t += h * (cwm * cD[mp - 1][r][r][p] + dot(wv[mp - 1][r], edphi[p][r]));
            for (int s = 0; s < np; s++) {
              t += h * h * eps[mp - 1][r][s] * ddPhi[l - 1][p][r][s];
            }
          }
          dsig[p] += t;
        }
      }
      if (l == depth) {
        break;
      }
      Layer next = spec.layer(l + 1);
      double gamma = 0;
      double xi = 1;
      if (next instanceof Residual rl) {
        gamma = rl.gamma();
        xi = rl.xi();
      } else if (!(next instanceof Dense)) {
        throw new IllegalArgumentException("dense and residual layers only, got " + next.kind());
      }
      double cw = next.cw();
      double x2 = xi * xi;
      double[][] mes = new double[np][];
      for (int r = 0; r < np; r++) {
        mes[r] = mul(m, ephi[r]);
      }
      alpha[l - 1] = new double[np];
      wv[l - 1] = new double[np][dim];
      eps[l - 1] = new double[np][np];
      for (int r = 0; r < np; r++) {
        alpha[l - 1][r] = cw * dsig[r];
        for (int i = 0; i < dim; i++) {
          wv[l - 1][r][i] = cw * mes[r][i];
        }
        for (int s = 0; s < np; s++) {
          eps[l - 1][r][s] = 0.5 * cw * cw * (phiCov1[l - 1][r][s] + dot(ephi[r], mes[s]));
        }
      }
      int base = per * (l - 1);
      for (int r = 0; r < np; r++) {
        for (int i = 0; i < dim; i++) {
          m[i][base + r] = cw * mes[r][i];
          m[base + r][i] = cw * mes[r][i];
        }
      }
      for (int r = 0; r < np; r++) {
        for (int s = 0; s < np; s++) {
          m[base + r][base + s] = cw * cw * (dot(ephi[r], mes[s]) + phiCov1[l - 1][r][s]);
        }
        m[base + np + r][base + r] += cw;
        m[base + r][base + np + r] += cw;
      }
      double[][] kn = new double[n][n];
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          kn[i][j] = gamma * gamma * kk[i][j] + x2 * (next.cb() + cw * phiMean[l - 1][i * n + j]);
        }
      }
      k[l] = kn;
    }
    return out;
  }

  /** (ξ²_{m+1}/2) Γ(m+1, ℓ)². */
  private static double h(NetworkSpec spec, int mp, int l) {
    double g = ResidualNtkB.skip(spec, mp + 1, l);
    Layer lay = spec.layer(mp + 1);
    double xi = lay instanceof Residual r ? r.xi() : 1;
    return 0.5 * xi * xi * g * g;
  }

  /** E[∂_s(z_az_b)] for ordered pairs s and ab. */
  private static double delta(int s, int ab, int n) {
    int a = ab / n;
    int b = ab % n;
    int ba = b * n + a;
    return (s == ab ? 1 : 0) + (s == ba ? 1 : 0);
  }

  /** The fourth Hermite polynomial He4_{abcd}(y), y = K⁻¹z, with p = K⁻¹. */
  private static double he4(double[] y, double[][] p, int a, int b, int c, int d) {
    return y[a] * y[b] * y[c] * y[d]
        - p[a][b] * y[c] * y[d] - p[a][c] * y[b] * y[d] - p[a][d] * y[b] * y[c]
        - p[b][c] * y[a] * y[d] - p[b][d] * y[a] * y[c] - p[c][d] * y[a] * y[b]
        + p[a][b] * p[c][d] + p[a][c] * p[b][d] + p[a][d] * p[b][c];
  }

  private static double[][] inverse(double[][] k) {
    int n = k.length;
    if (n == 1) {
      return new double[][] {{1 / k[0][0]}};
    }
    double det = k[0][0] * k[1][1] - k[0][1] * k[1][0];
    if (!(Math.abs(det) > 1e-12 * k[0][0] * k[1][1])) {
      throw new IllegalArgumentException("singular two-input kernel");
    }
    return new double[][] {{k[1][1] / det, -k[0][1] / det}, {-k[1][0] / det, k[0][0] / det}};
  }

  private static double[][] copy(double[][] a) {
    double[][] b = new double[a.length][];
    for (int i = 0; i < a.length; i++) {
      b[i] = a[i].clone();
    }
    return b;
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
}
