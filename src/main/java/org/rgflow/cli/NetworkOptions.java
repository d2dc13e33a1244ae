package org.rgflow.cli;

import org.rgflow.act.Activation;
import org.rgflow.io.InputsParser;
import org.rgflow.spec.NetworkSpec;
import picocli.CommandLine.Option;

/**
 * The network and its inputs, named after the book (PDLT §2). Values are taken as text and parsed by
 * {@link #build}, so every error names its flag. Lists are comma-separated: one value for every
 * layer, or one per layer.
 */
final class NetworkOptions {
  static final int DEFAULT_N0 = 8;

  @Option(names = "--act", paramLabel = "NAME", defaultValue = "relu",
      description = "Activation σ, e.g. relu, tanh, leaky_relu(0.1) (default: ${DEFAULT-VALUE}).")
  String act;

  @Option(names = "--cb", paramLabel = "LIST", defaultValue = "0",
      description = "Bias variance C_b: one value or one per layer (default: ${DEFAULT-VALUE}).")
  String cb;

  @Option(names = "--cw", paramLabel = "LIST", defaultValue = "2",
      description = "Weight variance C_W (weights ~ N(0, C_W/n_{ℓ-1})): one value or one per layer"
          + " (default: ${DEFAULT-VALUE}, critical for relu).")
  String cw;

  @Option(names = "--width", paramLabel = "LIST", defaultValue = "256",
      description = "Hidden width n: one value or one per hidden layer (default: ${DEFAULT-VALUE}).")
  String width;

  @Option(names = "--depth", paramLabel = "L", defaultValue = "6",
      description = "Depth L, the number of layers (default: ${DEFAULT-VALUE}).")
  String depth;

  @Option(names = "--n0", paramLabel = "N",
      description = "Input dimension n₀ (default: " + DEFAULT_N0 + ", or the row length of an --inputs CSV).")
  String n0;

  @Option(names = "--out-width", paramLabel = "N",
      description = "Output width n_L (default: the last hidden width).")
  String outWidth;

  @Option(names = "--inputs", paramLabel = "SPEC|FILE", defaultValue = "norms=1",
      description = "Inputs: 'norms=q0,q1;angles=a01' ((1/n₀)|x_α|² = q_α², angles in radians, one per"
          + " pair or one for all) or a CSV file, one vector per line (default: ${DEFAULT-VALUE}).")
  String inputs;

  @Option(names = "--lambda-b", paramLabel = "LIST", defaultValue = "1",
      description = "NTK bias learning rate λ_b: one value or one per layer (default: ${DEFAULT-VALUE}).")
  String lambdaB;

  @Option(names = "--lambda-w", paramLabel = "LIST", defaultValue = "1",
      description = "NTK weight learning rate λ_W (applied as λ_W/n_{ℓ-1}): one value or one per layer"
          + " (default: ${DEFAULT-VALUE}).")
  String lambdaW;

  /** A checked network and its inputs. */
  record Setup(NetworkSpec spec, InputsParser.Parsed inputs) {}

  /**
   * Parses and checks every value: sizes first, then variances, inputs, and the activation last.
   *
   * @throws org.rgflow.spec.SpecException naming the offending flag
   */
  Setup build(Engines engines) {
    int l = Numbers.positiveInt("--depth", depth);
    int[] hidden = Numbers.positiveInts("--width", width);
    if (hidden.length != 1 && hidden.length != l - 1 && hidden.length != l) {
      throw new org.rgflow.spec.SpecException("--width", "needs one value or one per hidden layer ("
          + (l - 1) + "), got " + hidden.length);
    }
    int out = outWidth != null ? Numbers.positiveInt("--out-width", outWidth)
        : hidden.length == l ? hidden[l - 1] : hidden[hidden.length - 1];
    int[] widths = NetworkSpec.widths(hidden, l, out);
    Integer n0v = n0 == null ? null : Numbers.positiveInt("--n0", n0);
    double[] cbs = NetworkSpec.perLayer("--cb", Numbers.nonNegativeDoubles("--cb", cb), l);
    double[] cws = NetworkSpec.perLayer("--cw", Numbers.nonNegativeDoubles("--cw", cw), l);
    double[] lbs = NetworkSpec.perLayer("--lambda-b", Numbers.nonNegativeDoubles("--lambda-b", lambdaB), l);
    double[] lws = NetworkSpec.perLayer("--lambda-w", Numbers.nonNegativeDoubles("--lambda-w", lambdaW), l);
    InputsParser.Parsed in = InputsParser.parse(inputs, n0v, DEFAULT_N0);
    Activation a = engines.activation(act);
    NetworkSpec spec = new NetworkSpec(in.inputs().dim(), widths, a, cbs, cws, lbs, lws);
    return new Setup(spec, in);
  }
}
