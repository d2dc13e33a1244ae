package org.rgflow.train;

import java.util.List;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;
import org.rgflow.spec.SpecException;
import org.rgflow.theory.TheoryEngine;
import org.rgflow.theory.TheoryLayer;

/** The output-layer K^{(L)} and Θ^{(L)} over train ∪ test from {@link TheoryEngine} (infinite width). */
public final class Kernels {
  private Kernels() {}

  /**
   * Predictions for {@code data} under {@code spec} (spec.n0 must match the data). K and Θ of a pair of
   * inputs depend only on that pair, so the N × N matrices are assembled from {@link TheoryEngine#layers}
   * on each pair (N(N+1)/2 two-input runs): the same numbers as one N-input run, without its O(N⁴)
   * four-point tensors, which the predictions do not need.
   */
  public static KernelPredictions predictions(NetworkSpec spec, Dataset data) {
    Inputs all = data.all();
    int n = all.count();
    double[][] k = new double[n][n];
    double[][] th = new double[n][n];
    for (int a = 0; a < n; a++) {
      for (int b = a; b < n; b++) {
        Inputs pair = new Inputs(a == b ? new double[][] {all.vector(a)}
            : new double[][] {all.vector(a), all.vector(b)});
        TheoryEngine.Theory t = TheoryEngine.layers(spec, pair);
        List<TheoryLayer> layers = t.layers();
        if (layers.size() < spec.depth()) {
          throw new SpecException("--depth", "the kernel recursion stopped at layer " + layers.size()
              + ": " + String.join("; ", t.notes()));
        }
        TheoryLayer out = layers.get(layers.size() - 1);
        if (out.theta() == null) {
          throw new SpecException("--act", "the NTK is undefined for " + spec.activation().name()
              + " (sigma' is a Dirac delta); gradient descent needs a differentiable activation");
        }
        int j = a == b ? 0 : 1;
        k[a][b] = k[b][a] = out.kernel()[0][j];
        th[a][b] = th[b][a] = out.theta()[0][j];
      }
    }
    return new KernelPredictions(k, th, data.trainCount(), data.yTrain());
  }
}
