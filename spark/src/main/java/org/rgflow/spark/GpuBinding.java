package org.rgflow.spark;

import java.util.Map;
import java.util.function.Supplier;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;
import org.rgflow.ensemble.EnsembleRun;
import org.rgflow.ensemble.NetworkSource;
import org.rgflow.ensemble.SourceFactory;

/**
 * The GPU Spark's resource scheduling gave a task ({@code spark.executor.resource.gpu.amount},
 * {@code spark.task.resource.gpu.amount} and a discovery script), bound for the engine's CUDA
 * backend. The backend opens device {@code rgflow.cuda.device} (a JVM-wide property read when a
 * source opens), so the binding sets it and opens the source under one lock: tasks of one executor
 * that hold different GPUs open their sources one after another, each on its own device, and then run
 * side by side.
 */
public final class GpuBinding {
  /** The property the CUDA backend reads for its device ordinal. */
  public static final String PROPERTY = "rgflow.cuda.device";

  private static final Object LOCK = new Object();

  private GpuBinding() {}

  /** The CUDA ordinal of the current task's first "gpu" address, or −1 (no task, no GPU). */
  public static int taskOrdinal() {
    TaskContext tc = TaskContext.get();
    if (tc == null) {
      return -1;
    }
    return ordinal(tc.resourcesJMap());
  }

  /** The first "gpu" address as a CUDA ordinal, or −1 when there is none. */
  static int ordinal(Map<String, ResourceInformation> resources) {
    ResourceInformation gpu = resources == null ? null : resources.get("gpu");
    if (gpu == null || gpu.addresses().length == 0) {
      return -1;
    }
    String a = gpu.addresses()[0].trim();
    try {
      return Integer.parseInt(a);
    } catch (NumberFormatException e) {
      throw new IllegalStateException("GPU address '" + a + "' is not a CUDA device index (the"
          + " discovery script must report indices, as nvidia-smi --query-gpu=index does)");
    }
  }

  /** Opens {@code factory}'s source for {@code run} on CUDA device {@code ordinal}. */
  static NetworkSource open(SourceFactory factory, EnsembleRun run, int ordinal) {
    return withDevice(ordinal, () -> factory.open(run));
  }

  /** Runs {@code body} with {@link #PROPERTY} set to {@code ordinal}, under the binding lock. */
  static <T> T withDevice(int ordinal, Supplier<T> body) {
    synchronized (LOCK) {
      String before = System.getProperty(PROPERTY);
      System.setProperty(PROPERTY, Integer.toString(ordinal));
      try {
        return body.get();
      } finally {
        if (before == null) {
          System.clearProperty(PROPERTY);
        } else {
          System.setProperty(PROPERTY, before);
        }
      }
    }
  }
}
