package org.rgflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.rgflow.app.Engines;

/**
 * The bad-input bar (issue 16): every command, every kind of bad input — sizes that cannot fit,
 * malformed numbers, conflicting flags, wrong files, bad sweep plans — run through the real
 * engines. Each case must exit 2 within 15 s with exactly one stderr line
 * {@code error: <field>: <message>} naming the right field (and, where given, mentioning a word
 * of the reason), nothing on stdout, no Java class name, and nothing created on disk (the case's
 * sandbox and the working directory are listed before and after). {@link #allCasesRan} asserts how
 * many cases ran, so a case lost from the list fails the suite.
 */
class BadInputSuiteTest {
  /** How many cases {@link #cases} lists; the suite fails if a different number ran. */
  static final int CASES = 123;
  private static final AtomicInteger RAN = new AtomicInteger();
  private static final Pattern JAVA_NAME = Pattern.compile(
      "\\b[A-Z]\\w*(Exception|Error)\\b|\\bjava\\.|\\borg\\.rgflow|\\bcom\\.fasterxml|picocli");

  @TempDir static Path root;

  /** One case: the field the error line must name, a word it must contain (or null), the args. */
  static Arguments c(String field, String mentions, String... args) {
    return Arguments.of(field, mentions, List.of(args));
  }

  static Stream<Arguments> cases() throws IOException {
    Path f = Files.createDirectories(root.resolve("fixtures"));
    Files.writeString(f.resolve("ragged.csv"), "1,2,3\n4,5\n");
    Files.writeString(f.resolve("letters.csv"), "1,2,3\n4,x,6\n");
    Files.writeString(f.resolve("good.csv"), "1,2,3\n4,5,6\n");
    Files.write(f.resolve("binary.csv"), new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, 2});
    Files.writeString(f.resolve("neg.yaml"), "grid:\n  depth: [2, -4]\n");
    Files.writeString(f.resolve("nan.yaml"), "base: {cw: NaN, depth: 2}\n");
    Files.writeString(f.resolve("foo.yaml"), "points:\n  - {act: relu}\n  - {act: foo}\n");
    Files.writeString(f.resolve("four.yaml"), "base: {depth: four}\n");
    Files.writeString(f.resolve("huge.yaml"), "grid: {depth: [2, 1000000000]}\n");
    Files.writeString(f.resolve("syntax.yaml"), "grid: {depth: [2, 3]\n  width: 4\n");
    Files.writeString(f.resolve("syntax.json"), "{\"grid\": {\"depth\": [2, 3],}\n");
    Files.write(f.resolve("binary.yaml"), new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1});
    Files.writeString(f.resolve("unknown.yaml"), "base: {depht: 3}\n");
    Files.writeString(f.resolve("a-file"), "not a directory\n");
    Files.createDirectories(f.resolve("nopoints"));
    Files.writeString(f.resolve("train.csv"), "1,2\n3,4\n");
    // a directory no one can create anything in, whatever the permission bits say (root included)
    String locked = "/proc/rgflow-bad-input";
    String x = f.toString();
    List<Arguments> c = new ArrayList<>();
    // sample: sizes
    c.add(c("--width", null, "sample", "--width", "0"));
    c.add(c("--width", null, "sample", "--width", "abc"));
    c.add(c("--depth", null, "sample", "--depth", "-1"));
    c.add(c("--depth", null, "sample", "--depth", "0"));
    c.add(c("--depth", "heap", "sample", "--depth", "1000000000"));
    c.add(c("--width", "heap", "sample", "--width", "2000000000", "--ensemble", "1"));
    c.add(c("--width", "heap", "sample", "--width", "10000000", "--sampler", "direct"));
    c.add(c("--depth", "heap", "sample", "--width", "16", "--depth", "20000", "--ensemble", "1",
        "--sampler", "exact"));
    c.add(c("--ensemble", null, "sample", "--ensemble", "0"));
    c.add(c("--ensemble", null, "sample", "--ensemble", "1e3"));
    c.add(c("--threads", null, "sample", "--threads", "0"));
    c.add(c("--threads", "at most", "sample", "--threads", "100000"));
    c.add(c("--chunk", null, "sample", "--chunk", "-4"));
    // sample: values and conflicts
    c.add(c("--cw", "finite", "sample", "--cw", "nan"));
    c.add(c("--cw", "C_b", "sample", "--cw", "0"));
    c.add(c("--cb", null, "sample", "--cb", "-1"));
    c.add(c("--cw", "(5)", "sample", "--cw", "1,2", "--depth", "5"));
    c.add(c("--act", "nosuch", "sample", "--act", "nosuch"));
    c.add(c("--backend", null, "sample", "--backend", "nosuch"));
    c.add(c("--sampler", null, "sample", "--sampler", "nosuch"));
    c.add(c("--observables", "dntk", "sample", "--sampler", "exact", "--backend", "opencl",
        "--observables", "dntk"));
    c.add(c("--backend", "per-neuron sweep", "sample", "--sampler", "exact", "--backend", "opencl",
        "--act", "tanh", "--width", "8", "--depth", "2", "--ensemble", "4"));
    c.add(c("--width", "bytes of OpenCL", "sample", "--sampler", "exact", "--backend", "opencl",
        "--width", "50000000", "--depth", "2", "--no-ntk", "--ensemble", "1"));
    c.add(c("--ntk-neurons", "--no-ntk", "sample", "--no-ntk", "--ntk-neurons", "8"));
    c.add(c("--observables", "foo", "sample", "--observables", "foo", "--backend", "cpu"));
    c.add(c("--observables", "--no-ntk", "sample", "--no-ntk", "--observables", "ntk", "--backend",
        "cpu"));
    // sample: inputs
    c.add(c("--inputs", "no such file", "sample", "--inputs", x + "/missing.csv"));
    c.add(c("--inputs", "line 2", "sample", "--inputs", x + "/ragged.csv"));
    c.add(c("--inputs", "column 2", "sample", "--inputs", x + "/letters.csv"));
    c.add(c("--inputs", "UTF-8", "sample", "--inputs", x + "/binary.csv"));
    c.add(c("--inputs", "[0, π]", "sample", "--inputs", "norms=1,1;angles=4"));
    c.add(c("--inputs", "directory", "sample", "--inputs", x));
    c.add(c("--bogus", null, "sample", "--bogus"));
    c.add(c("--out", "a file", "sample", "--out", x + "/a-file", "--ensemble", "10"));
    c.add(c("--out", "not writable", "sample", "--out", locked, "--ensemble", "10"));
    c.add(c("--inputs", "no file", "sample", "--inputs", x + "/a=b.csv"));
    c.add(c("--seed", null, "sample", "--seed", "abc"));
    c.add(c("--progress", "boolean", "sample", "--progress=maybe"));
    c.add(c("--widths", "equal widths", "sample", "--gamma", "0.5", "--width", "8,16", "--depth", "3"));
    c.add(c("--n0", null, "sample", "--n0", "-3"));
    c.add(c("--lambda-b", null, "sample", "--lambda-b", "-1"));
    // theory
    c.add(c("--out", "a file", "theory", "--out", x + "/a-file"));
    c.add(c("--depth", "heap", "theory", "--depth", "1000000000"));
    c.add(c("--width", null, "theory", "--width", "8,8,8", "--depth", "8"));
    c.add(c("--n0", null, "theory", "--n0", "0"));
    c.add(c("--out-width", null, "theory", "--out-width", "x"));
    c.add(c("--lambda-w", null, "theory", "--lambda-w", "1,,2"));
    c.add(c("--inputs", "unknown key", "theory", "--inputs", "norm=1"));
    c.add(c("--n0", "3 values", "theory", "--n0", "5", "--inputs", x + "/good.csv"));
    c.add(c("--out", "not writable", "theory", "--out", locked));
    c.add(c("--cw", "C_b", "theory", "--cw", "0"));
    c.add(c("--act", "nosuch", "theory", "--act", "nosuch"));
    c.add(c("--inputs", "[0, π]", "theory", "--inputs", "norms=1,1;angles=-1"));
    c.add(c("--widths", "equal widths", "theory", "--gamma", "0.5", "--width", "8,16", "--depth", "3"));
    c.add(c("--progress", "boolean", "theory", "--progress=maybe"));
    c.add(c("--depth", null, "theory", "--depth", "2.5"));
    // criticality, devices
    c.add(c("--act", null, "criticality", "--act", "nosuch"));
    c.add(c("extra", null, "criticality", "extra"));
    c.add(c("--bogus", null, "devices", "--bogus"));
    c.add(c("--act", "abc", "criticality", "--act", "leaky_relu(abc)"));
    c.add(c("--act", "nosuch", "criticality", "--json", "--act", "nosuch"));
    c.add(c("--gamma", "γ < 1", "criticality", "--act", "relu", "--gamma", "2"));
    c.add(c("--nu", "non-negative", "criticality", "--act", "relu", "--nu", "-1"));
    c.add(c("extra", null, "devices", "extra"));
    c.add(c("--bogus", null, "devices", "--json", "--bogus"));
    // train
    c.add(c("--steps", null, "train", "--steps", "-1"));
    c.add(c("--depth", "hidden layer", "train", "--depth", "1"));
    c.add(c("--depth", "heap", "train", "--depth", "1000000000"));
    c.add(c("--widths", "3 widths", "train", "--widths", "16,32"));
    c.add(c("--eta", null, "train", "--eta", "-1"));
    c.add(c("--report", "not a directory", "train", "--report", x + "/a-file"));
    c.add(c("--report", "not writable", "train", "--report", locked));
    c.add(c("--data", "no such file", "train", "--data", x + "/missing.csv", "--test", x + "/train.csv"));
    c.add(c("--data", "directory", "train", "--data", x, "--test", x + "/train.csv"));
    c.add(c("--data", "UTF-8", "train", "--data", x + "/binary.csv", "--test", x + "/train.csv"));
    c.add(c("--test", "--test file", "train", "--data", x + "/train.csv"));
    c.add(c("--act", "nosuch", "train", "--act", "nosuch"));
    c.add(c("--threads", "at most", "train", "--threads", "100000"));
    c.add(c("--cw", "finite", "train", "--cw", "nan"));
    c.add(c("--width", null, "train", "--width", "0"));
    c.add(c("--ensemble", null, "train", "--ensemble", "0"));
    c.add(c("--tol", "non-negative", "train", "--tol", "-1"));
    c.add(c("--widths", "'x'", "train", "--widths", "8,x"));
    // sweep: the whole plan is checked before the output directory exists
    c.add(c("depth", "point 2 of 2", "sweep", x + "/neg.yaml", "--out", "{out}"));
    c.add(c("cw", "finite", "sweep", x + "/nan.yaml", "--out", "{out}"));
    c.add(c("act", "foo", "sweep", x + "/foo.yaml", "--out", "{out}"));
    c.add(c("depth", "four", "sweep", x + "/four.yaml", "--out", "{out}"));
    c.add(c("depth", "heap", "sweep", x + "/huge.yaml", "--out", "{out}"));
    c.add(c("FILE", "syntax.yaml:2:3", "sweep", x + "/syntax.yaml", "--out", "{out}"));
    c.add(c("FILE", "not valid JSON", "sweep", x + "/syntax.json", "--out", "{out}"));
    c.add(c("FILE", "UTF-8", "sweep", x + "/binary.yaml", "--out", "{out}"));
    c.add(c("FILE", "depht", "sweep", x + "/unknown.yaml", "--out", "{out}"));
    c.add(c("FILE", "no such file", "sweep", x + "/missing.yaml", "--out", "{out}"));
    c.add(c("--out", "no such directory", "sweep", "--resume", "--out", "{out}"));
    c.add(c("--out", "a file", "sweep", x + "/neg.yaml", "--out", x + "/a-file"));
    c.add(c("--set", "nokey", "sweep", "--set", "nokey=3", "--out", "{out}"));
    c.add(c("--grid", "not both", "sweep", x + "/neg.yaml", "--grid", "width=4", "--out", "{out}"));
    c.add(c("--retry-failed", "--resume", "sweep", x + "/neg.yaml", "--retry-failed", "--out", "{out}"));
    c.add(c("--out", null, "sweep", x + "/neg.yaml"));
    c.add(c("--out", "not writable", "sweep", "--grid", "width=8", "--out", locked));
    c.add(c("depth", "positive", "sweep", "--set", "depth=0", "--out", "{out}"));
    c.add(c("width", "empty", "sweep", "--grid", "width=", "--out", "{out}"));
    c.add(c("act", "foo", "sweep", "--set", "act=foo", "--out", "{out}"));
    c.add(c("cw", "not a number", "sweep", "--grid", "cw=1|x", "--out", "{out}"));
    c.add(c("sampler", "fast", "sweep", "--set", "sampler=fast", "--set", "backend=opencl", "--out",
        "{out}"));
    c.add(c("--set", "threads", "sweep", "--set", "threads=4", "--out", "{out}"));
    // aspect-ratio (came with issue 14 step 5)
    c.add(c("--width", "heap", "aspect-ratio", "--width", "2000000000"));
    c.add(c("--width", "heap", "aspect-ratio", "--width", "300000"));
    c.add(c("--gamma", "γ < 1", "aspect-ratio", "--gamma", "1.2"));
    c.add(c("--out-width", null, "aspect-ratio", "--out-width", "0"));
    c.add(c("--act", "ν", "aspect-ratio", "--act", "step"));
    c.add(c("--out", "not writable", "aspect-ratio", "--out", locked));
    c.add(c("--seed", null, "aspect-ratio", "--seed", "x"));
    c.add(c("--ensemble", "0 (measure nothing)", "aspect-ratio", "--ensemble", "-3"));
    // report, tour, the root command
    c.add(c("DIR", "no such directory", "report", "{out}"));
    c.add(c("DIR", "no points", "report", x + "/nopoints"));
    c.add(c("--out", "a file", "tour", "--out", x + "/a-file"));
    c.add(c("--out", "not writable", "tour", "--out", locked));
    c.add(c("DIR", "a file", "report", x + "/a-file"));
    c.add(c("DIR", "Missing", "report"));
    c.add(c("--bogus", null, "report", x + "/nopoints", "--bogus"));
    c.add(c("--bogus", null, "tour", "--bogus"));
    c.add(c("nosuchcommand", null, "nosuchcommand"));
    return c.stream();
  }

  @ParameterizedTest(name = "{2}")
  @MethodSource("cases")
  void refusedUpFrontOnOneLine(String field, String mentions, List<String> args,
      @TempDir Path sandbox) throws IOException {
    RAN.incrementAndGet();
    String out = sandbox.resolve("out").toString();
    String[] a = args.stream().map(s -> s.replace("{out}", out)).toArray(String[]::new);
    Set<String> before = listing(root);
    Set<String> cwdBefore = listing(Path.of("").toAbsolutePath(), 1);
    long t0 = System.nanoTime();
    Runner r = Runner.run(Engines.defaults(), a);
    double seconds = (System.nanoTime() - t0) / 1e9;
    assertEquals(Main.BAD_INPUT, r.code(), r.err());
    assertEquals(1, r.errLines().size(), "exactly one stderr line, got:\n" + r.err());
    String line = r.errLines().get(0);
    assertTrue(line.startsWith("error: " + field + ": "), line);
    if (mentions != null) {
      assertTrue(line.contains(mentions), line + " should mention " + mentions);
    }
    assertFalse(JAVA_NAME.matcher(line).find(), "a Java name reached the user: " + line);
    assertEquals("", r.out(), "nothing on stdout");
    assertTrue(seconds < 15, "refused after " + seconds + " s");
    assertEquals(Set.of(), listing(sandbox), "nothing created in the sandbox");
    assertEquals(before, listing(root), "nothing created beside the fixtures");
    assertEquals(cwdBefore, listing(Path.of("").toAbsolutePath(), 1), "nothing created here");
  }

  @AfterAll
  static void allCasesRan() {
    assertEquals(CASES, RAN.get(), "bad-input cases run");
    assertTrue(CASES >= 40);
  }

  private static Set<String> listing(Path dir) throws IOException {
    return listing(dir, Integer.MAX_VALUE);
  }

  private static Set<String> listing(Path dir, int depth) throws IOException {
    try (Stream<Path> s = Files.walk(dir, depth)) {
      Set<String> names = new TreeSet<>();
      s.filter(p -> !p.equals(dir)).forEach(p -> names.add(dir.relativize(p).toString()));
      return names;
    }
  }
}
