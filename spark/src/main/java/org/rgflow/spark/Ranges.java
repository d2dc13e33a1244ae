package org.rgflow.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.rgflow.ensemble.OrderedReducer;

/**
 * The split of networks 0..E−1 into contiguous ranges [first, first + count), one per task, on the
 * boundaries of the reduction blocks ({@link OrderedReducer#BLOCK} networks): each task then owns
 * whole blocks, accumulates each exactly as the single-machine reducer does, and the driver merges the
 * blocks in block order — the same sequence of floating-point operations for every split.
 */
public final class Ranges {
  private Ranges() {}

  /** One task's networks; count may be 0 when there are more tasks than blocks. */
  public record Range(int index, long first, long count) implements Serializable {
    private static final long serialVersionUID = 1L;
  }

  /** {@code tasks} ranges covering [0, E): task p gets blocks [p·B/T, (p+1)·B/T) of B = ⌈E/64⌉. */
  public static List<Range> split(long ensemble, int tasks) {
    if (tasks < 1) {
      throw new IllegalArgumentException("tasks must be at least 1, got " + tasks);
    }
    long block = OrderedReducer.BLOCK;
    long blocks = (ensemble + block - 1) / block;
    List<Range> out = new ArrayList<>();
    for (int p = 0; p < tasks; p++) {
      long b0 = blocks * p / tasks;
      long b1 = blocks * (p + 1) / tasks;
      long first = Math.min(ensemble, b0 * block);
      long end = Math.min(ensemble, b1 * block);
      out.add(new Range(p, first, end - first));
    }
    return out;
  }
}
