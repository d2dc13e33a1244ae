package org.rgflow.app;

import java.util.Locale;
import org.rgflow.spec.NetworkSpec;
import org.rgflow.spec.SpecException;

/**
 * Sizes estimated from the spec before anything runs, so that an impossible run is refused with
 * exit 2 naming its field and the estimate against the heap, never ended by an out-of-memory
 * error after seconds and gigabytes. The estimates count the large arrays of each engine (their
 * constructors are the reference: {@code CpuNetwork}, {@code ExactNetwork}, the theory's per-layer
 * records); they are lower bounds, used only to refuse, never to change a result.
 *
 * <ul>
 *   <li>Theory: about {@value #THEORY_BYTES_PER_LAYER} bytes per layer and input pair (measured:
 *       depth 10⁵ with one input needs between 256 and 512 MB of heap, report included).
 *   <li>Direct sampler, per worker: z, σ and σ′ (3·N_D·Σn_ℓ doubles), and with the NTK the m·N_D
 *       active gradient vectors of every layer, twice, each as wide as the widest layer.
 *   <li>Exact sampler with the NTK, per worker: the Gram matrices of all L·m·N_D gradient vectors
 *       (about five of total² doubles: O(L²)); without the NTK two layers of z.
 *   <li>Time: a run that would draw more than {@value #MAX_WEIGHT_DRAWS} weights (over a year at
 *       10¹⁰ weights per second, faster than any device measured) is refused too.
 * </ul>
 */
public final class Budget {
  static final long THEORY_BYTES_PER_LAYER = 4096;
  static final double MAX_WEIGHT_DRAWS = 3e17;
  /** The share of the free heap a run may plan to use. */
  static final double SHARE = 0.8;

  private Budget() {}

  /** The heap a run may still use, in bytes. */
  public static long available() {
    Runtime r = Runtime.getRuntime();
    return (long) (SHARE * (r.maxMemory() - (r.totalMemory() - r.freeMemory())));
  }

  /**
   * Refuses a depth whose theory alone cannot fit: checked right after {@code --depth} is parsed,
   * before any per-layer array exists.
   *
   * @param inputs the number of inputs N_D (1 when not known yet: a lower bound)
   */
  public static void depth(String field, int depth, int inputs) {
    double bytes = (double) depth * THEORY_BYTES_PER_LAYER * Math.max(1, inputs * (inputs + 1) / 2);
    if (bytes > available()) {
      throw new SpecException(field, depth + " layers need about " + bytes(bytes)
          + " for the per-layer theory alone, more than the " + bytes(available())
          + " of heap available (raise -Xmx through RGFLOW_JAVA_OPTS, or lower the depth)");
    }
  }

  /**
   * Refuses an ensemble run whose workers cannot fit in the heap, or whose weight draws could not
   * finish in a year.
   *
   * @param sampler "direct" or "exact" (as resolved)
   * @param workers the worker threads that will run (each holds one workspace)
   */
  public static void sample(NetworkSpec spec, int inputs, long ensemble, boolean ntk, int ntkNeurons,
      String sampler, int workers) {
    int depth = spec.depth();
    double sumW = 0;
    double maxW = 0;
    double draws = 0;
    for (int l = 1; l <= depth; l++) {
      sumW += spec.width(l);
      maxW = Math.max(maxW, spec.width(l));
      draws += (double) spec.width(l - 1) * spec.width(l) + spec.width(l);
    }
    double m = ntk ? Math.min(ntkNeurons, maxW) : 0;
    double widthPart;
    double depthPart;
    if ("exact".equals(sampler)) {
      double total = depth * m * inputs;
      widthPart = 8.0 * (ntk ? 3 * inputs * sumW : 4 * inputs * maxW);
      depthPart = 8.0 * 5 * total * total;
    } else {
      widthPart = 8.0 * (3 * inputs * sumW + 2 * depth * m * inputs * maxW);
      depthPart = 8.0 * (ntk ? depth * (m * inputs) * (m * inputs) : 0);
    }
    double perWorker = widthPart + depthPart;
    double need = perWorker * workers;
    long avail = available();
    if (need > avail) {
      String field = perWorker <= avail ? "--threads" : depthPart > widthPart ? "--depth" : "--width";
      throw new SpecException(field, "the " + sampler + " sampler needs about " + bytes(perWorker)
          + " per worker" + (workers > 1 ? " × " + workers + " workers = " + bytes(need) : "")
          + ", more than the " + bytes(avail) + " of heap available" + hint(field, sampler, ntk));
    }
    if ("direct".equals(sampler) && draws * ensemble > MAX_WEIGHT_DRAWS) {
      throw new SpecException(draws > MAX_WEIGHT_DRAWS / 1e3 ? "--width" : "--ensemble",
          String.format(Locale.ROOT, "the direct sampler would draw about %.1e weights (%.1e per"
          + " network × E = %d): over a year even at 10^10 weights per second", draws * ensemble,
          draws, ensemble));
    }
  }

  private static String hint(String field, String sampler, boolean ntk) {
    return switch (field) {
      case "--threads" -> "; use fewer --threads";
      case "--depth" -> ntk ? "; lower the depth, --ntk-neurons, or add --no-ntk" : "";
      default -> "exact".equals(sampler) ? "" : "; lower the width";
    };
  }

  /** e.g. "5.9 GB", "320 MB". */
  static String bytes(double b) {
    String[] units = {"B", "KB", "MB", "GB", "TB", "PB", "EB"};
    int u = 0;
    while (b >= 1000 && u < units.length - 1) {
      b /= 1000;
      u++;
    }
    return String.format(Locale.ROOT, b >= 100 || u == 0 ? "%.0f %s" : "%.1f %s", b, units[u]);
  }
}
