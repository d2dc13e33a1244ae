package org.rgflow.train;

import java.util.List;
import org.rgflow.spec.NetworkSpec;
import org.rgflow.spec.SpecException;
import org.rgflow.theory.TheoryEngine;
import org.rgflow.theory.TheoryLayer;

/** The output-layer K^{(L)} and Θ^{(L)} over train ∪ test from {@link TheoryEngine} (infinite width). */
public final class Kernels {
  private Kernels() {}

  /** Predictions for {@code data} under {@code spec} (spec.n0 must match the data). */
  public static KernelPredictions predictions(NetworkSpec spec, Dataset data) {
    TheoryEngine.Theory t = TheoryEngine.layers(spec, data.all());
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
    return new KernelPredictions(out.kernel(), out.theta(), data.trainCount(), data.yTrain());
  }
}
