package org.rgflow.opencl;

import org.rgflow.act.Activations;
import org.rgflow.ensemble.CpuEnsemble;
import org.rgflow.ensemble.SourceFactory;
import org.rgflow.ensemble.EnsembleResult;
import org.rgflow.ensemble.RunSettings;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;

/**
 * Side-by-side throughput of ClEnsemble (OpenCL) and CpuEnsemble (2 threads) on one seeded
 * configuration, correctness checked first (statistics agree as in ClContractTest), then timed.
 * Not a test: run by hand, see docs/OPENCL.md ("Measurement").
 *
 * <pre>
 *   java -cp target/classes:target/test-classes:$(cat cp.txt) org.rgflow.opencl.ClBench [width depth nd E]
 * </pre>
 */
public final class ClBench {
  private ClBench() {}

  public static void main(String[] args) {
    int width = args.length > 0 ? Integer.parseInt(args[0]) : 256;
    int depth = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    int nd = args.length > 2 ? Integer.parseInt(args[2]) : 2;
    long e = args.length > 3 ? Long.parseLong(args[3]) : 256;
    int reps = 3;
    NetworkSpec spec = NetworkSpec.uniform(width, width, depth, Activations.tanh(), 0.1, 1.5, 1.0, 1.0);
    Inputs inputs = ClContractTest.inputs(width, nd);
    System.out.println("# " + ClEnsemble.probe().line());
    System.out.println("# nproc=" + Runtime.getRuntime().availableProcessors() + " java="
        + System.getProperty("java.version"));
    System.out.printf("# width=%d depth=%d nd=%d E=%d act=tanh seed=1 reps=%d (best of)%n", width,
        depth, nd, e, reps);
    for (boolean ntk : new boolean[] {false, true}) {
      RunSettings rs = new RunSettings(e, 1L, 2, 8, ntk, 4);
      ClEnsemble cl = new ClEnsemble();
      // Warm-up (OpenCL compile, JIT) and correctness: statistics must agree before timing.
      RunSettings small = new RunSettings(8, 1L, 2, 8, ntk, 4);
      ClContractTest.compareStatistics("bench", new CpuEnsemble().run(spec, inputs, small, null),
          cl.run(spec, inputs, small, null));
      double bestCl = Double.MAX_VALUE;
      double bestCpu = Double.MAX_VALUE;
      EnsembleResult rc = null;
      EnsembleResult rp = null;
      for (int r = 0; r < reps; r++) {
        rc = time(cl, spec, inputs, rs);
        bestCl = Math.min(bestCl, rc.seconds());
        rp = time(new CpuEnsemble(), spec, inputs, rs);
        bestCpu = Math.min(bestCpu, rp.seconds());
      }
      ClContractTest.compareStatistics("bench E=" + e, rp, rc);
      double w = rc.weightsPerNetwork();
      System.out.printf("ntk=%-5s opencl: %8.3f s  %9.1f networks/s  %.3e weights/s  [%s; %s]%n", ntk,
          bestCl, e / bestCl, e * w / bestCl, rc.notes().get(1), rc.notes().get(2));
      System.out.printf("ntk=%-5s cpu   : %8.3f s  %9.1f networks/s  %.3e weights/s  [threads=2]%n",
          ntk, bestCpu, e / bestCpu, e * w / bestCpu);
      System.out.printf("ntk=%-5s ratio opencl/cpu (networks/s): %.2f%n", ntk, bestCpu / bestCl);
    }
  }

  private static EnsembleResult time(SourceFactory b, NetworkSpec spec, Inputs in, RunSettings rs) {
    return b.run(spec, in, rs, null);
  }
}
