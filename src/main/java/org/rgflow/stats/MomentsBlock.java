package org.rgflow.stats;

import java.util.List;
import java.util.Set;
import org.rgflow.core.LayerValues;
import org.rgflow.core.Obs;
import org.rgflow.core.Tensor;
import org.rgflow.theory.DeepLinear;

/**
 * The raw 4- and 6-point functions G4_α = E[z_i² z_k²] and G6_α = E[z_i² z_k² z_m²] (i, k, m
 * distinct), which have exact finite-width closed forms for scale-invariant and deep linear
 * networks without biases (docs/THEORY.md §3, §5). G4 is the kernel block's m_(αα)(αα); this block
 * adds, per input α with y = z_α² and S_r = Σ_i y_i^r,
 * s6_α = (S1³ − 3 S1 S2 + 2 S3)/(n(n−1)(n−2)) (NaN for n &lt; 3).
 */
public final class MomentsBlock extends BaseBlock {
  public static final MomentsBlock INSTANCE = new MomentsBlock();

  private MomentsBlock() {
    super("moments", List.of(Obs.G4, Obs.G6), Set.of(Need.EVEN_SUMS),
        List.of(KernelBlock.INSTANCE));
  }





  @Override
  public int dim(int nd) {
    return nd;
  }

  @Override
  public void compute(LayerData d, double[] out, int off) {
    Pairs pairs = d.pairs();
    PowerSums ps = d.sums();
    int np = pairs.count();
    int n = d.width();
    double dn = n;
    for (int al = 0; al < pairs.inputs(); al++) {
      int pp = pairs.pair(al, al);
      double s1 = ps.s[pp];
      double s2 = ps.t[pp * np + pp];
      double s3 = ps.cube[al];
      out[off + al] = n < 3 ? Double.NaN
          : (s1 * s1 * s1 - 3 * s1 * s2 + 2 * s3) / (dn * (dn - 1) * (dn - 2));
    }
  }

  @Override
  public void estimate(Estimator e, LayerValues lv) {
    Pairs pairs = e.pairs();
    int nd = pairs.inputs();
    int k = e.offset(KernelBlock.INSTANCE);
    int o = e.offset(this);
    Tensor g4 = new Tensor(nd, 1);
    Tensor g4Err = new Tensor(nd, 1);
    Tensor g6 = new Tensor(nd, 1);
    Tensor g6Err = new Tensor(nd, 1);
    for (int a = 0; a < nd; a++) {
      int pp = pairs.pair(a, a);
      int m4 = k + KernelBlock.m(pairs, pp, pp);
      g4.set(e.mean(m4), a);
      g4Err.set(e.linearError(m4, 1.0), a);
      g6.set(e.mean(o + a), a);
      g6Err.set(e.linearError(o + a, 1.0), a);
    }
    Estimator.put(lv, Obs.G4, g4, g4Err);
    Estimator.put(lv, Obs.G6, g6, g6Err);
  }

  @Override
  public void theory(TheoryView t, LayerValues lv) {
    int nd = t.inputs();
    if (t.exactScaleInvariant()) {
      Tensor g4 = Tensor.of(nd, Obs.G4);
      for (int a = 0; a < nd; a++) {
        double kaa = t.layer().kernel()[a][a];
        g4.set(kaa * kaa * t.product(), a);
      }
      lv.theory().put(Obs.G4, g4);
    }
    if (t.linear()) {
      Tensor g6 = Tensor.of(nd, Obs.G6);
      for (int a = 0; a < nd; a++) {
        g6.set(DeepLinear.g2m(3, t.hiddenWidths(), t.layer().kernel()[a][a]), a);
      }
      lv.theory().put(Obs.G6, g6);
    }
  }
}
