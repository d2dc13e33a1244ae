package org.rgflow.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.rgflow.ensemble.EnsembleBackend;
import org.rgflow.ensemble.EnsembleResult;
import org.rgflow.ensemble.ProgressListener;
import org.rgflow.ensemble.RunSettings;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;

/**
 * The reflective lookup of the CUDA backend, on stand-in classes: the agreement is only a class
 * name, a public no-arg constructor, EnsembleBackend, and a static probe(). Run:
 * {@code mvn -B test -Dtest=CudaBackendProbeTest}.
 */
class CudaBackendProbeTest {

  /** Base of the stand-ins: never run. */
  public abstract static class Stub implements EnsembleBackend {
    @Override
    public String name() {
      return "cuda";
    }

    @Override
    public EnsembleResult run(NetworkSpec spec, Inputs inputs, RunSettings settings, ProgressListener p) {
      throw new UnsupportedOperationException();
    }
  }

  public record Probe(boolean available, String device, String reason) {}

  public static final class Ready extends Stub {
    public static Probe probe() {
      return new Probe(true, "NVIDIA H100 80GB HBM3", "");
    }

    public String device() {
      return "NVIDIA H100 80GB HBM3 (sm_90)";
    }
  }

  public static final class NoDriver extends Stub {
    public static Probe probe() {
      return new Probe(false, "", "libcuda.so.1 not found\n(no driver)");
    }
  }

  public static final class BooleanProbe extends Stub {
    public static boolean probe() {
      return true;
    }
  }

  public static final class Throws extends Stub {
    public static Object probe() {
      throw new UnsatisfiedLinkError("/tmp/x.so: libcuda.so.1: cannot open shared object file: none");
    }
  }

  public static final class Opaque extends Stub {
    public static Object probe() {
      return "fine";
    }
  }

  public static final class NoProbe extends Stub {}

  public static final class NotABackend {
    public static boolean probe() {
      return true;
    }
  }

  private static CudaBackendProbe probe(Class<?> c) {
    return CudaBackendProbe.run(c.getName());
  }

  @Test
  void availableWithDevice() {
    CudaBackendProbe p = probe(Ready.class);
    assertTrue(p.available(), p.reason());
    assertEquals("NVIDIA H100 80GB HBM3", p.device());
    EnsembleBackend b = p.newBackend();
    assertEquals("cuda", b.name());
    assertEquals("NVIDIA H100 80GB HBM3 (sm_90)", CudaBackendProbe.deviceOf(b));
    assertTrue(probe(BooleanProbe.class).available());
  }

  @Test
  void unavailableSaysWhyOnOneLine() {
    assertEquals("libcuda.so.1 not found; (no driver)", probe(NoDriver.class).reason());
    assertEquals("libcuda.so.1 not found", probe(Throws.class).reason());
    String missing = CudaBackendProbe.run("org.rgflow.nowhere.CudaEnsemble").reason();
    assertEquals("org.rgflow.nowhere.CudaEnsemble is not in this build", missing);
    assertTrue(probe(NoProbe.class).reason().endsWith("has no public static probe()"));
    assertTrue(probe(NotABackend.class).reason().endsWith("does not implement EnsembleBackend"));
    CudaBackendProbe opaque = probe(Opaque.class);
    assertFalse(opaque.available());
    assertTrue(opaque.reason().contains("returned fine"), opaque.reason());
  }
}
