package org.rgflow.ensemble;

import java.util.List;
import org.rgflow.stats.LayerData;

/**
 * The networks of one run as one sampler on one device produces them — the seam every sampler and
 * device implements. Opened for a run by its {@link SourceFactory}; the {@link EnsembleDriver} asks
 * each of {@link #parallelism()} threads' {@linkplain #worker workers} for networks
 * [first, first + count), count ≤ {@link #batch()}, and reduces what they emit. Network e must
 * depend only on (seed, e): never on the batch, the thread or the launch.
 *
 * <p>Per network a worker emits layers 1..L in order into the {@link Sink}, each as a
 * {@link LayerData} (all pre-activations, or a device's power sums, plus the NTK block); the sink
 * reads it before {@code layer} returns, so a worker may reuse one LayerData throughout.
 */
public interface NetworkSource extends AutoCloseable {
  /** Threads that may run workers at once (the CPU's --threads; 1 for a device). */
  int parallelism();

  /** Most networks per {@link Worker#emit} call (the CPU's --chunk; a device's launch size). */
  int batch();

  /** A new worker for one thread, with its own scratch state. */
  Worker worker();

  /** Where and how the run went, once it is over: the device's name, notes, timings. */
  Report report();

  /** Releases what the source holds (device memory, contexts); safe after a failure. */
  @Override
  void close();

  /** One thread's producer of networks. */
  @FunctionalInterface
  interface Worker {
    /**
     * Emits networks [first, first + count) into the sink, in index order.
     *
     * @throws DivergenceException when a network's pre-activations overflow
     */
    void emit(long first, int count, Sink sink);
  }

  /** Receives layer ℓ of network e (ℓ = 1..L in order for each network). */
  @FunctionalInterface
  interface Sink {
    void layer(long e, int layer, LayerData data);
  }

  /**
   * What a source says about its run.
   *
   * @param device the device's name, e.g. the CPU's model or the OpenCL device
   * @param notes one line each: where the kernels ran, precision, launches, the streams used
   * @param detail the source's own record of the run (e.g. {@code ClEnsemble.Execution},
   *     {@code CudaEnsemble.Timing}), for those who know the source; null when it has none
   */
  record Report(String device, List<String> notes, Object detail) {
    public Report {
      notes = List.copyOf(notes);
    }
  }
}
