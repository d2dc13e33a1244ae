package org.rgflow.cli;

import org.rgflow.app.Engines;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rgflow.report.HtmlReport;
import org.rgflow.report.TrainRecords;
import org.rgflow.report.TrainReport;

/**
 * The report in a real headless browser (Debian's chromium): a small real sweep (relu and tanh, the
 * CPU reference) and its report; the page loads with no console errors and no failed resources,
 * every {@code <img>} has decoded (naturalWidth &gt; 0), and a screenshot is written to
 * {@code target/browser/report.png}. The same for the train report (a real {@code train --json} run and a
 * hand-made width scan): {@code target/browser/train-single.png}, {@code train-scan.png}.
 *
 * <p>Finds the browser as {@code $RGFLOW_CHROMIUM}, else {@code chromium}, {@code chromium-browser} or
 * {@code google-chrome} on the PATH; skips (assumption) without one. Tagged "browser" so that it can be
 * selected ({@code mvn -B test -Dgroups=browser}); it also runs in the default suite (about 10 s).
 */
@Tag("browser")
class ReportBrowserTest {
  static final List<String> FLAGS = List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
      "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
      "--hide-scrollbars", "--enable-logging=stderr", "--v=0");

  /** Records image and error state in the DOM, where --dump-dom shows it. Injected into a copy only. */
  static final String PROBE = "<script>(function(){var errs=[];"
      + "window.addEventListener('error',function(e){errs.push(String(e.message||(e.target&&e.target.src)||e));},true);"
      + "var ce=console.error;console.error=function(){errs.push([].join.call(arguments,' '));ce.apply(console,arguments);};"
      + "window.addEventListener('load',function(){var im=[].slice.call(document.images);"
      + "var bad=im.filter(function(i){return !(i.complete&&i.naturalWidth>0);}).length;"
      + "var p=document.createElement('pre');p.id='rgflow-check';"
      + "p.textContent='images='+im.length+' broken='+bad+' errors='+errs.length+' '+errs.join(' | ');"
      + "document.body.appendChild(p);});})();</script>";

  static String chromium() {
    String env = System.getenv("RGFLOW_CHROMIUM");
    if (env != null && !env.isBlank()) {
      return env;
    }
    for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
      for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
        if (Files.isExecutable(Path.of(dir, name))) {
          return Path.of(dir, name).toString();
        }
      }
    }
    return null;
  }

  /** The browser, or an assumption failure (the test is skipped) without one. */
  static String requireChromium() {
    String chromium = chromium();
    Assumptions.assumeTrue(chromium != null,
        "chromium not found (apt-get install -y chromium, or set RGFLOW_CHROMIUM): browser test skipped");
    return chromium;
  }

  record Run(int code, String stdout, String stderr) {}

  static Run browse(String chromium, Path profile, List<String> extra, Path page) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(chromium);
    cmd.addAll(FLAGS);
    cmd.add("--user-data-dir=" + profile);
    cmd.addAll(extra);
    cmd.add(page.toUri().toString());
    Path out = Files.createTempFile(profile.getParent(), "out", ".txt");
    Path err = Files.createTempFile(profile.getParent(), "err", ".txt");
    Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(90, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("chromium did not finish in 90 s: " + cmd);
    }
    return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
  }

  @Test
  void reportLoadsWithoutErrorsAndEveryFigureRenders(@TempDir Path dir) throws Exception {
    String chromium = requireChromium();
    Path out = dir.resolve("sweep");
    Runner s = Runner.run(Engines.defaults(), "sweep", "--grid", "act=relu|tanh", "--grid", "width=8,16",
        "--set", "depth=4", "--set", "ensemble=200", "--set", "backend=cpu", "--out", out.toString());
    // tanh's critical C_W is 1, relu's 2: with the default C_W = 2, tanh is off criticality (its own figure).
    assertEquals(0, s.code(), s.err());
    Runner s2 = Runner.run(Engines.defaults(), "sweep", "--resume", "--grid", "width=8,16", "--set", "act=tanh",
        "--set", "cw=1", "--set", "depth=4", "--set", "ensemble=200", "--set", "backend=cpu", "--out", out.toString());
    assertEquals(0, s2.code(), s2.err());
    Runner rep = Runner.run(Engines.defaults(), "report", out.toString());
    assertEquals(0, rep.code(), rep.err());
    Path html = out.resolve("report.html");
    String page = Files.readString(html);
    int imgs = count(page, "<img ");
    assertTrue(imgs >= 8, "figures in the page: " + imgs);

    assertCleanInBrowser(chromium, dir, html, imgs, "report.png");
  }

  /**
   * The train report ({@code org.rgflow.report.TrainReport}) of a real small {@code train --json} run,
   * and of a hand-made width scan with a trajectory (every figure the train report draws), in the
   * browser: no console errors, every image decodes; screenshots {@code target/browser/train-*.png}.
   */
  @Test
  void trainReportLoadsWithoutErrors(@TempDir Path dir) throws Exception {
    String chromium = requireChromium();
    Runner t = Runner.run(Engines.defaults(), "train", "--width", "32", "--ensemble", "40", "--steps", "20",
        "--threads", "2", "--json");
    assertEquals(0, t.code(), t.err());
    JsonNode single = new ObjectMapper().readTree(t.out());
    HtmlReport.Written a = TrainReport.write(dir.resolve("single"), org.rgflow.io.TrainJson.fromJson(single),
        "test");
    assertCleanInBrowser(chromium, dir.resolve("single"), a.html(), a.figures().size(), "train-single.png");
    HtmlReport.Written b = TrainReport.write(dir.resolve("scan"), TrainRecords.scan(), "test");
    assertEquals(6, b.figures().size());
    assertCleanInBrowser(chromium, dir.resolve("scan"), b.html(), 6, "train-scan.png");
  }

  /**
   * Loads a copy of the page with {@link #PROBE} injected: {@code imgs} images, all decoded, no page or
   * console errors; then writes a screenshot of the page itself to {@code target/browser/SHOT}.
   */
  static void assertCleanInBrowser(String chromium, Path dir, Path html, int imgs, String shot) throws Exception {
    String page = Files.readString(html);
    assertEquals(imgs, count(page, "<img "), "figures in the page");
    Path check = html.resolveSibling("check.html");
    Files.writeString(check, page.replace("<head>", "<head>\n" + PROBE));
    Run dom = browse(chromium, dir.resolve("profile1"), List.of("--virtual-time-budget=10000", "--dump-dom"), check);
    Matcher m = Pattern.compile("images=(\\d+) broken=(\\d+) errors=(\\d+)([^<]*)").matcher(dom.stdout());
    assertTrue(m.find(), "no probe result in the DOM; chromium said: " + tail(dom.stderr()));
    assertEquals(imgs, Integer.parseInt(m.group(1)), "images the browser saw");
    assertEquals(0, Integer.parseInt(m.group(2)), "images that did not decode");
    assertEquals(0, Integer.parseInt(m.group(3)), "page errors: " + m.group(4));
    for (String line : dom.stderr().split("\\R")) {
      assertTrue(!line.contains("CONSOLE") && !line.contains("Uncaught"), "console: " + line);
    }

    Path shots = Path.of("target", "browser");
    Files.createDirectories(shots);
    Path png = shots.resolve(shot).toAbsolutePath();
    Files.deleteIfExists(png);
    Run s = browse(chromium, dir.resolve("profile2"), List.of("--window-size=1400,2600", "--screenshot=" + png), html);
    assertTrue(Files.size(png) > 10_000, "screenshot " + png + " written; chromium said: " + tail(s.stderr()));
  }

  private static int count(String s, String needle) {
    int n = 0;
    for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + 1)) {
      n++;
    }
    return n;
  }

  private static String tail(String s) {
    return s.length() > 2000 ? s.substring(s.length() - 2000) : s;
  }
}
