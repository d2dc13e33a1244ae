package org.rgflow.stats;

import java.util.List;
import java.util.Set;
import org.rgflow.core.LayerValues;
import org.rgflow.core.Obs;
import org.rgflow.core.Tensor;
import org.rgflow.layer.Dense;
import org.rgflow.layer.Layer;
import org.rgflow.layer.Residual;
import org.rgflow.spec.NetworkSpec;
import org.rgflow.theory.ResidualNtkF;
import org.rgflow.theory.ResidualNtkFluct;
import org.rgflow.theory.TheoryLayer;

/**
 * The odd NTK–pre-activation correlators of one input α (docs/THEORY.md §17.2, §17.9), by name only
 * ({@code --observables ...,ntk-odd}): U_α = n E[Θ̂_ii z_k] and U_prime_α = n E[Θ̂_ik z_k] (i ≠ k).
 * Both vanish exactly for an MLP at every width (flipping the signs of row k of W and b_k of the
 * layer flips z_k alone, of row i flips Θ̂_ik alone); residual connections break that unless σ is
 * odd. Statistics per network and layer over the measured neurons S = {0..m−1}, with
 * S1 = Σ_k z_kα over all n neurons:
 * <ul>
 *   <li>u = mean_{i∈S} Θ̂_{ii;αα}(S1 − z_iα)/(n − 1) (NaN for n &lt; 2), z̄ = S1/n;
 *   <li>u′ = mean_{i≠k∈S} Θ̂_{ik;αα} z_kα (NaN for m &lt; 2).
 * </ul>
 * Estimates, n = n_{ℓ−1}: U = n (E u − E θ E z̄) with θ from {@link NtkBlock} (E z = 0 exactly; the
 * covariance form only lowers the noise), U_prime = n E u′. Theory: 0 without residual layers; for
 * a network whose layers 2..L are residual or dense, {@link ResidualNtkFluct} (U) and
 * {@link ResidualNtkF} (U′) per input at its K^{(1)}_αα, Θ^{(1)}_αα, up to depth
 * {@link ResidualNtkFluct#maxDepth()} (NaN beyond).
 */
public final class NtkOddBlock extends BaseBlock {
  public static final NtkOddBlock INSTANCE = new NtkOddBlock();

  private NtkOddBlock() {
    super("ntk-odd", List.of(Obs.U, Obs.U_prime), Set.of(Need.EVEN_SUMS, Need.ODD_SUMS, Need.NTK),
        List.of(KernelBlock.INSTANCE, NtkBlock.INSTANCE));
  }

  @Override
  public int dim(int nd) {
    return 3 * nd;
  }

  @Override
  public void compute(LayerData d, double[] out, int off) {
    Pairs pairs = d.pairs();
    int nd = pairs.inputs();
    int n = d.width();
    int m = d.measured();
    double[][] theta = d.theta();
    double[][] z = d.zHead();
    double[] s1 = d.sums().s1;
    double dn = n;
    double pairsM = (double) m * (m - 1);
    for (int al = 0; al < nd; al++) {
      double sz = s1[al];
      double uu = 0;
      double up = 0;
      for (int i = 0; i < m; i++) {
        uu += theta[i * nd + al][i * nd + al] * (sz - z[al][i]);
        for (int k = 0; k < m; k++) {
          if (k != i) {
            up += theta[i * nd + al][k * nd + al] * z[al][k];
          }
        }
      }
      out[off + al] = n < 2 ? Double.NaN : uu / (m * (dn - 1));
      out[off + nd + al] = sz / dn;
      out[off + 2 * nd + al] = m < 2 ? Double.NaN : up / pairsM;
    }
  }

  @Override
  public void estimate(Estimator e, LayerValues lv) {
    Pairs pairs = e.pairs();
    int nd = pairs.inputs();
    int o = e.offset(this);
    int offTh = e.offset(NtkBlock.INSTANCE);
    double n = e.nPrev();
    Tensor u = new Tensor(nd, 1);
    Tensor uErr = new Tensor(nd, 1);
    Tensor up = new Tensor(nd, 1);
    Tensor upErr = new Tensor(nd, 1);
    for (int a = 0; a < nd; a++) {
      int it = offTh + pairs.pair(a, a);
      double theta = e.mean(it);
      double zbar = e.mean(o + nd + a);
      u.set(n * (e.mean(o + a) - theta * zbar), a);
      double[] grad = e.gradient();
      grad[o + a] = n;
      grad[it] = -n * zbar;
      grad[o + nd + a] = -n * theta;
      uErr.set(e.standardError(), a);
      up.set(n * e.mean(o + 2 * nd + a), a);
      upErr.set(e.linearError(o + 2 * nd + a, n), a);
    }
    Estimator.put(lv, Obs.U, u, uErr);
    Estimator.put(lv, Obs.U_prime, up, upErr);
  }

  /** The last network's series, per thread: the hook runs once per layer on the same layer list. */
  private static final ThreadLocal<Object[]> LAST = new ThreadLocal<>();

  /** [input α][0: U, 1: U′][layer − 1]; null entries where there is no theory. */
  private static double[][][] series(NetworkSpec spec, List<TheoryLayer> all) {
    Object[] c = LAST.get();
    if (c == null || c[0] != all || c[1] != spec) {
      c = new Object[] {all, spec, compute(spec, all)};
      LAST.set(c);
    }
    return (double[][][]) c[2];
  }

  private static double[][][] compute(NetworkSpec spec, List<TheoryLayer> all) {
    int depth = spec.depth();
    TheoryLayer first = all.get(0);
    int nd = first.kernel().length;
    double[][][] out = new double[nd][2][depth];
    boolean residual = false;
    boolean known = spec.layer(1) instanceof Dense;
    for (int l = 2; l <= depth; l++) {
      Layer lay = spec.layer(l);
      if (lay instanceof Residual r) {
        residual |= r.gamma() != 0;
      } else if (!(lay instanceof Dense)) {
        known = false;
      }
    }
    for (int a = 0; a < nd; a++) {
      if (!residual) {
        continue; // zero exactly (the sign flips of the class comment)
      }
      if (!known || depth > ResidualNtkFluct.maxDepth() || first.theta() == null) {
        java.util.Arrays.fill(out[a][0], Double.NaN);
        java.util.Arrays.fill(out[a][1], Double.NaN);
        continue;
      }
      double k1 = first.kernel()[a][a];
      double th1 = first.theta()[a][a];
      out[a][0] = ResidualNtkFluct.of(spec, k1, th1).u().clone();
      out[a][1] = ResidualNtkF.of(spec, k1, th1).uPrime().clone();
    }
    return out;
  }

  @Override
  public void theory(TheoryView t, LayerValues lv) {
    TheoryLayer tl = t.layer();
    if (tl.theta() == null || t.below() == null) {
      return;
    }
    int nd = t.inputs();
    double[][][] s = series(t.spec(), t.below());
    int l = tl.layer();
    Tensor u = Tensor.of(nd, Obs.U);
    Tensor up = Tensor.of(nd, Obs.U_prime);
    for (int a = 0; a < nd; a++) {
      u.set(s[a][0][l - 1], a);
      up.set(s[a][1][l - 1], a);
    }
    lv.theory().put(Obs.U, u);
    lv.theory().put(Obs.U_prime, up);
  }
}
