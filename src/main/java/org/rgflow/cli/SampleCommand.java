package org.rgflow.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.rgflow.device.BackendChoice;
import org.rgflow.device.Backends;
import org.rgflow.ensemble.EnsembleBackend;
import org.rgflow.ensemble.EnsembleResult;
import org.rgflow.ensemble.ProgressListener;
import org.rgflow.exact.Samplers;
import org.rgflow.io.Combine;
import org.rgflow.io.JsonReport;
import org.rgflow.io.Report;
import org.rgflow.io.TableReport;
import org.rgflow.spec.SpecException;
import org.rgflow.theory.TheoryResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code rgflow sample}: an ensemble's measurements beside the theory, per layer. */
@Command(name = "sample", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    sortOptions = false,
    description = {"Sample E randomly initialised networks and compare every measured observable with "
        + "the theory: measured ± SE, theory, z = (measured − theory)/SE.",
        "Defaults: relu at criticality (C_b=0, C_W=2), width 256, depth 6, E=4000."})
final class SampleCommand implements Callable<Integer> {
  private final Context ctx;

  @Mixin NetworkOptions net = new NetworkOptions();
  @Mixin RunOptions run = new RunOptions();
  @Mixin CommonOptions common = new CommonOptions();

  SampleCommand(Context ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() {
    NetworkOptions.Setup s = net.build(ctx.engines());
    RunOptions.Built rb = run.build(s.spec());
    // --sampler (org.rgflow.exact.Samplers): the exact sampler replaces the backend's direct one.
    // --backend is resolved (and validated) as before; the exact sampler then runs on the CPU.
    BackendChoice exact = ctx.engines().exactSampler();
    Samplers.Choice sampler = Samplers.choose(run.sampler, run.backend, null, exact != null);
    BackendChoice choice = ctx.engines().chooseBackend(run.backend);
    List<String> notes = new ArrayList<>();
    if (rb.note() != null) {
      notes.add(rb.note());
    }
    if (choice.note() != null) {
      notes.add(choice.note());
    }
    notes.add(sampler.note(run.sampler));
    if (sampler.exact()) {
      if (!"cpu".equals(choice.backend().name())) {
        notes.add("backend " + choice.backend().name() + " not used: the exact sampler runs on the CPU");
      }
      choice = exact;
    }
    EnsembleBackend backend = choice.backend();
    TheoryResult th = null;
    try {
      th = ctx.engines().theory(s.spec(), s.inputs().inputs());
      notes.addAll(th.notes());
    } catch (SpecException e) {
      throw e;
    } catch (RuntimeException e) {
      // Measurements remain useful without predictions; say so rather than fail the run.
      notes.add("theory unavailable: " + e.getMessage());
    }
    EnsembleResult m;
    ProgressListener listener = ProgressListener.NONE;
    ProgressBar bar = null;
    if (ProgressBar.wanted(run.progress)) {
      bar = new ProgressBar(ctx.err(), ctx.clock());
      listener = bar;
    }
    try {
      m = backend.run(s.spec(), s.inputs().inputs(), rb.settings(), listener);
    } finally {
      if (bar != null) {
        bar.close();
      }
    }
    if (choice.afterRunNote() != null) {
      notes.add(choice.afterRunNote());
    }
    notes.addAll(m.notes());
    String device = sampler.exact() && choice.device() == null ? Backends.cpuName() : choice.device();
    Report r = new Report(VersionProvider.version(), "sample", s.spec(), s.inputs(), rb.settings(),
        m.backend(), device, Combine.combine(s.spec(), th, m),
        new Report.Timing(m.seconds(), m.networksPerSecond(), m.weightsPerSecond()), notes);
    if (common.json) {
      ObjectNode root = JsonReport.toJson(r);
      ((ObjectNode) root.get("spec")).put("sampler", sampler.sampler());
      ctx.out().println(JsonReport.write(root));
      ctx.out().flush();
    } else {
      TableReport.write(r, ctx.out());
    }
    return 0;
  }
}
