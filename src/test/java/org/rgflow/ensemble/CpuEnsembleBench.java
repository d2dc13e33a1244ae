package org.rgflow.ensemble;

import org.rgflow.act.Activations;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;

/**
 * Quick throughput measurement (not a unit test): weights/s of the CPU reference at width 512,
 * depth 16, N_D = 2, forward only and forward + NTK. Run after {@code mvn -q test-compile}:
 * <pre>java -cp target/classes:target/test-classes org.rgflow.ensemble.CpuEnsembleBench [threads] [E] [ntkNeurons]</pre>
 * Napkin: forward generates Σ n_ℓ(n_{ℓ−1}+1) ≈ 4.2·10^6 Gaussians per network (≈ 10 ns each on one
 * core); the NTK sweep regenerates layers L..2 once more and applies Wᵀ to L·m·N_D vectors.
 */
public final class CpuEnsembleBench {
  private CpuEnsembleBench() {}

  public static void main(String[] args) {
    int threads = args.length > 0 ? Integer.parseInt(args[0]) : 2;
    long e = args.length > 1 ? Long.parseLong(args[1]) : 64;
    int ntkNeurons = args.length > 2 ? Integer.parseInt(args[2]) : 4;
    NetworkSpec spec = NetworkSpec.uniform(512, 512, 16, Activations.relu(), 0, 2, 1, 1);
    Inputs in = Inputs.fromNormsAndAngles(512, new double[] {1, 1}, new double[][] {{0, 0.5}, {0, 0}});
    CpuEnsemble cpu = new CpuEnsemble();
    for (boolean ntk : new boolean[] {false, true}) {
      cpu.run(spec, in, new RunSettings(Math.max(4, e / 8), 1, threads, 1, ntk, ntkNeurons),
          ProgressListener.NONE); // warm-up
      com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean)
          java.lang.management.ManagementFactory.getOperatingSystemMXBean();
      long cpu0 = os.getProcessCpuTime();
      EnsembleResult r = cpu.run(spec, in, new RunSettings(e, 2, threads, 1, ntk, ntkNeurons),
          ProgressListener.NONE);
      System.out.printf("n=512 L=16 N_D=2 threads=%d E=%d %s: %.3f s, %.3g weights/s (forward weights"
          + " per network %.0f), %.1f networks/s%n", threads, e,
          ntk ? "forward+NTK(m=" + ntkNeurons + ")" : "forward", r.seconds(), r.weightsPerSecond(),
          r.weightsPerNetwork(), r.networksPerSecond());
      double cpuSeconds = (os.getProcessCpuTime() - cpu0) * 1e-9;
      System.out.printf("    process CPU %.3f s (load: %.2f cores busy): %.3g weights per CPU-second,"
          + " i.e. %.3g weights/s on %d uncontended cores%n", cpuSeconds, cpuSeconds / r.seconds(),
          r.networks() * r.weightsPerNetwork() / cpuSeconds,
          threads * r.networks() * r.weightsPerNetwork() / cpuSeconds, threads);
    }
  }
}
