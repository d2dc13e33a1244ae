package org.rgflow.validation;

import org.rgflow.core.Obs;

/**
 * Throwaway-size check of the three mixed dNTK components an outside Monte Carlo found 2.5–3σ off
 * (P₀₁₁₀, Q₀₁₀₁, Q₀₁₁₀; tanh N_D = 2, DntkVsTheoryTest's spec and inputs, layer 3 of L = 3) at two
 * widths beyond the slow width scan's 32–128, with the fast direct sampler. Not a unit test:
 * <pre>java -cp target/classes:target/test-classes:DEPS org.rgflow.validation.DntkMixedScan n1 n2 E1 E2</pre>
 */
public final class DntkMixedScan {
  public static void main(String[] a) {
    int depth = 3;
    int[] widths = {Integer.parseInt(a[0]), Integer.parseInt(a[1])};
    long[] ens = {Long.parseLong(a[2]), Long.parseLong(a[3])};
    int[] comps = {6, 5, 6}; // flat (α0,α1,α2,α3): 0110 = 6, 0101 = 5
    Obs[] obs = {Obs.P, Obs.Q, Obs.Q};
    String[] names = {"P0110", "Q0101", "Q0110"};
    for (int w = 0; w < 2; w++) {
      long t0 = System.nanoTime();
      Agreement.Paired p = DntkVsTheoryTest.run(DntkVsTheoryTest.spec("tanh", widths[w], depth),
          DntkVsTheoryTest.inputs(2), ens[w], 4242L + w);
      double sec = (System.nanoTime() - t0) * 1e-9;
      for (int c = 0; c < 3; c++) {
        double meas = p.m(depth).value().get(obs[c]).getFlat(comps[c]);
        double se = p.m(depth).err().get(obs[c]).getFlat(comps[c]);
        double th = p.t(depth).theory().get(obs[c]).getFlat(comps[c]);
        System.out.printf("tanh N_D=2 L=3 layer 3 n=%d E=%d (%.0f s): %s = %.5f ± %.5f, theory %.5f,"
            + " z = %.2f, n·(meas − th) = %.3f ± %.3f%n", widths[w], ens[w], sec, names[c], meas, se, th,
            (meas - th) / se, widths[w] * (meas - th), widths[w] * se);
      }
    }
  }
}
