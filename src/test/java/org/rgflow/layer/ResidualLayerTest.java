package org.rgflow.layer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.rgflow.act.Activations;
import org.rgflow.core.LayerValues;
import org.rgflow.core.Obs;
import org.rgflow.ensemble.CpuEnsemble;
import org.rgflow.ensemble.EnsembleResult;
import org.rgflow.ensemble.RunSettings;
import org.rgflow.exact.ExactEnsemble;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;
import org.rgflow.spec.SpecException;
import org.rgflow.stats.Predictions;
import org.rgflow.theory.TheoryResult;

/**
 * The residual layer at γ = 0, ξ = 1 is the dense layer: every measured number (with the NTK, two
 * inputs) and every theory number is bit-identical to the plain MLP's; at γ ≠ 0 the numbers differ;
 * unequal widths and bad lists are refused naming the field. Run:
 * {@code mvn -q test -Dtest=ResidualLayerTest}.
 */
class ResidualLayerTest {
  private static final NetworkSpec DENSE = new NetworkSpec(4, new int[] {6, 6, 6, 6},
      Activations.parse("tanh"), new double[] {0.1, 0, 0.2, 0.05}, new double[] {1.5, 1, 2, 1.2},
      new double[] {1, 0.5, 2, 1}, new double[] {1, 2, 1, 0.5});
  private static final Inputs IN = Inputs.fromNormsAndAngles(4, new double[] {1, 1.2},
      new double[][] {{0, 0.7}, {0.7, 0}});

  private static NetworkSpec residual(double gamma, double xi) {
    return new NetworkSpec(4, DENSE.activation(),
        Residual.network(DENSE.layers(), new double[] {gamma}, new double[] {xi}));
  }

  private static int compareAll(EnsembleResult a, EnsembleResult b, boolean equal) {
    int compared = 0;
    boolean anyDiffers = false;
    for (int l = 0; l < DENSE.depth(); l++) {
      LayerValues x = a.layers().get(l);
      LayerValues y = b.layers().get(l);
      for (Obs o : x.value().keySet()) {
        double[] u = x.value().get(o).raw();
        double[] v = y.value().get(o).raw();
        if (equal) {
          assertArrayEquals(u, v, 0.0, o + " layer " + (l + 1));
          assertArrayEquals(x.err().get(o).raw(), y.err().get(o).raw(), 0.0, o + " err " + (l + 1));
        } else if (l > 0 && !java.util.Arrays.equals(u, v)) {
          anyDiffers = true;
        }
        compared++;
      }
    }
    if (!equal) {
      assertTrue(anyDiffers, "γ ≠ 0 must change the measured numbers");
    }
    return compared;
  }

  @Test
  void gammaZeroXiOneIsTheDenseLayerBitForBit() {
    RunSettings rs = new RunSettings(60, 11, 2, 7, true, 3);
    EnsembleResult a = new CpuEnsemble().run(DENSE, IN, rs, null);
    EnsembleResult b = new CpuEnsemble().run(residual(0, 1), IN, rs, null);
    assertEquals(4 * 12, compareAll(a, b, true));
    TheoryResult ta = Predictions.compute(DENSE, IN);
    TheoryResult tb = Predictions.compute(residual(0, 1), IN);
    int n = 0;
    for (int l = 0; l < DENSE.depth(); l++) {
      for (Obs o : ta.layers().get(l).theory().keySet()) {
        assertArrayEquals(ta.layers().get(l).theory().get(o).raw(),
            tb.layers().get(l).theory().get(o).raw(), 0.0, o + " layer " + (l + 1));
        n++;
      }
    }
    assertTrue(n >= 4 * 12, "compared " + n);
    // the power of the comparison: γ ≠ 0 changes both sides
    compareAll(a, new CpuEnsemble().run(residual(0.3, 1), IN, rs, null), false);
    assertNotEquals(ta.layers().get(3).theory().get(Obs.K).raw()[0],
        Predictions.compute(residual(0.3, 1), IN).layers().get(3).theory().get(Obs.K).raw()[0]);
  }

  @Test
  void unequalWidthsAndBadListsAreRefused() {
    NetworkSpec uneven = new NetworkSpec(4, new int[] {6, 6, 5}, DENSE.activation(),
        new double[] {0, 0, 0}, new double[] {1, 1, 1}, new double[] {1, 1, 1}, new double[] {1, 1, 1});
    SpecException e = assertThrows(SpecException.class,
        () -> Residual.network(uneven.layers(), new double[] {0.5}, new double[] {1}));
    assertEquals("--widths", e.field());
    assertTrue(e.getMessage().contains("n_3 = 5"), e.getMessage());
    e = assertThrows(SpecException.class,
        () -> Residual.network(DENSE.layers(), new double[] {0.5, 0.5}, new double[] {1}));
    assertEquals("--gamma", e.field());
    e = assertThrows(SpecException.class,
        () -> Residual.network(DENSE.layers(), new double[] {0.5}, new double[] {1, 1, 1, 1}));
    assertEquals("--xi", e.field());
  }

  @Test
  void theExactSamplerRefusesResidualLayersWithXiZero() {
    // it runs residual layers since issue 14 (exact/ResidualExactTest), except ξ = 0
    SpecException e = assertThrows(SpecException.class, () -> new ExactEnsemble().run(residual(0.5, 0),
        IN, new RunSettings(5, 0, 1, 1, true, 2), null));
    assertEquals("--sampler", e.field());
  }
}
