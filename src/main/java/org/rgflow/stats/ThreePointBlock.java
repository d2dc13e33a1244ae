package org.rgflow.stats;

import java.util.List;
import java.util.Set;
import org.rgflow.core.LayerValues;
import org.rgflow.core.Obs;
import org.rgflow.core.Tensor;

/**
 * The three-point function of one input α (docs/THEORY.md §13): with T defined by E[z_i² z_k] = T/n
 * (i ≠ k) and E[z_i³] = 3T/n at leading order, n = n_{ℓ−1}, the two estimates
 * <pre>  T3_α = n E[z_iα³] / 3,   T21_α = n E[z_iα² z_kα].</pre>
 * For an MLP both vanish exactly at every width (flipping the signs of row i of W and b_i flips z_i
 * alone); residual connections break that symmetry unless σ is odd.
 *
 * <p>Statistics per network and layer, with S1 = Σ_i z_iα, S2 = Σ_i z_iα², S3 = Σ_i z_iα³:
 * t3_α = S3/n and t21_α = Σ_{i≠k} z_iα² z_kα/(n(n−1)) = (S2 S1 − S3)/(n(n−1)) (NaN for n &lt; 2).
 */
public final class ThreePointBlock extends BaseBlock {
  public static final ThreePointBlock INSTANCE = new ThreePointBlock();

  private ThreePointBlock() {
    super("three-point", List.of(Obs.T3, Obs.T21), Set.of(Need.EVEN_SUMS, Need.ODD_SUMS),
        List.of());
  }




  @Override
  public int dim(int nd) {
    return 2 * nd;
  }

  @Override
  public void compute(LayerData d, double[] out, int off) {
    Pairs pairs = d.pairs();
    PowerSums ps = d.sums();
    int nd = pairs.inputs();
    int n = d.width();
    double dn = n;
    for (int al = 0; al < nd; al++) {
      double s1 = ps.s1[al];
      double s2 = ps.s[pairs.pair(al, al)];
      double s3 = ps.s3[al];
      out[off + al] = s3 / dn;
      out[off + nd + al] = n < 2 ? Double.NaN : (s2 * s1 - s3) / (dn * (dn - 1));
    }
  }

  @Override
  public void estimate(Estimator e, LayerValues lv) {
    int nd = e.inputs();
    int o = e.offset(this);
    double n = e.nPrev();
    Tensor t3 = new Tensor(nd, 1);
    Tensor t3Err = new Tensor(nd, 1);
    Tensor t21 = new Tensor(nd, 1);
    Tensor t21Err = new Tensor(nd, 1);
    for (int a = 0; a < nd; a++) {
      t3.set(n * e.mean(o + a) / 3, a);
      t3Err.set(e.linearError(o + a, n / 3), a);
      t21.set(n * e.mean(o + nd + a), a);
      t21Err.set(e.linearError(o + nd + a, n), a);
    }
    Estimator.put(lv, Obs.T3, t3, t3Err);
    Estimator.put(lv, Obs.T21, t21, t21Err);
  }

  /**
   * Zero for an MLP, exactly, at every layer and width (the sign-flip symmetry); for a residual
   * network both estimate T_{(αα)α} at leading order (docs/THEORY.md §17).
   */
  @Override
  public void theory(TheoryView t, LayerValues lv) {
    int nd = t.inputs();
    Tensor zero = Tensor.of(nd, Obs.T3);
    Tensor zero21 = Tensor.of(nd, Obs.T21);
    for (int a = 0; a < nd; a++) {
      zero.set(t.layer().tDiag(a), a);
      zero21.set(t.layer().tDiag(a), a);
    }
    lv.theory().put(Obs.T3, zero);
    lv.theory().put(Obs.T21, zero21);
  }
}
