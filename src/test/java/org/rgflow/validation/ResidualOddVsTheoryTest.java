package org.rgflow.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.rgflow.core.Obs;
import org.rgflow.ensemble.CpuEnsemble;
import org.rgflow.ensemble.EnsembleResult;
import org.rgflow.ensemble.EnsembleRun;
import org.rgflow.ensemble.RunSettings;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;
import org.rgflow.stats.KernelBlock;
import org.rgflow.stats.NtkBlock;
import org.rgflow.stats.NtkOddBlock;
import org.rgflow.stats.Predictions;
import org.rgflow.stats.StatBlock;
import org.rgflow.stats.StatSet;
import org.rgflow.theory.TheoryResult;

/**
 * The ntk-odd block (U = n E[Θ̂_ii z_k], U_prime = n E[Θ̂_ik z_k], docs/THEORY.md §17.9) on the CPU
 * reference against its theory, k = 3: critical, C_b = 0, one input of norm 1, n = 64, L = 3,
 * 8 measured NTK neurons, fixed seeds. relu γ = 0.5 and 0.9 (U, U′ ≠ 0, E = 2000); tanh γ = 0.5
 * (odd σ: theory 0 to 1e-12, E = 1000); the plain MLP (γ = 0: 0 exactly, E = 1000). And the exact
 * sampler against the direct one. A few seconds each.
 */
class ResidualOddVsTheoryTest {

  static final List<StatBlock> BLOCKS =
      List.of(KernelBlock.INSTANCE, NtkBlock.INSTANCE, NtkOddBlock.INSTANCE);

  /** [layer − 1][0: U, 1: U′][0: measured, 1: SE, 2: theory], on the CPU direct sampler. */
  static double[][][] run(String act, double gamma, int n, int depth, long ensemble, long seed,
      int measured) {
    return run(new CpuEnsemble(), act, gamma, n, depth, ensemble, seed, measured);
  }

  /** The same on any sampler. */
  static double[][][] run(org.rgflow.ensemble.SourceFactory source, String act, double gamma, int n,
      int depth, long ensemble, long seed, int measured) {
    double cw = (1 - gamma * gamma) * (act.equals("relu") ? 2 : 1);
    NetworkSpec spec = ResidualTheoryTest.spec(act, n, depth, 0, cw, 0.5, 1, gamma, 1);
    Inputs in = Inputs.fromNormsAndAngles(8, new double[] {1.0}, new double[1][1]);
    RunSettings rs = new RunSettings(ensemble, seed, 2, 16, true, measured);
    EnsembleResult m = source.run(new EnsembleRun(spec, in, rs, StatSet.of(1, BLOCKS)), (d, t) -> {});
    TheoryResult t = Predictions.compute(spec, in, BLOCKS);
    double[][][] out = new double[depth][2][3];
    Obs[] obs = {Obs.U, Obs.U_prime};
    for (int l = 1; l <= depth; l++) {
      for (int i = 0; i < 2; i++) {
        out[l - 1][i][0] = m.layers().get(l - 1).value().get(obs[i]).getFlat(0);
        out[l - 1][i][1] = m.layers().get(l - 1).err().get(obs[i]).getFlat(0);
        out[l - 1][i][2] = t.layers().get(l - 1).theory().get(obs[i]).getFlat(0);
      }
    }
    return out;
  }

  @ParameterizedTest(name = "{0} gamma={1} E={2}")
  @CsvSource({"relu, 0.5, 2000, 2101", "relu, 0.9, 2000, 2102", "tanh, 0.5, 1000, 2103",
      "relu, 0, 1000, 2104"})
  void oddCorrelatorsAgree(String act, double gamma, long ensemble, long seed) {
    int depth = 3;
    double[][][] r = run(act, gamma, 64, depth, ensemble, seed, 8);
    String[] name = {"U", "U_prime"};
    for (int l = 2; l <= depth; l++) {
      for (int i = 0; i < 2; i++) {
        double[] x = r[l - 1][i];
        System.out.printf("[ResidualOddVsTheoryTest] %s gamma=%s n=64 E=%d layer %d: %s %.5g +- %.5g,"
            + " theory %.5g (z %.2f)%n", act, gamma, ensemble, l, name[i], x[0], x[1], x[2],
            (x[0] - x[2]) / x[1]);
        if (gamma == 0 || act.equals("tanh")) {
          assertEquals(0, x[2], 1e-12, name[i] + " theory vanishes by parity");
        }
        assertEquals(x[2], x[0], 3 * x[1], name[i] + " layer " + l);
      }
    }
  }

  /**
   * The exact sampler (docs/THEORY.md §17.4) measures the same U and U′ as the direct one:
   * relu γ = 0.5, n = 64, L = 3, E = 2000 each (independent seeds), within 3·√(SE₁² + SE₂²).
   */
  @org.junit.jupiter.api.Test
  void exactSamplerAgreesWithDirect() {
    double[][][] d = run(new CpuEnsemble(), "relu", 0.5, 64, 3, 2000, 2201, 8);
    double[][][] x = run(new org.rgflow.exact.ExactEnsemble(), "relu", 0.5, 64, 3, 2000, 2202, 8);
    String[] name = {"U", "U_prime"};
    for (int l = 2; l <= 3; l++) {
      for (int i = 0; i < 2; i++) {
        double se = Math.hypot(d[l - 1][i][1], x[l - 1][i][1]);
        System.out.printf("[ResidualOddVsTheoryTest] relu gamma=0.5 n=64 E=2000 layer %d: %s direct"
            + " %.5g +- %.3g, exact %.5g +- %.3g (z %.2f), theory %.5g%n", l, name[i],
            d[l - 1][i][0], d[l - 1][i][1], x[l - 1][i][0], x[l - 1][i][1],
            (x[l - 1][i][0] - d[l - 1][i][0]) / se, d[l - 1][i][2]);
        assertEquals(d[l - 1][i][0], x[l - 1][i][0], 3 * se, name[i] + " layer " + l);
      }
    }
  }
}
