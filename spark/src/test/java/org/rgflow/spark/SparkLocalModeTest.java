package org.rgflow.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rgflow.app.Engines;
import org.rgflow.app.Flags;
import org.rgflow.app.SampleRun;
import org.rgflow.cli.Main;
import org.rgflow.ensemble.DivergenceException;
import org.rgflow.spec.SpecException;
import org.rgflow.sweep.SweepPlan;
import org.rgflow.sweep.SweepRunner;
import org.rgflow.io.JsonReport;

/**
 * The split-ensemble job in Spark's embedded local[2] mode (real Spark: tasks, serialisation of the
 * closures and results, the scheduler's retries): its JSON numbers must equal, as text (so every
 * double to the bit), those of the same {@code sample} run in-process, for 1, 3 and 7 tasks.
 */
class SparkLocalModeTest {
  static JavaSparkContext sc;

  @BeforeAll
  static void start() {
    // local[2,4]: two threads, and up to four attempts per task (what spark.task.maxFailures sets
    // on a cluster; local mode takes it from the master string).
    sc = new JavaSparkContext(new SparkConf().setMaster("local[2,4]").setAppName("rgflow-test")
        .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1"));
  }

  @AfterAll
  static void stop() {
    if (sc != null) {
      sc.stop();
    }
  }

  static Map<String, String> flags(String sampler) {
    Map<String, String> f = new LinkedHashMap<>();
    f.put("act", "relu");
    f.put("width", "16");
    f.put("depth", "4");
    f.put("ensemble", "1000"); // 15 full blocks of 64 and one of 40
    f.put("seed", "11");
    f.put("sampler", sampler);
    f.put("backend", "cpu");
    return f;
  }

  static JsonNode local(Map<String, String> flags) {
    Engines eng = Engines.defaults();
    return JsonReport.toJson(SampleRun.run(Flags.sample(flags, eng), eng, null));
  }

  static JsonNode spark(Map<String, String> flags, int tasks, boolean fail) {
    return spark(flags, tasks, fail, SparkEnsemble.Merge.CHAIN);
  }

  static JsonNode spark(Map<String, String> flags, int tasks, boolean fail, SparkEnsemble.Merge m) {
    SparkEngines eng = new SparkEngines(sc, tasks, flags, fail, m);
    return JsonReport.toJson(SampleRun.run(Flags.sample(flags, eng), eng, null));
  }

  /** Everything but timing and notes, as JSON text. */
  static String numbers(JsonNode n) {
    ObjectNode c = n.deepCopy();
    c.remove("timing");
    c.remove("notes");
    return JsonReport.write(c);
  }

  @Test
  void exactSamplerIsBitIdenticalFor1And3And7Tasks() {
    Map<String, String> f = flags("exact");
    String want = numbers(local(f));
    assertTrue(want.contains("\"layers\""));
    for (int tasks : new int[] {1, 3, 7}) {
      assertEquals(want, numbers(spark(f, tasks, false)), "tasks=" + tasks);
    }
  }

  @Test
  void directSamplerIsBitIdenticalFor3TasksAndMoreTasksThanBlocks() {
    Map<String, String> f = flags("direct");
    f.put("ensemble", "200"); // 4 blocks: with 7 tasks, three ranges are empty
    String want = numbers(local(f));
    assertEquals(want, numbers(spark(f, 3, false)), "tasks=3");
    assertEquals(want, numbers(spark(f, 7, false)), "tasks=7");
    assertEquals(want, numbers(spark(f, 7, false, SparkEnsemble.Merge.DRIVER)), "tasks=7, driver");
  }

  @Test
  void theLowestDivergedNetworkIsTheSingleMachineOne() {
    // relu far above criticality: network 286 of seed 3 is the first whose pre-activations pass
    // 1e150 (layer 97). With 7 tasks it lies in the third range, and later ranges diverge too.
    Map<String, String> f = flags("direct");
    f.put("cw", "5000");
    f.put("depth", "100");
    f.put("width", "4");
    f.put("seed", "3");
    DivergenceException want = assertThrows(DivergenceException.class, () -> local(f));
    assertEquals(286, want.network());
    for (int tasks : new int[] {3, 7}) {
      DivergenceException got = assertThrows(DivergenceException.class, () -> spark(f, tasks, false));
      assertEquals(want.network(), got.network(), "tasks=" + tasks);
      assertEquals(want.layer(), got.layer(), "tasks=" + tasks);
    }
  }

  @Test
  void anInterruptedEnsembleResumesFromItsCheckpointWithTheSameNumbers(@TempDir Path tmp) {
    Map<String, String> f = flags("exact");
    String want = numbers(local(f));
    Path ckpt = tmp.resolve("ckpt");
    // waves of 2 ranges (local[2]): the first run stops after the first wave, at range 2 of 7
    IllegalStateException stop = assertThrows(IllegalStateException.class, () -> {
      SparkEngines eng = new SparkEngines(sc, 7, f, false).checkpoint(ckpt, 1);
      SampleRun.run(Flags.sample(f, eng), eng, null);
    });
    assertTrue(stop.getMessage().contains("at range 2 of 7"), stop.getMessage());
    SparkEngines eng = new SparkEngines(sc, 7, f, false).checkpoint(ckpt);
    JsonNode resumed = JsonReport.toJson(SampleRun.run(Flags.sample(f, eng), eng, null));
    assertEquals(want, numbers(resumed));
    assertTrue(resumed.get("notes").toString().contains("resumed at range 2 of 7"));
    // the checkpoint of another run is refused, naming the flag
    Map<String, String> other = new LinkedHashMap<>(f);
    other.put("seed", "12");
    SparkEngines eng2 = new SparkEngines(sc, 7, other, false).checkpoint(ckpt);
    SpecException e = assertThrows(SpecException.class,
        () -> SampleRun.run(Flags.sample(other, eng2), eng2, null));
    assertEquals("--checkpoint", e.field());
  }

  @Test
  void injectedTaskFailureChangesNothing() {
    Map<String, String> f = flags("exact");
    String want = numbers(local(f));
    sc.setJobGroup("injected", "failing first attempts", false);
    String got;
    try {
      got = numbers(spark(f, 3, true));
    } finally {
      sc.clearJobGroup();
    }
    assertEquals(want, got);
    // the hook really failed every task once: 3 failed attempts, then 3 that succeeded
    int failedTasks = 0;
    for (int job : sc.statusTracker().getJobIdsForGroup("injected")) {
      for (int stage : sc.statusTracker().getJobInfo(job).stageIds()) {
        failedTasks += sc.statusTracker().getStageInfo(stage).numFailedTasks();
      }
    }
    assertEquals(3, failedTasks);
  }

  @Test
  void sweepThroughSparkWritesTheLocalSweepsResultsCsvAndResumes(@TempDir Path tmp) throws Exception {
    Path file = tmp.resolve("s.yaml");
    Files.writeString(file, "name: s\n"
        + "base: {width: 16, depth: 3, ensemble: 300, backend: cpu, inputs: 'norms=1,1;angles=0.5'}\n"
        + "grid: {act: [relu, tanh], seed: [1, 2], ntk-neurons: [2, 3]}\n");
    Path localDir = tmp.resolve("local");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = new Main(Engines.defaults(), new PrintWriter(out), new PrintWriter(err))
        .run("sweep", file.toString(), "--out", localDir.toString(), "--no-progress");
    assertEquals(0, code, err.toString());
    SweepPlan plan = SweepPlan.read(file, SparkSweep.sampleDefaults());
    assertEquals(8, plan.points().size());
    Path sparkDir = tmp.resolve("spark");
    SweepRunner.Summary s = SparkSweep.run(sc, plan, sparkDir, false, 2, false, null);
    assertEquals(8, s.ok());
    assertEquals(Files.readString(localDir.resolve("results.csv")),
        Files.readString(sparkDir.resolve("results.csv")));
    assertTrue(Files.readString(sparkDir.resolve("results.csv")).lines().count() > 8 * 3);
    // --resume: every point is finished, nothing runs again
    SweepRunner.Summary again = SparkSweep.run(sc, plan, sparkDir, false, 2, true, null);
    assertEquals(8, again.alreadyDone());
    assertEquals(0, again.ok() + again.failed());
    assertTrue(Files.readString(sparkDir.resolve("report.html")).contains("<html"));
    assertEquals(Files.readString(localDir.resolve("results.csv")),
        Files.readString(sparkDir.resolve("results.csv")));
  }
}
