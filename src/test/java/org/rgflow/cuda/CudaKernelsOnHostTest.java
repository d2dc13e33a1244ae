package org.rgflow.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.rgflow.act.Activation;
import org.rgflow.act.Activations;
import org.rgflow.ensemble.CpuEnsemble;
import org.rgflow.ensemble.NetworkSample;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;

/**
 * The CUDA kernels, unmodified, compiled for the CPU by the host harness (kernels/host/: g++, CUDA
 * threads as fibres with real barriers and warp shuffles) and launched with {@link CudaEnsemble}'s
 * buffers and argument lists, against the CPU reference ({@link CpuEnsemble#network}) network by
 * network: z^{(ℓ)}, Θ̂^{(ℓ)}, the first m pre-activations the NTK kernel copies out, and the
 * per-network power sums. Runs in the default suite; skipped (assumption) only where g++ is absent.
 *
 * <p>Tolerances (device float32, reference float64):
 * <ul>
 *   <li>z and Θ̂: relative Frobenius error per layer ≤ {@value #Z_RTOL} — the randomness contract's
 *       float32 bound for depth ≤ 32 at criticality (docs/RANDOMNESS.md §6: each Gaussian is within
 *       5e-6 + 2e-6|g| of the reference's; float accumulation over ≤ 1000 terms adds ~1e-6 per
 *       layer; the error grows like √depth). Seen: printed, ~1e-6. A wrong weight, counter, index or
 *       σ′ moves values at O(1).
 *   <li>power sums against sums of the reference's z: |Δ| ≤ d·{@value #Z_RTOL}·scale for a sum of
 *       degree d, scale its Cauchy–Schwarz bound (√(s_αα s_ββ) for s_αβ, √(t_pp t_qq) for t_pq, the
 *       value for Σ z⁶, √(n s_αα) for Σ z_α, √(s_αα t_αα,αα) for Σ z_α³): first-order propagation of
 *       z's error. And against the same sums of the kernel's own float z, in double: ≤ {@value #SUM_RTOL}·scale
 *       (only the order of the double additions differs), which checks the block reduction itself.
 *   <li>Exact (bit for bit): the production layout (z scratch shared by all layers, the stride the
 *       current host passes) gives the same sums, Θ̂ and z head as the per-layer layout; the NTK
 *       kernel's z head equals z.
 * </ul>
 * Every forward launch passes sumsPer = S + 2·N_D in the per-layer run (the odd sums Σ z_α and
 * Σ z_α³ for the three-point observables, appended) and S in the production run, whose first S
 * entries must not change.
 *
 * <p>Schedules: the per-layer run resumes the block's threads in forward order, the production run
 * with strict priority to the last thread (kernels/host/cuda_host.h), and the two must agree bit
 * for bit: a race that one order hides shows in the other.
 *
 * <p>Power: {@link #harnessHasPower} rebuilds the harness from mutated kernels — relu's σ′ back to
 * z &gt; 0, and each of two {@code __syncthreads()} of the forward kernel deleted — and asserts that
 * the same comparisons then fail. {@link #everyBarrierIsNeeded} (tagged slow) deletes every barrier
 * of both kernels in turn.
 *
 * <p>Residual networks (shapes "res-"): per-layer γ (0 and negative among them) and ξ ≠ 1, depth 32
 * included, with and without the NTK, under the same tolerances.
 *
 * <p>Run: {@code mvn test -Dtest=CudaKernelsOnHostTest} (g++ builds, cached in target/host-harness/).
 */
class CudaKernelsOnHostTest {
  static final double Z_RTOL = 1e-4;
  static final double SUM_RTOL = 1e-12;
  static final long SEED = 0x9E3779B97F4A7C15L;
  static final String SECOND_SCHEDULE = System.getProperty("sched", "reverse");

  static Path bin;
  static final Map<String, Double> worst = new HashMap<>();

  @BeforeAll
  static void buildHarness() {
    String why = HostHarness.unavailableReason();
    Assumptions.assumeTrue(why == null, () -> "host harness not built: " + why);
    long t0 = System.nanoTime();
    bin = HostHarness.build("kernels", src -> src);
    System.out.printf(Locale.ROOT, "[CudaKernelsOnHostTest] harness %s (%.1f s)%n", bin,
        (System.nanoTime() - t0) * 1e-9);
  }

  @AfterAll
  static void report() {
    System.out.println("[CudaKernelsOnHostTest] largest errors over all shapes: " + worst);
  }

  // ---------------------------------------------------------------- shapes

  record Shape(String label, NetworkSpec spec, Inputs inputs, long first, int count, int ntk, int vt) {
    @Override
    public String toString() {
      return label;
    }
  }

  static Inputs inputs(int n0, int nd) {
    double[][] x = new double[nd][n0];
    for (int a = 0; a < nd; a++) {
      for (int j = 0; j < n0; j++) {
        x[a][j] = Math.sin(1.3 * (a + 1) + 0.7 * j) + 0.2 * a;
      }
    }
    return new Inputs(x);
  }

  static NetworkSpec spec(int n0, int[] widths, Activation act, double cb, double cw) {
    int d = widths.length;
    return new NetworkSpec(n0, widths, act, NetworkSpec.perLayer("--cb", new double[] {cb}, d),
        NetworkSpec.perLayer("--cw", new double[] {cw}, d),
        NetworkSpec.perLayer("--lambda-b", new double[] {0.7}, d),
        NetworkSpec.perLayer("--lambda-w", new double[] {1.3}, d));
  }

  static int[] uniform(int n, int depth) {
    int[] w = new int[depth];
    java.util.Arrays.fill(w, n);
    return w;
  }

  static Shape shape(String label, int n0, int[] widths, String act, double cb, double cw, int nd,
      int ntk, int vt) {
    return new Shape(label, spec(n0, widths, Activations.parse(act), cb, cw), inputs(n0, nd), 998, 3,
        ntk, vt);
  }

  static final Shape DEAD_RELU = shape("dead-relu-w1-2-cb0-nd2-vt8", 2, new int[] {2, 1, 2, 1, 2},
      "relu", 0.0, 2.0, 2, 2, 8);

  static Stream<Shape> shapes() {
    long nearTop = (1L << 32) - 3;  // networks 2^32-3 .. 2^32-1: e wraps nowhere, c3 = e is unsigned
    Shape top = shape("e-near-2^32-tanh-w5-nd2-vt16", 3, uniform(5, 3), "tanh", 0.1, 1.0, 2, 2, 16);
    return Stream.of(
        shape("w1-L3-nd1-relu-vt16", 1, uniform(1, 3), "relu", 0.1, 2.0, 1, 2, 16),
        DEAD_RELU,
        shape("w3-L2-nd7-tanh-vt16", 4, uniform(3, 2), "tanh", 0.05, 1.5, 7, 2, 16),
        shape("w1000-n0-999-L2-nd2-relu-m4-vt16", 999, uniform(1000, 2), "relu", 0.0, 2.0, 2, 4, 16),
        shape("w13-L3-nd8-sin-vt8", 5, uniform(13, 3), "sin", 0.1, 1.2, 8, 1, 8),
        shape("w17-L4-nd3-erf-vt16", 6, uniform(17, 4), "erf", 0.2, 1.3, 3, 3, 16),
        shape("w5-L3-nd2-sigmoid-vt8", 4, uniform(5, 3), "sigmoid", 0.3, 1.5, 2, 2, 8),
        shape("w6-L3-nd1-softplus-vt16", 3, uniform(6, 3), "softplus", 0.1, 0.8, 1, 3, 16),
        shape("w9-L3-nd2-swish-vt8", 2, uniform(9, 3), "swish", 0.3, 1.7, 2, 1, 8),
        shape("w7-L3-nd3-gelu-vt16", 5, uniform(7, 3), "gelu", 0.1, 1.4, 3, 2, 16),
        shape("w8-L3-nd2-step-vt8", 3, uniform(8, 3), "step", 0.2, 1.0, 2, 2, 8),
        shape("w4-L3-nd1-monomial3-vt16", 4, uniform(4, 3), "monomial(3)", 0.1, 0.6, 1, 2, 16),
        shape("w11-L3-nd2-leaky0.2-vt8", 5, uniform(11, 3), "leaky_relu(0.2)", 0.05, 1.9, 2, 3, 8),
        shape("mixed-5-1-6-nd2-linear-vt16", 3, new int[] {5, 1, 6}, "linear", 0.2, 0.9, 2, 3, 16),
        shape("w2-L4-nd3-relu-cb0-vt16", 2, uniform(2, 4), "relu", 0.0, 2.0, 3, 2, 16),
        shape("w7-L32-nd2-relu-critical-vt8", 4, uniform(7, 32), "relu", 0.0, 2.0, 2, 2, 8),
        shape("w5-L32-nd1-tanh-critical-vt16", 3, uniform(5, 32), "tanh", 0.0, 1.0, 1, 2, 16),
        shape("w64-L3-nd8-tanh-nontk", 33, uniform(64, 3), "tanh", 0.1, 1.0, 8, 0, 16),
        new Shape(top.label(), top.spec(), top.inputs(), nearTop, 3, top.ntk(), top.vt()),
        residual("res-w13-L4-nd2-relu-g0.5-vt8", 5, 13, 4, "relu", 0.0, 1.5, new double[] {0.5},
            new double[] {1}, 2, 3, 8),
        residual("res-w6-L3-nd3-tanh-g0.9-xi0.7-vt16", 4, 6, 3, "tanh", 0.1, 0.19,
            new double[] {0.9}, new double[] {0.7}, 3, 2, 16),
        residual("res-w3-L4-nd1-swish-per-layer-vt8", 2, 3, 4, "swish", 0.2, 1.1,
            new double[] {0.5, 0.0, -0.8}, new double[] {1.0, 0.6, 1.3}, 1, 2, 8),
        residual("res-w7-L32-nd2-relu-g0.5-critical-vt16", 4, 7, 32, "relu", 0.0, 1.5,
            new double[] {0.5}, new double[] {1}, 2, 2, 16),
        residual("res-w100-L3-nd2-tanh-g0.9-vt16", 9, 100, 3, "tanh", 0.0, 0.19, new double[] {0.9},
            new double[] {1}, 2, 4, 16),
        residual("res-w64-L3-nd4-relu-g0.9-nontk", 7, 64, 3, "relu", 0.0, 0.38, new double[] {0.9},
            new double[] {1}, 4, 0, 16));
  }

  /** A residual network (layer/Residual from layer 2 on) of uniform width. */
  static Shape residual(String label, int n0, int width, int depth, String act, double cb, double cw,
      double[] gamma, double[] xi, int nd, int ntk, int vt) {
    NetworkSpec dense = spec(n0, uniform(width, depth), Activations.parse(act), cb, cw);
    NetworkSpec spec = new NetworkSpec(n0, dense.activation(),
        org.rgflow.layer.Residual.network(dense.layers(), gamma, xi));
    return new Shape(label, spec, inputs(n0, nd), 998, 3, ntk, vt);
  }

  // ---------------------------------------------------------------- the comparison

  /** Largest errors and the mismatches of one shape. */
  static final class Report {
    final List<String> bad = new ArrayList<>();
    double z;
    double theta;
    double sumsVsCpu;
    double sumsVsOwnZ;

    String line() {
      return String.format(Locale.ROOT, "z %.2e, theta %.2e, sums vs CPU %.2e (of tolerance %.2e),"
          + " sums vs own z %.2e", z, theta, sumsVsCpu, Z_RTOL, sumsVsOwnZ);
    }
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

  /**
   * The power sums of one layer, in the forward kernel's layout, from z[α][i] in double:
   * s_p = Σ_i z_iα z_iβ for pairs p = (α ≤ β) in row-major order; t_pq = Σ_i a_ip a_iq for p ≤ q
   * (row-major upper triangle); Σ_i z_iα⁶; then Σ_i z_iα and Σ_i z_iα³ (the odd sums).
   * degree[k] and scale[k] receive each entry's degree and Cauchy–Schwarz scale.
   */
  static double[] powerSums(double[][] z, int[] degree, double[] scale) {
    int nd = z.length;
    int n = z[0].length;
    List<int[]> pairs = new ArrayList<>();
    for (int a = 0; a < nd; a++) {
      for (int b = a; b < nd; b++) {
        pairs.add(new int[] {a, b});
      }
    }
    int pn = pairs.size();
    int s = HostHarness.powerSums(nd);
    double[] out = new double[s + 2 * nd];
    double[][] ap = new double[pn][n];
    for (int p = 0; p < pn; p++) {
      for (int i = 0; i < n; i++) {
        ap[p][i] = z[pairs.get(p)[0]][i] * z[pairs.get(p)[1]][i];
      }
    }
    double[] ss = new double[nd];  // Σ z_α²
    double[] s4 = new double[nd];  // Σ z_α⁴
    for (int a = 0; a < nd; a++) {
      for (int i = 0; i < n; i++) {
        ss[a] += z[a][i] * z[a][i];
        s4[a] += z[a][i] * z[a][i] * z[a][i] * z[a][i];
      }
    }
    int k = 0;
    double[] tpp = new double[pn];
    for (int p = 0; p < pn; p++) {
      for (int i = 0; i < n; i++) {
        tpp[p] += ap[p][i] * ap[p][i];
      }
    }
    for (int p = 0; p < pn; p++, k++) {
      for (int i = 0; i < n; i++) {
        out[k] += ap[p][i];
      }
      degree[k] = 2;
      scale[k] = Math.sqrt(ss[pairs.get(p)[0]] * ss[pairs.get(p)[1]]);
    }
    for (int p = 0; p < pn; p++) {
      for (int q = p; q < pn; q++, k++) {
        for (int i = 0; i < n; i++) {
          out[k] += ap[p][i] * ap[q][i];
        }
        degree[k] = 4;
        scale[k] = Math.sqrt(tpp[p] * tpp[q]);
      }
    }
    for (int a = 0; a < nd; a++, k++) {
      for (int i = 0; i < n; i++) {
        double q = z[a][i] * z[a][i];
        out[k] += q * q * q;
      }
      degree[k] = 6;
      scale[k] = out[k];
    }
    for (int a = 0; a < nd; a++, k++) {
      for (int i = 0; i < n; i++) {
        out[k] += z[a][i];
      }
      degree[k] = 1;
      scale[k] = Math.sqrt(n * ss[a]);
    }
    for (int a = 0; a < nd; a++, k++) {
      for (int i = 0; i < n; i++) {
        out[k] += z[a][i] * z[a][i] * z[a][i];
      }
      degree[k] = 3;
      scale[k] = Math.sqrt(ss[a] * s4[a]);
    }
    return out;
  }

  /** Runs shape s through the harness binary and compares everything; never throws on mismatch. */
  static Report check(Path harness, Shape s) {
    int nd = s.inputs().count();
    int depth = s.spec().depth();
    int sBase = HostHarness.powerSums(nd);
    // As CudaEnsemble.networks: every layer's z kept; the new layout with the odd sums.
    HostHarness.Outputs a = HostHarness.ensemble(harness, s.spec(), s.inputs(), SEED, s.first(),
        s.count(), s.ntk(), s.vt(), true, sBase + 2 * nd, "forward");
    // As CudaEnsemble.run today: z scratch per network shared by the layers (without NTK), stride S.
    HostHarness.Outputs b = HostHarness.ensemble(harness, s.spec(), s.inputs(), SEED, s.first(),
        s.count(), s.ntk(), s.vt(), false, sBase, SECOND_SCHEDULE);
    Report r = new Report();
    for (int g = 0; g < s.count(); g++) {
      long e = s.first() + g;
      if (a.diverged[g] != 0 || b.diverged[g] != 0) {
        r.bad.add("network " + e + " flagged diverged at layer " + a.diverged[g] + "/" + b.diverged[g]);
        continue;
      }
      NetworkSample ref = CpuEnsemble.network(s.spec(), s.inputs(), SEED, e, s.ntk());
      for (int l = 1; l <= depth; l++) {
        String at = "network " + e + " layer " + l;
        double[][] z = a.z(g, l);
        double ez = relFrobenius(ref.z()[l - 1], z);
        r.z = Math.max(r.z, ez);
        if (!(ez <= Z_RTOL)) {
          r.bad.add(String.format(Locale.ROOT, "z %s: relative Frobenius error %.3g", at, ez));
        }
        if (s.ntk() > 0) {
          double[][] th = a.theta(g, l);
          double et = relFrobenius(ref.theta()[l - 1], th);
          r.theta = Math.max(r.theta, et);
          if (!(et <= Z_RTOL)) {
            r.bad.add(String.format(Locale.ROOT, "theta %s: relative Frobenius error %.3g", at, et));
          }
          if (!java.util.Arrays.deepEquals(th, b.theta(g, l))) {
            r.bad.add("theta " + at + ": production layout differs");
          }
          double[][] head = a.zHead(g, l);
          for (int al = 0; al < nd; al++) {
            for (int i = 0; i < head[al].length; i++) {
              if (head[al][i] != z[al][i]) {
                r.bad.add("zHead " + at + " [" + al + "][" + i + "] = " + head[al][i] + ", z = " + z[al][i]);
              }
            }
          }
          if (!java.util.Arrays.deepEquals(head, b.zHead(g, l))) {
            r.bad.add("zHead " + at + ": production layout differs");
          }
        }
        int[] deg = new int[sBase + 2 * nd];
        double[] scale = new double[sBase + 2 * nd];
        double[] want = powerSums(ref.z()[l - 1], deg, scale);
        double[] own = powerSums(z, new int[deg.length], new double[deg.length]);
        double[] got = a.sums(g, l);
        double[] prod = b.sums(g, l);
        for (int k = 0; k < sBase + 2 * nd; k++) {
          double sc = Math.max(scale[k], Double.MIN_NORMAL);
          double dc = Math.abs(got[k] - want[k]) / sc;
          double dz = Math.abs(got[k] - own[k]) / sc;
          r.sumsVsCpu = Math.max(r.sumsVsCpu, dc / deg[k]);
          r.sumsVsOwnZ = Math.max(r.sumsVsOwnZ, dz);
          if (!(dc <= deg[k] * Z_RTOL)) {
            r.bad.add(String.format(Locale.ROOT, "sum %d %s: %.17g, CPU reference %.17g (scale %.3g)",
                k, at, got[k], want[k], sc));
          }
          if (!(dz <= SUM_RTOL)) {
            r.bad.add(String.format(Locale.ROOT, "sum %d %s: %.17g, from the kernel's z %.17g", k, at,
                got[k], own[k]));
          }
          if (k < sBase && Double.doubleToRawLongBits(prod[k]) != Double.doubleToRawLongBits(got[k])) {
            r.bad.add("sum " + k + " " + at + ": production layout (stride S) gives " + prod[k]
                + ", the per-layer layout " + got[k]);
          }
        }
      }
    }
    return r;
  }

  @ParameterizedTest
  @MethodSource("shapes")
  void kernelsAgreeWithTheCpuReference(Shape s) {
    Report r = check(bin, s);
    System.out.println("[CudaKernelsOnHostTest] " + s + ": " + r.line());
    worst.merge("z", r.z, Math::max);
    worst.merge("theta", r.theta, Math::max);
    worst.merge("sumsVsCpu/deg", r.sumsVsCpu, Math::max);
    worst.merge("sumsVsOwnZ", r.sumsVsOwnZ, Math::max);
    if (!r.bad.isEmpty()) {
      fail(s + ": " + r.bad.size() + " mismatches, first: " + r.bad.subList(0, Math.min(5, r.bad.size())));
    }
  }

  /**
   * Divergence: the device flags the first layer whose pre-activations reach the float limit
   * (|z| ≥ 1e30 or NaN; the CPU's bound is 1e150, which float cannot reach). C_W = 10⁸ multiplies
   * |z| by ~10⁴ per layer, so the flagged layer is, network by network, the first layer where the CPU
   * reference's max |z| passes 1e30 (asserted to be at least 0.1% past it, far beyond float rounding).
   */
  @Test
  void divergenceIsFlaggedAtTheReferencesLayer() {
    Assumptions.assumeTrue(bin != null);
    NetworkSpec spec = spec(4, uniform(4, 12), Activations.relu(), 0.0, 1e8);
    Inputs in = inputs(4, 2);
    int count = 6;
    int sBase = HostHarness.powerSums(2);
    for (boolean keepZ : new boolean[] {true, false}) {
      HostHarness.Outputs out = HostHarness.ensemble(bin, spec, in, SEED, 40, count, keepZ ? 2 : 0, 16,
          keepZ, sBase, keepZ ? "forward" : SECOND_SCHEDULE);
      for (int g = 0; g < count; g++) {
        NetworkSample ref = CpuEnsemble.network(spec, in, SEED, 40 + g, 0);
        int want = 0;
        for (int l = 1; l <= spec.depth() && want == 0; l++) {
          double max = 0;
          for (double[] za : ref.z()[l - 1]) {
            for (double v : za) {
              max = Math.max(max, Math.abs(v));
            }
          }
          if (max >= 1e30) {
            assertTrue(max >= 1.001e30, "too close to the bound for float: " + max);
            want = l;
          }
        }
        assertTrue(want > 1, "the test shape should diverge (within the depth, after layer 1)");
        assertEquals(want, out.diverged[g], "network " + (40 + g));
      }
    }
  }

  // ---------------------------------------------------------------- power

  /** Replaces the one occurrence of {@code from} in {@code file}; fails if it is not there exactly once. */
  static UnaryOperator<Map<String, String>> mutate(String file, String from, String to) {
    return src -> {
      String text = src.get(file);
      int at = text.indexOf(from);
      assertTrue(at >= 0 && text.indexOf(from, at + 1) < 0, "mutation target not unique in " + file
          + ": " + from);
      Map<String, String> m = new HashMap<>(src);
      m.put(file, text.substring(0, at) + to + text.substring(at + from.length()));
      return m;
    };
  }

  @Test
  void harnessHasPower() {
    Assumptions.assumeTrue(bin != null);
    var relu = CompletableFuture.supplyAsync(() -> HostHarness.build("mutant-relu-gt",
        mutate("activations.cuh", "*ds = z >= 0.0f ? a : b;", "*ds = z > 0.0f ? a : b;")));
    // The barrier after the next layer's inputs are written to shared memory.
    var shm = CompletableFuture.supplyAsync(() -> HostHarness.build("mutant-no-shm-barrier",
        mutate("ensemble_forward.cu", "    nprev = n;\n    __syncthreads();", "    nprev = n;")));
    // The barrier that keeps warps from overwriting red[] while thread 0 still sums it.
    Path red = HostHarness.build("mutant-no-red-barrier", mutate("ensemble_forward.cu",
        "  __syncthreads();  // red[] may still be read", "  // red[] may still be read"));
    Shape wide = shapes().filter(x -> x.label().startsWith("w1000")).findFirst().orElseThrow();

    Report good = check(bin, DEAD_RELU);
    assertTrue(good.bad.isEmpty(), good.bad::toString);
    Report flipped = check(relu.join(), DEAD_RELU);
    System.out.println("[CudaKernelsOnHostTest] power: relu σ′ with z > 0: " + flipped.line() + "; "
        + flipped.bad.size() + " mismatches, first " + flipped.bad.get(0));
    assertTrue(flipped.bad.stream().anyMatch(x -> x.startsWith("theta")), flipped.bad::toString);

    Report noShm = check(shm.join(), wide);
    System.out.println("[CudaKernelsOnHostTest] power: " + wide + " without the shared-memory barrier: "
        + noShm.line() + "; " + noShm.bad.size() + " mismatches, first " + noShm.bad.get(0));
    assertTrue(noShm.z > 0.1, noShm::line);

    Report noRed = check(red, wide);
    System.out.println("[CudaKernelsOnHostTest] power: " + wide + " without the red[] barrier: "
        + noRed.line() + "; " + noRed.bad.size() + " mismatches, first " + noRed.bad.get(0));
    assertTrue(noRed.bad.stream().anyMatch(x -> x.startsWith("sum ")), noRed.bad::toString);
  }

  /**
   * The residual terms have power: without γ z^{(ℓ−1)} in the forward kernel z is off, and without
   * γ g in the NTK kernel's step down (its vectorised store) Θ̂ is off, on the relu γ = 0.5 shape.
   */
  @Test
  void residualTermsHavePower() {
    Assumptions.assumeTrue(bin != null);
    var fwd = CompletableFuture.supplyAsync(() -> HostHarness.build("mutant-res-forward",
        mutate("ensemble_forward.cu", "if (gl != 0.0f) v = fmaf(gl, zprev[a * n + i], v);", "")));
    Path ntk = HostHarness.build("mutant-res-ntk", mutate("ensemble_ntk.cu",
        "o.x = fmaf(gl, gc[0], xl * o.x);", "o.x = xl * o.x;"));
    Shape s = shapes().filter(x -> x.label().startsWith("res-w13")).findFirst().orElseThrow();
    Report noSkip = check(fwd.join(), s);
    System.out.println("[CudaKernelsOnHostTest] power: forward without gamma z: " + noSkip.line());
    assertTrue(noSkip.z > 0.1, noSkip::line);
    Report noSkipNtk = check(ntk, s);
    System.out.println("[CudaKernelsOnHostTest] power: NTK step without gamma g: " + noSkipNtk.line());
    assertTrue(noSkipNtk.z < Z_RTOL && noSkipNtk.theta > 1e-3, noSkipNtk::line);
  }

  /** Whether shape s, run with the harness binary, disagrees anywhere (or the harness fails). */
  static String caught(Path harness, Shape s) {
    try {
      Report r = check(harness, s);
      return r.bad.isEmpty() ? null : r.bad.size() + " mismatches, first " + r.bad.get(0);
    } catch (HostHarness.HarnessFailure ex) {
      return ex.getMessage();
    }
  }

  /**
   * Deletes each {@code __syncthreads()} of the forward and NTK kernels in turn and requires every
   * such mutant to be caught by some shape (forward and reverse schedules, the divergence case
   * included), except the barriers marked {@code [redundant]} in the source (each with the reason
   * no thread can see the difference), which must then pass. Slow (one g++ build per barrier): tagged {@code slow}, run with
   * {@code mvn test -Dtest=CudaKernelsOnHostTest#everyBarrierIsNeeded -DexcludedTestGroups=}.
   */
  @Test
  @org.junit.jupiter.api.Tag("slow")
  void everyBarrierIsNeeded() {
    Assumptions.assumeTrue(bin != null);
    List<Shape> probes = new ArrayList<>(shapes().filter(x -> x.label().startsWith("w1000")
        || x.label().startsWith("w13-") || x.label().startsWith("w7-L32")
        || x.label().startsWith("dead")).toList());
    Map<String, String> src = HostHarness.sources();
    List<String> missed = new ArrayList<>();
    int mutants = 0;
    for (String file : List.of("ensemble_forward.cu", "ensemble_ntk.cu")) {
      String text = src.get(file);
      for (int at = text.indexOf("__syncthreads();"); at >= 0;
          at = text.indexOf("__syncthreads();", at + 1)) {
        final int pos = at;
        int line = (int) text.substring(0, pos).chars().filter(c -> c == '\n').count() + 1;
        Path m = HostHarness.build("mutant-" + file.replace(".cu", "") + "-" + line, x -> {
          Map<String, String> y = new HashMap<>(x);
          y.put(file, text.substring(0, pos) + "/* barrier removed */" + text.substring(pos + 16));
          return y;
        });
        mutants++;
        String how = null;
        for (Shape s : probes) {
          how = caught(m, s);
          if (how != null) {
            how = s + ": " + how;
            break;
          }
        }
        if (how == null) {
          how = divergenceCaught(m);
        }
        System.out.println("[CudaKernelsOnHostTest] " + file + ":" + line + " barrier removed: "
            + (how == null ? "NOT CAUGHT" : "caught (" + how.substring(0, Math.min(160, how.length())) + ")"));
        int eol = text.indexOf('\n', pos);
        boolean redundant = text.substring(pos, eol < 0 ? text.length() : eol).contains("[redundant]");
        if ((how == null) != redundant) {
          missed.add(file + ":" + line + (redundant ? " (marked [redundant] but caught)" : ""));
        }
      }
    }
    assertTrue(mutants >= 10, "found only " + mutants + " barriers");
    assertTrue(missed.isEmpty(), "barrier removals not caught: " + missed);
  }

  /** The divergence case with a harness binary: null when it agrees, else what differs. */
  static String divergenceCaught(Path harness) {
    Path saved = bin;
    try {
      bin = harness;
      new CudaKernelsOnHostTest().divergenceIsFlaggedAtTheReferencesLayer();
      return null;
    } catch (AssertionError | HostHarness.HarnessFailure ex) {
      return "divergence: " + ex.getMessage();
    } finally {
      bin = saved;
    }
  }

  @Test
  void harnessRejectsAWrongArgumentList() {
    Assumptions.assumeTrue(bin != null);
    HostHarness.Job job = new HostHarness.Job().alloc("sums", "f64", 4)
        .launch("rg_forward_nd1", "1", 256, 0, HostHarness.Arg.i32(1));
    var ex = org.junit.jupiter.api.Assertions.assertThrows(HostHarness.HarnessFailure.class,
        () -> job.run(bin));
    assertEquals(2, ex.exit);
    assertTrue(ex.getMessage().contains("too few arguments"), ex.getMessage());
    assertFalse(ex.getMessage().isBlank());
  }
}
