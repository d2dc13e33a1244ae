package org.rgflow.exact;

import java.lang.management.ManagementFactory;
import java.util.Locale;
import org.rgflow.act.Activations;
import org.rgflow.core.Host;
import org.rgflow.device.SamplerCost;
import org.rgflow.ensemble.CpuEnsemble;
import org.rgflow.ensemble.ProgressListener;
import org.rgflow.ensemble.RunSettings;
import org.rgflow.ensemble.SourceFactory;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;

/**
 * Does {@code --sampler auto} pick the faster sampler? For each shape act:width:depth:nd:ntk
 * (n0 = 8, C_b = 0, C_W = 2 for relu, 1 otherwise, m = 4 NTK neurons), one thread, the process
 * CPU seconds per network of the direct and the exact sampler, repetitions interleaved (rep k:
 * direct first for even k), next to SamplerCost's estimate (of the build it runs on).
 * Run: {@code java -cp target/classes:$(cat cp.txt) org.rgflow.exact.SamplerAutoBench est|run
 * [reps] [target-cpu-s] shape,shape,...}; "est" prints only the estimates, "exact" times only the
 * exact sampler (for fitting SamplerCost's constants).
 */
public final class SamplerAutoBench {
  private SamplerAutoBench() {}

  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  private static Inputs inputs(int nd, int n0) {
    double[][] x = new double[nd][n0];
    for (int a = 0; a < nd; a++) {
      for (int j = 0; j < n0; j++) {
        x[a][j] = Math.sin(1.3 * j + 0.2 + 0.9 * a) * Math.sqrt(2);
      }
    }
    return new Inputs(x);
  }

  /** CPU seconds of one run of e networks. */
  private static double cpu(SourceFactory f, NetworkSpec spec, Inputs in, long e, long seed,
      boolean ntk) {
    long t0 = OS.getProcessCpuTime();
    f.run(spec, in, new RunSettings(e, seed, 1, 1, ntk, 4), ProgressListener.NONE);
    return (OS.getProcessCpuTime() - t0) * 1e-9;
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    java.util.Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
  }

  public static void main(String[] args) {
    boolean run = !args[0].equals("est");
    boolean exactOnly = args[0].equals("exact");
    int reps = Integer.parseInt(args[1]);
    double target = Double.parseDouble(args[2]);
    System.out.printf(Locale.ROOT, "SamplerAutoBench: cpu=%s, nproc=%d, java=%s, %d reps, 1 thread%n",
        Host.cpuName(), Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
        reps);
    for (String shape : args[3].split(",")) {
      String[] p = shape.split(":");
      String act = p[0];
      int width = Integer.parseInt(p[1]);
      int depth = Integer.parseInt(p[2]);
      int nd = Integer.parseInt(p[3]);
      boolean ntk = p[4].equals("ntk");
      NetworkSpec spec = NetworkSpec.uniform(8, width, depth, Activations.parse(act), 0,
          act.equals("relu") ? 2 : 1, 1, 1);
      Inputs in = inputs(nd, 8);
      SamplerCost c = SamplerCost.estimate(spec, nd, ntk, 4);
      System.out.printf(Locale.ROOT, "%s: estimate direct %.4g ms, exact %.4g ms -> auto picks %s%n",
          shape, c.direct() * 1e3, c.exact() * 1e3, c.exactIsFaster() ? "exact" : "direct");
      if (!run) {
        continue;
      }
      // warm up (JIT) until one run takes >= 0.3 s and the warm-up >= 2 s of CPU, then size E so
      // that one run takes about target CPU seconds
      long[] e = new long[2];
      SourceFactory[] f = {new CpuEnsemble(), new ExactEnsemble()};
      for (int s = exactOnly ? 1 : 0; s < 2; s++) {
        long probe = 1;
        double t = 0;
        double spent = 0;
        while ((t < 0.3 || spent < 2) && probe < 1 << 22) {
          probe *= 2;
          t = cpu(f[s], spec, in, probe, 3, ntk);
          spent += t;
        }
        e[s] = Math.max(2, Math.round(probe * target / Math.max(t, 1e-4)));
      }
      long jit0 = ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
      double[][] per = new double[2][reps];
      for (int k = 0; k < reps; k++) {
        for (int i = 0; i < 2; i++) {
          int s = k % 2 == 0 ? i : 1 - i;
          if (exactOnly && s == 0) {
            per[s][k] = Double.NaN;
            continue;
          }
          per[s][k] = cpu(f[s], spec, in, e[s], 100 + k + 1000L * s, ntk) / e[s];
        }
        System.out.printf(Locale.ROOT, "  rep %d: direct %.4g ms/network (E %d), exact %.4g ms/network"
            + " (E %d), direct/exact %.3g%n", k + 1, per[0][k] * 1e3, e[0], per[1][k] * 1e3, e[1],
            per[0][k] / per[1][k]);
      }
      long jit = ManagementFactory.getCompilationMXBean().getTotalCompilationTime() - jit0;
      System.out.printf(Locale.ROOT, "  (JIT compilation during the reps: %d ms)%n", jit);
      double d = median(per[0]);
      double x = median(per[1]);
      System.out.printf(Locale.ROOT, "  median: direct %.4g, exact %.4g ms/network CPU; faster: %s;"
          + " auto (this build) picks %s: %s%n", d * 1e3, x * 1e3, x <= d ? "exact" : "direct",
          c.exactIsFaster() ? "exact" : "direct",
          (x <= d) == c.exactIsFaster() ? "RIGHT" : "WRONG");
      System.out.flush();
    }
  }
}
