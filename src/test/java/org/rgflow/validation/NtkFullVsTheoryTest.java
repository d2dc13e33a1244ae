package org.rgflow.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.rgflow.act.Activations;
import org.rgflow.core.Obs;
import org.rgflow.core.Tensor;
import org.rgflow.ensemble.CpuEnsemble;
import org.rgflow.ensemble.EnsembleResult;
import org.rgflow.ensemble.EnsembleRun;
import org.rgflow.ensemble.RunSettings;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;
import org.rgflow.stats.KernelBlock;
import org.rgflow.stats.NtkBlock;
import org.rgflow.stats.NtkFullBlock;
import org.rgflow.stats.Predictions;
import org.rgflow.stats.StatSet;

/**
 * The multi-input NTK fluctuations A, B, D, F (docs/THEORY.md §6.1): direct CPU ensembles on two
 * inputs (norms 1, 1.3, angle π/3) against {@link org.rgflow.theory.NtkFluctuations}, every one of the
 * 16 components of each tensor within k = 3 SE at layers 2..L (layer 1 is deterministic), m = 4
 * measured neurons, fixed seeds. The diagonal components also equal the per-input A, B, D, F of
 * {@link NtkBlock}, measured and theory, bit for bit.
 */
class NtkFullVsTheoryTest {
  private static final double K_SE = 3.0;

  static Inputs twoInputs() {
    double[][] ang = new double[2][2];
    ang[0][1] = Math.PI / 3;
    return Inputs.fromNormsAndAngles(8, new double[] {1.0, 1.3}, ang);
  }

  static NetworkSpec spec(String act, int n, int depth) {
    return switch (act) {
      case "relu" -> NetworkSpec.uniform(8, n, depth, Activations.parse("relu"), 0, 2, 0.5, 1);
      case "tanh" -> NetworkSpec.uniform(8, n, depth, Activations.parse("tanh"), 0.2, 1.5, 0.5, 1);
      default -> throw new IllegalArgumentException(act);
    };
  }

  static void agree(String act, int n, int depth, long ensemble, long seed) {
    NetworkSpec spec = spec(act, n, depth);
    Inputs in = twoInputs();
    RunSettings rs = new RunSettings(ensemble, seed, 2, 16, true, 4);
    StatSet stats = StatSet.of(in.count(),
        List.of(KernelBlock.INSTANCE, NtkBlock.INSTANCE, NtkFullBlock.INSTANCE));
    EnsembleResult m = new CpuEnsemble().run(new EnsembleRun(spec, in, rs, stats), (d, t) -> {});
    Agreement.Paired p = new Agreement.Paired(spec, m, Predictions.compute(spec, in));
    Agreement a = new Agreement("NTK fluctuations " + act + " N_D=2 n=" + n + " L=" + depth + " E="
        + ensemble + " seed=" + seed + " k=3", K_SE);
    Obs[] full = {Obs.A_full, Obs.B_full, Obs.D_full, Obs.F_full};
    Obs[] diag = {Obs.A, Obs.B, Obs.D, Obs.F};
    for (int l = 1; l <= depth; l++) {
      for (int o = 0; o < 4; o++) {
        if (l > 1) {
          a.check(p, l, full[o]);
        }
        Tensor mv = p.m(l).value().get(full[o]);
        Tensor me = p.m(l).err().get(full[o]);
        Tensor tv = p.t(l).theory().get(full[o]);
        for (int al = 0; al < 2; al++) {
          assertTrue(Double.isFinite(mv.get(al, al, al, al)) && Double.isFinite(tv.get(al, al, al, al)),
              full[o] + " finite diagonal");
          assertEquals(p.m(l).value().get(diag[o]).get(al), mv.get(al, al, al, al), 0.0,
              full[o] + " measured diagonal");
          assertEquals(p.m(l).err().get(diag[o]).get(al), me.get(al, al, al, al), 0.0,
              full[o] + " SE diagonal");
          assertEquals(p.t(l).theory().get(diag[o]).get(al), tv.get(al, al, al, al), 0.0,
              full[o] + " theory diagonal");
        }
      }
    }
    a.assertAll(4 * 16 * (depth - 1));
  }

  @ParameterizedTest(name = "{0} N_D=2 n={1} L={2} E={3}")
  @CsvSource({"tanh, 64, 3, 1500, 20261207", "relu, 128, 3, 800, 20261208"})
  void ensembleAgreesWithTheory(String act, int n, int depth, long ensemble, long seed) {
    agree(act, n, depth, ensemble, seed);
  }

  @Tag("slow")
  @ParameterizedTest(name = "slow {0} N_D=2 n={1} L={2} E={3}")
  @CsvSource({"tanh, 128, 4, 8000, 20261209", "relu, 256, 4, 4000, 20261210"})
  void ensembleAgreesWithTheoryDeeper(String act, int n, int depth, long ensemble, long seed) {
    agree(act, n, depth, ensemble, seed);
  }
}
