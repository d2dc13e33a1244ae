package org.rgflow.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.rgflow.app.Engines;
import org.rgflow.app.Failures;
import org.rgflow.app.Flags;
import org.rgflow.app.SampleRun;
import org.rgflow.app.Version;
import org.rgflow.report.HtmlReport;
import org.rgflow.spec.SpecException;
import org.rgflow.sweep.PointStore;
import org.rgflow.sweep.Provenance;
import org.rgflow.sweep.Results;
import org.rgflow.sweep.SweepPlan;
import org.rgflow.sweep.SweepPoint;
import org.rgflow.sweep.SweepRunner;

/**
 * The sweep job: the points of a sweep become Spark tasks. The driver runs the local sweep's own
 * {@link SweepRunner} — the same point files (written as each point finishes), provenance,
 * {@code --resume} and {@code --retry-failed}, results.csv and results.jsonl — with one lane per
 * concurrent Spark job; each lane hands its next point to the cluster as a one-task job
 * ({@link PointTask}). A task that fails or whose executor is lost is retried by Spark, and the point
 * (a pure function of its flags) gives the same record.
 */
public final class SparkSweep {
  private static final ObjectMapper JSON = new ObjectMapper();

  private SparkSweep() {}

  /** {@code sample}'s defaults of the flags a sweep point may set (as the local sweep reads them). */
  public static Map<String, String> sampleDefaults() {
    Map<String, String> d = new LinkedHashMap<>();
    Flags.SAMPLE_DEFAULTS.forEach((k, v) -> {
      if (SweepPlan.KEYS.contains(k)) {
        d.put(k, v);
      }
    });
    return d;
  }

  /** Refuses the first point whose run would be refused, naming it (as the local sweep does). */
  public static void validate(SweepPlan plan) {
    Engines engines = Engines.defaults();
    int i = 0;
    for (SweepPoint p : plan.points()) {
      i++;
      try {
        SampleRun.prepare(Flags.sample(p.flags(), engines), engines);
      } catch (SpecException e) {
        String field = e.field().replaceFirst("^--", "");
        String msg = Failures.of(e).message().substring(e.field().length() + 2);
        throw new SpecException(field, "sweep point " + i + " of " + plan.points().size() + " ("
            + p.label() + "): " + msg);
      }
    }
  }

  /**
   * Runs the unfinished points of {@code plan} into {@code dir} on the cluster, then regenerates
   * results.csv and results.jsonl (and report.html when {@code report}).
   *
   * @param lanes points in flight at once (Spark jobs submitted side by side)
   */
  public static SweepRunner.Summary run(JavaSparkContext sc, SweepPlan plan, Path dir,
      boolean retryFailed, int lanes, boolean report, SweepRunner.Listener listener) {
    String version = Version.current();
    Provenance prov = Provenance.detect(version, Provenance.codeDir());
    try (PointStore store = new PointStore(dir).open()) {
      PointStore.writeAtomically(dir.resolve("sweep.json"), PointStore.write(plan.toJson(version)));
      List<SweepRunner.Lane> ls = new ArrayList<>();
      for (int i = 0; i < Math.max(1, lanes); i++) {
        ls.add(new SweepRunner.Lane("spark-" + i, null));
      }
      SweepRunner.Executor executor = (point, override) -> {
        Map<String, String> flags = new LinkedHashMap<>(point.flags());
        sc.setJobDescription("rgflow sweep point " + point.id());
        PointTask.Outcome o = sc.parallelize(List.of(0), 1)
            .map(x -> PointTask.run(flags, override))
            .collect().get(0);
        if (o.exitCode() != 0) {
          return new SweepRunner.Outcome(o.exitCode(), null, o.message());
        }
        try {
          return SweepRunner.Outcome.ok(JSON.readTree(o.json()));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      };
      SweepRunner.Summary s = new SweepRunner(executor, prov, System::nanoTime)
          .run(plan, store, retryFailed, ls, listener == null ? new SweepRunner.Listener() {} : listener);
      List<JsonNode> records = Results.ordered(store.readPoints(), plan);
      Results.write(dir, records);
      if (report) {
        HtmlReport.write(dir, records, version);
      }
      return s;
    }
  }
}
