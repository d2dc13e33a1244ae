package org.rgflow.app;

import java.util.ArrayList;
import java.util.List;
import org.rgflow.device.Backends;
import org.rgflow.ensemble.EnsembleResult;
import org.rgflow.ensemble.EnsembleRun;
import org.rgflow.ensemble.ProgressListener;
import org.rgflow.ensemble.RunSettings;
import org.rgflow.ensemble.SourceFactory;
import org.rgflow.io.Combine;
import org.rgflow.spec.SpecException;
import org.rgflow.stats.NtkBlock;
import org.rgflow.stats.StatBlock;
import org.rgflow.stats.StatSet;
import org.rgflow.theory.TheoryResult;

/**
 * {@code rgflow sample} as a call: an ensemble's measurements beside the theory, per layer. The
 * sampler and device are chosen ({@link Backends#choose}), the statistic blocks settled (the
 * default set drops, with a note, what the source cannot measure; a block asked for by name that it
 * cannot measure is refused before any work), the theory computed, and the ensemble run through the
 * {@link org.rgflow.ensemble.EnsembleDriver}. Prints nothing.
 */
public final class SampleRun {
  private SampleRun() {}

  /**
   * @param network the network and its inputs
   * @param settings E, seed, threads, chunk, NTK
   * @param sampler {@code --sampler} as given (auto, direct, exact)
   * @param backend {@code --backend} as given (auto, cpu, opencl, cuda)
   * @param observables block names asked for ({@code --observables}); empty for the default set
   * @param notes remarks the options produced (e.g. a capped --ntk-neurons)
   */
  public record Options(Flags.Network network, RunSettings settings, String sampler, String backend,
      List<String> observables, List<String> notes) {
    public Options {
      observables = List.copyOf(observables);
      notes = List.copyOf(notes);
    }
  }

  /**
   * Runs the ensemble and returns its record.
   *
   * @throws SpecException for bad options, before any network is sampled
   * @throws org.rgflow.ensemble.DivergenceException when a network diverges
   */
  public static LayerReport run(Options o, Engines engines, ProgressListener progress) {
    var spec = o.network().spec();
    var inputs = o.network().inputs().inputs();
    Prepared p = prepare(o, engines);
    SourceFactory source = p.source();
    List<String> notes = new ArrayList<>(p.notes());
    StatSet stats = p.stats();
    TheoryResult th = null;
    try {
      th = engines.theory(spec, inputs, StatSet.predicted(stats));
      notes.addAll(th.notes());
    } catch (SpecException e) {
      throw e;
    } catch (RuntimeException e) {
      // Measurements remain useful without predictions; say so rather than fail the run.
      notes.add("theory unavailable: " + e.getMessage());
    }
    if (progress != null) {
      // the total first: a bar moved by layers before the first network finishes knows E
      progress.progress(0, o.settings().ensemble());
    }
    EnsembleResult m = source.run(new EnsembleRun(spec, inputs, o.settings(), stats), progress);
    notes.addAll(m.notes());
    return new LayerReport(Version.current(), "sample", spec, o.network().inputs(), o.settings(),
        m.sampler(), m.backend(), m.device(), Combine.combine(spec, th, m),
        new LayerReport.Timing(m.seconds(), m.networksPerSecond(), m.weightsPerSecond()), notes);
  }

  /**
   * What a run will do, settled without running anything: the source, the blocks and the notes.
   *
   * @param source the sampler on its device
   * @param stats the statistic blocks to measure
   * @param notes the options' notes, then why the source was chosen and what it cannot measure
   */
  public record Prepared(SourceFactory source, StatSet stats, List<String> notes) {}

  /**
   * Chooses the source and blocks and checks the sizes against the heap ({@link Budget}): every
   * refusal a run can meet before its first network, so that a sweep checks all of its points
   * before it creates anything.
   *
   * @throws SpecException naming the offending flag
   */
  public static Prepared prepare(Options o, Engines engines) {
    var spec = o.network().spec();
    int nd = o.network().inputs().inputs().count();
    RunSettings s = o.settings();
    String sampler = o.sampler();
    String backend = o.backend();
    List<String> dntkNotes = new ArrayList<>();
    if (o.observables().stream().anyMatch(x -> x.trim().equalsIgnoreCase("dntk"))) {
      // The dNTK is measured by the direct sampler only, on cpu, opencl and cuda (docs/THEORY.md §16).
      if (sampler == null || sampler.trim().equalsIgnoreCase("auto")) {
        sampler = "direct";
        dntkNotes.add("sampler auto \u2192 direct: the dNTK is measured by the direct sampler only (the"
            + " exact sampler's conditional law covers z and the NTK, not the dNTK's second derivatives)");
      }
      if (backend == null || backend.trim().equalsIgnoreCase("auto")) {
        backend = "cpu";
        dntkNotes.add("backend auto \u2192 cpu: the device choice's cost model does not cover the dNTK"
            + " (--backend opencl or cuda measures it too)");
      }
    }
    Backends.Choice choice = engines.source(sampler, backend, spec, nd, s.ntk(), s.ntkNeurons());
    SourceFactory source = choice.source();
    List<String> notes = new ArrayList<>(o.notes());
    notes.addAll(dntkNotes);
    notes.addAll(choice.notes());
    StatSet stats = blocks(o, source, nd, notes);
    if (source.device().equals("cpu")) {
      Budget.sample(spec, nd, s.ensemble(), s.ntk(), s.ntkNeurons(), source.sampler(),
          (int) Math.min(s.threads(), s.ensemble()));
    }
    return new Prepared(source, stats, notes);
  }

  /** The blocks to measure: those asked for, or the standard ones the source can measure. */
  static StatSet blocks(Options o, SourceFactory source, int nd, List<String> notes) {
    boolean ntk = o.settings().ntk();
    if (o.observables().isEmpty()) {
      StatSet s = StatSet.standard(nd, ntk);
      for (StatBlock b : s.blocks()) {
        String why = source.unsupported(b);
        if (why != null) {
          s = s.without(b);
          notes.add(b.name() + " not measured: " + why);
        }
      }
      return s;
    }
    List<StatBlock> chosen = new ArrayList<>();
    for (String name : o.observables()) {
      StatBlock b = StatSet.named("--observables", name);
      if (b == NtkBlock.INSTANCE && !ntk) {
        throw new SpecException("--observables", "ntk needs the NTK; drop --no-ntk");
      }
      if (b == org.rgflow.stats.NtkOddBlock.INSTANCE && !ntk) {
        throw new SpecException("--observables", "ntk-odd needs the NTK; drop --no-ntk");
      }
      if (b == org.rgflow.stats.NtkFullBlock.INSTANCE) {
        if (!ntk) {
          throw new SpecException("--observables", "ntkfull needs the NTK; drop --no-ntk");
        }
        if (nd > org.rgflow.stats.NtkFullBlock.MAX_INPUTS) {
          throw new SpecException("--observables", "ntkfull measures 4·N_D⁴ statistics per layer and"
              + " takes at most " + org.rgflow.stats.NtkFullBlock.MAX_INPUTS + " inputs, got " + nd);
        }
      }
      String why = source.unsupported(b);
      if (why != null) {
        throw new SpecException("--observables", b.name() + " is not supported by the "
            + source.sampler() + " sampler on " + source.device() + ": " + why);
      }
      for (StatBlock r : b.requires()) {
        if (!chosen.contains(r)) {
          chosen.add(r);
        }
      }
      if (!chosen.contains(b)) {
        chosen.add(b);
      }
    }
    return StatSet.of(nd, chosen);
  }
}
