package org.rgflow.ensemble;

import org.rgflow.act.Activation;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;
import org.rgflow.stats.Need;
import org.rgflow.stats.StatBlock;
import org.rgflow.stats.StatSet;

/**
 * One sampler on one device: what it can measure, and a {@link NetworkSource} for a run. The two
 * choices are separate — the sampler ("direct" draws every weight, "exact" samples z and the NTK
 * from their conditional law) and the device ("cpu", "opencl", "cuda") — and each implemented pair
 * is one factory: {@link CpuEnsemble} (direct, cpu), {@code ExactEnsemble} (exact, cpu),
 * {@code ClEnsemble} (direct, opencl), {@code CudaEnsemble} (direct, cuda).
 */
public interface SourceFactory {
  /** "direct" or "exact". */
  String sampler();

  /** "cpu", "opencl" or "cuda" (recorded as the result's backend). */
  String device();

  /** Why this source cannot hand over {@code need}, or null when it can. */
  default String unsupported(Need need) {
    return need == Need.DNTK ? DNTK_REFUSAL : null;
  }

  /** Why a source other than the direct sampler (cpu, opencl, cuda) does not measure the dNTK. */
  String DNTK_REFUSAL = "the dNTK is measured by the direct sampler only (on the cpu, opencl and"
      + " cuda backends)";

  /**
   * Why this source cannot sample {@code spec} (e.g. a layer type it does not implement), or null
   * when it can. The CPU reference samples every layer type.
   */
  default String unsupported(NetworkSpec spec) {
    return null;
  }

  /**
   * What a device kernel says of {@code spec}: it implements dense layers and the activations that
   * {@code kernelFor} accepts (it throws UnsupportedOperationException, naming what is supported,
   * for the others). For {@link #unsupported(NetworkSpec)} of device sources.
   */
  static String kernelRefusal(NetworkSpec spec, java.util.function.Consumer<Activation> kernelFor) {
    if (!spec.allDense()) {
      return "it implements dense layers only";
    }
    try {
      kernelFor.accept(spec.activation());
      return null;
    } catch (UnsupportedOperationException e) {
      return e.getMessage();
    }
  }

  /** Why this source cannot measure block {@code b} (its first unmet need), or null when it can. */
  default String unsupported(StatBlock b) {
    for (Need n : b.needs()) {
      String why = unsupported(n);
      if (why != null) {
        return why;
      }
    }
    return null;
  }

  /**
   * The source for a run; checks what it must (e.g. sizes a device cannot take) before anything
   * is allocated.
   *
   * @throws org.rgflow.spec.SpecException naming the offending field
   */
  NetworkSource open(EnsembleRun run);

  /** Runs the ensemble through the {@link EnsembleDriver} (test stand-ins may answer otherwise). */
  default EnsembleResult run(EnsembleRun run, ProgressListener progress) {
    return EnsembleDriver.run(this, run, progress);
  }

  /**
   * Runs the standard blocks this source supports (the NTK's only with the NTK): the tests' and
   * benchmarks' shorthand.
   */
  default EnsembleResult run(NetworkSpec spec, Inputs inputs, RunSettings settings,
      ProgressListener progress) {
    StatSet stats = StatSet.standard(inputs.count(), settings.ntk());
    for (StatBlock b : stats.blocks()) {
      if (unsupported(b) != null) {
        stats = stats.without(b);
      }
    }
    return run(new EnsembleRun(spec, inputs, settings, stats), progress);
  }
}
