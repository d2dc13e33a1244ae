package org.rgflow.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import org.rgflow.app.Flags;
import picocli.CommandLine.Option;

/**
 * The network and its inputs, named after the book (PDLT §2). Values are kept as text and parsed by
 * {@link Flags#network}, so every error names its flag. Lists are comma-separated: one value for
 * every layer, or one per layer.
 */
final class NetworkOptions {
  @Option(names = "--act", paramLabel = "NAME", defaultValue = Flags.ACT,
      description = "Activation σ, e.g. relu, tanh, leaky_relu(0.1) (default: ${DEFAULT-VALUE}).")
  String act;

  @Option(names = "--cb", paramLabel = "LIST", defaultValue = Flags.CB,
      description = "Bias variance C_b: one value or one per layer (default: ${DEFAULT-VALUE}).")
  String cb;

  @Option(names = "--cw", paramLabel = "LIST", defaultValue = Flags.CW,
      description = "Weight variance C_W (weights ~ N(0, C_W/n_{ℓ-1})): one value or one per layer"
          + " (default: ${DEFAULT-VALUE}, critical for relu).")
  String cw;

  @Option(names = "--width", paramLabel = "LIST", defaultValue = Flags.WIDTH,
      description = "Hidden width n: one value or one per hidden layer (default: ${DEFAULT-VALUE}).")
  String width;

  @Option(names = "--depth", paramLabel = "L", defaultValue = Flags.DEPTH,
      description = "Depth L, the number of layers (default: ${DEFAULT-VALUE}).")
  String depth;

  @Option(names = "--n0", paramLabel = "N",
      description = "Input dimension n₀ (default: " + Flags.DEFAULT_N0 + ", or the row length of an --inputs CSV).")
  String n0;

  @Option(names = "--out-width", paramLabel = "N",
      description = "Output width n_L (default: the last hidden width).")
  String outWidth;

  @Option(names = "--inputs", paramLabel = "SPEC|FILE", defaultValue = Flags.INPUTS,
      description = "Inputs: 'norms=q0,q1;angles=a01' ((1/n₀)|x_α|² = q_α², angles in radians, one per"
          + " pair or one for all) or a CSV file, one vector per line (default: ${DEFAULT-VALUE}).")
  String inputs;

  @Option(names = "--lambda-b", paramLabel = "LIST", defaultValue = Flags.LAMBDA_B,
      description = "NTK bias learning rate λ_b: one value or one per layer (default: ${DEFAULT-VALUE}).")
  String lambdaB;

  @Option(names = "--lambda-w", paramLabel = "LIST", defaultValue = Flags.LAMBDA_W,
      description = "NTK weight learning rate λ_W (applied as λ_W/n_{ℓ-1}): one value or one per layer"
          + " (default: ${DEFAULT-VALUE}).")
  String lambdaW;

  @Option(names = "--gamma", paramLabel = "LIST",
      description = "Residual network (PDLT appendix B): z^{(ℓ+1)} = γ z^{(ℓ)} + ξ [b + W σ(z^{(ℓ)})]"
          + " from layer 2 on, with this γ: one value or one per layer 2..L (default: none, an MLP)."
          + " Needs equal widths from layer 1 on.")
  String gamma;

  @Option(names = "--xi", paramLabel = "LIST",
      description = "Residual network: the weight ξ of the dense branch, one value or one per layer"
          + " 2..L (default: 1 when --gamma is given).")
  String xi;

  /** The given values by flag name without dashes (absent ones left out). */
  Map<String, String> flags() {
    Map<String, String> f = new LinkedHashMap<>();
    f.put("act", act);
    f.put("cb", cb);
    f.put("cw", cw);
    f.put("width", width);
    f.put("depth", depth);
    f.put("n0", n0);
    f.put("out-width", outWidth);
    f.put("inputs", inputs);
    f.put("lambda-b", lambdaB);
    f.put("lambda-w", lambdaW);
    f.put("gamma", gamma);
    f.put("xi", xi);
    f.values().removeIf(v -> v == null);
    return f;
  }
}
