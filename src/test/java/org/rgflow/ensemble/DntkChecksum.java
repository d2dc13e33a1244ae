package org.rgflow.ensemble;

import org.rgflow.act.Activation;
import org.rgflow.act.Activations;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;

/**
 * Prints a checksum of the bits of the direct sampler's dNTK statistics and NTK (shared and unshared
 * sweeps, relu and tanh, several shapes), to compare two builds bit for bit. Not a unit test:
 * <pre>java -cp target/classes:target/test-classes org.rgflow.ensemble.DntkChecksum</pre>
 */
public final class DntkChecksum {
  private DntkChecksum() {}

  public static void main(String[] args) throws InterruptedException {
    org.rgflow.rng.Simd.startWarmUp();
    org.rgflow.rng.Simd.awaitReady(60_000);
    System.out.println("rows: " + org.rgflow.rng.Simd.describe());
    int[][] shapes = {{1024, 8, 4}, {37, 4, 3}, {1023, 3, 4}, {66, 5, 2}};
    for (Activation act : new Activation[] {Activations.relu(), Activations.tanh()}) {
      for (int[] sh : shapes) {
        double cw = act.name().equals("relu") ? 2 : 1;
        NetworkSpec spec = NetworkSpec.uniform(sh[0], sh[0], sh[1], act, 0.1, cw, 1, 1);
        Inputs in = Inputs.fromNormsAndAngles(sh[0], new double[] {1, 1.3},
            new double[][] {{0, 0.5}, {0, 0}});
        for (boolean share : new boolean[] {true, false}) {
          CpuNetwork net = new CpuNetwork(spec, in, 7, sh[2]);
          DntkSweep sweep = new DntkSweep(spec, in, 7, sh[2]);
          if (share) {
            net.shareWith(sweep);
          }
          long h = 1125899906842597L;
          int e0 = sh[0] > 500 ? 2 : 4;
          for (int e = 0; e < e0; e++) {
            net.run(e);
            sweep.run(e, net.z, net.sig);
            for (double[] st : sweep.stats) {
              for (double v : st) {
                h = 31 * h + Double.doubleToRawLongBits(v);
              }
            }
            for (int l = 1; l < net.theta.length; l++) {
              for (double[] r : net.theta[l]) {
                for (double v : r) {
                  h = 31 * h + Double.doubleToRawLongBits(v);
                }
              }
            }
          }
          double[] d = sweep.diagonal(sh[1], 1, 0, 1, 0);
          for (double v : d) {
            h = 31 * h + Double.doubleToRawLongBits(v);
          }
          System.out.printf("%s n=%d L=%d m=%d share=%b %016x%n", act.name(), sh[0], sh[1], sh[2], share, h);
        }
      }
    }
  }
}
