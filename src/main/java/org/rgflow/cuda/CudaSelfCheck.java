package org.rgflow.cuda;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.rgflow.act.Activation;
import org.rgflow.act.Activations;
import org.rgflow.core.LayerValues;
import org.rgflow.core.Obs;
import org.rgflow.core.Tensor;
import org.rgflow.ensemble.CpuEnsemble;
import org.rgflow.ensemble.EnsembleResult;
import org.rgflow.ensemble.EnsembleRun;
import org.rgflow.ensemble.NetworkSample;
import org.rgflow.ensemble.RunSettings;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;
import org.rgflow.stats.LayerData;
import org.rgflow.stats.StatSet;
import org.rgflow.spec.SpecException;

/**
 * The CUDA backend against the CPU reference, network by network and statistic by statistic, on
 * awkward shapes — the body of {@code CudaContractTest} (gpu tag) and a Maven-free main for a GPU
 * machine: {@code java -cp rgflow.jar org.rgflow.cuda.CudaSelfCheck} prints one PASS/FAIL line per
 * check with the largest errors, and exits 1 on any FAIL, 2 when no device is usable.
 *
 * <p>Tolerance policy (device float32, reference float64; docs/RANDOMNESS.md §6):
 * <ul>
 *   <li>{@value #Z_RTOL}: per-network pre-activations z^{(ℓ)} and NTK blocks Θ̂^{(ℓ)}, relative
 *       Frobenius error per layer (the contract's bound for depth ≤ 32 at criticality; float rounding of
 *       the Gaussians alone is ~1e-6);
 *   <li>statistic vectors (power-sum path): |Δ| ≤ {@value #STAT_RTOL}·|ref| + {@value #STAT_RTOL}·max|layer|
 *       (second term: entries that cancel, e.g. off-diagonal Θ̂ sums);
 *   <li>ensemble observables: |Δ| ≤ {@value #STAT_RTOL}·|ref| + {@value #SE_FRACTION}·SE + 1e-12 —
 *       a backend difference must be invisible next to the sampling noise.
 * </ul>
 * A wrong weight, counter or index changes values at O(1), far beyond all three.
 */
public final class CudaSelfCheck {
  public static final double Z_RTOL = 1e-4;
  public static final double STAT_RTOL = 1e-4;
  public static final double SE_FRACTION = 0.05;

  /** One check's outcome. */
  public record Outcome(String name, boolean pass, double maxError, long compared, String detail) {
    public String line() {
      return String.format("%s %-58s max err %.2e over %d values%s", pass ? "PASS" : "FAIL", name,
          maxError, compared, detail.isEmpty() ? "" : "  " + detail);
    }
  }

  private final CudaEnsemble cuda;
  /** The exact sampler on the device (kernels/exact_forward.cu, exact_gram.cu). */
  private final CudaExactEnsemble exact = new CudaExactEnsemble(5);
  /** The last whole-ensemble run (for the summary line: where the kernels came from). */
  private EnsembleResult last;
  private final List<Outcome> outcomes = new ArrayList<>();

  public CudaSelfCheck(CudaEnsemble cuda) {
    this.cuda = cuda;
  }

  public List<Outcome> outcomes() {
    return outcomes;
  }

  static Inputs inputs(int nd, int n0, long seed) {
    Random r = new Random(seed);
    double[][] x = new double[nd][n0];
    for (double[] row : x) {
      for (int j = 0; j < n0; j++) {
        row[j] = r.nextGaussian();
      }
    }
    return new Inputs(x);
  }

  static NetworkSpec spec(int n0, int n, int depth, String act, double cb, double cw) {
    return NetworkSpec.uniform(n0, n, depth, Activations.parse(act), cb, cw, 1.0, 1.0);
  }

  /** The network with layers 2..L residual (layer/Residual) with these γ and ξ. */
  static NetworkSpec residual(NetworkSpec dense, double[] gamma, double[] xi) {
    return new NetworkSpec(dense.n0(), dense.activation(),
        org.rgflow.layer.Residual.network(dense.layers(), gamma, xi));
  }

  static double relFrobenius(double[][] ref, double[][] got) {
    double num = 0;
    double den = 0;
    for (int a = 0; a < ref.length; a++) {
      for (int i = 0; i < ref[a].length; i++) {
        double d = got[a][i] - ref[a][i];
        num += d * d;
        den += ref[a][i] * ref[a][i];
      }
    }
    return den == 0 ? Math.sqrt(num) : Math.sqrt(num / den);
  }

  /** Network-by-network: z and Θ̂ of networks first..first+count−1. */
  public Outcome networks(String name, NetworkSpec spec, Inputs in, long seed, long first, int count,
      int ntkNeurons) {
    List<NetworkSample> dev = cuda.networks(spec, in, seed, first, count, ntkNeurons);
    double worst = 0;
    long compared = 0;
    String where = "";
    for (int g = 0; g < count; g++) {
      NetworkSample ref = CpuEnsemble.network(spec, in, seed, first + g, ntkNeurons);
      NetworkSample got = dev.get(g);
      if (got.network() != first + g) {
        return record(new Outcome(name, false, Double.NaN, compared, "network index " + got.network()
            + " where " + (first + g) + " was expected"));
      }
      for (int l = 1; l <= spec.depth(); l++) {
        double ez = relFrobenius(ref.z()[l - 1], got.z()[l - 1]);
        compared += (long) in.count() * spec.width(l);
        if (!(ez <= worst)) {
          worst = ez;
          where = "z: network " + (first + g) + " layer " + l;
        }
        if (ntkNeurons > 0) {
          double et = relFrobenius(ref.theta()[l - 1], got.theta()[l - 1]);
          compared += (long) ref.theta()[l - 1].length * ref.theta()[l - 1].length;
          if (!(et <= worst)) {
            worst = et;
            where = "theta: network " + (first + g) + " layer " + l;
          }
        }
      }
    }
    return record(new Outcome(name, worst <= Z_RTOL, worst, compared, "(worst " + where + ")"));
  }

  /**
   * Network by network: the dNTK statistics of rg_dntk against {@link CpuEnsemble#dntk}, error per
   * entry / (|value| + the layer's largest |value|); entries non-finite on the CPU (width 1: no pair
   * i ≠ k) must be non-finite on the device too.
   */
  public Outcome dntk(String name, NetworkSpec spec, Inputs in, long seed, long first, int count,
      int neurons) {
    double[][][] dev = cuda.dntk(spec, in, seed, first, count, neurons);
    double worst = 0;
    long compared = 0;
    String where = "";
    for (int g = 0; g < count; g++) {
      double[][] ref = CpuEnsemble.dntk(spec, in, seed, first + g, neurons);
      for (int l = 0; l < ref.length; l++) {
        double scale = 0;
        for (double v : ref[l]) {
          scale = Double.isFinite(v) ? Math.max(scale, Math.abs(v)) : scale;
        }
        for (int f = 0; f < ref[l].length; f++) {
          double a = ref[l][f];
          double b = dev[g][l][f];
          compared++;
          double err;
          if (!Double.isFinite(a) || !Double.isFinite(b)) {
            err = Double.isFinite(a) == Double.isFinite(b) ? 0 : Double.POSITIVE_INFINITY;
          } else {
            err = Math.abs(a - b) / (Math.abs(a) + scale + Double.MIN_NORMAL);
          }
          if (!(err <= worst)) {
            worst = err;
            where = "network " + (first + g) + " layer " + (l + 1) + " entry " + f + ": cpu " + a
                + " cuda " + b;
          }
        }
      }
    }
    return record(new Outcome(name, worst <= STAT_RTOL, worst, compared, "(worst " + where + ")"));
  }

  /** The dNTK ensemble (P, Q and the kernel block, values and error bars) vs CpuEnsemble.run. */
  public Outcome dntkEnsemble(String name, NetworkSpec spec, Inputs in, RunSettings settings) {
    StatSet st = StatSet.of(in.count(), List.of(org.rgflow.stats.KernelBlock.INSTANCE,
        org.rgflow.stats.DntkBlock.INSTANCE));
    EnsembleRun run = new EnsembleRun(spec, in, settings, st);
    EnsembleResult ref = new CpuEnsemble().run(run, null);
    EnsembleResult got = cuda.run(run, null);
    last = got;
    return record(compareResults(name, ref, got));
  }

  /** Per-network statistic vectors from the device's power sums vs StatSet.compute on the CPU. */
  public Outcome vectors(String name, NetworkSpec spec, Inputs in, long seed, long first, int count,
      int ntkNeurons) {
    double[][][] dev = cuda.statisticVectors(spec, in, seed, first, count, ntkNeurons);
    StatSet st = CudaEnsemble.statSet(in.count(), ntkNeurons > 0);
    LayerData data = new LayerData(in.count());
    double worst = 0;
    long compared = 0;
    String where = "";
    for (int g = 0; g < count; g++) {
      NetworkSample ref = CpuEnsemble.network(spec, in, seed, first + g, ntkNeurons);
      for (int l = 1; l <= spec.depth(); l++) {
        double[] x = new double[st.dim()];
        st.compute(data.fromZ(ref.z()[l - 1], spec.width(l), ntkNeurons > 0 ? ref.theta()[l - 1]
            : null, ref.measured()[l - 1], st.needs()), x);
        double scale = 0;
        for (double v : x) {
          if (Double.isFinite(v)) {
            scale = Math.max(scale, Math.abs(v));
          }
        }
        for (int k = 0; k < x.length; k++) {
          double got = dev[g][l - 1][k];
          compared++;
          if (Double.isNaN(x[k]) && Double.isNaN(got)) {
            continue;
          }
          double err = Math.abs(got - x[k]) / (Math.abs(x[k]) + scale + Double.MIN_NORMAL);
          if (!(err <= worst)) {
            worst = err;
            where = "network " + (first + g) + " layer " + l + " entry " + k + ": cpu " + x[k]
                + " cuda " + got;
          }
        }
      }
    }
    return record(new Outcome(name, worst <= STAT_RTOL, worst, compared, "(worst " + where + ")"));
  }

  /**
   * The exact sampler, network by network: z and Θ̂ of CudaExactEnsemble against the CPU's exact
   * sampler (ExactEnsemble.network: the same streams), per layer ≤ {@value #Z_RTOL} relative Frobenius.
   */
  public Outcome exactNetworks(String name, NetworkSpec spec, Inputs in, long seed, long first,
      int count, int ntkNeurons) {
    List<NetworkSample> dev = exact.networks(spec, in, seed, first, count, ntkNeurons);
    double worst = 0;
    long compared = 0;
    String where = "";
    for (int g = 0; g < count; g++) {
      NetworkSample ref = org.rgflow.exact.ExactEnsemble.network(spec, in, seed, first + g, ntkNeurons);
      NetworkSample got = dev.get(g);
      for (int l = 1; l <= spec.depth(); l++) {
        double ez = relFrobenius(ref.z()[l - 1], got.z()[l - 1]);
        compared += (long) in.count() * spec.width(l);
        if (!(ez <= worst)) {
          worst = ez;
          where = "z: network " + (first + g) + " layer " + l;
        }
        if (ntkNeurons > 0) {
          double et = relFrobenius(ref.theta()[l - 1], got.theta()[l - 1]);
          compared += (long) ref.theta()[l - 1].length * ref.theta()[l - 1].length;
          if (!(et <= worst)) {
            worst = et;
            where = "theta: network " + (first + g) + " layer " + l;
          }
        }
      }
    }
    return record(new Outcome(name, worst <= Z_RTOL, worst, compared, "(worst " + where + ")"));
  }

  /** The exact sampler's whole-ensemble observables on the device vs the CPU's exact sampler. */
  public Outcome exactEnsemble(String name, NetworkSpec spec, Inputs in, RunSettings settings) {
    EnsembleRun run = EnsembleRun.standard(spec, in, settings);
    EnsembleResult ref = new org.rgflow.exact.ExactEnsemble().run(run, null);
    EnsembleResult got = new CudaExactEnsemble().run(run, null);
    return record(compareResults(name, ref, got));
  }

  /** Whole-ensemble observables (value and error bar) vs CpuEnsemble.run. */
  public Outcome ensemble(String name, NetworkSpec spec, Inputs in, RunSettings settings) {
    EnsembleRun run = new EnsembleRun(spec, in, settings, CudaEnsemble.statSet(in.count(), settings.ntk()));
    EnsembleResult ref = new CpuEnsemble().run(run, null);
    EnsembleResult got = cuda.run(run, null);
    last = got;
    return record(compareResults(name, ref, got));
  }

  /** Compares every observable of every layer (value, and error bar where present). */
  public static Outcome compareResults(String name, EnsembleResult ref, EnsembleResult got) {
    double worst = 0;
    long compared = 0;
    String where = "";
    boolean pass = ref.layers().size() == got.layers().size() && ref.networks() == got.networks();
    for (int li = 0; li < ref.layers().size() && pass; li++) {
      LayerValues r = ref.layers().get(li);
      LayerValues c = got.layers().get(li);
      for (Map.Entry<Obs, Tensor> en : r.value().entrySet()) {
        Tensor rv = en.getValue();
        Tensor cv = c.value().get(en.getKey());
        Tensor se = r.err().get(en.getKey());
        if (cv == null) {
          pass = false;
          where = "missing " + en.getKey() + " at layer " + r.layer();
          break;
        }
        for (int f = 0; f < rv.size(); f++) {
          double a = rv.getFlat(f);
          double b = cv.getFlat(f);
          compared++;
          if (Double.isNaN(a) && Double.isNaN(b)) {
            continue;
          }
          double s = se == null || !Double.isFinite(se.getFlat(f)) ? 0 : se.getFlat(f);
          double tol = STAT_RTOL * Math.abs(a) + SE_FRACTION * s + 1e-12;
          double err = Math.abs(a - b) / tol;
          if (!(err <= worst)) {
            worst = err;
            where = en.getKey() + " layer " + r.layer() + " [" + f + "]: cpu " + a + " cuda " + b
                + " se " + s;
          }
        }
      }
    }
    return new Outcome(name, pass && worst <= 1, worst, compared,
        "(error / tolerance; worst " + where + ")");
  }

  /** Results must not depend on the launch size (bit for bit). */
  public Outcome invariance(String name, NetworkSpec spec, Inputs in, RunSettings settings,
      int launchA, int launchB) {
    EnsembleResult a = new CudaEnsemble(launchA, 16).run(spec, in, settings, null);
    EnsembleResult b = new CudaEnsemble(launchB, 8).run(spec, in, settings, null);
    long compared = 0;
    double worst = 0;
    for (int li = 0; li < a.layers().size(); li++) {
      for (Map.Entry<Obs, Tensor> en : a.layers().get(li).value().entrySet()) {
        Tensor tb = b.layers().get(li).value().get(en.getKey());
        for (int f = 0; f < en.getValue().size(); f++) {
          double x = en.getValue().getFlat(f);
          double y = tb.getFlat(f);
          compared++;
          if (!(Double.compare(x, y) == 0)) {
            worst = Math.max(worst, Math.abs(x - y));
            if (Double.isNaN(worst)) {
              worst = Double.POSITIVE_INFINITY;
            }
          }
        }
      }
    }
    return record(new Outcome(name, worst == 0, worst, compared, "launch sizes " + launchA + " vs "
        + launchB + ", NTK tiles 16 vs 8"));
  }

  /** A case that must be refused with a clear message. */
  public Outcome refuses(String name, Runnable r, String mustContain) {
    try {
      r.run();
      return record(new Outcome(name, false, Double.NaN, 0, "was accepted"));
    } catch (SpecException | UnsupportedOperationException ex) {
      boolean ok = String.valueOf(ex.getMessage()).contains(mustContain);
      return record(new Outcome(name, ok, 0, 1, "(" + ex.getMessage() + ")"));
    }
  }

  private Outcome record(Outcome o) {
    outcomes.add(o);
    return o;
  }

  /** The standard battery (about a minute on an H100 plus the CPU reference's time, 2 cores). */
  public void runAll(boolean quick) {
    long seed = 0x0123456789abcdefL;
    // Network by network: awkward widths (1, 3, 13: not multiples of 4, 32 or 256; 1000), N_D 1, 2, 7.
    networks("networks w=1 L=3 relu ND=1 m=1 e=0..7", spec(1, 1, 3, "relu", 0.0, 2.0),
        inputs(1, 1, 1), seed, 0, 8, 1);
    networks("networks w=3 L=4 tanh ND=2 m=2 e=0..4", spec(3, 3, 4, "tanh", 0.1, 1.0),
        inputs(2, 3, 2), seed, 0, 5, 2);
    networks("networks w=13 L=3 gelu ND=3 m=4 e=2^32-3..2^32-1", spec(5, 13, 3, "gelu", 0.2, 1.5),
        inputs(3, 5, 3), seed, (1L << 32) - 3, 3, 4);
    networks("networks w=1000 L=3 relu ND=2 m=4 e=5..7", spec(20, 1000, 3, "relu", 0.0, 2.0),
        inputs(2, 20, 4), seed, 5, 3, 4);
    networks("networks w=13 L=2 tanh ND=7 m=2 (kernel only)", spec(6, 13, 2, "tanh", 0.0, 1.0),
        inputs(7, 6, 5), seed, 0, 3, 2);
    networks("networks w=64 L=8 erf ND=1 forward only", spec(16, 64, 8, "erf", 0.0, 1.0),
        inputs(1, 16, 6), seed, 0, 4, 0);
    for (String act : List.of("linear", "leaky_relu(0.1)", "sin", "sigmoid", "softplus", "swish",
        "monomial(2)")) {
      networks("networks w=17 L=3 " + act + " ND=2 m=3", spec(4, 17, 3, act, 0.1, 1.0), inputs(2, 4, 7),
          seed, 11, 2, 3);
    }
    // Residual networks (layer/Residual): per-layer γ (0 and negative among them), ξ ≠ 1.
    networks("networks residual w=13 L=4 relu gamma=0.5,0,-0.8 xi=1,0.6,1.3 ND=2 m=3",
        residual(spec(5, 13, 4, "relu", 0.1, 1.5), new double[] {0.5, 0.0, -0.8},
            new double[] {1.0, 0.6, 1.3}), inputs(2, 5, 18), seed, 3, 4, 3);
    ensemble("ensemble residual E=1003 w=16 L=4 tanh gamma=0.9 ND=2 ntk m=3",
        residual(spec(6, 16, 4, "tanh", 0.0, 0.19), new double[] {0.9}, new double[] {1.0}),
        inputs(2, 6, 19), new RunSettings(1003, seed, 2, 16, true, 3));
    // The dNTK (rg_dntk): awkward widths, N_D 1 and 2, smooth activations and relu (σ″ = 0).
    dntk("dntk w=1 L=3 tanh ND=1 m=2 (non-finite entries)", spec(1, 1, 3, "tanh", 0.1, 1.5),
        inputs(1, 1, 20), seed, 0, 3, 2);
    dntk("dntk w=13 L=3 tanh ND=2 m=5", spec(5, 13, 3, "tanh", 0.1, 1.2), inputs(2, 5, 21), seed, 998,
        4, 5);
    dntk("dntk w=13 L=3 gelu ND=2 m=4", spec(5, 13, 3, "gelu", 0.1, 1.8), inputs(2, 5, 22), seed, 0,
        4, 4);
    dntk("dntk w=3 L=4 relu ND=1 m=3", spec(3, 3, 4, "relu", 0.2, 2.0), inputs(1, 3, 23), seed, 0, 4,
        3);
    dntk("dntk w=257 L=3 swish ND=2 m=4", spec(8, 257, 3, "swish", 0.05, 1.9), inputs(2, 8, 24), seed,
        0, 2, 4);
    dntkEnsemble("dntk ensemble E=203 w=16 L=3 tanh ND=2 m=4", spec(6, 16, 3, "tanh", 0.2, 1.5),
        inputs(2, 6, 25), new RunSettings(203, seed, 2, 16, true, 4));
    // Statistic vectors through the device's power sums.
    vectors("vectors w=1 L=2 relu ND=1 m=1 (NaN entries)", spec(2, 1, 2, "relu", 0.0, 2.0),
        inputs(1, 2, 8), seed, 0, 4, 1);
    vectors("vectors w=3 L=3 tanh ND=2 m=3", spec(3, 3, 3, "tanh", 0.0, 1.0), inputs(2, 3, 9), seed,
        0, 4, 3);
    vectors("vectors w=1000 L=2 relu ND=3 m=4", spec(10, 1000, 2, "relu", 0.0, 2.0), inputs(3, 10, 10),
        seed, 0, 2, 4);
    // Whole ensembles: E = 1, 1003, 1 000 003.
    ensemble("ensemble E=1 w=5 L=3 tanh ND=2 ntk m=2", spec(4, 5, 3, "tanh", 0.0, 1.0),
        inputs(2, 4, 11), new RunSettings(1, seed, 2, 16, true, 2));
    ensemble("ensemble E=1003 w=32 L=4 relu ND=2 ntk m=4", spec(8, 32, 4, "relu", 0.0, 2.0),
        inputs(2, 8, 12), new RunSettings(1003, seed, 2, 16, true, 4));
    ensemble("ensemble E=1003 w=7 L=3 tanh ND=1 forward", spec(3, 7, 3, "tanh", 0.0, 1.0),
        inputs(1, 3, 13), new RunSettings(1003, seed, 2, 16, false, 1));
    if (!quick) {
      ensemble("ensemble E=1000003 w=3 L=2 relu ND=1 forward", spec(2, 3, 2, "relu", 0.0, 2.0),
          inputs(1, 2, 14), new RunSettings(1_000_003, seed, 2, 4096, false, 1));
    }
    invariance("invariance launch 7 vs auto, E=1003 w=9 L=3 ntk", spec(4, 9, 3, "tanh", 0.0, 1.0),
        inputs(2, 4, 15), new RunSettings(1003, seed, 2, 16, true, 3), 7, 0);
    // The exact sampler (CudaExactEnsemble; its kernels pass the host harness, never run on a GPU
    // when these checks were written): forward on awkward shapes, the Gram-sweep NTK where the CPU
    // takes the per-target layout, and whole ensembles.
    exactNetworks("exact networks w=3 L=3 relu ND=8 forward e=7..11", spec(3, 3, 3, "relu", 0.1,
        2.0), inputs(8, 3, 26), seed, 7, 5, 0);
    exactNetworks("exact networks w=1000 L=2 relu ND=1 m=6", spec(5, 1000, 2, "relu", 0.05, 1.9),
        inputs(1, 5, 27), seed, 7, 5, 6);
    exactNetworks("exact networks w=17 L=3 leaky_relu(0.1) ND=3 m=2", spec(3, 17, 3,
        "leaky_relu(0.1)", 0.1, 1.8), inputs(3, 3, 28), seed, 2, 4, 2);
    exactNetworks("exact networks w=40 L=3 tanh ND=8 forward", spec(6, 40, 3, "tanh", 0.1, 1.5),
        inputs(8, 6, 29), seed, 0, 3, 0);
    exactEnsemble("exact ensemble E=1003 w=64 L=2 relu ND=2 ntk m=4", spec(8, 64, 2, "relu", 0.0,
        2.0), inputs(2, 8, 30), new RunSettings(1003, seed, 2, 16, true, 4));
    exactEnsemble("exact ensemble E=2001 w=13 L=3 tanh ND=2 forward", spec(4, 13, 3, "tanh", 0.1,
        1.2), inputs(2, 4, 31), new RunSettings(2001, seed, 2, 16, false, 0));
    Activation relu = Activations.relu();
    refuses("N_D=64 refused (needs the GEMM path)", () -> cuda.networks(NetworkSpec.uniform(4, 8, 2,
        relu, 0, 2, 1, 1), inputs(64, 4, 16), seed, 0, 1, 0), "GEMM path");
    refuses("N_D=7 ensemble refused (statistics limit, as cpu)", () -> cuda.run(NetworkSpec.uniform(4,
        8, 2, relu, 0, 2, 1, 1), inputs(7, 4, 17), new RunSettings(3, seed, 1, 1, false, 1), null),
        "at most 6 inputs");
  }

  /** {@code java -cp rgflow.jar org.rgflow.cuda.CudaSelfCheck [--quick]}. */
  public static void main(String[] args) {
    CudaProbe p = CudaEnsemble.probe();
    System.out.println(p.line());
    if (!p.available()) {
      System.out.println("SKIP: no usable CUDA device");
      System.exit(2);
    }
    boolean quick = args.length > 0 && args[0].equals("--quick");
    CudaSelfCheck c = new CudaSelfCheck(new CudaEnsemble());
    long t0 = System.nanoTime();
    try {
      c.runAll(quick);
    } catch (RuntimeException ex) {
      for (Outcome o : c.outcomes()) {
        System.out.println(o.line());
      }
      System.out.println("FAIL: exception after " + c.outcomes().size() + " checks");
      ex.printStackTrace(System.out);
      System.exit(1);
    }
    int fails = 0;
    for (Outcome o : c.outcomes()) {
      System.out.println(o.line());
      fails += o.pass() ? 0 : 1;
    }
    CudaEnsemble.Timing t = c.last == null ? null : CudaEnsemble.Timing.of(c.last);
    System.out.printf("%s: %d checks, %d failed, %.1f s (kernels loaded from %s on %s)%n",
        fails == 0 ? "PASS" : "FAIL", c.outcomes().size(), fails, (System.nanoTime() - t0) * 1e-9,
        t == null ? "?" : t.loadedFrom(), t == null ? "?" : t.device());
    System.exit(fails == 0 ? 0 : 1);
  }
}
