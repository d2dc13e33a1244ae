package org.rgflow.validation;

import java.util.List;
import org.rgflow.core.Obs;
import org.rgflow.ensemble.CpuEnsemble;
import org.rgflow.ensemble.EnsembleResult;
import org.rgflow.ensemble.EnsembleRun;
import org.rgflow.ensemble.RunSettings;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;
import org.rgflow.stats.Predictions;
import org.rgflow.stats.StatSet;
import org.rgflow.theory.ResidualNtkFluct;
import org.rgflow.theory.TheoryResult;

/**
 * The benchmark driver behind benchmarks/results/residual-ad-2026-12-07.txt (docs/THEORY.md §17.9):
 * the CPU direct sampler's A, D, U, U′ (and B, F) of a critical residual network (C_b = 0, one
 * input of norm 1, ξ = 1, λ_b = 0.5) against the engine's theory (the depth-history values) and
 * the single-time closure of A, D. Arguments: act γ λ_W n L E seed [ntk-neurons].
 */
final class ResidualAdEnsemble {
  private ResidualAdEnsemble() {}

  public static void main(String[] args) {
    String act = args[0];
    double gamma = Double.parseDouble(args[1]);
    double lw = Double.parseDouble(args[2]);
    int n = Integer.parseInt(args[3]);
    int depth = Integer.parseInt(args[4]);
    long ensemble = Long.parseLong(args[5]);
    long seed = Long.parseLong(args[6]);
    int measured = args.length > 7 ? Integer.parseInt(args[7]) : 8;
    double cw = (1 - gamma * gamma) * (act.equals("relu") ? 2 : 1);
    // optional K^{(1)}: the input norm √(K¹/C_W) (default norm 1, K¹ = C_W)
    double norm = args.length > 8 ? Math.sqrt(Double.parseDouble(args[8]) / cw) : 1;
    NetworkSpec spec = ResidualTheoryTest.spec(act, n, depth, 0, cw, 0.5, lw, gamma, 1);
    Inputs in = Inputs.fromNormsAndAngles(8, new double[] {norm}, new double[1][1]);
    RunSettings rs = new RunSettings(ensemble, seed, 2, 16, true, measured);
    long t0 = System.nanoTime();
    long c0 = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    EnsembleResult m = new CpuEnsemble().run(new EnsembleRun(spec, in, rs,
        StatSet.of(1, ResidualOddVsTheoryTest.BLOCKS)), (d, t) -> {});
    double wall = (System.nanoTime() - t0) * 1e-9;
    TheoryResult t = Predictions.compute(spec, in, ResidualOddVsTheoryTest.BLOCKS);
    double k1 = t.layers().get(0).theory().get(Obs.K).getFlat(0);
    double th1 = t.layers().get(0).theory().get(Obs.Theta).getFlat(0);
    ResidualNtkFluct.Series cl = ResidualNtkFluct.closure(spec, k1, th1);
    System.out.printf("# CPU direct: %s gamma=%s lambda_W=%s C_W=%.6g C_b=0 lambda_b=0.5 input norm %.6g"
        + " (K1 %.6g, Theta1 %.6g) n=%d L=%d E=%d seed=%d ntk-neurons=%d threads=2: wall %.1f s%n",
        act, gamma, lw, cw, norm, k1, th1, n, depth, ensemble, seed, measured, wall);
    Obs[] obs = {Obs.A, Obs.D, Obs.U, Obs.U_prime, Obs.B, Obs.F};
    for (int l = 2; l <= depth; l++) {
      for (Obs o : obs) {
        double v = m.layers().get(l - 1).value().get(o).getFlat(0);
        double e = m.layers().get(l - 1).err().get(o).getFlat(0);
        double h = t.layers().get(l - 1).theory().get(o).getFlat(0);
        String c = "";
        if (o == Obs.A || o == Obs.D) {
          double cv = o == Obs.A ? cl.a()[l - 1] : cl.d()[l - 1];
          c = String.format(" closure %.6g (z %.2f)", cv, (v - cv) / e);
        }
        System.out.printf("%-7s l=%d measured %.6g +- %.3g history %.6g (z %.2f)%s%n", o, l, v, e, h,
            (v - h) / e, c);
      }
    }
  }
}
