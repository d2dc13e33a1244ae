package org.rgflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sweep}, {@code report} and {@code tour} on the command line, with fake engines (no networks
 * are sampled except the report's histogram). Run: mvn -B test -Dtest=SweepCommandTest.
 */
class SweepCommandTest {

  @Test
  void sweepWritesPointsAndTidyResultsAndRefusesToOverwrite(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("s");
    Runner r = Runner.run(new FakeEngines(), "sweep", "--grid", "width=4,8", "--set", "depth=2",
        "--set", "ensemble=10", "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("2 points — 2 run now (2 ok, 0 failed)"), r.out());
    assertEquals(2, Files.list(out.resolve("points")).count());
    List<String> csv = Files.readAllLines(out.resolve("results.csv"));
    assertTrue(csv.get(0).startsWith("point_id,status,groups,activation"), csv.get(0));
    assertTrue(csv.size() > 2);
    assertTrue(Files.isRegularFile(out.resolve("sweep.json")));

    Runner again = Runner.run(new FakeEngines(), "sweep", "--grid", "width=4,8", "--set", "depth=2",
        "--set", "ensemble=10", "--out", out.toString());
    assertEquals(Main.BAD_INPUT, again.code());
    assertTrue(again.err().startsWith("error: --out: "), again.err());

    Runner resumed = Runner.run(new FakeEngines(), "sweep", "--resume", "--out", out.toString());
    assertEquals(0, resumed.code(), resumed.err());
    assertTrue(resumed.out().contains("0 run now (0 ok, 0 failed), 2 already finished"), resumed.out());
  }

  @Test
  void aFailingPointIsRecordedAndTheSweepGoesOn(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("s.yaml");
    Files.writeString(file, "base: {depth: 2, ensemble: 10}\ngrid: {width: [4, 8]}\n");
    FakeEngines failsAtWidth8 = new FakeEngines() {
      @Override
      public org.rgflow.device.Backends.Choice source(String sampler, String backend,
          org.rgflow.spec.NetworkSpec spec) {
        org.rgflow.device.Backends.Choice c = super.source(sampler, backend, spec);
        if (spec == null || spec.width(1) != 8) {
          return c;
        }
        org.rgflow.ensemble.SourceFactory inner = c.source();
        return new org.rgflow.device.Backends.Choice(new org.rgflow.ensemble.SourceFactory() {
          @Override public String sampler() { return inner.sampler(); }
          @Override public String device() { return inner.device(); }
          @Override public org.rgflow.ensemble.NetworkSource open(org.rgflow.ensemble.EnsembleRun run) {
            throw new UnsupportedOperationException();
          }
          @Override public org.rgflow.ensemble.EnsembleResult run(org.rgflow.ensemble.EnsembleRun run,
              org.rgflow.ensemble.ProgressListener progress) {
            throw new org.rgflow.ensemble.DivergenceException(3, 2);
          }
        }, c.notes());
      }
    };
    Runner r = Runner.run(failsAtWidth8, "sweep", file.toString(), "--out", dir.resolve("o").toString());
    assertEquals(Main.FAILURE, r.code());
    assertTrue(r.err().contains("FAILED") && r.err().contains("network 3 diverged at layer 2"), r.err());
    assertTrue(r.err().contains("error: 1 of 2 points failed"), r.err());
    assertTrue(Files.readString(dir.resolve("o").resolve("results.csv")).contains("diverged"));
  }

  @Test
  void aBadPointIsRefusedBeforeTheSweepStarts(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("s.yaml");
    Files.writeString(file, "base: {depth: 2, ensemble: 10}\ngrid: {act: [relu, nosuch], width: [4]}\n");
    Runner r = Runner.run(new FakeEngines(), "sweep", file.toString(), "--out", dir.resolve("o").toString());
    assertEquals(Main.BAD_INPUT, r.code());
    assertEquals(List.of("error: act: sweep point 2 of 2 (nosuch cb=0 cw=2 width=4 depth=2 E=10): unknown activation"
        + " 'nosuch'"), r.errLines());
    assertFalse(Files.exists(dir.resolve("o")));
  }

  @Test
  void bareRgflowRunsTheTourAndPrintsTheReport(@TempDir Path dir) throws Exception {
    String old = System.getProperty(TourCommand.OUT_PROPERTY);
    System.setProperty(TourCommand.OUT_PROPERTY, dir.resolve("tour").toString());
    Runner r;
    try {
      r = Runner.run(new FakeEngines());
    } finally {
      if (old == null) {
        System.clearProperty(TourCommand.OUT_PROPERTY);
      } else {
        System.setProperty(TourCommand.OUT_PROPERTY, old);
      }
    }
    // The fakes know relu only, so the tanh points fail (and are recorded); the report is written anyway.
    assertEquals(Main.FAILURE, r.code(), r.err());
    assertTrue(r.err().startsWith("rgflow tour"), r.err());
    assertTrue(r.out().contains("report: "), r.out());
    Path html = dir.resolve("tour").resolve("report.html");
    String page = Files.readString(html);
    assertTrue(page.contains("<img") && page.contains("data:image/png;base64,"), "figures embedded");
    assertTrue(page.contains("Phase diagram"));
    Runner rep = Runner.run(new FakeEngines(), "report", dir.resolve("tour").toString());
    assertEquals(0, rep.code(), rep.err());
    assertTrue(rep.out().startsWith("report: "), rep.out());
  }
}
