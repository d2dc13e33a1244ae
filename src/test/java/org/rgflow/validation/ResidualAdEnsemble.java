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

  /** The observables printed, in order. */
  static final Obs[] OBS = {Obs.A, Obs.D, Obs.U, Obs.U_prime, Obs.B, Obs.F};

  /**
   * One run: [layer − 1][observable in OBS order][0: measured, 1: SE, 2: engine theory (history),
   * 3: closure (A, D only; NaN otherwise)], plus the header line in {@code header[0]}.
   */
  static double[][][] measure(String act, double gamma, double lw, int n, int depth, long ensemble,
      long seed, int measured, double k1Wanted, String[] header) {
    double cw = (1 - gamma * gamma) * (act.equals("relu") ? 2 : 1);
    // K^{(1)} = C_W · norm² (C_b = 0): the input norm √(K¹/C_W); NaN keeps norm 1 (K¹ = C_W)
    double norm = Double.isNaN(k1Wanted) ? 1 : Math.sqrt(k1Wanted / cw);
    NetworkSpec spec = ResidualTheoryTest.spec(act, n, depth, 0, cw, 0.5, lw, gamma, 1);
    Inputs in = Inputs.fromNormsAndAngles(8, new double[] {norm}, new double[1][1]);
    RunSettings rs = new RunSettings(ensemble, seed, 2, 16, true, measured);
    long t0 = System.nanoTime();
    EnsembleResult m = new CpuEnsemble().run(new EnsembleRun(spec, in, rs,
        StatSet.of(1, ResidualOddVsTheoryTest.BLOCKS)), (d, t) -> {});
    double wall = (System.nanoTime() - t0) * 1e-9;
    TheoryResult t = Predictions.compute(spec, in, ResidualOddVsTheoryTest.BLOCKS);
    double k1 = t.layers().get(0).theory().get(Obs.K).getFlat(0);
    double th1 = t.layers().get(0).theory().get(Obs.Theta).getFlat(0);
    ResidualNtkFluct.Series cl = ResidualNtkFluct.closure(spec, k1, th1);
    header[0] = String.format("# CPU direct: %s gamma=%s lambda_W=%s C_W=%.6g C_b=0 lambda_b=0.5"
        + " input norm %.6g (K1 %.6g, Theta1 %.6g) n=%d L=%d E=%d seed=%d ntk-neurons=%d threads=2:"
        + " wall %.1f s", act, gamma, lw, cw, norm, k1, th1, n, depth, ensemble, seed, measured, wall);
    double[][][] out = new double[depth][OBS.length][4];
    for (int l = 1; l <= depth; l++) {
      for (int o = 0; o < OBS.length; o++) {
        double[] x = out[l - 1][o];
        x[0] = m.layers().get(l - 1).value().get(OBS[o]).getFlat(0);
        x[1] = m.layers().get(l - 1).err().get(OBS[o]).getFlat(0);
        x[2] = t.layers().get(l - 1).theory().get(OBS[o]).getFlat(0);
        x[3] = OBS[o] == Obs.A ? cl.a()[l - 1] : OBS[o] == Obs.D ? cl.d()[l - 1] : Double.NaN;
      }
    }
    return out;
  }

  public static void main(String[] args) {
    String[] header = new String[1];
    int depth = Integer.parseInt(args[4]);
    double[][][] r = measure(args[0], Double.parseDouble(args[1]), Double.parseDouble(args[2]),
        Integer.parseInt(args[3]), depth, Long.parseLong(args[5]), Long.parseLong(args[6]),
        args.length > 7 ? Integer.parseInt(args[7]) : 8,
        args.length > 8 ? Double.parseDouble(args[8]) : Double.NaN, header);
    System.out.println(header[0]);
    for (int l = 2; l <= depth; l++) {
      for (int o = 0; o < OBS.length; o++) {
        double[] x = r[l - 1][o];
        String c = Double.isNaN(x[3]) ? ""
            : String.format(" closure %.6g (z %.2f)", x[3], (x[0] - x[3]) / x[1]);
        System.out.printf("%-7s l=%d measured %.6g +- %.3g history %.6g (z %.2f)%s%n", OBS[o], l,
            x[0], x[1], x[2], (x[0] - x[2]) / x[1], c);
      }
    }
  }
}
