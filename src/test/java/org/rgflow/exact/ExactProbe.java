package org.rgflow.exact;

import org.rgflow.act.Activation;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;

/** Test bridge: the CPU exact sampler's pre-activations for tests outside this package (device kernels). */
public final class ExactProbe {
  private ExactProbe() {}

  /** A dense spec with C_b, C_W on every layer (as {@code Agreement.spec}). */
  public static NetworkSpec spec(int n0, int[] widths, Activation act, double cb, double cw) {
    return Agreement.spec(n0, widths, act, cb, cw);
  }

  /** z^{(l)}_{a;i} of network e, l = 1..L ([l][a][i], [0] unused), forward pass only (no NTK). */
  public static double[][][] forwardZ(NetworkSpec spec, Inputs inputs, long seed, long e) {
    double[][][] out = new double[spec.depth() + 1][][];
    new ExactNetwork(spec, inputs, seed, 0).run(e, (l, z, theta) -> {
      double[][] c = new double[inputs.count()][];
      for (int a = 0; a < c.length; a++) {
        c[a] = java.util.Arrays.copyOf(z[a], spec.width(l));
      }
      out[l] = c;
    });
    return out;
  }
}
