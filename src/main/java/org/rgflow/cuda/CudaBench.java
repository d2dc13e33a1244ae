package org.rgflow.cuda;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.rgflow.ensemble.EnsembleRun;
import org.rgflow.act.Activations;
import org.rgflow.ensemble.CpuEnsemble;
import org.rgflow.ensemble.EnsembleResult;
import org.rgflow.ensemble.RunSettings;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;

/**
 * The CUDA benchmark (Maven-free, for the GPU machine): E = 4096 networks of width n = 1024, depth
 * L = 32, N_D = 2 inputs, relu at criticality (C_W = 2), forward only and forward + NTK (m = 4, both
 * NTK tiles). One warm-up run (module load, JIT of the PTX), then {@code reps} timed runs; prints the
 * median of networks/s, weights/s (forward weights Σ n_ℓ(n_{ℓ−1}+1) per network), the fraction of the
 * napkin RNG-bound limit, device kernel time (CUDA events), H2D/D2H copy time and host time.
 * Correctness is checked first on a small shape against the CPU reference (network by network),
 * never inside the timed runs.
 *
 * <p>Usage: {@code java -cp rgflow.jar org.rgflow.cuda.CudaBench [outDir] [E] [n] [L] [reps] [variants]}
 * (variants: a comma list of forward, forward+ntk16, forward+ntk8, and the exact sampler's exact,
 * exact+ntk — CudaExactEnsemble, never run on a GPU when added; default the first three);
 * writes {@code cuda_bench.tsv} (one row per timed run) and {@code cuda_bench_summary.txt} to outDir
 * (default $OUT, else the working directory).
 *
 * <p>Issue-bound limit: SMs × 128 lanes × clock / {@value #INSTR_PER_WEIGHT} instructions per weight —
 * the SASS count of rg_forward_nd2's inner loop (155 instructions per Philox block of 4 weights,
 * benchmarks/gpu/sass-counts.txt, {@code kernels/sass/count-all.sh}); it was 77.5 before the
 * branch-free float transform (issue 15). N_D = 2 is the benchmark's shape.
 */
public final class CudaBench {
  private CudaBench() {}

  static final double INSTR_PER_WEIGHT = 38.75;

  static double median(double[] v) {
    double[] c = v.clone();
    Arrays.sort(c);
    return c.length % 2 == 1 ? c[c.length / 2] : 0.5 * (c[c.length / 2 - 1] + c[c.length / 2]);
  }

  public static void main(String[] args) throws IOException {
    String outDir = args.length > 0 ? args[0]
        : System.getenv("OUT") != null ? System.getenv("OUT") : ".";
    long ens = args.length > 1 ? Long.parseLong(args[1]) : 4096;
    int n = args.length > 2 ? Integer.parseInt(args[2]) : 1024;
    int depth = args.length > 3 ? Integer.parseInt(args[3]) : 32;
    int reps = args.length > 4 ? Integer.parseInt(args[4]) : 5;
    String[] variants = args.length > 5 ? args[5].split(",")
        : new String[] {"forward", "forward+ntk16", "forward+ntk8"};
    int nd = 2;
    int m = 4;
    long seed = 0x0123456789abcdefL;
    CudaProbe p = CudaEnsemble.probe();
    System.out.println(p.line());
    if (!p.available()) {
      System.out.println("SKIP: no usable CUDA device");
      System.exit(2);
    }
    Files.createDirectories(Path.of(outDir));
    // Correctness first (small shape, network by network).
    CudaSelfCheck check = new CudaSelfCheck(new CudaEnsemble());
    CudaSelfCheck.Outcome ok = check.networks("bench pre-check w=64 L=8 relu ND=2 m=4",
        CudaSelfCheck.spec(64, 64, 8, "relu", 0.0, 2.0), CudaSelfCheck.inputs(nd, 64, 1), seed, 0, 4, m);
    System.out.println(ok.line());
    if (!ok.pass()) {
      System.exit(1);
    }
    NetworkSpec spec = NetworkSpec.uniform(n, n, depth, Activations.relu(), 0.0, 2.0, 1.0, 1.0);
    Inputs in = CudaSelfCheck.inputs(nd, n, 2);
    double weights = EnsembleRun.weightsPerNetwork(spec);
    CudaProbe.Device dev = p.devices().get(Integer.getInteger("rgflow.cuda.device", 0));
    double limit = napkinLimit();
    List<String> summary = new ArrayList<>();
    summary.add(String.format(Locale.ROOT, "device %s, driver %s; E=%d n=%d L=%d N_D=%d m=%d reps=%d",
        dev.describe(), CudaProbe.versionString(p.driverVersion()), ens, n, depth, nd, m, reps));
    summary.add(String.format(Locale.ROOT, "issue-bound limit (%.2f SASS instructions per weight): %.3g weights/s", INSTR_PER_WEIGHT, limit));
    summary.add(String.format(Locale.ROOT, "%-16s %12s %12s %8s %10s %10s %8s %8s %9s %s", "variant",
        "networks/s", "weights/s", "of_limit", "fwd_ms", "ntk_ms", "h2d_ms", "d2h_ms", "host_ms",
        "wall_s"));
    try (PrintWriter tsv = new PrintWriter(Files.newBufferedWriter(Path.of(outDir, "cuda_bench.tsv")))) {
      tsv.println("variant\trep\twall_s\tforward_ms\tntk_ms\th2d_ms\td2h_ms\thost_ms\tlaunches\tlaunch_size"
          + "\tloaded_from\tdevice\tE\tn\tL\tN_D\tm\tweights_per_network");
      for (String v : variants) {
        boolean ntk = !v.equals("forward") && !v.equals("exact");
        org.rgflow.ensemble.SourceFactory cuda = v.startsWith("exact") ? new CudaExactEnsemble()
            : new CudaEnsemble(0, v.endsWith("8") ? 8 : 16);
        RunSettings rs = new RunSettings(ens, seed, 1, 1, ntk, m);
        cuda.run(spec, in, rs, null);  // warm-up
        double[] wall = new double[reps];
        double[] fwd = new double[reps];
        double[] ntkMs = new double[reps];
        double[] h2d = new double[reps];
        double[] d2h = new double[reps];
        double[] host = new double[reps];
        for (int r = 0; r < reps; r++) {
          long t0 = System.nanoTime();
          EnsembleResult res = cuda.run(spec, in, rs, null);
          wall[r] = (System.nanoTime() - t0) * 1e-9;
          CudaEnsemble.Timing t = CudaEnsemble.Timing.of(res);
          fwd[r] = t.forwardMs();
          ntkMs[r] = t.ntkMs();
          h2d[r] = t.h2dMs();
          d2h[r] = t.d2hMs();
          host[r] = t.hostMs();
          tsv.printf(Locale.ROOT, "%s\t%d\t%.6f\t%.3f\t%.3f\t%.4f\t%.4f\t%.3f\t%d\t%d\t%s\t%s\t%d\t%d\t%d\t%d\t%d\t%.0f%n",
              v, r, wall[r], fwd[r], ntkMs[r], h2d[r], d2h[r], host[r], t.launches(), t.launchSize(),
              t.loadedFrom(), t.device(), ens, n, depth, nd, ntk ? m : 0, weights);
          tsv.flush();
          if (res.networks() != ens) {
            throw new IllegalStateException("ran " + res.networks() + " networks");
          }
        }
        double kernelS = (median(fwd) + median(ntkMs)) * 1e-3;
        double netPerS = ens / kernelS;
        summary.add(String.format(Locale.ROOT, "%-16s %12.4g %12.4g %8.3f %10.2f %10.2f %8.3f %8.3f %9.1f %.3f",
            v, netPerS, netPerS * weights, netPerS * weights / limit, median(fwd), median(ntkMs),
            median(h2d), median(d2h), median(host), median(wall)));
      }
    }
    summary.add("networks/s and weights/s from device kernel time (events; median of reps); wall_s"
        + " includes host statistics and reduction. weights = forward weights + biases per network.");
    Files.write(Path.of(outDir, "cuda_bench_summary.txt"), summary);
    for (String s : summary) {
      System.out.println(s);
    }
  }

  /** SMs × 128 lanes (4 schedulers × 32) × clock / instructions per weight: the issue limit. */
  static double napkinLimit() {
    try {
      jcuda.driver.JCudaDriver.cuInit(0);
      jcuda.driver.CUdevice d = new jcuda.driver.CUdevice();
      CudaEnsemble.check(jcuda.driver.JCudaDriver.cuDeviceGet(d,
          Integer.getInteger("rgflow.cuda.device", 0)), "cuDeviceGet");
      int[] sms = new int[1];
      int[] khz = new int[1];
      CudaEnsemble.check(jcuda.driver.JCudaDriver.cuDeviceGetAttribute(sms,
          jcuda.driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT, d), "SM count");
      CudaEnsemble.check(jcuda.driver.JCudaDriver.cuDeviceGetAttribute(khz,
          jcuda.driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_CLOCK_RATE, d), "clock");
      return sms[0] * 128.0 * khz[0] * 1e3 / INSTR_PER_WEIGHT;
    } catch (Throwable t) {
      return Double.NaN;
    }
  }
}
