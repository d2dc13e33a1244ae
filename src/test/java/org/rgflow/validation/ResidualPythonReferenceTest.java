package org.rgflow.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.rgflow.act.Activations;
import org.rgflow.layer.Residual;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;
import org.rgflow.theory.TheoryEngine;
import org.rgflow.theory.TheoryLayer;

/**
 * The engine's single-input residual theory — K, T and the depth-history V and G1 (docs/THEORY.md
 * §17.8) — against the independent Python reference {@code scripts/reference/residual_reference.py}
 * (a collective-variable 1/n expansion in the branch variances, §17.10) at every layer 1..8, to 1e-6
 * relative (absolute floor 1e-12 for quantities that vanish). Cases: the bar's ReLU γ = 0.5 with
 * C_W = 1.5 and tanh γ = 0.9 at its critical C_W = 0.19 (C_b = 0, ξ = 1), one off-critical point with
 * C_b ≠ 0 and ξ ≠ 1, and the γ = 0 tanh MLP. Skipped, with the reason, where python3 with numpy is
 * not available (CI installs python3-numpy). The layer-by-layer table is printed to stdout
 * (benchmarks/results/residual-reference-2026-12-07.txt). Run:
 * {@code mvn -q test -Dtest=ResidualPythonReferenceTest}.
 */
class ResidualPythonReferenceTest {
  private static final double REL = 1e-6;
  private static final double FLOOR = 1e-12;
  private static final int DEPTH = 8;
  private static final double INPUT_RMS = 0.9; // (1/n₀)|x|² = 0.81, so K^{(1)} = C_b + 0.81 C_W

  private static String python() {
    try {
      Process p = new ProcessBuilder("python3", "-c", "import numpy").redirectErrorStream(true).start();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return "python3 -c 'import numpy' did not finish in 60 s";
      }
      return p.exitValue() == 0 ? null : "python3 has no numpy";
    } catch (Exception e) {
      return "no python3 on PATH (" + e.getMessage() + ")";
    }
  }

  private static String run(List<String> cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try (InputStream in = p.getInputStream()) {
      in.transferTo(buf);
    }
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "reference script timed out");
    String out = buf.toString(StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), "reference script failed: " + out);
    return out;
  }

  private static double[] array(String json, String key) {
    Matcher m = Pattern.compile("\"" + key + "\": \\[([^\\]]*)\\]").matcher(json);
    assertTrue(m.find(), "no " + key + " in " + json);
    String[] parts = m.group(1).split(",");
    double[] v = new double[parts.length];
    for (int i = 0; i < parts.length; i++) {
      v[i] = Double.parseDouble(parts[i].trim());
    }
    return v;
  }

  @ParameterizedTest(name = "{0} C_b={1} C_W={2} gamma={3} xi={4}")
  @CsvSource({"relu, 0, 1.5, 0.5, 1", "tanh, 0, 0.19, 0.9, 1", "relu, 0.2, 1.1, 0.7, 0.8",
      "tanh, 0, 1, 0, 1"})
  void engineEqualsTheIndependentReference(String act, double cb, double cw, double gamma, double xi)
      throws Exception {
    String why = python();
    Assumptions.assumeTrue(why == null, () -> "skipped: " + why);
    File script = new File("scripts/reference/residual_reference.py");
    assertTrue(script.isFile(), "missing " + script);

    NetworkSpec dense = NetworkSpec.uniform(8, 64, DEPTH, Activations.parse(act), cb, cw, 0.5, 1.0);
    NetworkSpec spec = gamma == 0 && xi == 1 ? dense : new NetworkSpec(8, dense.activation(),
        Residual.network(dense.layers(), new double[] {gamma}, new double[] {xi}));
    Inputs in = Inputs.fromNormsAndAngles(8, new double[] {INPUT_RMS}, new double[1][1]);
    TheoryEngine.Theory t = TheoryEngine.layers(spec, in);

    double k1 = cb + cw * INPUT_RMS * INPUT_RMS;
    List<String> cmd = new ArrayList<>(List.of("python3", script.getPath(), "--act", act,
        "--cb", Double.toString(cb), "--cw", Double.toString(cw), "--gamma", Double.toString(gamma),
        "--xi", Double.toString(xi), "--k1", Double.toString(k1), "--depth", Integer.toString(DEPTH)));
    String json = run(cmd);
    String[] names = {"K", "T", "V", "G1"};
    double[][] ref = new double[4][];
    for (int q = 0; q < 4; q++) {
      ref[q] = array(json, names[q]);
      assertEquals(DEPTH, ref[q].length, names[q] + " length");
    }

    StringBuilder table = new StringBuilder(String.format(Locale.ROOT,
        "# %s C_b=%s C_W=%s gamma=%s xi=%s K1=%s%n# %-3s %-3s %24s %24s %10s %10s%n", act, cb, cw,
        gamma, xi, k1, "l", "q", "engine", "reference", "abs.diff", "rel.diff"));
    List<String> bad = new ArrayList<>();
    double worst = 0;
    for (int l = 1; l <= DEPTH; l++) {
      TheoryLayer tl = t.layers().get(l - 1);
      double[] eng = {tl.kernel()[0][0], tl.tDiag(0), tl.vDiag(0), tl.g1()[0][0]};
      for (int q = 0; q < 4; q++) {
        double r = ref[q][l - 1];
        double diff = Math.abs(eng[q] - r);
        boolean vanishes = Math.abs(r) <= FLOOR; // relative difference undefined: T of tanh, layer 1
        double rel = vanishes ? Double.NaN : diff / Math.abs(r);
        table.append(String.format(Locale.ROOT, "  %-3d %-3s %24.16e %24.16e %10.2e %10s%n", l,
            names[q], eng[q], r, diff, vanishes ? "-" : String.format(Locale.ROOT, "%.2e", rel)));
        if (diff > REL * Math.abs(r) + FLOOR) {
          bad.add(names[q] + " at layer " + l + ": engine " + eng[q] + ", reference " + r);
        }
        if (!vanishes) {
          worst = Math.max(worst, rel);
        }
      }
    }
    table.append(String.format(Locale.ROOT, "# max relative difference (non-vanishing entries) %.2e%n", worst));
    System.out.print(table);
    assertTrue(bad.isEmpty(), String.join("; ", bad));
    if (act.equals("relu") && gamma != 0) {
      assertTrue(ref[1][DEPTH - 1] > 0.1, "relu residual T > 0 in the reference");
    }
  }
}
