package org.rgflow.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.rgflow.app.AspectRatioRun;
import org.rgflow.io.JsonReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code rgflow aspect-ratio}: the optimal depth-to-width ratio r* (PDLT appendix A). */
@Command(name = "aspect-ratio", mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class, sortOptions = false,
    description = {"The optimal depth-to-width ratio r* = L/n (PDLT appendix A, docs/THEORY.md"
        + " §17.6): the information between groups of the n_L outputs, I/(m_A m_B) = (v²/8)(1 −"
        + " (3n_L+20)v/6) with v = V/(nK²) ≈ ν L/n, is largest at v* = 4/(20+3n_L), so r* ="
        + " 4/((20+3n_L)ν). Prints ν, r* and the optimal depth for --width; measures V at a few"
        + " depths around it (CPU direct sampler) and, with --out, draws the information against"
        + " L/n with the measured points."})
final class AspectRatioCommand implements Callable<Integer> {
  private final Context ctx;

  @Option(names = "--act", paramLabel = "NAME", defaultValue = "relu",
      description = "Activation σ, at its critical initialisation (default: ${DEFAULT-VALUE}).")
  String act;

  @Option(names = "--gamma", paramLabel = "G",
      description = "Residual network z' = γz + ξ(b + Wσ(z)), ξ = 1, at its critical point"
          + " (default: none, the MLP).")
  String gamma;

  @Option(names = "--out-width", paramLabel = "N_L", defaultValue = "1",
      description = "Output width n_L (default: ${DEFAULT-VALUE}).")
  String outWidth;

  @Option(names = "--width", paramLabel = "N", defaultValue = "128",
      description = "Hidden width n for the optimal depth and the ensembles (default:"
          + " ${DEFAULT-VALUE}).")
  String width;

  @Option(names = "--ensemble", paramLabel = "E", defaultValue = "1000",
      description = "Networks per measured depth; 0 measures nothing (default: ${DEFAULT-VALUE}).")
  String ensemble;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "0",
      description = "Seed of the ensembles (default: ${DEFAULT-VALUE}).")
  String seed;

  @Option(names = "--out", paramLabel = "DIR",
      description = "Write DIR/aspect-ratio.png, the information against L/n.")
  Path out;

  @Mixin CommonOptions common = new CommonOptions();

  AspectRatioCommand(Context ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() {
    AspectRatioRun.Result r = AspectRatioRun.run(act, gamma, outWidth, width, ensemble, seed, out,
        ctx.engines());
    if (common.json) {
      ctx.out().println(JsonReport.write(json(r)));
    } else {
      text(r, ctx.out());
    }
    ctx.out().flush();
    return 0;
  }

  static ObjectNode json(AspectRatioRun.Result r) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("rgflow_version", r.version());
    o.put("command", "aspect-ratio");
    o.put("activation", r.activation().name());
    o.put("class", r.cls());
    if (!Double.isNaN(r.gamma())) {
      o.put("gamma", r.gamma());
      o.put("xi", 1.0);
    }
    o.put("cb", r.cb());
    o.put("cw", r.cw());
    o.put("nu", r.nu());
    o.put("nu_without_T", r.nuWithoutT());
    o.put("out_width", r.outWidth());
    o.put("v_star", r.vStar());
    o.put("r_star", r.rStar());
    o.put("width", r.width());
    o.put("optimal_depth", r.lStar());
    o.put("optimal_depth_series", r.lStarSeries());
    o.put("ensemble", r.ensemble());
    o.put("seed", r.seed());
    ArrayNode m = o.putArray("measured");
    for (AspectRatioRun.Row row : r.measured()) {
      ObjectNode x = m.addObject();
      x.put("depth", row.depth());
      x.put("l_over_n", row.rOverN());
      x.put("V_over_nK2", row.v());
      x.put("V_over_nK2_err", row.vErr());
      x.put("information", row.info());
      x.put("information_err", row.infoErr());
      x.put("theory_V_over_nK2", row.theoryV());
      x.put("theory_information", row.theoryInfo());
    }
    ArrayNode t = o.putArray("theory");
    for (AspectRatioRun.Row row : r.theory()) {
      ObjectNode x = t.addObject();
      x.put("depth", row.depth());
      x.put("l_over_n", row.rOverN());
      x.put("V_over_nK2", row.v());
      x.put("information", row.info());
    }
    if (r.figure() != null) {
      o.put("figure", r.figure().toString());
    }
    return o;
  }

  static void text(AspectRatioRun.Result r, PrintWriter out) {
    String res = Double.isNaN(r.gamma()) ? "" : String.format(Locale.ROOT, ", residual γ = %s, ξ = 1",
        num(r.gamma()));
    out.printf(Locale.ROOT, "rgflow aspect-ratio — %s%s (class %s; critical C_b = %s, C_W = %s),"
        + " n_L = %d%n", r.activation().name(), res, r.cls(), num(r.cb()), num(r.cw()), r.outWidth());
    out.printf(Locale.ROOT, "nu       %.6g   (V/(nK²) ≈ ν ℓ/n%s)%n", r.nu(),
        Double.isNaN(r.gamma()) ? "" : String.format(Locale.ROOT, "; %.6g without the three-point"
            + " term T", r.nuWithoutT()));
    out.printf(Locale.ROOT, "v*       %.6g   (I/(m_A m_B) = (v²/8)(1 − (3n_L+20)v/6) is largest at"
        + " v* = 4/(20+3n_L))%n", r.vStar());
    out.printf(Locale.ROOT, "r*       %.6g   (= L/n = 4/((20+3n_L)ν))%n", r.rStar());
    out.printf(Locale.ROOT, "depth    %.2f   (optimal L = r* n at width %d; the leading-order"
        + " series' information is largest at L = %d)%n", r.lStar(), r.width(), r.lStarSeries());
    if (!r.measured().isEmpty()) {
      out.printf(Locale.ROOT, "measured at width %d, E = %d, seed %d (CPU direct sampler, one input):%n",
          r.width(), r.ensemble(), r.seed());
      out.println("  depth  L/n      V/(nK²) ± SE          theory    I/(m_A m_B) ± SE          theory");
      for (AspectRatioRun.Row m : r.measured()) {
        out.printf(Locale.ROOT, "  %5d  %.4f  %.5f ± %.5f   %.5f   %.3e ± %.1e   %.3e%n", m.depth(),
            m.rOverN(), m.v(), m.vErr(), m.theoryV(), m.info(), m.infoErr(), m.theoryInfo());
      }
      out.println("  (the theory is leading order in 1/n: its V is low by a relative O(ν L/n))");
    }
    if (r.figure() != null) {
      out.println("figure: " + r.figure());
    }
  }

  private static String num(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e9) {
      return String.valueOf((long) v);
    }
    String t = String.format(Locale.ROOT, "%.6g", v);
    return t.contains("e") || !t.contains(".") ? t : t.replaceAll("0+$", "").replaceAll("\\.$", "");
  }
}
