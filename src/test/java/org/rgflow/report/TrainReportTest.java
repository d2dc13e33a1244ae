package org.rgflow.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rgflow.app.Engines;
import org.rgflow.app.TrainRecord;
import org.rgflow.app.TrainScan;
import org.rgflow.io.TrainJson;
import org.rgflow.cli.Main;

/**
 * {@link TrainReport} from hand-made records ({@link TrainRecords}) and from a real {@code rgflow train
 * --json} record: the files, one {@code <img>} per expected figure, every PNG (file and embedded)
 * decodes, the fit table, and records full of nulls do not crash. Run: mvn -Dtest=TrainReportTest test
 */
class TrainReportTest {
  static final ObjectMapper M = new ObjectMapper();

  @Test
  void singleRunWithTrajectory(@TempDir Path dir) throws Exception {
    TrainRecord rec = TrainRecords.single(1024, 500, true);
    HtmlReport.Written w = TrainReport.write(dir, rec, "test-version");
    String page = checkFiles(dir, w, List.of("mean", "variance", "mean-vs-step", "variance-vs-step"));
    assertEquals(M.readTree(org.rgflow.io.JsonReport.write(TrainJson.toJson(rec))),
        M.readTree(dir.resolve("train.json").toFile()), "train.json is the record");
    assertTrue(page.contains("<title>rgflow train</title>"), "title");
    assertTrue(page.contains("Checkpoints t = 0, 1, 2, 5, 10, 20, 50, 60."), "checkpoints in the caption");
    assertTrue(page.contains("± 1 SE"), "captions say what the error bars are");
    assertTrue(page.contains("E = 500"), "E in the captions");
    assertTrue(page.contains("n = 1024"), "width in the captions");
    assertTrue(page.contains("60 steps"), "steps in the captions");
    // the test point table: measured ± SE, NTK, NNGP; the spec; the notes
    assertTrue(page.contains("<td>0.59670</td>"), "NTK mean of point 1");
    assertTrue(page.contains("<td>0.73210</td>"), "NNGP mean of point 0");
    assertTrue(page.contains("builtin(circle, n0=2, train=6, test=3)"), "data");
    assertTrue(page.contains("rgflow test-version"), "written by");
    assertTrue(page.contains("Intel(R) Xeon(R) Processor"), "device");
    assertTrue(page.contains("NTK prediction after exactly 60 steps"), "notes");
    assertTrue(!page.contains("Departure fits"), "no fit table for a single run");
  }

  @Test
  void singleRunWithoutTrajectory(@TempDir Path dir) throws Exception {
    HtmlReport.Written w = TrainReport.write(dir, TrainRecords.single(64, 50, false), "v");
    checkFiles(dir, w, List.of("mean", "variance"));
  }

  @Test
  void widthScan(@TempDir Path dir) throws Exception {
    TrainScan rec = TrainRecords.scan();
    HtmlReport.Written w = TrainReport.write(dir, rec, "v");
    String page = checkFiles(dir, w, List.of("mean", "variance", "mean-vs-step", "variance-vs-step",
        "departure-vs-width", "ntk-change-vs-width"));
    assertTrue(page.contains("<title>rgflow train: width scan</title>"));
    // the fit table: both slopes with their errors, and the impossible fit
    String fits = page.substring(page.indexOf("<h2>Departure fits</h2>"), page.indexOf("<h2>Runs</h2>"));
    assertTrue(fits.contains("<td>-0.950 ± 0.080</td>"), fits);
    assertTrue(fits.contains("<td>-0.710 ± 0.160</td>"), fits);
    assertTrue(fits.contains("no fit"), fits);
    assertTrue(fits.contains("<td>0.63</td>"), "(slope + 1)/err of point 0: " + fits);
    // one row per width and test point, and one per run
    String points = page.substring(page.indexOf("<h2>Test points</h2>"), page.indexOf("<h2>Departure fits</h2>"));
    assertEquals(9, count(points, "<tr>") - 1, points);
    String runs = page.substring(page.indexOf("<h2>Runs</h2>"), page.indexOf("<h2>Specification"));
    assertEquals(3, count(runs, "<tr>") - 1, runs);
    assertTrue(page.contains("Widths n = 128, 256, 512"), "scan in the captions");
    assertTrue(page.contains("Widest run of the scan"), "mean figure from the widest run");
    assertTrue(page.contains("128-1; 256-1; 512-1"), "architectures in the spec table");
  }

  @Test
  void nullsAndNaNsDoNotCrash(@TempDir Path dir) throws Exception {
    // a single run with nulls in every kind of place
    ObjectNode rec = TrainJson.toJson(TrainRecords.single(256, 100, true));
    ObjectNode p0 = (ObjectNode) rec.get("points").get(0);
    p0.putNull("mean");
    p0.putNull("var_err");
    p0.putNull("departure");
    ((ObjectNode) p0.get("theory")).putNull("nngp");
    ObjectNode p1 = (ObjectNode) rec.get("points").get(1);
    p1.put("mean", "NaN");
    ((ObjectNode) p1.get("theory").get("ntk")).putNull("var");
    ObjectNode t = (ObjectNode) rec.get("trajectory");
    ((ArrayNode) t.get("mean")).set(0, M.nullNode());
    ((ArrayNode) t.get("var")).remove(2);
    ((ArrayNode) t.get("ntk_mean")).set(5, M.createArrayNode().addNull().addNull());
    t.putNull("var_err");
    rec.putNull("ntk_change");
    rec.putNull("log_evidence");
    TrainReport.write(dir.resolve("nulls"), TrainJson.fromJson(rec), "v");
    assertTrue(Files.size(dir.resolve("nulls/report.html")) > 0);

    // every NNGP prediction null (singular train kernel), no trajectory steps
    ObjectNode noNngp = TrainJson.toJson(TrainRecords.single(64, 50, false));
    for (JsonNode p : noNngp.get("points")) {
      ObjectNode g = (ObjectNode) p.get("theory").get("nngp");
      g.putNull("mean");
      g.putNull("var");
    }
    noNngp.putObject("trajectory").putArray("steps");
    HtmlReport.Written w = TrainReport.write(dir.resolve("nonngp"), TrainJson.fromJson(noNngp), "v");
    assertEquals(2, w.figures().size());
    assertTrue(Files.readString(w.html()).contains("NNGP not available"));

    // a scan with a null run, a departure that is null or zero, a non-object fit, a run missing its width
    ObjectNode scan = TrainJson.toJson(TrainRecords.scan());
    ObjectNode s = (ObjectNode) scan.get("scan");
    ObjectNode run0 = (ObjectNode) s.get("runs").get(0);
    ((ObjectNode) run0.get("points").get(0)).putNull("departure");
    ((ObjectNode) run0.get("points").get(1)).put("departure", 0.0);
    ((ObjectNode) run0.get("ntk_change")).putNull("relative_change_err");
    ((ArrayNode) s.get("runs")).add(M.nullNode());
    ((ArrayNode) s.get("departure_fit")).add("junk");
    ((ObjectNode) s.get("departure_fit").get(1)).putNull("slope");
    ((ArrayNode) s.get("widths")).set(1, M.nullNode());
    HtmlReport.Written ws = TrainReport.write(dir.resolve("scan"), TrainJson.fromJson(scan), "v");
    assertTrue(ws.figures().stream().anyMatch(f -> f.name().equals("departure-vs-width")));
    assertTrue(Files.readString(ws.html()).contains("not drawn"), "dropped values are noted");
    decodeAll(dir.resolve("scan"), ws);

    // all departures zero: no log plot, no crash; a scan of one width; empty records
    ObjectNode flat = TrainJson.toJson(TrainRecords.scan());
    for (JsonNode r : flat.get("scan").get("runs")) {
      for (JsonNode p : r.get("points")) {
        ((ObjectNode) p).put("departure", 0.0);
      }
      ((ObjectNode) r.get("ntk_change")).put("relative_change", 0.0);
    }
    HtmlReport.Written wf = TrainReport.write(dir.resolve("flat"), TrainJson.fromJson(flat), "v");
    assertTrue(wf.figures().stream().noneMatch(f -> f.name().endsWith("vs-width")));
    ObjectNode one = TrainJson.toJson(TrainRecords.scan());
    ((ArrayNode) one.get("scan").get("runs")).remove(0);
    ((ArrayNode) one.get("scan").get("runs")).remove(0);
    ((ArrayNode) one.get("scan").get("widths")).remove(0);
    ((ArrayNode) one.get("scan").get("widths")).remove(0);
    TrainReport.write(dir.resolve("one"), TrainJson.fromJson(one), "v");
    assertEquals(0, TrainReport.write(dir.resolve("empty"), TrainJson.fromJson(M.createObjectNode()), "v")
        .figures().size());
    assertEquals(0, TrainReport.write(dir.resolve("emptyscan"), TrainJson.fromJson(M.readTree("{\"scan\":{}}")),
        "v").figures().size());
    ObjectNode onePoint = TrainJson.toJson(TrainRecords.single(64, 50, true));
    ((ArrayNode) onePoint.get("points")).remove(2);
    ((ArrayNode) onePoint.get("points")).remove(1);
    decodeAll(dir.resolve("onepoint"), TrainReport.write(dir.resolve("onepoint"), TrainJson.fromJson(onePoint),
        "v"));
  }

  /** The report of a real (small) {@code rgflow train --json} record, and again from its saved JSON. */
  @Test
  void realTrainRecord(@TempDir Path dir) throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = new Main(Engines.defaults(), new PrintWriter(out), new PrintWriter(err)).run("train", "--width",
        "32", "--ensemble", "40", "--steps", "20", "--threads", "2", "--evidence-scan", "--json");
    assertEquals(0, code, err.toString());
    JsonNode rec = M.readTree(out.toString());
    HtmlReport.Written w = TrainReport.write(dir.resolve("a"), TrainJson.fromJson(rec), "v");
    // train writes a trajectory (default --checkpoints auto) and, asked, the evidence against C_W
    List<String> names = new ArrayList<>(List.of("mean", "variance", "mean-vs-step", "variance-vs-step",
        "evidence-vs-cw"));
    String page = checkFiles(dir.resolve("a"), w, names);
    assertTrue(page.contains("relu"), "activation");
    // re-made from the saved train.json: the same page
    JsonNode saved = M.readTree(dir.resolve("a/train.json").toFile());
    HtmlReport.Written again = TrainReport.write(dir.resolve("b"), TrainJson.fromJson(saved), "v");
    assertEquals(page, Files.readString(again.html()));
  }

  /** The three files exist, the page has exactly these figures, every PNG decodes. Returns the page. */
  static String checkFiles(Path dir, HtmlReport.Written w, List<String> names) throws Exception {
    assertEquals(dir.resolve("report.html"), w.html());
    assertTrue(Files.isRegularFile(dir.resolve("train.json")));
    String page = Files.readString(w.html());
    assertEquals(names, w.figures().stream().map(HtmlReport.Figure::name).toList());
    assertEquals(names.size(), count(page, "<img "), "one <img> per figure");
    for (String n : names) {
      assertTrue(page.contains("<figure id=\"" + n + "\">"), n);
      assertTrue(Files.isRegularFile(dir.resolve("figures").resolve(n + ".png")), n);
    }
    decodeAll(dir, w);
    return page;
  }

  static void decodeAll(Path dir, HtmlReport.Written w) throws Exception {
    for (HtmlReport.Figure f : w.figures()) {
      BufferedImage im = ImageIO.read(dir.resolve("figures").resolve(f.name() + ".png").toFile());
      assertNotNull(im, f.name());
      assertTrue(im.getWidth() > 100 && im.getHeight() > 100, f.name());
      // measured figures state their error bars; the theory-only evidence figure says it is theory
      assertTrue(!f.caption().isBlank() && (f.caption().contains("SE") || f.caption().contains("theory only")),
          f.name() + ": " + f.caption());
    }
    Matcher m = Pattern.compile("src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\"").matcher(Files.readString(w.html()));
    int n = 0;
    while (m.find()) {
      BufferedImage im = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(m.group(1))));
      assertNotNull(im, "embedded image " + n);
      assertTrue(im.getWidth() > 100, "embedded image " + n);
      n++;
    }
    assertEquals(w.figures().size(), n, "embedded images");
  }

  static int count(String s, String needle) {
    int n = 0;
    for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + 1)) {
      n++;
    }
    return n;
  }
}
