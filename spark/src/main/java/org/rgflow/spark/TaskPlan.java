package org.rgflow.spark;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What every task of one split-ensemble job needs to sample its range: the {@code sample} flags as
 * given (each executor rebuilds the network from them, so nothing but strings crosses the wire), the
 * sampler and device the driver settled, the statistic blocks by name (so every task lays out the
 * same statistic vector), the threads a task may use, and whether a task with a GPU assigned may run
 * on it.
 *
 * @param flags the run's {@code sample} flags without dashes ({@link org.rgflow.app.Flags#sample})
 * @param sampler "direct" or "exact", as the driver resolved it
 * @param device "cpu", "opencl" or "cuda": where tasks without a GPU run
 * @param blocks the statistic blocks' names, in the driver's order
 * @param taskThreads worker threads per task (spark.task.cpus)
 * @param gpu whether a task holding a GPU address runs on CUDA there (direct sampler only)
 * @param failFirstAttempt test hook: every task's first attempt throws after sampling, so that Spark
 *     retries it (spark.task.maxFailures, or local[N,F])
 */
public record TaskPlan(Map<String, String> flags, String sampler, String device, List<String> blocks,
    int taskThreads, boolean gpu, boolean failFirstAttempt) implements Serializable {
  private static final long serialVersionUID = 1L;

  public TaskPlan {
    flags = new LinkedHashMap<>(flags);
    blocks = List.copyOf(blocks);
  }

  /** The flags with threads set to the task's own. */
  Map<String, String> taskFlags() {
    Map<String, String> f = new LinkedHashMap<>(flags);
    f.put("threads", Integer.toString(taskThreads));
    f.put("sampler", sampler);
    f.put("backend", device);
    return f;
  }

  /** The same plan with the failure hook set. */
  public TaskPlan failingFirstAttempt() {
    return new TaskPlan(flags, sampler, device, blocks, taskThreads, gpu, true);
  }
}
