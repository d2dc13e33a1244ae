package org.rgflow.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.rgflow.act.Activation;
import org.rgflow.app.Engines;
import org.rgflow.device.Backends;
import org.rgflow.core.LayerValues;
import org.rgflow.core.Obs;
import org.rgflow.core.Tensor;
import org.rgflow.ensemble.EnsembleResult;
import org.rgflow.ensemble.EnsembleRun;
import org.rgflow.ensemble.NetworkSource;
import org.rgflow.ensemble.ProgressListener;
import org.rgflow.ensemble.RunSettings;
import org.rgflow.ensemble.SourceFactory;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;
import org.rgflow.spec.SpecException;
import org.rgflow.theory.Criticality;
import org.rgflow.theory.TheoryResult;

/**
 * Deterministic stand-ins for the engines, so the command line is tested on its own. Theory:
 * K_{αβ} = layer + gram_{αβ}, G1 = 0.5, V_over_nK2 = 0.1·layer, chi_par = 1, and Theta NaN in its
 * (0,0) component to exercise null output. Measurement: K + 0.02 with SE 0.01, V_over_nK2 with
 * SE 0.05.
 */
class FakeEngines implements Engines {
  /** Thrown by the backend when set. */
  RuntimeException backendFailure;
  RunSettings lastSettings;
  /** The measured K's offset from the theory (its SE is 0.01). */
  double kOffset = 0.02;

  static final Activation RELU = new Activation() {
    @Override public String name() { return "relu"; }
    @Override public double value(double z) { return Math.max(z, 0); }
    @Override public double d1(double z) { return z > 0 ? 1 : 0; }
    @Override public double d2(double z) { return 0; }
    @Override public double taylor(int p) { return p == 0 ? 0 : Double.NaN; }
  };

  @Override
  public Activation activation(String name) {
    if (name.equals("relu")) {
      return RELU;
    }
    throw new SpecException("--act", "unknown activation '" + name + "'");
  }

  static double thK(int layer, double[][] gram, int a, int b) {
    return layer + gram[a][b];
  }

  @Override
  public TheoryResult theory(NetworkSpec spec, Inputs inputs) {
    return fakeTheory(spec, inputs);
  }

  static TheoryResult fakeTheory(NetworkSpec spec, Inputs inputs) {
    int nd = inputs.count();
    double[][] g = inputs.gram();
    List<LayerValues> layers = new ArrayList<>();
    for (int l = 1; l <= spec.depth(); l++) {
      LayerValues lv = new LayerValues(l);
      Tensor k = Tensor.of(nd, Obs.K);
      Tensor g1 = Tensor.of(nd, Obs.G1);
      Tensor th = Tensor.of(nd, Obs.Theta);
      for (int a = 0; a < nd; a++) {
        for (int b = 0; b < nd; b++) {
          k.set(thK(l, g, a, b), a, b);
          g1.set(0.5, a, b);
          th.set(a + b == 0 ? Double.NaN : 2.0, a, b);
        }
      }
      Tensor v = Tensor.of(nd, Obs.V_over_nK2);
      java.util.Arrays.fill(v.raw(), 0.1 * l);
      Tensor chi = Tensor.of(nd, Obs.chi_par);
      java.util.Arrays.fill(chi.raw(), 1.0);
      lv.theory().put(Obs.K, k);
      lv.theory().put(Obs.G1, g1);
      lv.theory().put(Obs.V_over_nK2, v);
      lv.theory().put(Obs.Theta, th);
      lv.theory().put(Obs.chi_par, chi);
      layers.add(lv);
    }
    return new TheoryResult(layers, List.of("fake theory"));
  }

  @Override
  public Backends.Choice source(String sampler, String backend, NetworkSpec spec) {
    if (!backend.equals("cpu") && !backend.equals("auto")) {
      throw new SpecException("--backend", "unknown backend '" + backend + "'");
    }
    SourceFactory fake = new SourceFactory() {
      @Override
      public String sampler() {
        return "direct";
      }

      @Override
      public String device() {
        return "cpu";
      }

      @Override
      public NetworkSource open(EnsembleRun run) {
        throw new UnsupportedOperationException("the fake answers run() itself");
      }

      @Override
      public EnsembleResult run(EnsembleRun run, ProgressListener progress) {
        RunSettings settings = run.settings();
        Inputs inputs = run.inputs();
        lastSettings = settings;
        if (backendFailure != null) {
          throw backendFailure;
        }
        if (progress != null) {
          progress.progress(settings.ensemble(), settings.ensemble());
        }
        TheoryResult th = fakeTheory(run.spec(), inputs);
        List<LayerValues> layers = new ArrayList<>();
        for (LayerValues t : th.layers()) {
          LayerValues lv = new LayerValues(t.layer());
          Tensor k = Tensor.of(inputs.count(), Obs.K);
          Tensor ke = Tensor.of(inputs.count(), Obs.K);
          for (int f = 0; f < k.size(); f++) {
            k.setFlat(f, t.theory().get(Obs.K).getFlat(f) + kOffset);
            ke.setFlat(f, 0.01);
          }
          Tensor v = Tensor.of(inputs.count(), Obs.V_over_nK2);
          Tensor ve = Tensor.of(inputs.count(), Obs.V_over_nK2);
          java.util.Arrays.fill(v.raw(), 0.1 * t.layer());
          java.util.Arrays.fill(ve.raw(), 0.05);
          lv.value().put(Obs.K, k);
          lv.err().put(Obs.K, ke);
          lv.value().put(Obs.V_over_nK2, v);
          lv.err().put(Obs.V_over_nK2, ve);
          layers.add(lv);
        }
        return new EnsembleResult("direct", "cpu", null, layers, settings.ensemble(), 0.5, 1000.0,
            List.of("fake ensemble"), null);
      }
    };
    return new Backends.Choice(fake, List.of());
  }

  @Override
  public Criticality.Report criticality(Activation activation) {
    return new Criticality.Report(activation.name(), "scale-invariant", 0.0, 2.0, Double.NaN, 1.0, 1.0,
        "", Map.of("nu", 5.0), Map.of(), "fake");
  }
}
