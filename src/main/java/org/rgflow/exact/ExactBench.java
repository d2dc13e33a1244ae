package org.rgflow.exact;

import java.util.Locale;
import org.rgflow.act.Activations;
import org.rgflow.core.LayerValues;
import org.rgflow.core.Obs;
import org.rgflow.core.Host;
import org.rgflow.ensemble.CpuEnsemble;
import org.rgflow.ensemble.SourceFactory;
import org.rgflow.ensemble.EnsembleResult;
import org.rgflow.ensemble.ProgressListener;
import org.rgflow.ensemble.RunSettings;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;

/**
 * Exact vs direct sampler on the CPU, side by side in one JVM (relu at criticality, all threads):
 * <ol>
 *   <li>n = 1024, L = 8, N_D = 2, forward only and forward + NTK (4 neurons): networks/s of each,
 *       their ratio, and the last layer's K, kurtosis (and Θ, A) from both with SEs;
 *   <li>tanh at the same size with the NTK (the per-neuron sweep; relu takes the Gram sweep);
 *   <li>width 10^5 × depth 32 with the NTK, and forward only at width 10^5 × depth 10^4 (exact only;
 *       the direct sampler would need 6·10^11 and 10^14 Gaussians per network).
 * </ol>
 * Run: {@code mvn -q -B compile && java -cp target/classes:$(cat cp.txt) org.rgflow.exact.ExactBench
 * [quick]} (see docs/EXACT_SAMPLER.md for the classpath line). Timings include the statistics and
 * the reduction, exactly as {@code rgflow sample} runs them.
 */
public final class ExactBench {
  private ExactBench() {}

  private static Inputs inputs(int n0) {
    double[][] x = new double[2][n0];
    for (int j = 0; j < n0; j++) {
      x[0][j] = Math.sin(1.3 * j + 0.2);
      x[1][j] = Math.cos(0.7 * j - 0.5);
    }
    return new Inputs(x);
  }

  private static EnsembleResult time(SourceFactory b, NetworkSpec spec, Inputs in, long e,
      boolean ntk, long seed) {
    int threads = Runtime.getRuntime().availableProcessors();
    return b.run(spec, in, new RunSettings(e, seed, threads, 1, ntk, 4), ProgressListener.NONE);
  }

  private static String obs(EnsembleResult r, int layer, Obs o, int index) {
    LayerValues lv = r.layers().get(layer - 1);
    return String.format(Locale.ROOT, "%.5g ± %.2g", lv.value().get(o).raw()[index],
        lv.err().get(o).raw()[index]);
  }

  private static void sideBySide(String what, NetworkSpec spec, Inputs in, long eDirect, long eExact,
      boolean ntk) {
    // warm-up (JIT), about a second of each, not timed
    time(new CpuEnsemble(), spec, in, 6, ntk, 1);
    time(new ExactEnsemble(), spec, in, ntk ? 1000 : 2000, ntk, 1);
    EnsembleResult d = time(new CpuEnsemble(), spec, in, eDirect, ntk, 100);
    EnsembleResult x = time(new ExactEnsemble(), spec, in, eExact, ntk, 200);
    int l = spec.depth();
    System.out.printf(Locale.ROOT, "%s%n", what);
    System.out.printf(Locale.ROOT, "  direct: E = %d in %.2f s -> %.4g networks/s%n", d.networks(),
        d.seconds(), d.networksPerSecond());
    System.out.printf(Locale.ROOT, "  exact:  E = %d in %.2f s -> %.4g networks/s%n", x.networks(),
        x.seconds(), x.networksPerSecond());
    System.out.printf(Locale.ROOT, "  ratio exact/direct = %.1fx%n",
        x.networksPerSecond() / d.networksPerSecond());
    System.out.printf(Locale.ROOT, "  layer %d K_11: direct %s | exact %s%n", l, obs(d, l, Obs.K, 0),
        obs(x, l, Obs.K, 0));
    System.out.printf(Locale.ROOT, "  layer %d K_12: direct %s | exact %s%n", l, obs(d, l, Obs.K, 1),
        obs(x, l, Obs.K, 1));
    System.out.printf(Locale.ROOT, "  layer %d kurtosis_1: direct %s | exact %s%n", l,
        obs(d, l, Obs.kurtosis, 0), obs(x, l, Obs.kurtosis, 0));
    if (ntk) {
      System.out.printf(Locale.ROOT, "  layer %d Theta_11: direct %s | exact %s%n", l,
          obs(d, l, Obs.Theta, 0), obs(x, l, Obs.Theta, 0));
      System.out.printf(Locale.ROOT, "  layer %d Theta_12: direct %s | exact %s%n", l,
          obs(d, l, Obs.Theta, 1), obs(x, l, Obs.Theta, 1));
      System.out.printf(Locale.ROOT, "  layer %d A_1: direct %s | exact %s%n", l, obs(d, l, Obs.A, 0),
          obs(x, l, Obs.A, 0));
    }
  }

  public static void main(String[] args) {
    boolean quick = args.length > 0 && args[0].equals("quick");
    System.out.printf(Locale.ROOT, "ExactBench: cpu=%s, nproc=%d, java=%s%n", Host.cpuName(),
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
    int n = 1024;
    NetworkSpec spec = NetworkSpec.uniform(n, n, 8, Activations.parse("relu"), 0, 2, 1, 1);
    Inputs in = inputs(n);
    sideBySide("n = 1024, L = 8, N_D = 2, relu C_W = 2, forward only", spec, in, quick ? 40 : 200,
        quick ? 4000 : 40000, false);
    sideBySide("n = 1024, L = 8, N_D = 2, relu C_W = 2, forward + NTK (4 neurons)", spec, in,
        quick ? 8 : 40, quick ? 1000 : 8000, true);
    NetworkSpec tanh = NetworkSpec.uniform(n, n, 8, Activations.parse("tanh"), 0, 1, 1, 1);
    sideBySide("n = 1024, L = 8, N_D = 2, tanh C_W = 1, forward + NTK (4 neurons; per-neuron sweep)",
        tanh, in, quick ? 8 : 40, quick ? 200 : 2000, true);
    int wide = 100_000;
    NetworkSpec wideNtk = NetworkSpec.uniform(16, wide, 32, Activations.parse("relu"), 0, 2, 1, 1);
    EnsembleResult w = time(new ExactEnsemble(), wideNtk, inputs(16), quick ? 2 : 8, true, 400);
    System.out.printf(Locale.ROOT, "width %d, depth 32, N_D = 2, forward + NTK (4 neurons), exact:"
        + " E = %d in %.1f s (%.3g s per network per thread); layer 32 K_11 = %s, Theta_11 = %s%n",
        wide, w.networks(), w.seconds(), w.seconds() / w.networks()
        * Math.min(w.networks(), Runtime.getRuntime().availableProcessors()),
        obs(w, 32, Obs.K, 0), obs(w, 32, Obs.Theta, 0));
    int deep = quick ? 1000 : 10_000;
    NetworkSpec big = NetworkSpec.uniform(16, wide, deep, Activations.parse("relu"), 0, 2, 1, 1);
    long e = 2;
    EnsembleResult r = time(new ExactEnsemble(), big, inputs(16), e, false, 300);
    System.out.printf(Locale.ROOT, "width %d, depth %d, N_D = 2, forward only, exact: E = %d in %.1f s"
        + " (%.3g s per network per thread); layer %d K_11 = %s, kurtosis_1 = %s%n", wide, deep, e,
        r.seconds(), r.seconds() / e * Math.min(e, Runtime.getRuntime().availableProcessors()), deep,
        obs(r, deep, Obs.K, 0), obs(r, deep, Obs.kurtosis, 0));
  }
}
