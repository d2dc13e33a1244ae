package org.rgflow.app;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rgflow.act.Activation;
import org.rgflow.ensemble.RunSettings;
import org.rgflow.io.InputsParser;
import org.rgflow.spec.NetworkSpec;
import org.rgflow.spec.SpecException;

/**
 * The flags of {@code sample} and {@code theory} as text — from the command line or a sweep point,
 * keyed by their long names without dashes — parsed into typed options. Every error names its flag.
 * The defaults live here, once: the command line's help and the sweeps read them from
 * {@link #SAMPLE_DEFAULTS}.
 */
public final class Flags {
  public static final String ACT = "relu";
  public static final String CB = "0";
  public static final String CW = "2";
  public static final String WIDTH = "256";
  public static final String DEPTH = "6";
  public static final String INPUTS = "norms=1";
  public static final String LAMBDA_B = "1";
  public static final String LAMBDA_W = "1";
  public static final String ENSEMBLE = "4000";
  public static final String SEED = "0";
  public static final String BACKEND = "auto";
  public static final String SAMPLER = "auto";
  public static final String CHUNK = "16";
  public static final String NTK_NEURONS = "4";
  /** Input dimension n₀ when neither {@code n0} nor an inputs CSV gives one. */
  public static final int DEFAULT_N0 = 8;
  /** The most worker threads a run may ask for. */
  public static final int MAX_THREADS = 1024;

  /** The defaults of every {@code sample} flag that has one. */
  public static final Map<String, String> SAMPLE_DEFAULTS = defaults();

  private Flags() {}

  private static Map<String, String> defaults() {
    Map<String, String> d = new LinkedHashMap<>();
    d.put("act", ACT);
    d.put("cb", CB);
    d.put("cw", CW);
    d.put("width", WIDTH);
    d.put("depth", DEPTH);
    d.put("inputs", INPUTS);
    d.put("lambda-b", LAMBDA_B);
    d.put("lambda-w", LAMBDA_W);
    d.put("ensemble", ENSEMBLE);
    d.put("seed", SEED);
    d.put("backend", BACKEND);
    d.put("sampler", SAMPLER);
    d.put("chunk", CHUNK);
    d.put("ntk-neurons", NTK_NEURONS);
    return java.util.Collections.unmodifiableMap(d);
  }

  /** A checked network and its inputs. */
  public record Network(NetworkSpec spec, InputsParser.Parsed inputs) {}

  /**
   * The network from act, cb, cw, width, depth, n0, out-width, inputs, lambda-b, lambda-w: sizes
   * first, then variances, inputs, and the activation last. Absent flags take their defaults.
   *
   * @throws SpecException naming the offending flag
   */
  public static Network network(Map<String, String> flags, Engines engines) {
    Map<String, String> f = withDefaults(flags);
    int l = Numbers.positiveInt("--depth", f.get("depth"));
    Budget.depth("--depth", l, 1);
    int[] hidden = Numbers.positiveInts("--width", f.get("width"));
    if (hidden.length != 1 && hidden.length != l - 1 && hidden.length != l) {
      throw new SpecException("--width", "needs one value or one per hidden layer ("
          + (l - 1) + "), got " + hidden.length);
    }
    String outWidth = f.get("out-width");
    int out = outWidth != null ? Numbers.positiveInt("--out-width", outWidth)
        : hidden.length == l ? hidden[l - 1] : hidden[hidden.length - 1];
    int[] widths = NetworkSpec.widths(hidden, l, out);
    String n0 = f.get("n0");
    Integer n0v = n0 == null ? null : Numbers.positiveInt("--n0", n0);
    double[] cbs = perLayer("--cb", f.get("cb"), l);
    double[] cws = perLayer("--cw", f.get("cw"), l);
    double[] lbs = perLayer("--lambda-b", f.get("lambda-b"), l);
    double[] lws = perLayer("--lambda-w", f.get("lambda-w"), l);
    for (int i = 0; i < l; i++) {
      if (cws[i] == 0 && cbs[i] == 0) {
        throw new SpecException("--cw", "C_W = 0 and C_b = 0 at layer " + (i + 1) + " make every"
            + " pre-activation zero (the theory needs K > 0); give C_W > 0 or C_b > 0");
      }
    }
    InputsParser.Parsed in = InputsParser.parse(f.get("inputs"), n0v, DEFAULT_N0);
    Budget.depth("--depth", l, in.inputs().count());
    Activation a = engines.activation(f.get("act"));
    NetworkSpec spec = new NetworkSpec(in.inputs().dim(), widths, a, cbs, cws, lbs, lws);
    spec = ResidualFlags.apply(spec, f.get("gamma"), f.get("xi"));
    return new Network(spec, in);
  }

  /**
   * The options of a {@code sample} run: the network, then ensemble, seed, threads, chunk,
   * ntk-neurons, no-ntk, sampler, backend, observables.
   */
  /** {@code --threads}: the processors when null, else a positive integer up to {@link #MAX_THREADS}. */
  public static int threads(String threads) {
    int t = threads == null ? Runtime.getRuntime().availableProcessors()
        : Numbers.positiveInt("--threads", threads);
    if (t > MAX_THREADS) {
      throw new SpecException("--threads", "at most " + MAX_THREADS + ", got " + t + " (this machine"
          + " has " + Runtime.getRuntime().availableProcessors() + " processors; threads never change"
          + " results)");
    }
    return t;
  }

  public static SampleRun.Options sample(Map<String, String> flags, Engines engines) {
    Network net = network(flags, engines);
    Map<String, String> f = withDefaults(flags);
    long e = Numbers.positiveLong("--ensemble", f.get("ensemble"));
    long s = Numbers.parseLong("--seed", f.get("seed"));
    int t = threads(f.get("threads"));
    int c = Numbers.positiveInt("--chunk", f.get("chunk"));
    int m = Numbers.positiveInt("--ntk-neurons", f.get("ntk-neurons"));
    boolean ntk = !Boolean.parseBoolean(f.getOrDefault("no-ntk", "false"));
    NetworkSpec spec = net.spec();
    int narrowest = Integer.MAX_VALUE;
    for (int l = 1; l <= spec.depth(); l++) {
      narrowest = Math.min(narrowest, spec.width(l));
    }
    List<String> notes = new ArrayList<>();
    if (ntk && m > narrowest) {
      notes.add("--ntk-neurons " + m + " capped at the narrowest width " + narrowest);
      m = narrowest;
    }
    List<String> observables = new ArrayList<>();
    String obs = f.get("observables");
    if (obs != null && !obs.isBlank()) {
      for (String o : obs.split(",")) {
        observables.add(o.trim());
      }
    }
    return new SampleRun.Options(net, new RunSettings(e, s, t, c, ntk, m), f.get("sampler"),
        f.get("backend"), observables, notes);
  }

  private static double[] perLayer(String field, String value, int depth) {
    return NetworkSpec.perLayer(field, Numbers.nonNegativeDoubles(field, value), depth);
  }

  private static Map<String, String> withDefaults(Map<String, String> flags) {
    Map<String, String> f = new LinkedHashMap<>(SAMPLE_DEFAULTS);
    flags.forEach((k, v) -> {
      if (v != null) {
        f.put(k, v);
      }
    });
    return f;
  }
}
