package org.rgflow.ensemble;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import org.rgflow.act.Activation;
import org.rgflow.act.Activations;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;

/**
 * Cost of the direct sampler's dNTK against its NTK (issue #13's bar: n = 1024, L = 8, N_D = 2), not a
 * unit test. One thread does, network by network and interleaved (so a load change hits every mode
 * alike): "ntk" = forward + NTK ({@link CpuNetwork}, m neurons), "ntk+dntk" = that plus
 * {@link DntkSweep#run} (what {@code sample --observables dntk} does per network), and
 * "ntk+dntk(ref)" = that plus the reference sweep that propagates every pair's whole z̈ (the cost of the
 * implementation before the contracted outputs). Networks/s from the thread's CPU time and from wall time:
 * <pre>java -cp target/classes:target/test-classes org.rgflow.ensemble.DntkCostBench [width] [depth] [E] [m]</pre>
 */
public final class DntkCostBench {
  private DntkCostBench() {}

  public static void main(String[] args) throws InterruptedException {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 1024;
    int depth = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    int e = args.length > 2 ? Integer.parseInt(args[2]) : 6;
    int m = args.length > 3 ? Integer.parseInt(args[3]) : 4;
    org.rgflow.rng.Simd.startWarmUp();
    org.rgflow.rng.Simd.awaitReady(60_000);
    System.out.println("rows: " + org.rgflow.rng.Simd.describe() + ", " + Runtime.version());
    ThreadMXBean tb = ManagementFactory.getThreadMXBean();
    String[] modes = {"ntk", "ntk+dntk", "ntk+dntk(ref)"};
    for (Activation act : new Activation[] {Activations.relu(), Activations.tanh()}) {
      double cw = act.name().equals("relu") ? 2 : 1;
      NetworkSpec spec = NetworkSpec.uniform(n, n, depth, act, 0, cw, 1, 1);
      Inputs in = Inputs.fromNormsAndAngles(n, new double[] {1, 1}, new double[][] {{0, 0.5}, {0, 0}});
      CpuNetwork net = new CpuNetwork(spec, in, 1, m);
      DntkSweep sweep = new DntkSweep(spec, in, 1, m);
      CpuNetwork shared = new CpuNetwork(spec, in, 1, m);
      shared.shareWith(sweep);
      double[] cpu = new double[3];
      double[] wall = new double[3];
      for (int rep = -1; rep < e; rep++) { // rep −1: warm-up, not counted
        for (int mode = 0; mode < 3; mode++) {
          long c0 = tb.getCurrentThreadCpuTime();
          long w0 = System.nanoTime();
          (mode == 0 ? net : shared).run(rep + 100);
          if (mode > 0) {
            sweep.run(rep + 100, shared.z, shared.sig);
          }
          if (mode > 1) {
            sweep.diagonal(1, 0, 0, 0, 0);
          }
          if (rep >= 0) {
            cpu[mode] += (tb.getCurrentThreadCpuTime() - c0) * 1e-9;
            wall[mode] += (System.nanoTime() - w0) * 1e-9;
          }
        }
      }
      for (int mode = 0; mode < 3; mode++) {
        System.out.printf("%s n=%d L=%d N_D=2 m=%d E=%d %-14s %7.3f networks/CPU-s %7.3f networks/s wall"
            + "   cost/ntk: CPU %.2fx wall %.2fx%n", act.name(), n, depth, m, e, modes[mode],
            e / cpu[mode], e / wall[mode], cpu[mode] / cpu[0], wall[mode] / wall[0]);
      }
    }
  }
}
