package org.rgflow.cuda;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.rgflow.act.Activations;
import org.rgflow.device.CudaBackendProbe;
import org.rgflow.ensemble.ProgressListener;
import org.rgflow.spec.NetworkSpec;
import org.rgflow.train.CpuTrainer;
import org.rgflow.train.Dataset;
import org.rgflow.train.Kernels;
import org.rgflow.train.TrainResult;
import org.rgflow.train.TrainSettings;

/**
 * The trainer benchmark (Maven-free, for the GPU machine; never run on one when written): E networks of
 * width n, depth L, relu at C_W = 2, trained T full-batch GD steps on the built-in task (N_A training
 * points, n0 = 2), η = 1/θ_max. Correctness first on a small shape (CudaTrainer against CpuTrainer,
 * network by network, relative 1e-4 — the float initial Gaussians), then one warm-up and {@code reps}
 * timed runs of {@link CudaTrainer#run} and, interleaved, one CpuTrainer run on {@code cpuE} networks
 * (the baseline in the same process). Prints networks/s and the rate of the napkin's 6 N_A P flops per
 * step and network (P = Σ n_ℓ n_{ℓ−1}); the wall time includes the copies and the host reduction.
 *
 * <p>Usage: {@code java -cp rgflow.jar org.rgflow.cuda.CudaTrainBench [outDir] [E] [n] [L] [T] [N_A]
 * [reps] [cpuE]} (default $OUT, 4096, 512, 3, 100, 8, 3, 64); writes {@code cuda_train_bench.tsv}.
 * Exit 1 without a CUDA device.
 */
public final class CudaTrainBench {
  private CudaTrainBench() {}

  static double rel(double[] got, double[] want) {
    double num = 0;
    double den = 0;
    for (int i = 0; i < want.length; i++) {
      num = Math.max(num, Math.abs(got[i] - want[i]));
      den = Math.max(den, Math.abs(want[i]));
    }
    return num == 0 ? 0 : num / den;
  }

  static NetworkSpec spec(int n, int depth) {
    int[] w = new int[depth];
    double[] cb = new double[depth];
    double[] cw = new double[depth];
    double[] one = new double[depth];
    for (int l = 0; l < depth; l++) {
      w[l] = l == depth - 1 ? 1 : n;
      cb[l] = 0.1;
      cw[l] = 2;
      one[l] = 1;
    }
    return new NetworkSpec(2, w, Activations.parse("relu"), cb, cw, one, one);
  }

  public static void main(String[] args) throws IOException {
    String outDir = args.length > 0 ? args[0] : System.getenv("OUT") != null ? System.getenv("OUT") : ".";
    long ens = args.length > 1 ? Long.parseLong(args[1]) : 4096;
    int n = args.length > 2 ? Integer.parseInt(args[2]) : 512;
    int depth = args.length > 3 ? Integer.parseInt(args[3]) : 3;
    long steps = args.length > 4 ? Long.parseLong(args[4]) : 100;
    int na = args.length > 5 ? Integer.parseInt(args[5]) : 8;
    int reps = args.length > 6 ? Integer.parseInt(args[6]) : 3;
    long cpuE = args.length > 7 ? Long.parseLong(args[7]) : 64;
    CudaBackendProbe probe = CudaBackendProbe.run();
    if (!probe.available()) {
      System.err.println("CudaTrainBench: cuda unavailable: " + probe.reason());
      System.exit(1);
    }
    Dataset d = Dataset.builtin(2, na);
    // correctness on a small shape first
    NetworkSpec small = spec(33, 3);
    Dataset ds = Dataset.builtin(2, 5);
    double etaS = 1 / Kernels.predictions(small, ds).ntkEigenvalues()[0];
    TrainSettings tsS = new TrainSettings(etaS, 20, 0, 4, 11, 1);
    double[][] zs = new double[ds.testCount()][ds.trainCount()];
    CpuTrainer.Outcome[] got = new CudaTrainer(small, ds, tsS, zs).networks(0, 4);
    CpuTrainer cpuS = new CpuTrainer(small, ds, tsS, zs);
    double worst = 0;
    for (int k = 0; k < 4; k++) {
      CpuTrainer.Outcome o = cpuS.trainOne(k);
      worst = Math.max(worst, Math.max(rel(got[k].zTrainT(), o.zTrainT()), rel(got[k].zTestT(), o.zTestT())));
    }
    System.out.printf(Locale.ROOT, "check: CudaTrainer vs CpuTrainer (width 33, depth 3, 20 steps): worst %.2e%n",
        worst);
    if (!(worst <= 1e-4)) {
      System.err.println("CudaTrainBench: the device disagrees with CpuTrainer; no timing");
      System.exit(1);
    }
    NetworkSpec spec = spec(n, depth);
    double eta = 1 / Kernels.predictions(spec, d).ntkEigenvalues()[0];
    double[][] z = new double[d.testCount()][na];
    long p = 0;
    for (int l = 1; l <= depth; l++) {
      p += (long) spec.width(l) * spec.width(l - 1);
    }
    Path out = Path.of(outDir).resolve("cuda_train_bench.tsv");
    Files.createDirectories(out.getParent());
    try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(out))) {
      w.println("# CudaTrainBench E=" + ens + " n=" + n + " L=" + depth + " T=" + steps + " N_A=" + na
          + " device=" + probe.device());
      w.println("rep\tengine\tnetworks\twall_s\tnetworks_per_s\tgflops_napkin");
      for (int r = 0; r <= reps; r++) {
        TrainSettings ts = new TrainSettings(eta, steps, 0, ens, 1, 1, new long[0]);
        CudaTrainer ct = new CudaTrainer(spec, d, ts, z);
        long t0 = System.nanoTime();
        TrainResult res = ct.run(ProgressListener.NONE);
        double s = (System.nanoTime() - t0) * 1e-9;
        TrainSettings tc = new TrainSettings(eta, steps, 0, cpuE, 1, Runtime.getRuntime().availableProcessors(),
            new long[0]);
        long c0 = System.nanoTime();
        new CpuTrainer(spec, d, tc, z).run();
        double sc = (System.nanoTime() - c0) * 1e-9;
        String tag = r == 0 ? "warmup" : String.valueOf(r);
        for (Object[] row : new Object[][] {{"cuda", ens, s}, {"cpu", cpuE, sc}}) {
          long e = (Long) row[1];
          double sec = (Double) row[2];
          String line = String.format(Locale.ROOT, "%s\t%s\t%d\t%.4f\t%.1f\t%.2f", tag, row[0], e, sec, e / sec,
              6.0 * na * p * steps * e / sec * 1e-9);
          w.println(line);
          System.out.println(line);
        }
        System.out.println("  " + ct.note() + "; mean loss " + res.loss());
      }
    }
  }
}
