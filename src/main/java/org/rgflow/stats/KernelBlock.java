package org.rgflow.stats;

import java.util.List;
import java.util.Set;
import org.rgflow.core.LayerValues;
import org.rgflow.core.Obs;
import org.rgflow.core.Tensor;

/**
 * The two-point function and the four-point vertex (docs/THEORY.md §2, §3; estimators §12): K,
 * V_over_nK2, kurtosis, and the theory-only G1 (measured from K by {@link org.rgflow.io.Combine})
 * and χ∥.
 *
 * <p>Statistics per network and layer, with a_ip = z_iα z_iβ over the n neurons:
 * <ul>
 *   <li>k_p = (1/n) Σ_i a_ip (P entries);
 *   <li>m_pq = Σ_{i≠k} a_ip a_kq / (n(n−1)) = (s_p s_q − t_pq)/(n(n−1)) for p ≤ q (P(P+1)/2; NaN for
 *       n &lt; 2);
 *   <li>q4_α = (1/n) Σ_i z_iα⁴ (N_D).
 * </ul>
 * Estimates: K_αβ = E k; V_(αβ)(γδ)/(n K²) = (E m_pq − E k_p E k_q)/√(E k_αα E k_ββ E k_γγ E k_δδ);
 * kurtosis_α = E q4/(E k_αα)² − 3.
 */
public final class KernelBlock extends BaseBlock {
  public static final KernelBlock INSTANCE = new KernelBlock();

  private KernelBlock() {
    super("kernel", List.of(Obs.K, Obs.G1, Obs.V_over_nK2, Obs.kurtosis, Obs.chi_par),
        Set.of(Need.EVEN_SUMS), List.of());
  }




  @Override
  public int dim(int nd) {
    Pairs p = Pairs.of(nd);
    return p.count() + p.pairsOfPairs() + nd;
  }

  /** Offset of m_pq within the block. */
  static int m(Pairs pairs, int p, int q) {
    return pairs.count() + pairs.pairOfPairs(p, q);
  }

  /** Offset of q4_α within the block. */
  static int q4(Pairs pairs, int alpha) {
    return pairs.count() + pairs.pairsOfPairs() + alpha;
  }

  @Override
  public void compute(LayerData d, double[] out, int off) {
    Pairs pairs = d.pairs();
    PowerSums ps = d.sums();
    int np = pairs.count();
    int n = d.width();
    double dn = n;
    double[] s = ps.s;
    double[] t = ps.t;
    for (int p = 0; p < np; p++) {
      out[off + p] = s[p] / dn;
      for (int q = p; q < np; q++) {
        out[off + m(pairs, p, q)] = n < 2 ? Double.NaN : (s[p] * s[q] - t[p * np + q]) / (dn * (dn - 1));
      }
    }
    for (int al = 0; al < pairs.inputs(); al++) {
      int pp = pairs.pair(al, al);
      out[off + q4(pairs, al)] = t[pp * np + pp] / dn;
    }
  }

  @Override
  public void estimate(Estimator e, LayerValues lv) {
    Pairs pairs = e.pairs();
    int nd = pairs.inputs();
    int o = e.offset(this);
    Tensor k = new Tensor(nd, 2);
    Tensor kErr = new Tensor(nd, 2);
    Tensor v = new Tensor(nd, 4);
    Tensor vErr = new Tensor(nd, 4);
    Tensor kurt = new Tensor(nd, 1);
    Tensor kurtErr = new Tensor(nd, 1);
    for (int a = 0; a < nd; a++) {
      for (int b = 0; b < nd; b++) {
        int p = o + pairs.pair(a, b);
        k.set(e.mean(p), a, b);
        kErr.set(e.linearError(p, 1.0), a, b);
        for (int c = 0; c < nd; c++) {
          for (int d = 0; d < nd; d++) {
            int q = o + pairs.pair(c, d);
            int mi = o + m(pairs, p - o, q - o);
            int[] diag = {o + pairs.pair(a, a), o + pairs.pair(b, b), o + pairs.pair(c, c),
                o + pairs.pair(d, d)};
            double den = Math.sqrt(e.mean(diag[0]) * e.mean(diag[1]) * e.mean(diag[2]) * e.mean(diag[3]));
            double val = (e.mean(mi) - e.mean(p) * e.mean(q)) / den;
            double[] grad = e.gradient();
            grad[mi] += 1 / den;
            grad[p] -= e.mean(q) / den;
            grad[q] -= e.mean(p) / den;
            for (int di : diag) {
              grad[di] -= val / (2 * e.mean(di));
            }
            v.set(val, a, b, c, d);
            vErr.set(e.standardError(), a, b, c, d);
          }
        }
      }
      int pp = o + pairs.pair(a, a);
      double kk = e.mean(pp);
      int iq4 = o + q4(pairs, a);
      double q4 = e.mean(iq4);
      kurt.set(q4 / (kk * kk) - 3, a);
      double[] grad = e.gradient();
      grad[iq4] = 1 / (kk * kk);
      grad[pp] = -2 * q4 / (kk * kk * kk);
      kurtErr.set(e.standardError(), a);
    }
    Estimator.put(lv, Obs.K, k, kErr);
    Estimator.put(lv, Obs.V_over_nK2, v, vErr);
    Estimator.put(lv, Obs.kurtosis, kurt, kurtErr);
  }

  @Override
  public void theory(TheoryView t, LayerValues lv) {
    int nd = t.inputs();
    double nPrev = t.nPrev();
    double[][] kern = t.layer().kernel();
    double[][] g1 = t.layer().g1();
    Tensor kt = Tensor.of(nd, Obs.K);
    Tensor gt = Tensor.of(nd, Obs.G1);
    for (int a = 0; a < nd; a++) {
      for (int b = 0; b < nd; b++) {
        kt.set(kern[a][b] + g1[a][b] / nPrev, a, b);
        gt.set(g1[a][b], a, b);
      }
    }
    Tensor vt = Tensor.of(nd, Obs.V_over_nK2);
    for (int f = 0; f < vt.size(); f++) {
      int[] i = vt.unflat(f);
      double norm = Math.sqrt(kern[i[0]][i[0]] * kern[i[1]][i[1]] * kern[i[2]][i[2]] * kern[i[3]][i[3]]);
      vt.setFlat(f, t.layer().v()[i[0]][i[1]][i[2]][i[3]] / (nPrev * norm));
    }
    Tensor kurt = Tensor.of(nd, Obs.kurtosis);
    for (int a = 0; a < nd; a++) {
      if (t.exactScaleInvariant()) {
        vt.set(t.product() - 1, a, a, a, a);
      }
      kurt.set(3 * vt.get(a, a, a, a), a);
    }
    lv.theory().put(Obs.K, kt);
    lv.theory().put(Obs.G1, gt);
    lv.theory().put(Obs.V_over_nK2, vt);
    lv.theory().put(Obs.kurtosis, kurt);
    lv.theory().put(Obs.chi_par, vector(nd, Obs.chi_par, t.layer().chiPar()));
  }

  static Tensor vector(int nd, Obs o, double[] x) {
    Tensor t = Tensor.of(nd, o);
    for (int a = 0; a < nd; a++) {
      t.set(x[a], a);
    }
    return t;
  }
}
