package org.rgflow.ensemble;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.rgflow.act.Activations;
import org.rgflow.core.LayerValues;
import org.rgflow.core.Obs;
import org.rgflow.cuda.CudaEnsemble;
import org.rgflow.exact.ExactEnsemble;
import org.rgflow.opencl.ClEnsemble;
import org.rgflow.opencl.ClProbe;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;
import org.rgflow.stats.LayerData;
import org.rgflow.stats.StatBlock;
import org.rgflow.stats.StatSet;

/**
 * One contract for every source ({@link NetworkSource}), on deliberately awkward shapes: widths 1
 * and 2 with dead relu layers (C_b = 0, so a layer's z is exactly 0 and σ′(0) matters), E = 1, E
 * not a multiple of any chunk or launch size, N_D = 1, 2 and 7, unequal widths, with and without
 * the NTK.
 *
 * <ul>
 *   <li>Network by network: each source's per-network statistic vectors (what it emits, through
 *       {@link StatSet#compute}) against the CPU reference's ({@link CpuEnsemble#network}), within
 *       the source's stated tolerance, relative to |value| plus the layer's largest |value|
 *       (cancellation near zero): fp64 sources 1e-9 (they agree to ≈ 1e-13: other summation orders),
 *       CUDA's float32 1e-4.
 *   <li>Batching: the whole ensemble through the {@link EnsembleDriver} with two different thread
 *       counts, chunks or launch sizes must be bit-identical.
 * </ul>
 * A source that cannot run here is skipped with the reason — never counted as passed; the exact
 * sampler draws other random variables (the same law only), so its network-by-network check is
 * skipped with that reason and its law is checked statistically (ExactVsDirectTest). With
 * {@code RGFLOW_REQUIRE_OPENCL=1} (CI) a missing OpenCL device fails instead.
 * Run: {@code mvn -q test -Dtest=SourceContractTest} (about 5 s).
 */
class SourceContractTest {

  record Shape(String label, NetworkSpec spec, Inputs inputs, long ensemble, int ntkNeurons) {
    @Override
    public String toString() {
      return label;
    }
  }

  /**
   * @param label e.g. "opencl (POCL)"
   * @param one the factory in one configuration, {@code other} in another that may change only speed
   * @param rtol network-by-network tolerance (see the class comment)
   * @param unavailable why it cannot run here, or null
   * @param sameNetworks whether network e is the reference's network e (direct samplers)
   */
  record Source(String label, Supplier<SourceFactory> one, Supplier<SourceFactory> other, double rtol,
      String unavailable, boolean sameNetworks) {
    @Override
    public String toString() {
      return label;
    }
  }

  private static NetworkSpec spec(String act, double cb, double cw, int... widths) {
    int l = widths.length;
    return new NetworkSpec(3, widths, Activations.parse(act), NetworkSpec.perLayer("--cb",
        new double[] {cb}, l), NetworkSpec.perLayer("--cw", new double[] {cw}, l),
        NetworkSpec.perLayer("--lambda-b", new double[] {1}, l),
        NetworkSpec.perLayer("--lambda-w", new double[] {1}, l));
  }

  private static Inputs inputs(int nd) {
    double[][] x = new double[nd][3];
    for (int a = 0; a < nd; a++) {
      x[a][0] = 1 + 0.1 * a;
      x[a][1] = Math.sin(0.7 * a + 0.3);
      x[a][2] = Math.cos(1.3 * a) - 0.4;
    }
    return new Inputs(x);
  }

  static List<Shape> shapes() {
    return List.of(
        new Shape("width 1, dead relu, N_D=1, E=23", spec("relu", 0, 2, 1, 1, 1), inputs(1), 23, 1),
        new Shape("width 2, dead relu, N_D=2, E=19", spec("relu", 0, 2, 2, 2, 2), inputs(2), 19, 2),
        new Shape("E=1, N_D=7, widths 5,3,7 tanh", spec("tanh", 0.1, 1.5, 5, 3, 7), inputs(7), 1, 2),
        new Shape("E=70, N_D=1, widths 12,8,3 gelu", spec("gelu", 0.05, 1.8, 12, 8, 3), inputs(1), 70, 3),
        new Shape("E=130, N_D=2, no NTK, widths 4,9 leaky", spec("leaky_relu(0.2)", 0.2, 2, 4, 9),
            inputs(2), 130, 0));
  }

  static List<Source> sources() {
    ClProbe cl = ClEnsemble.probe();
    String noCl = cl.available() ? null : "no OpenCL device: " + cl.reason();
    if (noCl != null && "1".equals(System.getenv("RGFLOW_REQUIRE_OPENCL"))) {
      fail("RGFLOW_REQUIRE_OPENCL=1 but " + noCl);
    }
    String noCuda = CudaEnsemble.probe().available() ? null : "no CUDA device: "
        + CudaEnsemble.probe().reason();
    return List.of(
        new Source("cpu direct", CpuEnsemble::new, CpuEnsemble::new, 0, null, true),
        new Source("opencl", () -> new ClEnsemble(4, false), () -> new ClEnsemble(7, false), 1e-9, noCl,
            true),
        new Source("opencl on Aparapi's thread pool", () -> new ClEnsemble(3, true),
            () -> new ClEnsemble(64, true), 1e-9, null, true),
        new Source("cuda", () -> new CudaEnsemble(5, 8), () -> new CudaEnsemble(64, 16), 1e-4, noCuda,
            true),
        new Source("exact", ExactEnsemble::new, ExactEnsemble::new, 0, null, false));
  }

  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    for (Source s : sources()) {
      for (Shape sh : shapes()) {
        out.add(Arguments.of(s, sh));
      }
    }
    return out.stream();
  }

  /** The standard blocks this source can measure. */
  private static StatSet blocks(SourceFactory f, Shape sh) {
    StatSet s = StatSet.standard(sh.inputs().count(), sh.ntkNeurons() > 0);
    for (StatBlock b : s.blocks()) {
      if (f.unsupported(b) != null) {
        s = s.without(b);
      }
    }
    return s;
  }

  private static RunSettings settings(Shape sh, int threads, int chunk) {
    return new RunSettings(sh.ensemble(), 20261207L, threads, chunk, sh.ntkNeurons() > 0,
        Math.max(1, sh.ntkNeurons()));
  }

  /** Skips (never passes) where the source cannot run here or refuses the shape, saying why. */
  private static void assume(Source s, Shape sh) {
    if (s.unavailable() != null) {
      Assumptions.abort(s.label() + " unsupported here: " + s.unavailable());
    }
    String refused = s.one().get().unsupported(sh.spec());
    if (refused != null) {
      Assumptions.abort(s.label() + " does not take " + sh.label() + ": " + refused);
    }
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("cases")
  void networksAgreeWithTheReference(Source s, Shape sh) {
    assume(s, sh);
    if (!s.sameNetworks()) {
      Assumptions.abort(s.label() + " draws other random variables than the reference (the same law"
          + " only): network by network does not apply; its law: ExactVsDirectTest");
    }
    SourceFactory f = s.one().get();
    StatSet stats = blocks(f, sh);
    RunSettings rs = settings(sh, 1, 1);
    EnsembleRun run = new EnsembleRun(sh.spec(), sh.inputs(), rs, stats);
    int depth = sh.spec().depth();
    double[][][] got = new double[(int) sh.ensemble()][depth][stats.dim()];
    boolean[][] seen = new boolean[(int) sh.ensemble()][depth];
    try (NetworkSource src = f.open(run)) {
      NetworkSource.Worker w = src.worker();
      for (long first = 0; first < sh.ensemble(); first += src.batch()) {
        int count = (int) Math.min(src.batch(), sh.ensemble() - first);
        w.emit(first, count, (e, layer, data) -> {
          stats.compute(data, got[(int) e][layer - 1]);
          seen[(int) e][layer - 1] = true;
        });
      }
    }
    LayerData ref = new LayerData(sh.inputs().count());
    double[] want = new double[stats.dim()];
    double worst = 0;
    int checked = 0;
    for (int e = 0; e < sh.ensemble(); e++) {
      NetworkSample n = CpuEnsemble.network(sh.spec(), sh.inputs(), rs.seed(), e, run.ntkNeurons());
      for (int l = 1; l <= depth; l++) {
        assertTrue(seen[e][l - 1], "network " + e + " layer " + l + " never emitted");
        stats.compute(ref.fromZ(n.z()[l - 1], sh.spec().width(l), run.ntkNeurons() > 0
            ? n.theta()[l - 1] : null, n.measured()[l - 1], stats.needs()), want);
        double scale = 0;
        for (double v : want) {
          if (Double.isFinite(v)) {
            scale = Math.max(scale, Math.abs(v));
          }
        }
        for (int k = 0; k < want.length; k++) {
          double g = got[e][l - 1][k];
          checked++;
          if (Double.isNaN(want[k]) && Double.isNaN(g)) {
            continue;
          }
          double err = Math.abs(g - want[k]) / (Math.abs(want[k]) + scale + Double.MIN_NORMAL);
          worst = Math.max(worst, err);
          if (!(err <= s.rtol())) {
            fail(s.label() + " " + sh.label() + ": network " + e + " layer " + l + " statistic " + k
                + ": reference " + want[k] + ", got " + g + " (relative " + err + " > " + s.rtol() + ")");
          }
        }
      }
    }
    assertEquals(sh.ensemble() * depth * stats.dim(), checked);
    System.out.printf("[source contract] %s, %s: %d statistics, worst relative difference %.2e%n",
        s.label(), sh.label(), checked, worst);
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("cases")
  void resultsDoNotDependOnBatching(Source s, Shape sh) {
    assume(s, sh);
    SourceFactory a = s.one().get();
    SourceFactory b = s.other().get();
    StatSet stats = blocks(a, sh);
    EnsembleResult ra = a.run(new EnsembleRun(sh.spec(), sh.inputs(), settings(sh, 1, 1), stats), null);
    EnsembleResult rb = b.run(new EnsembleRun(sh.spec(), sh.inputs(), settings(sh, 2, 7), stats), null);
    assertEquals(sh.ensemble(), ra.networks());
    assertEquals(a.device(), ra.backend());
    assertEquals(a.sampler(), ra.sampler());
    int compared = 0;
    for (int l = 0; l < sh.spec().depth(); l++) {
      LayerValues x = ra.layers().get(l);
      LayerValues y = rb.layers().get(l);
      assertEquals(x.value().keySet(), y.value().keySet());
      for (Obs o : x.value().keySet()) {
        assertArrayEquals(x.value().get(o).raw(), y.value().get(o).raw(), 0.0, o + " layer " + (l + 1));
        assertArrayEquals(x.err().get(o).raw(), y.err().get(o).raw(), 0.0, o + " error, layer " + (l + 1));
        compared += x.value().get(o).size();
      }
    }
    assertTrue(compared > 0);
  }
}
