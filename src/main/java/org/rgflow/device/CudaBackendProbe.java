package org.rgflow.device;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.LinkedHashMap;
import java.util.Map;
import org.rgflow.ensemble.EnsembleBackend;

/**
 * The CUDA ensemble backend, found by name so that this package does not link to it: a class
 * {@value #CLASS} with a public no-arg constructor, implementing {@link EnsembleBackend}, and a
 * public static {@code probe()}. That is the whole agreement; the probe's result is read
 * leniently: a {@code Boolean}, or an object with a boolean {@code available()} /
 * {@code isAvailable()} / {@code ok()}, and optionally {@code reason()} and {@code device()} /
 * {@code deviceName()}.
 *
 * @param available the backend can run here
 * @param device the device it would run on ("" when unknown or unavailable)
 * @param reason why it cannot run ("" when available)
 * @param backendClass the class, when it loaded (null otherwise)
 */
public record CudaBackendProbe(boolean available, String device, String reason, Class<?> backendClass) {
  public static final String CLASS = "org.rgflow.cuda.CudaEnsemble";

  public static CudaBackendProbe run() {
    return run(CLASS);
  }

  /** The probe of a backend class named {@code className} (tests use stand-ins). */
  static CudaBackendProbe run(String className) {
    Class<?> c;
    try {
      c = Class.forName(className);
    } catch (ClassNotFoundException e) {
      return unavailable(className + " is not in this build");
    } catch (Throwable t) {
      return unavailable(className + " did not load: " + NativeErrors.describe(t));
    }
    if (!EnsembleBackend.class.isAssignableFrom(c)) {
      return unavailable(className + " does not implement EnsembleBackend");
    }
    Object r;
    try {
      Method m = c.getMethod("probe");
      if (!Modifier.isStatic(m.getModifiers())) {
        return unavailable(className + ".probe() is not static");
      }
      r = m.invoke(null);
    } catch (NoSuchMethodException e) {
      return unavailable(className + " has no public static probe()");
    } catch (Throwable t) {
      return unavailable(NativeErrors.describe(t));
    }
    if (r == null) {
      return unavailable(className + ".probe() returned null");
    }
    if (r instanceof Boolean b) {
      return new CudaBackendProbe(b, "", b ? "" : className + ".probe() returned false", c);
    }
    Boolean ok = null;
    for (String name : new String[] {"available", "isAvailable", "ok"}) {
      Object v = call(r, name);
      if (v instanceof Boolean b) {
        ok = b;
        break;
      }
    }
    String device = firstString(r, "device", "deviceName");
    String reason = firstString(r, "reason");
    if (ok == null) {
      return unavailable(className + ".probe() returned " + oneLine(r.toString())
          + ", which has no boolean available()");
    }
    if (ok) {
      return new CudaBackendProbe(true, device, "", c);
    }
    return new CudaBackendProbe(false, "", reason.isEmpty() ? oneLine(r.toString()) : oneLine(reason), c);
  }

  private static CudaBackendProbe unavailable(String reason) {
    return new CudaBackendProbe(false, "", reason, null);
  }

  /** A new instance of the backend; only when {@link #available()}. */
  public EnsembleBackend newBackend() {
    try {
      return (EnsembleBackend) backendClass.getConstructor().newInstance();
    } catch (Throwable t) {
      throw new IllegalStateException("cuda unavailable: " + NativeErrors.describe(t), t);
    }
  }

  /** The device name a backend instance reports, if it has {@code device()} or {@code deviceName()}. */
  static String deviceOf(Object backend) {
    return firstString(backend, "device", "deviceName");
  }

  public Capability capability() {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("class", CLASS);
    if (available) {
      d.put("device", device);
      return Capability.ok("cuda_backend", "CUDA backend", CLASS + (device.isEmpty() ? "" : " on " + device), d);
    }
    return Capability.missing("cuda_backend", "CUDA backend", reason, d);
  }

  private static Object call(Object target, String method) {
    try {
      Method m = target.getClass().getMethod(method);
      if (m.getParameterCount() != 0 || Modifier.isStatic(m.getModifiers())) {
        return null;
      }
      m.setAccessible(true);
      return m.invoke(target);
    } catch (Throwable t) {
      return null;
    }
  }

  private static String firstString(Object target, String... methods) {
    for (String name : methods) {
      Object v = call(target, name);
      if (v != null && !(v instanceof Boolean)) {
        return oneLine(v.toString());
      }
    }
    return "";
  }

  private static String oneLine(String s) {
    return s.strip().replaceAll("\\s*\\R\\s*", "; ");
  }
}
