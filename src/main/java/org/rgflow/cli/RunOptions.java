package org.rgflow.cli;

import org.rgflow.ensemble.RunSettings;
import org.rgflow.spec.NetworkSpec;
import picocli.CommandLine.Option;

/** How the ensemble is sampled ({@link RunSettings}). Only E, seed and the NTK flags change results. */
final class RunOptions {
  @Option(names = "--ensemble", paramLabel = "E", defaultValue = "4000",
      description = "Number of networks E (default: ${DEFAULT-VALUE}).")
  String ensemble;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "0",
      description = "Seed; network e depends only on (seed, e) (default: ${DEFAULT-VALUE}).")
  String seed;

  @Option(names = "--backend", paramLabel = "NAME", defaultValue = "auto",
      description = "Ensemble backend: cpu (the reference), opencl, cuda, or auto (the best available:"
          + " cuda, else opencl on a GPU, else cpu; the result notes say why) (default: ${DEFAULT-VALUE}).")
  String backend;

  @Option(names = "--sampler", paramLabel = "NAME", defaultValue = "auto",
      description = "Sampler: exact (z and NTK from their exact conditional law, no weights drawn;"
          + " CPU), direct (every weight drawn, on --backend), or auto (exact where valid; the result"
          + " records which ran and why) (default: ${DEFAULT-VALUE}).")
  String sampler;

  @Option(names = "--threads", paramLabel = "T",
      description = "Worker threads (default: available processors). Never changes results.")
  String threads;

  @Option(names = "--chunk", paramLabel = "C", defaultValue = "16",
      description = "Networks per work item (default: ${DEFAULT-VALUE}). Never changes results.")
  String chunk;

  @Option(names = "--ntk-neurons", paramLabel = "M", defaultValue = "4",
      description = "Neurons per layer whose NTK entries are measured (default: ${DEFAULT-VALUE};"
          + " capped at the narrowest width).")
  String ntkNeurons;

  @Option(names = "--no-ntk", description = "Skip the NTK (forward passes only).")
  boolean noNtk;

  @Option(names = "--progress", negatable = true,
      description = "Progress bar on stderr (default: only when stderr is a terminal).")
  Boolean progress;

  /** Settings plus any remark worth recording (e.g. a capped --ntk-neurons). */
  record Built(RunSettings settings, String note) {}

  Built build(NetworkSpec spec) {
    long e = Numbers.positiveLong("--ensemble", ensemble);
    long s = Numbers.parseLong("--seed", seed);
    int t = threads == null ? Runtime.getRuntime().availableProcessors()
        : Numbers.positiveInt("--threads", threads);
    int c = Numbers.positiveInt("--chunk", chunk);
    int m = Numbers.positiveInt("--ntk-neurons", ntkNeurons);
    int narrowest = Integer.MAX_VALUE;
    for (int l = 1; l <= spec.depth(); l++) {
      narrowest = Math.min(narrowest, spec.width(l));
    }
    String note = null;
    if (!noNtk && m > narrowest) {
      note = "--ntk-neurons " + m + " capped at the narrowest width " + narrowest;
      m = narrowest;
    }
    return new Built(new RunSettings(e, s, t, c, !noNtk, m), note);
  }
}
