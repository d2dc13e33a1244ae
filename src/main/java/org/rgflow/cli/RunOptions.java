package org.rgflow.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import org.rgflow.app.Flags;
import org.rgflow.spec.SpecException;
import picocli.CommandLine.Option;

/**
 * How the ensemble is sampled and what is measured. Only E, seed and the NTK flags change results
 * (and which observable blocks there are); threads and chunk change only the speed.
 */
final class RunOptions {
  @Option(names = "--ensemble", paramLabel = "E", defaultValue = Flags.ENSEMBLE,
      description = "Number of networks E (default: ${DEFAULT-VALUE}).")
  String ensemble;

  @Option(names = "--seed", paramLabel = "S", defaultValue = Flags.SEED,
      description = "Seed; network e depends only on (seed, e) (default: ${DEFAULT-VALUE}).")
  String seed;

  @Option(names = "--backend", paramLabel = "NAME", defaultValue = Flags.BACKEND,
      description = "Device: cpu (the reference), opencl, cuda, or auto (the best available:"
          + " cuda, else opencl on a GPU, else cpu; the result notes say why) (default: ${DEFAULT-VALUE}).")
  String backend;

  @Option(names = "--sampler", paramLabel = "NAME", defaultValue = Flags.SAMPLER,
      description = "Sampler: exact (z and NTK from their exact conditional law, no weights drawn;"
          + " cpu only), direct (every weight drawn, on any device), or auto (exact on the cpu, direct"
          + " on a device backend; the result records which ran and why) (default: ${DEFAULT-VALUE}).")
  String sampler;

  @Option(names = "--threads", paramLabel = "T",
      description = "Worker threads (default: available processors). Never changes results.")
  String threads;

  @Option(names = "--chunk", paramLabel = "C", defaultValue = Flags.CHUNK,
      description = "Networks per work item (default: ${DEFAULT-VALUE}). Never changes results.")
  String chunk;

  @Option(names = "--ntk-neurons", paramLabel = "M",
      description = "Neurons per layer whose NTK entries are measured (default: " + Flags.NTK_NEURONS + ";"
          + " capped at the narrowest width).")
  String ntkNeurons;

  @Option(names = "--no-ntk", description = "Skip the NTK (forward passes only).")
  boolean noNtk;

  @Option(names = "--observables", paramLabel = "LIST",
      description = "Observable blocks to measure: kernel, moments, ntk, three-point, dntk, ntkfull,"
          + " ntk-odd (default: all that the sampler and device can measure, dntk, ntkfull and ntk-odd"
          + " excepted; the NTK's"
          + " only with the NTK).")
  String observables;

  @Option(names = "--progress", negatable = true,
      description = "Progress bar on stderr (default: only when stderr is a terminal).")
  Boolean progress;

  /** The given values by flag name without dashes (absent ones left out). */
  Map<String, String> flags() {
    if (noNtk && ntkNeurons != null) {
      throw new SpecException("--ntk-neurons", "has no effect with --no-ntk (no NTK is measured);"
          + " give one of them");
    }
    Map<String, String> f = new LinkedHashMap<>();
    f.put("ensemble", ensemble);
    f.put("seed", seed);
    f.put("backend", backend);
    f.put("sampler", sampler);
    f.put("threads", threads);
    f.put("chunk", chunk);
    f.put("ntk-neurons", ntkNeurons);
    f.put("no-ntk", noNtk ? "true" : null);
    f.put("observables", observables);
    f.values().removeIf(v -> v == null);
    return f;
  }
}
