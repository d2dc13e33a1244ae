package org.rgflow.layer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rgflow.act.Activations;
import org.rgflow.core.LayerValues;
import org.rgflow.core.Obs;
import org.rgflow.device.Backends;
import org.rgflow.ensemble.CpuEnsemble;
import org.rgflow.ensemble.EnsembleResult;
import org.rgflow.ensemble.RunSettings;
import org.rgflow.exact.ExactEnsemble;
import org.rgflow.io.JsonReport;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;
import org.rgflow.spec.SpecException;
import org.rgflow.stats.Predictions;
import org.rgflow.theory.TheoryResult;

/**
 * The layer seam: a layer type the engine has never seen (here one that delegates to {@link Dense}
 * under another name, with an extra parameter) runs through the CPU reference and the recursions
 * unchanged — the same numbers as Dense, bit for bit — while the sources that implement dense
 * layers only refuse it with a reason, and {@code --sampler auto} falls back to the direct sampler.
 * Run: {@code mvn -q test -Dtest=LayerSeamTest}.
 */
class LayerSeamTest {

  /** Dense by another name: what a new layer type looks like to the engine. */
  record Renamed(Dense d) implements Layer {
    @Override public String kind() { return "renamed"; }
    @Override public int width() { return d.width(); }
    @Override public double cb() { return d.cb(); }
    @Override public double cw() { return d.cw(); }
    @Override public double lambdaB() { return d.lambdaB(); }
    @Override public double lambdaW() { return d.lambdaW(); }
    @Override public Map<String, Double> extra() { return Map.of("gamma", 0.0); }

    @Override
    public void forward(Weights w, double[][] sIn, double[][] zIn, int nIn, double[][] out, int nd,
        Scratch s) {
      d.forward(w, sIn, zIn, nIn, out, nd, s);
    }

    @Override
    public void ntkCoefficients(double[][] sIn, int nIn, double[][] coef, int nd) {
      d.ntkCoefficients(sIn, nIn, coef, nd);
    }

    @Override
    public void backward(Weights w, double[][] g, double[][] out, int[] alpha, int count, int nIn,
        double[][] dsIn, Scratch s) {
      d.backward(w, g, out, alpha, count, nIn, dsIn, s);
    }

    @Override public KernelState input(double[][] gram) { return d.input(gram); }

    @Override
    public KernelState step(KernelState below, Averages avg, double rho, boolean finite) {
      return d.step(below, avg, rho, finite);
    }

    @Override public boolean plainMlp() { return d.plainMlp(); }
    @Override public double chiPar(Averages avg, int a) { return d.chiPar(avg, a); }
    @Override public double chiPerp(Averages avg, int a) { return d.chiPerp(avg, a); }
  }

  private static final NetworkSpec DENSE = new NetworkSpec(4, new int[] {6, 5, 3},
      Activations.parse("tanh"), new double[] {0.1, 0, 0.2}, new double[] {1.5, 1, 2},
      new double[] {1, 0.5, 2}, new double[] {1, 2, 1});

  private static NetworkSpec renamed() {
    List<Layer> ls = new ArrayList<>();
    for (Layer l : DENSE.layers()) {
      ls.add(new Renamed((Dense) l));
    }
    return new NetworkSpec(4, DENSE.activation(), ls);
  }

  private static final Inputs IN = Inputs.fromNormsAndAngles(4, new double[] {1, 1.2},
      new double[][] {{0, 0.7}, {0.7, 0}});

  @Test
  void aNewLayerTypeRunsThroughTheReferenceAndTheRecursions() {
    NetworkSpec r = renamed();
    RunSettings rs = new RunSettings(50, 3, 2, 7, true, 2);
    EnsembleResult a = new CpuEnsemble().run(DENSE, IN, rs, null);
    EnsembleResult b = new CpuEnsemble().run(r, IN, rs, null);
    int compared = 0;
    for (int l = 0; l < 3; l++) {
      LayerValues x = a.layers().get(l);
      LayerValues y = b.layers().get(l);
      for (Obs o : x.value().keySet()) {
        assertArrayEquals(x.value().get(o).raw(), y.value().get(o).raw(), 0.0, o + " layer " + l);
        compared++;
      }
    }
    assertEquals(3 * 12, compared); // K V kurtosis G4 G6 Theta A B D F T3 T21 per layer
    TheoryResult ta = Predictions.compute(DENSE, IN);
    TheoryResult tb = Predictions.compute(r, IN);
    for (int l = 0; l < 3; l++) {
      // Renamed declares itself a plain MLP layer (plainMlp), so it gets the dNTK P, Q too
      assertTrue(ta.layers().get(l).theory().containsKey(Obs.P), "P layer " + l);
      for (Obs o : ta.layers().get(l).theory().keySet()) {
        assertArrayEquals(ta.layers().get(l).theory().get(o).raw(),
            tb.layers().get(l).theory().get(o).raw(), 0.0, o + " layer " + l);
      }
    }
    assertEquals("[renamed, renamed, renamed]", kinds(r));
  }

  private static String kinds(NetworkSpec s) {
    com.fasterxml.jackson.databind.node.ObjectNode o =
        com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    JsonReport.layerTypes(s, o);
    assertEquals("[0.0,0.0,0.0]", o.get("gamma").toString());
    return o.get("layer_kinds").toString().replace("\"", "").replace(",", ", ");
  }

  @Test
  void denseOnlySourcesRefuseItAndAutoTakesDirect() {
    NetworkSpec r = renamed();
    SpecException e = assertThrows(SpecException.class,
        () -> new ExactEnsemble().run(r, IN, new RunSettings(5, 0, 1, 1, true, 2), null));
    assertEquals("--sampler", e.field());
    assertTrue(e.getMessage().contains("dense layers only"), e.getMessage());
    Backends.Choice c = Backends.choose("auto", "cpu", r);
    assertEquals("direct", c.source().sampler());
    assertTrue(c.notes().get(0).contains("the exact sampler cannot sample this network"),
        c.notes().toString());
    assertEquals("exact", Backends.choose("auto", "cpu", DENSE).source().sampler());
  }
}
