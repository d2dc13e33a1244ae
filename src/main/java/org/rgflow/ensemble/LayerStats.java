package org.rgflow.ensemble;

import org.rgflow.core.LayerValues;
import org.rgflow.core.Obs;
import org.rgflow.core.Tensor;

/**
 * The per-network statistic vector x of one layer (neuron averages, FORMULAS.md §3, §5, §6) and the
 * observables g(E x) computed from the ensemble mean, with delta-method errors. Every backend that
 * produces per-network pre-activations z and NTK blocks Θ̂ can reuse {@link #compute} and feed a
 * {@link MomentAccumulator}; {@link #fill} turns the accumulator into {@link LayerValues}.
 *
 * <p>Layout, with N_D inputs and P = N_D(N_D+1)/2 unordered pairs p = (α ≤ β):
 * <ul>
 *   <li>k_p = (1/n) Σ_i z_iα z_iβ  (P entries)
 *   <li>m_pq = Σ_{i≠k} a_ip a_kq / (n(n−1)), a_ip = z_iα z_iβ, for p ≤ q, by power sums
 *       ((Σ_i a_ip)(Σ_i a_iq) − Σ_i a_ip a_iq)  (P(P+1)/2 entries; NaN for n &lt; 2)
 *   <li>q4_α = (1/n) Σ_i z_iα⁴  (N_D)
 *   <li>s6_α = Σ over distinct ordered triples of y_i y_k y_m / (n(n−1)(n−2)), y = z_α²,
 *       = (S1³ − 3 S1 S2 + 2 S3)/(n(n−1)(n−2)) with S_r = Σ y^r  (N_D; NaN for n &lt; 3)
 *   <li>with NTK, over the measured neurons S = {0..m−1}: θ_p = mean_{i∈S} Θ̂_{ii;αβ} (P);
 *       per input α (N_D each): a = mean_{i≠k∈S} Θ̂_ii Θ̂_kk, b = mean_{i≠k∈S} Θ̂_ik²,
 *       d = mean_{i∈S} Θ̂_ii (Σ_k z_k² − z_i²)/(n−1) (k over all n neurons),
 *       f = mean_{i≠k∈S} Θ̂_ik z_i z_k  (a, b, f NaN for m &lt; 2; d NaN for n &lt; 2)
 * </ul>
 */
public final class LayerStats {
  private final int nd;
  private final boolean ntk;
  private final int pairs;
  private final int[] pa;
  private final int[] pb;
  private final int[][] pairIndex;
  private final int offM;
  private final int offQ4;
  private final int offS6;
  private final int offTh;
  private final int offA;
  private final int offB;
  private final int offD;
  private final int offF;
  private final int dim;

  public LayerStats(int nd, boolean ntk) {
    this.nd = nd;
    this.ntk = ntk;
    this.pairs = nd * (nd + 1) / 2;
    pa = new int[pairs];
    pb = new int[pairs];
    pairIndex = new int[nd][nd];
    int p = 0;
    for (int a = 0; a < nd; a++) {
      for (int b = a; b < nd; b++) {
        pa[p] = a;
        pb[p] = b;
        pairIndex[a][b] = p;
        pairIndex[b][a] = p;
        p++;
      }
    }
    offM = pairs;
    offQ4 = offM + pairs * (pairs + 1) / 2;
    offS6 = offQ4 + nd;
    int end = offS6 + nd;
    if (ntk) {
      offTh = end;
      offA = offTh + pairs;
      offB = offA + nd;
      offD = offB + nd;
      offF = offD + nd;
      end = offF + nd;
    } else {
      offTh = offA = offB = offD = offF = -1;
    }
    dim = end;
  }

  /** Length of the statistic vector. */
  public int dim() {
    return dim;
  }

  public int inputs() {
    return nd;
  }

  public boolean ntk() {
    return ntk;
  }

  /** Index of the pair (α, β) in 0..P−1 (symmetric). */
  public int pair(int a, int b) {
    return pairIndex[a][b];
  }

  int kIndex(int p) {
    return p;
  }

  int mIndex(int p, int q) {
    int lo = Math.min(p, q);
    int hi = Math.max(p, q);
    // rows lo = 0..: row r holds pairs - r entries
    return offM + lo * pairs - lo * (lo - 1) / 2 + (hi - lo);
  }

  /**
   * The statistic vector of one layer of one network.
   *
   * @param z pre-activations z[α][i], i = 0..n−1 (rows may be longer than n)
   * @param n width of this layer
   * @param theta Θ̂ block [i·N_D+α][k·N_D+β] over the first m neurons, or null without NTK
   * @param m number of measured neurons (rows of theta / N_D)
   * @param out length {@link #dim()}
   */
  public void compute(double[][] z, int n, double[][] theta, int m, double[] out) {
    double[] s = new double[pairs];
    double[] t = new double[pairs * pairs];
    double[] a = new double[pairs];
    double[] cube = new double[nd];
    for (int i = 0; i < n; i++) {
      for (int p = 0; p < pairs; p++) {
        a[p] = z[pa[p]][i] * z[pb[p]][i];
        s[p] += a[p];
      }
      for (int p = 0; p < pairs; p++) {
        double ap = a[p];
        int row = p * pairs;
        for (int q = p; q < pairs; q++) {
          t[row + q] += ap * a[q];
        }
      }
      for (int al = 0; al < nd; al++) {
        double y = a[pairIndex[al][al]];
        cube[al] += y * y * y;
      }
    }
    moments(s, t, cube, n, out);
    if (ntk) {
      ntkPart(s, z, n, theta, m, out);
    }
  }

  /**
   * The forward part of the statistic vector from the layer's power sums: s_p = Σ_i a_ip,
   * t_pq = Σ_i a_ip a_iq (p ≤ q, row-major in a P×P array) and cube_α = Σ_i (z_iα²)³. For input α,
   * with y = z_α², S1 = s_αα and S2 = t_(αα)(αα).
   */
  private void moments(double[] s, double[] t, double[] cube, int n, double[] out) {
    double dn = n;
    for (int p = 0; p < pairs; p++) {
      out[p] = s[p] / dn;
      for (int q = p; q < pairs; q++) {
        out[mIndex(p, q)] = n < 2 ? Double.NaN : (s[p] * s[q] - t[p * pairs + q]) / (dn * (dn - 1));
      }
    }
    for (int al = 0; al < nd; al++) {
      int pp = pairIndex[al][al];
      out[offQ4 + al] = t[pp * pairs + pp] / dn;
      double s1 = s[pp];
      double s2 = t[pp * pairs + pp];
      double s3 = cube[al];
      out[offS6 + al] = n < 3 ? Double.NaN
          : (s1 * s1 * s1 - 3 * s1 * s2 + 2 * s3) / (dn * (dn - 1) * (dn - 2));
    }
  }

  /** The NTK entries θ, a, b, d, f from Θ̂, z[α][i] for i &lt; m and s_p = Σ_i z_iα z_iβ. */
  private void ntkPart(double[] s, double[][] z, int n, double[][] theta, int m, double[] out) {
    double dn = n;
    for (int p = 0; p < pairs; p++) {
      double sum = 0;
      for (int i = 0; i < m; i++) {
        sum += theta[i * nd + pa[p]][i * nd + pb[p]];
      }
      out[offTh + p] = sum / m;
    }
    double pairsM = (double) m * (m - 1);
    for (int al = 0; al < nd; al++) {
      double sumZ2 = s[pairIndex[al][al]];
      double diag = 0;
      double diag2 = 0;
      double off2 = 0;
      double offZ = 0;
      double d = 0;
      for (int i = 0; i < m; i++) {
        double tii = theta[i * nd + al][i * nd + al];
        diag += tii;
        diag2 += tii * tii;
        double zi = z[al][i];
        d += tii * (sumZ2 - zi * zi);
        for (int k = 0; k < m; k++) {
          if (k != i) {
            double tik = theta[i * nd + al][k * nd + al];
            off2 += tik * tik;
            offZ += tik * zi * z[al][k];
          }
        }
      }
      out[offA + al] = m < 2 ? Double.NaN : (diag * diag - diag2) / pairsM;
      out[offB + al] = m < 2 ? Double.NaN : off2 / pairsM;
      out[offD + al] = n < 2 ? Double.NaN : d / (m * (dn - 1));
      out[offF + al] = m < 2 ? Double.NaN : offZ / pairsM;
    }
  }

  /** Power sums per layer that a device produces for {@link #fromPowerSums}: P + P(P+1)/2 + N_D. */
  public int powerSums() {
    return pairs + pairs * (pairs + 1) / 2 + nd;
  }

  /**
   * The statistic vector of one layer from per-network power sums (what a device reduces, so that
   * only O(N_D⁴) numbers per network and layer leave it), the twin of {@link #compute}:
   * <ul>
   *   <li>{@code sums[off + p]} = Σ_i a_ip, a_ip = z_iα z_iβ, p = (α ≤ β) in {@link #pair} order (P);
   *   <li>{@code sums[off + P + r]} = Σ_i a_ip a_iq for p ≤ q, r running over the row-major upper
   *       triangle ((0,0), (0,1), …, (0,P−1), (1,1), …) (P(P+1)/2);
   *   <li>{@code sums[off + P + P(P+1)/2 + α]} = Σ_i z_iα⁶ (N_D).
   * </ul>
   * With the same sums in the same order as {@link #compute} accumulates them the result is
   * identical; a device's sums differ by rounding only.
   *
   * @param n width of this layer
   * @param theta Θ̂ block [i·N_D+α][k·N_D+β] over the first m neurons, or null without NTK
   * @param zHead z[α][i] for i &lt; m (at least), or null without NTK
   * @param m number of measured neurons
   * @param out length {@link #dim()}
   */
  public void fromPowerSums(double[] sums, int off, int n, double[][] theta, double[][] zHead, int m,
      double[] out) {
    double[] s = new double[pairs];
    System.arraycopy(sums, off, s, 0, pairs);
    int r = off + pairs;
    double[] t = new double[pairs * pairs];
    for (int p = 0; p < pairs; p++) {
      for (int q = p; q < pairs; q++) {
        t[p * pairs + q] = sums[r++];
      }
    }
    double[] cube = new double[nd];
    System.arraycopy(sums, r, cube, 0, nd);
    moments(s, t, cube, n, out);
    if (ntk) {
      ntkPart(s, zHead, n, theta, m, out);
    }
  }

  /**
   * Fills {@code lv.value()} and {@code lv.err()} for K, V_over_nK2, kurtosis, G4, G6 and (with NTK)
   * Theta, A, B, D, F from an accumulator of statistic vectors. Errors: delta method with the
   * analytic gradient of each g(mean) (NaN with a single network).
   *
   * @param nPrev n_{ℓ−1}, the previous layer's width (n₀ for layer 1)
   */
  public void fill(LayerValues lv, MomentAccumulator acc, int nPrev) {
    double[] mu = acc.means();
    double[] grad = new double[dim];
    Tensor k = new Tensor(nd, 2);
    Tensor kErr = new Tensor(nd, 2);
    Tensor v = new Tensor(nd, 4);
    Tensor vErr = new Tensor(nd, 4);
    Tensor kurt = new Tensor(nd, 1);
    Tensor kurtErr = new Tensor(nd, 1);
    Tensor g4 = new Tensor(nd, 1);
    Tensor g4Err = new Tensor(nd, 1);
    Tensor g6 = new Tensor(nd, 1);
    Tensor g6Err = new Tensor(nd, 1);
    for (int a = 0; a < nd; a++) {
      for (int b = 0; b < nd; b++) {
        int p = pairIndex[a][b];
        k.set(mu[p], a, b);
        kErr.set(linearError(acc, grad, p, 1.0), a, b);
        for (int c = 0; c < nd; c++) {
          for (int d = 0; d < nd; d++) {
            int q = pairIndex[c][d];
            int mi = mIndex(p, q);
            int[] diag = {pairIndex[a][a], pairIndex[b][b], pairIndex[c][c], pairIndex[d][d]};
            double den = Math.sqrt(mu[diag[0]] * mu[diag[1]] * mu[diag[2]] * mu[diag[3]]);
            double val = (mu[mi] - mu[p] * mu[q]) / den;
            java.util.Arrays.fill(grad, 0);
            grad[mi] += 1 / den;
            grad[p] -= mu[q] / den;
            grad[q] -= mu[p] / den;
            for (int di : diag) {
              grad[di] -= val / (2 * mu[di]);
            }
            v.set(val, a, b, c, d);
            vErr.set(acc.standardError(grad), a, b, c, d);
          }
        }
      }
      int pp = pairIndex[a][a];
      double kk = mu[pp];
      double q4 = mu[offQ4 + a];
      kurt.set(q4 / (kk * kk) - 3, a);
      java.util.Arrays.fill(grad, 0);
      grad[offQ4 + a] = 1 / (kk * kk);
      grad[pp] = -2 * q4 / (kk * kk * kk);
      kurtErr.set(acc.standardError(grad), a);
      int m4 = mIndex(pp, pp);
      g4.set(mu[m4], a);
      g4Err.set(linearError(acc, grad, m4, 1.0), a);
      g6.set(mu[offS6 + a], a);
      g6Err.set(linearError(acc, grad, offS6 + a, 1.0), a);
    }
    put(lv, Obs.K, k, kErr);
    put(lv, Obs.V_over_nK2, v, vErr);
    put(lv, Obs.kurtosis, kurt, kurtErr);
    put(lv, Obs.G4, g4, g4Err);
    put(lv, Obs.G6, g6, g6Err);
    if (!ntk) {
      return;
    }
    Tensor th = new Tensor(nd, 2);
    Tensor thErr = new Tensor(nd, 2);
    for (int a = 0; a < nd; a++) {
      for (int b = 0; b < nd; b++) {
        int p = pairIndex[a][b];
        th.set(mu[offTh + p], a, b);
        thErr.set(linearError(acc, grad, offTh + p, 1.0), a, b);
      }
    }
    put(lv, Obs.Theta, th, thErr);
    Tensor ta = new Tensor(nd, 1);
    Tensor taErr = new Tensor(nd, 1);
    Tensor tb = new Tensor(nd, 1);
    Tensor tbErr = new Tensor(nd, 1);
    Tensor td = new Tensor(nd, 1);
    Tensor tdErr = new Tensor(nd, 1);
    Tensor tf = new Tensor(nd, 1);
    Tensor tfErr = new Tensor(nd, 1);
    double n = nPrev;
    for (int a = 0; a < nd; a++) {
      int pp = pairIndex[a][a];
      int it = offTh + pp;
      double theta = mu[it];
      double kk = mu[pp];
      // A = n (E a − (E θ)²)
      ta.set(n * (mu[offA + a] - theta * theta), a);
      java.util.Arrays.fill(grad, 0);
      grad[offA + a] = n;
      grad[it] = -2 * n * theta;
      taErr.set(acc.standardError(grad), a);
      tb.set(n * mu[offB + a], a);
      tbErr.set(linearError(acc, grad, offB + a, n), a);
      // D = n (E d − E θ E k)
      td.set(n * (mu[offD + a] - theta * kk), a);
      java.util.Arrays.fill(grad, 0);
      grad[offD + a] = n;
      grad[it] = -n * kk;
      grad[pp] = -n * theta;
      tdErr.set(acc.standardError(grad), a);
      tf.set(n * mu[offF + a], a);
      tfErr.set(linearError(acc, grad, offF + a, n), a);
    }
    put(lv, Obs.A, ta, taErr);
    put(lv, Obs.B, tb, tbErr);
    put(lv, Obs.D, td, tdErr);
    put(lv, Obs.F, tf, tfErr);
  }

  private static double linearError(MomentAccumulator acc, double[] grad, int index, double scale) {
    java.util.Arrays.fill(grad, 0);
    grad[index] = scale;
    return acc.standardError(grad);
  }

  private static void put(LayerValues lv, Obs obs, Tensor value, Tensor err) {
    lv.value().put(obs, value);
    lv.err().put(obs, err);
  }
}
