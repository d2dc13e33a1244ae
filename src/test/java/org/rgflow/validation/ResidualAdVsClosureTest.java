package org.rgflow.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Real networks resolve the depth-history A from the single-time closure (docs/THEORY.md §17.9):
 * CPU direct sampler, tanh γ = 0.9, λ_W = 0, critical C_W = 0.19, C_b = 0, K^{(1)} = 1, n = 64,
 * L = 4, 8 NTK neurons, E = 40000, seed 3101 (slow: about 30 s on an idle two-core machine, 100 s
 * loaded). A at layer 4 within 3 SE of the history value and more than 4 SE from the closure (the
 * closure is 22% low there); D within 3 SE. The same run is the first CPU-direct block of
 * benchmarks/results/residual-ad-2026-12-07.txt (0.02956 ± 0.00109 against 0.02950 and 0.02287).
 */
class ResidualAdVsClosureTest {
  @Tag("slow")
  @Test
  void tanhAtGammaNineResolvesTheHistory() {
    String[] header = new String[1];
    double[][][] r = ResidualAdEnsemble.measure("tanh", 0.9, 0, 64, 4, 40000, 3101, 8, 1, header);
    System.out.println("[ResidualAdVsClosureTest] " + header[0]);
    double[] a = r[3][0];
    double[] d = r[3][1];
    System.out.printf("[ResidualAdVsClosureTest] layer 4: A %.5g +- %.3g, history %.5g (z %.2f),"
        + " closure %.5g (z %.2f); D %.5g +- %.3g, history %.5g (z %.2f)%n", a[0], a[1], a[2],
        (a[0] - a[2]) / a[1], a[3], (a[0] - a[3]) / a[1], d[0], d[1], d[2], (d[0] - d[2]) / d[1]);
    assertEquals(a[2], a[0], 3 * a[1], "A against the history");
    assertTrue(Math.abs(a[0] - a[3]) > 4 * a[1], "closure A rejected");
    assertEquals(d[2], d[0], 3 * d[1], "D against the history");
  }
}
