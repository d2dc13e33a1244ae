package org.rgflow.spark;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.rgflow.app.Engines;
import org.rgflow.app.Failures;
import org.rgflow.app.Flags;
import org.rgflow.app.SampleRun;
import org.rgflow.io.JsonReport;

/**
 * One sweep point as a Spark task: the {@code sample} run the local sweep runs in-process
 * ({@link SampleRun}, the engines of the executor), its {@code --json} record returned as text.
 * A task holding a GPU runs a point whose backend is auto on CUDA there, as the local sweep's GPU
 * lane does.
 */
final class PointTask {
  private PointTask() {}

  /**
   * What a point gave: the exit code {@code sample} would exit with, its JSON record (exit 0) or
   * the one-line error.
   */
  record Outcome(int exitCode, String json, String message) implements Serializable {
    private static final long serialVersionUID = 1L;
  }

  static Outcome run(Map<String, String> pointFlags, String backendOverride) {
    Map<String, String> flags = new LinkedHashMap<>(pointFlags);
    if (backendOverride != null) {
      flags.put("backend", backendOverride);
    }
    int gpu = GpuBinding.taskOrdinal();
    String backend = flags.getOrDefault("backend", "auto").trim().toLowerCase(Locale.ROOT);
    try {
      if (gpu >= 0 && (backend.equals("auto") || backend.equals("cuda"))) {
        flags.put("backend", "cuda");
        return GpuBinding.withDevice(gpu, () -> sample(flags));
      }
      return sample(flags);
    } catch (RuntimeException | Error e) {
      Failures.Failure f = Failures.of(e);
      return new Outcome(f.exitCode(), null, f.message());
    }
  }

  private static Outcome sample(Map<String, String> flags) {
    Engines engines = Engines.defaults();
    SampleRun.Options o = Flags.sample(flags, engines);
    return new Outcome(0, JsonReport.write(JsonReport.toJson(SampleRun.run(o, engines, null))), null);
  }
}
