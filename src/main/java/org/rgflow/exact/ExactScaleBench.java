package org.rgflow.exact;

import java.util.Locale;
import org.rgflow.act.Activations;
import org.rgflow.core.Host;
import org.rgflow.core.LayerValues;
import org.rgflow.core.Obs;
import org.rgflow.ensemble.CpuEnsemble;
import org.rgflow.ensemble.EnsembleResult;
import org.rgflow.ensemble.ProgressListener;
import org.rgflow.ensemble.RunSettings;
import org.rgflow.ensemble.SourceFactory;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;

/**
 * The NTK at depth (issue 17 part 2): exact vs direct sampler with the NTK (4 neurons), side by
 * side in one JVM, all threads: relu width 16 depth 200 and width 256 depth 64 (N_D = 1, n0 = 8,
 * C_W = 2), and n = 1024, L = 8, N_D = 2 for relu and tanh. Each line: networks/s of each, their
 * ratio, and the last layer's K and Θ from both with SEs. Case "residual" (not in "all"): residual
 * relu γ = 0.5 networks (issue 14) at width 256 × 16 and 1024 × 8, N_D = 2.
 * Run: {@code java -cp target/classes:$(cat cp.txt) org.rgflow.exact.ExactScaleBench [quick] [case]}, or
 * {@code ... ExactScaleBench reps [count] [narrow,wide,relu,tanh]} for interleaved repetitions and their medians.
 */
public final class ExactScaleBench {
  private ExactScaleBench() {}

  private static Inputs one(int n0) {
    double[][] x = new double[1][n0];
    for (int j = 0; j < n0; j++) {
      x[0][j] = Math.sin(1.3 * j + 0.2) * Math.sqrt(2);
    }
    return new Inputs(x);
  }

  private static Inputs two(int n0) {
    double[][] x = new double[2][n0];
    for (int j = 0; j < n0; j++) {
      x[0][j] = Math.sin(1.3 * j + 0.2);
      x[1][j] = Math.cos(0.7 * j - 0.5);
    }
    return new Inputs(x);
  }

  private static EnsembleResult time(SourceFactory b, NetworkSpec spec, Inputs in, long e, long seed) {
    int threads = Runtime.getRuntime().availableProcessors();
    return b.run(spec, in, new RunSettings(e, seed, threads, 1, true, 4), ProgressListener.NONE);
  }

  private static String obs(EnsembleResult r, int layer, Obs o, int index) {
    LayerValues lv = r.layers().get(layer - 1);
    return String.format(Locale.ROOT, "%.5g ± %.2g", lv.value().get(o).raw()[index],
        lv.err().get(o).raw()[index]);
  }

  private static void sideBySide(String what, NetworkSpec spec, Inputs in, long eDirect, long eExact) {
    time(new CpuEnsemble(), spec, in, Math.max(2, eDirect / 10), 1);
    time(new ExactEnsemble(), spec, in, Math.max(2, eExact / 10), 1);
    EnsembleResult d = time(new CpuEnsemble(), spec, in, eDirect, 100);
    EnsembleResult x = time(new ExactEnsemble(), spec, in, eExact, 200);
    int l = spec.depth();
    System.out.printf(Locale.ROOT, "%s%n", what);
    System.out.printf(Locale.ROOT, "  direct: E = %d in %.2f s -> %.4g networks/s%n", d.networks(),
        d.seconds(), d.networksPerSecond());
    System.out.printf(Locale.ROOT, "  exact:  E = %d in %.2f s -> %.4g networks/s%n", x.networks(),
        x.seconds(), x.networksPerSecond());
    System.out.printf(Locale.ROOT, "  ratio exact/direct = %.2fx%n",
        x.networksPerSecond() / d.networksPerSecond());
    System.out.printf(Locale.ROOT, "  layer %d K_11: direct %s | exact %s%n", l, obs(d, l, Obs.K, 0),
        obs(x, l, Obs.K, 0));
    System.out.printf(Locale.ROOT, "  layer %d Theta_11: direct %s | exact %s%n", l,
        obs(d, l, Obs.Theta, 0), obs(x, l, Obs.Theta, 0));
    System.out.printf(Locale.ROOT, "  layer %d A_1: direct %s | exact %s%n", l, obs(d, l, Obs.A, 0),
        obs(x, l, Obs.A, 0));
    System.out.flush();
  }

  /**
   * Interleaved repetitions (the machine's load moves between phases): rep k times direct then
   * exact (odd k: exact first), each on a fresh seed pair, and prints every ratio and their median.
   */
  private static void interleaved(String what, NetworkSpec spec, Inputs in, long eDirect,
      long eExact, int reps) {
    time(new CpuEnsemble(), spec, in, Math.max(2, eDirect / 5), 1);
    time(new ExactEnsemble(), spec, in, Math.max(2, eExact / 5), 1);
    double[] ratio = new double[reps];
    double[] dRate = new double[reps];
    double[] xRate = new double[reps];
    System.out.printf(Locale.ROOT, "%s (E direct %d, exact %d per rep)%n", what, eDirect, eExact);
    for (int k = 0; k < reps; k++) {
      EnsembleResult d;
      EnsembleResult x;
      if (k % 2 == 0) {
        d = time(new CpuEnsemble(), spec, in, eDirect, 100 + k);
        x = time(new ExactEnsemble(), spec, in, eExact, 200 + k);
      } else {
        x = time(new ExactEnsemble(), spec, in, eExact, 200 + k);
        d = time(new CpuEnsemble(), spec, in, eDirect, 100 + k);
      }
      dRate[k] = d.networksPerSecond();
      xRate[k] = x.networksPerSecond();
      ratio[k] = xRate[k] / dRate[k];
      System.out.printf(Locale.ROOT, "  rep %d: direct %.4g networks/s (%.2f s), exact %.4g networks/s"
          + " (%.2f s), ratio %.2fx%n", k + 1, dRate[k], d.seconds(), xRate[k], x.seconds(), ratio[k]);
    }
    System.out.printf(Locale.ROOT, "  median: direct %.4g, exact %.4g networks/s, ratio %.2fx (min %.2fx,"
        + " max %.2fx)%n", median(dRate), median(xRate), median(ratio),
        java.util.Arrays.stream(ratio).min().orElse(0), java.util.Arrays.stream(ratio).max().orElse(0));
    System.out.flush();
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    java.util.Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
  }

  /** "reps [count] [shapes]": interleaved medians of the four shapes (or those named, comma-separated). */
  private static void reps(String[] args) {
    int reps = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    String shapes = args.length > 2 ? args[2] : "narrow,wide,relu,tanh";
    System.out.printf(Locale.ROOT, "ExactScaleBench reps: cpu=%s, nproc=%d, java=%s, %d interleaved reps%n",
        Host.cpuName(), Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
        reps);
    int n = 1024;
    for (String shape : shapes.split(",")) {
      switch (shape) {
        case "narrow" -> interleaved("relu width 16, depth 200, N_D = 1, forward + NTK (4 neurons)",
            NetworkSpec.uniform(8, 16, 200, Activations.parse("relu"), 0, 2, 1, 1), one(8), 500, 500,
            reps);
        case "wide" -> interleaved("relu width 256, depth 64, N_D = 1, forward + NTK (4 neurons)",
            NetworkSpec.uniform(8, 256, 64, Activations.parse("relu"), 0, 2, 1, 1), one(8), 40, 500,
            reps);
        case "relu" -> interleaved("relu n = 1024, L = 8, N_D = 2, forward + NTK (4 neurons)",
            NetworkSpec.uniform(n, n, 8, Activations.parse("relu"), 0, 2, 1, 1), two(n), 20, 2000,
            reps);
        case "tanh" -> interleaved("tanh n = 1024, L = 8, N_D = 2, forward + NTK (4 neurons)",
            NetworkSpec.uniform(n, n, 8, Activations.parse("tanh"), 0, 1, 1, 1), two(n), 20, 1000,
            reps);
        default -> throw new IllegalArgumentException("unknown shape " + shape);
      }
    }
  }

  public static void main(String[] args) {
    if (args.length > 0 && args[0].equals("reps")) {
      reps(args);
      return;
    }
    boolean quick = args.length > 0 && args[0].equals("quick");
    String only = args.length > 1 ? args[1] : "all";
    System.out.printf(Locale.ROOT, "ExactScaleBench: cpu=%s, nproc=%d, java=%s%n", Host.cpuName(),
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
    int f = quick ? 5 : 1;
    if (only.equals("all") || only.equals("narrow")) {
      NetworkSpec s = NetworkSpec.uniform(8, 16, 200, Activations.parse("relu"), 0, 2, 1, 1);
      sideBySide("relu width 16, depth 200, N_D = 1, forward + NTK (4 neurons)", s, one(8),
          2000 / f, 2000 / f);
    }
    if (only.equals("all") || only.equals("wide")) {
      NetworkSpec s = NetworkSpec.uniform(8, 256, 64, Activations.parse("relu"), 0, 2, 1, 1);
      sideBySide("relu width 256, depth 64, N_D = 1, forward + NTK (4 neurons)", s, one(8),
          200 / f, 200 * (quick ? 1 : 10) / f);
    }
    if (only.equals("residual")) {
      // residual relu γ = 0.5 at its criticality C_W = 1.5 (issue 14), N_D = 2: per-neuron sweep
      NetworkSpec dense = NetworkSpec.uniform(8, 256, 16, Activations.parse("relu"), 0, 1.5, 1, 1);
      NetworkSpec res = new NetworkSpec(8, Activations.parse("relu"),
          org.rgflow.layer.Residual.network(dense.layers(), new double[] {0.5}, new double[] {1}));
      sideBySide("residual relu γ = 0.5, ξ = 1, C_W = 1.5, width 256, depth 16, N_D = 2, forward +"
          + " NTK (4 neurons)", res, two(8), 200 / f, 2000 / f);
      NetworkSpec wide = NetworkSpec.uniform(8, 1024, 8, Activations.parse("relu"), 0, 1.5, 1, 1);
      NetworkSpec resWide = new NetworkSpec(8, Activations.parse("relu"),
          org.rgflow.layer.Residual.network(wide.layers(), new double[] {0.5}, new double[] {1}));
      sideBySide("residual relu γ = 0.5, ξ = 1, C_W = 1.5, width 1024, depth 8, N_D = 2, forward +"
          + " NTK (4 neurons)", resWide, two(8), 20 / f, 1000 / f);
    }
    if (only.equals("all") || only.equals("big")) {
      int n = 1024;
      NetworkSpec relu = NetworkSpec.uniform(n, n, 8, Activations.parse("relu"), 0, 2, 1, 1);
      sideBySide("relu n = 1024, L = 8, N_D = 2, forward + NTK (4 neurons)", relu, two(n),
          40 / f, 8000 / f);
      NetworkSpec tanh = NetworkSpec.uniform(n, n, 8, Activations.parse("tanh"), 0, 1, 1, 1);
      sideBySide("tanh n = 1024, L = 8, N_D = 2, forward + NTK (4 neurons)", tanh, two(n),
          40 / f, 2000 / f);
    }
  }
}
