package org.rgflow.app;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.rgflow.act.Activation;
import org.rgflow.core.LayerValues;
import org.rgflow.core.Obs;
import org.rgflow.ensemble.EnsembleResult;
import org.rgflow.ensemble.RunSettings;
import org.rgflow.layer.Residual;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;
import org.rgflow.spec.SpecException;
import org.rgflow.theory.AspectRatio;
import org.rgflow.theory.Criticality;
import org.rgflow.theory.ResidualCriticality;
import org.rgflow.theory.ResidualSeries;

/**
 * {@code rgflow aspect-ratio} as a call (PDLT appendix A; theory/AspectRatio): at the critical
 * initialisation of an activation (of its residual network at γ when given), ν, the optimal ratio
 * r* = 4/((20 + 3n_L)ν) and depth L* = r* n for a width n; the information per pair of outputs
 * I/(m_A m_B) = (v²/8)(1 − (3n_L + 20)v/6) against L/n from the leading-order series v(ℓ) =
 * V/(nK²) (theory/ResidualSeries, with T), and at a few depths around L* from ensembles (CPU
 * direct sampler, one input of norm 1, no NTK) — the measured V feeding the same curve.
 */
public final class AspectRatioRun {
  private AspectRatioRun() {}

  /** One depth of the theory curve or of the ensemble. */
  public record Row(int depth, double rOverN, double v, double vErr, double info, double infoErr,
      double theoryV, double theoryInfo) {}

  /**
   * @param gamma γ (NaN: the MLP)
   * @param nu ν with T; nuWithoutT ν without the three-point term (equal for the MLP)
   * @param lStar r* n; lStarSeries the depth where the theory's information is largest
   */
  public record Result(String version, Activation activation, String cls, double gamma, double cb,
      double cw, double nu, double nuWithoutT, int outWidth, int width, double vStar, double rStar,
      double lStar, int lStarSeries, List<Row> theory, List<Row> measured, long ensemble, long seed,
      Path figure) {}

  /**
   * Parses and checks every flag (SpecException naming it) before any work.
   *
   * @param out directory for the figure, or null
   */
  public static Result run(String act, String gamma, String outWidth, String width, String ensemble,
      String seed, Path out, Engines engines) {
    int nL = Numbers.positiveInt("--out-width", outWidth);
    int n = Numbers.positiveInt("--width", width);
    if (n < 2) {
      throw new SpecException("--width", "must be at least 2, got " + n);
    }
    long e;
    try {
      e = ensemble.trim().equals("0") ? 0 : Numbers.positiveLong("--ensemble", ensemble);
    } catch (SpecException x) {
      throw new SpecException("--ensemble", "must be 0 (measure nothing) or a positive integer, got '"
          + ensemble.trim() + "'");
    }
    long s = Numbers.parseLong("--seed", seed);
    double g = gamma == null ? Double.NaN : Numbers.nonNegativeDoubles("--gamma", gamma)[0];
    if (out != null) {
      OutDir.check("--out", out);
    }
    Activation a = engines.activation(act);
    Criticality.Report mlp = engines.criticality(a);
    double cb;
    double cw;
    double nu;
    double nuNoT;
    if (Double.isNaN(g)) {
      cb = mlp.cb();
      cw = mlp.cw();
      nu = ResidualCriticality.nu(a, mlp.cls(), 0, true);
      nuNoT = nu;
    } else {
      Criticality.Report r = ResidualCriticality.analyze(a, mlp, g, 1, Double.NaN);
      cb = r.cb();
      cw = r.cw();
      nu = ResidualCriticality.nu(a, mlp.cls(), g, true);
      nuNoT = ResidualCriticality.nu(a, mlp.cls(), g, false);
    }
    if (!Double.isFinite(cw) || !(nu > 0)) {
      throw new SpecException("--act", a.name() + " (class " + mlp.cls() + ") has no critical point"
          + " with a known ν; the aspect ratio needs V/(nK²) ≈ ν ℓ/n (scale-invariant or K*=0)");
    }
    double vStar = AspectRatio.vStar(nL);
    double rStar = vStar / nu;
    double lStar = rStar * n;
    if (2.2 * lStar > Integer.MAX_VALUE
        || 2.2 * lStar * Budget.THEORY_BYTES_PER_LAYER > Budget.available()) {
      // the theory curve runs to 2.2 L*: refused before any per-layer array exists (was an
      // OutOfMemoryError at --width 2000000000)
      throw new SpecException("--width", String.format(java.util.Locale.ROOT, "width %d puts the optimal"
          + " depth at L* = %.3g layers; its theory curve to %.3g layers needs about %s, more than the %s of"
          + " heap available; lower the width", n, lStar, 2.2 * lStar,
          Budget.bytes(2.2 * lStar * Budget.THEORY_BYTES_PER_LAYER), Budget.bytes(Budget.available())));
    }
    int lMax = Math.max(4, (int) Math.ceil(2.2 * lStar));
    NetworkSpec spec = spec(a, n, lMax, cb, cw, g);
    double k1 = cb + cw;  // input of norm 1: (1/n0)|x|² = 1
    ResidualSeries.Series series = ResidualSeries.of(spec, k1, true);
    List<Row> theory = new ArrayList<>();
    int best = 1;
    double bestInfo = Double.NEGATIVE_INFINITY;
    for (int l = 1; l <= lMax; l++) {
      double v = series.vOverK2(l) / n;
      double info = AspectRatio.information(v, nL);
      theory.add(new Row(l, (double) l / n, v, 0, info, 0, v, info));
      if (info > bestInfo) {
        bestInfo = info;
        best = l;
      }
    }
    List<Row> measured = new ArrayList<>();
    if (e > 0) {
      TreeSet<Integer> depths = new TreeSet<>();
      for (double f : new double[] {0.5, 1, 1.5, 2}) {
        depths.add((int) Math.min(lMax, Math.max(2, Math.round(f * lStar))));
      }
      Inputs in = Inputs.fromNormsAndAngles(8, new double[] {1.0}, new double[1][1]);
      for (int depth : depths) {  // every ensemble checked before the first runs
        Budget.sample(spec(a, n, depth, cb, cw, g), 1, e, false, 0, "direct",
            Runtime.getRuntime().availableProcessors());
      }
      for (int depth : depths) {
        NetworkSpec sp = spec(a, n, depth, cb, cw, g);
        EnsembleResult r = engines.source("direct", "cpu", sp).source().run(sp, in,
            new RunSettings(e, s, Runtime.getRuntime().availableProcessors(), 16, false, 0), null);
        LayerValues lv = r.layers().get(depth - 1);
        double v = lv.value().get(Obs.V_over_nK2).getFlat(0);
        double se = lv.err().get(Obs.V_over_nK2).getFlat(0);
        Row t = theory.get(depth - 1);
        measured.add(new Row(depth, (double) depth / n, v, se, AspectRatio.information(v, nL),
            Math.abs(AspectRatio.informationSlope(v, nL)) * se, t.v(), t.info()));
      }
    }
    Path figure = out == null ? null : out.resolve("aspect-ratio.png");
    Result res = new Result(Version.current(), a, mlp.cls(), g, cb, cw, nu, nuNoT, nL, n, vStar,
        rStar, lStar, best, theory, measured, e, s, figure);
    if (figure != null) {
      org.rgflow.report.AspectRatioFigure.write(res, figure);
    }
    return res;
  }

  /** Width n from layer 1 on, n₀ = 8, at (C_b, C_W); layers 2..L residual at γ unless γ is NaN. */
  static NetworkSpec spec(Activation a, int n, int depth, double cb, double cw, double gamma) {
    NetworkSpec dense = NetworkSpec.uniform(8, n, depth, a, cb, cw, 1, 1);
    if (Double.isNaN(gamma) || depth < 2) {
      return dense;
    }
    return new NetworkSpec(8, a, Residual.network(dense.layers(), new double[] {gamma},
        new double[] {1}));
  }
}
