package org.rgflow.act;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.rgflow.spec.SpecException;

/**
 * Derivatives vs central finite differences, Taylor coefficients vs derivatives at 0, parsing.
 * Run: {@code mvn -q -B test -Dtest=ActivationsTest}.
 *
 * <p>Tolerance: central differences with h = 1e-5 have truncation error ~h²|σ'''| ≈ 1e-10 and
 * rounding ~1e-16/h ≈ 1e-11, so 1e-7 (relative to max(1, |σ′|)) is a safe bar.
 */
class ActivationsTest {
  static final double H = 1e-5;
  static final double FD_TOL = 1e-7;
  static final List<String> ALL = List.of("linear", "relu", "leaky_relu(0.2)", "tanh", "sin", "erf",
      "sigmoid", "softplus", "swish", "gelu", "step", "monomial(1)", "monomial(2)", "monomial(3)",
      "monomial(5)");

  @Test
  void derivativesMatchFiniteDifferences() {
    for (String n : ALL) {
      Activation a = Activations.parse(n);
      for (double z = -3.3; z <= 3.3; z += 0.37) {
        if (Math.abs(z) < 1e-3) {
          continue; // kinks sit at 0
        }
        double fd1 = (a.value(z + H) - a.value(z - H)) / (2 * H);
        double fd2 = (a.d1(z + H) - a.d1(z - H)) / (2 * H);
        assertEquals(fd1, a.d1(z), FD_TOL * Math.max(1, Math.abs(fd1)), n + " d1 at " + z);
        assertEquals(fd2, a.d2(z), FD_TOL * Math.max(1, Math.abs(fd2)), n + " d2 at " + z);
      }
    }
  }

  /** The bulk σ, σ′ of every activation equals value() and d1() bit for bit (incl. 0, ±huge, NaN). */
  @Test
  void bulkValueAndD1EqualsPointwise() {
    double[] z = new double[2003];
    for (int i = 0; i < 2000; i++) {
      z[i] = (i - 1000) * 0.0137 * (i % 7 == 0 ? 40 : 1);
    }
    z[2000] = 1e300;
    z[2001] = -1e300;
    z[2002] = Double.NaN;
    for (String n : ALL) {
      Activation a = Activations.parse(n);
      double[] s = new double[z.length];
      double[] ds = new double[z.length];
      a.valueAndD1(z, s, ds, z.length);
      double[] only = new double[z.length];
      a.valueAndD1(z, only, null, z.length);
      for (int i = 0; i < z.length; i++) {
        assertEquals(Double.doubleToLongBits(s[i]), Double.doubleToLongBits(only[i]), n + " σ alone at " + z[i]);
      }
      for (int i = 0; i < z.length; i++) {
        assertEquals(Double.doubleToLongBits(a.value(z[i])), Double.doubleToLongBits(s[i]), n + " σ at " + z[i]);
        assertEquals(Double.doubleToLongBits(a.d1(z[i])), Double.doubleToLongBits(ds[i]), n + " σ′ at " + z[i]);
      }
    }
  }

  @Test
  void taylorMatchesDerivativesAtZero() {
    for (String n : ALL) {
      Activation a = Activations.parse(n);
      if (a.kinks().length > 0) {
        continue;
      }
      double h = 1e-4;
      assertEquals(a.value(0), a.taylor(0), 1e-15, n);
      assertEquals(a.d1(0), a.taylor(1), 1e-14, n);
      assertEquals(a.d2(0), a.taylor(2), 1e-14, n);
      // σ''' by a central difference of σ'' (error ~h² σ⁽⁵⁾ ≈ 1e-7)
      double d3 = (a.d2(h) - a.d2(-h)) / (2 * h);
      assertEquals(d3, a.taylor(3), 1e-5, n + " taylor(3)");
    }
    Activation relu = Activations.relu();
    assertEquals(0, relu.taylor(0));
    assertTrue(Double.isNaN(relu.taylor(1)));
    assertTrue(Double.isNaN(Activations.step().taylor(1)));
  }

  @Test
  void scaleInvariantFamily() {
    assertArrayEquals(new double[] {1, 0}, Activations.parse("ReLU").scaleInvariantSlopes());
    assertArrayEquals(new double[] {1, 1}, Activations.parse("linear").scaleInvariantSlopes());
    assertArrayEquals(new double[] {1, 0.2}, Activations.parse("leaky_relu(0.2)").scaleInvariantSlopes());
    assertArrayEquals(new double[] {1, 0.01}, Activations.parse("leaky_relu").scaleInvariantSlopes());
    assertNull(Activations.parse("tanh").scaleInvariantSlopes());
    assertEquals(5, ScaleInvariant.nu(new double[] {1, 0}), 1e-15);
    assertEquals(2, ScaleInvariant.nu(new double[] {1, 1}), 1e-15);
    double a = 0.3;
    assertEquals(6 * (1 + a * a * a * a) / Math.pow(1 + a * a, 2) - 1, ScaleInvariant.nu(new double[] {1, a}),
        1e-14);
    assertTrue(Activations.step().derivativeIsSingular());
    assertArrayEquals(new double[] {0}, Activations.step().kinks());
  }

  @Test
  void parseRoundTripsAndRejects() {
    for (String n : ALL) {
      Activation a = Activations.parse(n);
      assertNotNull(a);
      assertEquals(a.name(), Activations.parse(a.name()).name());
    }
    assertEquals("monomial(3)", Activations.parse("Monomial( 3 )").name());
    SpecException e = assertThrows(SpecException.class, () -> Activations.parse("foo"));
    assertEquals("--act", e.field());
    assertTrue(e.getMessage().contains("unknown activation 'foo'; known: linear, relu"), e.getMessage());
    assertThrows(SpecException.class, () -> Activations.parse("monomial(0)"));
    assertThrows(SpecException.class, () -> Activations.parse("monomial(2.5)"));
    assertThrows(SpecException.class, () -> Activations.parse("leaky_relu(x)"));
    assertThrows(SpecException.class, () -> Activations.parse("relu(2)"));
    assertEquals(12, Activations.names().size());
  }
}
