package org.rgflow.cli;

import org.rgflow.app.Engines;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kind of bad input gives exit code 2 and exactly one stderr line {@code error: <field>: ...},
 * nothing on stdout and no stack trace. Run: {@code mvn -B test -Dtest=BadInputTest}.
 */
class BadInputTest {
  @TempDir static Path dir;

  static Stream<Arguments> cases() throws IOException {
    Path ragged = dir.resolve("ragged.csv");
    Files.writeString(ragged, "# two inputs\n1,2,3\n\n4,5\n");
    Path letters = dir.resolve("letters.csv");
    Files.writeString(letters, "1,2,3\n4,x,6\n");
    Path good = dir.resolve("good.csv");
    Files.writeString(good, "1,2,3\n4,5,6\n");
    Path empty = dir.resolve("empty.csv");
    Files.writeString(empty, "# nothing\n");
    List<Arguments> c = new ArrayList<>();
    c.add(Arguments.of("--width", null, List.of("sample", "--width", "0")));
    c.add(Arguments.of("--width", null, List.of("sample", "--width", "abc")));
    c.add(Arguments.of("--width", null, List.of("theory", "--width", "8,8,8", "--depth", "8")));
    c.add(Arguments.of("--depth", null, List.of("sample", "--depth", "-1")));
    c.add(Arguments.of("--depth", null, List.of("sample", "--depth", "0")));
    c.add(Arguments.of("--depth", null, List.of("sample", "--depth")));
    c.add(Arguments.of("--ensemble", null, List.of("sample", "--ensemble", "0")));
    c.add(Arguments.of("--ensemble", null, List.of("sample", "--ensemble", "1e3")));
    c.add(Arguments.of("--threads", null, List.of("sample", "--threads", "0")));
    c.add(Arguments.of("--chunk", null, List.of("sample", "--chunk", "-4")));
    c.add(Arguments.of("--n0", null, List.of("theory", "--n0", "0")));
    c.add(Arguments.of("--out-width", null, List.of("theory", "--out-width", "x")));
    c.add(Arguments.of("--cw", null, List.of("sample", "--cw", "nan")));
    c.add(Arguments.of("--cw", null, List.of("sample", "--cw", "inf")));
    c.add(Arguments.of("--cb", null, List.of("sample", "--cb", "-1")));
    c.add(Arguments.of("--lambda-w", null, List.of("theory", "--lambda-w", "1,,2")));
    c.add(Arguments.of("--cw", "(5)", List.of("sample", "--cw", "1,2", "--depth", "5")));
    c.add(Arguments.of("--act", "nosuch", List.of("sample", "--act", "nosuch")));
    c.add(Arguments.of("--act", null, List.of("criticality", "--act", "nosuch")));
    c.add(Arguments.of("--backend", null, List.of("sample", "--backend", "cuda")));
    c.add(Arguments.of("--inputs", "no such file", List.of("sample", "--inputs", dir + "/missing.csv")));
    c.add(Arguments.of("--inputs", "line 4", List.of("sample", "--inputs", ragged.toString())));
    c.add(Arguments.of("--inputs", "line 2, column 2", List.of("sample", "--inputs", letters.toString())));
    c.add(Arguments.of("--inputs", "no input rows", List.of("theory", "--inputs", empty.toString())));
    c.add(Arguments.of("--inputs", "angles", List.of("theory", "--inputs", "norms=1,1")));
    c.add(Arguments.of("--inputs", "unknown key", List.of("theory", "--inputs", "norm=1")));
    c.add(Arguments.of("--inputs", "positive", List.of("theory", "--inputs", "norms=-1")));
    c.add(Arguments.of("--n0", null, List.of("theory", "--n0", "1", "--inputs", "norms=1,1;angles=0.3")));
    c.add(Arguments.of("--n0", "3 values", List.of("theory", "--n0", "5", "--inputs", good.toString())));
    c.add(Arguments.of("--bogus", null, List.of("sample", "--bogus")));
    c.add(Arguments.of("nosuchcommand", null, List.of("nosuchcommand")));
    return c.stream();
  }

  @ParameterizedTest(name = "{2}")
  @MethodSource("cases")
  void badInputIsOneLineAndExitTwo(String field, String mentions, List<String> args) {
    Runner r = Runner.run(new FakeEngines(), args.toArray(new String[0]));
    assertEquals(Main.BAD_INPUT, r.code(), r.err());
    assertEquals(1, r.errLines().size(), "exactly one stderr line, got:\n" + r.err());
    String line = r.errLines().get(0);
    assertTrue(line.startsWith("error: " + field + ": "), line);
    if (mentions != null) {
      assertTrue(line.contains(mentions), line + " should mention " + mentions);
    }
    assertEquals("", r.out(), "nothing on stdout");
  }

  /** The real registry (a stub on this branch, the real one after the merge) rejects unknown names. */
  @Test
  void unknownActivationWithRealEngines() {
    Runner r = Runner.run(Engines.defaults(), "theory", "--act", "no_such_activation");
    assertEquals(Main.BAD_INPUT, r.code());
    assertEquals(1, r.errLines().size(), r.err());
    assertTrue(r.errLines().get(0).startsWith("error: --act: "), r.err());
  }

  @Test
  void sizesAreCheckedBeforeTheActivationWithRealEngines() {
    Runner r = Runner.run(Engines.defaults(), "sample", "--width", "0");
    assertEquals(Main.BAD_INPUT, r.code());
    assertTrue(r.errLines().get(0).startsWith("error: --width: "), r.err());
  }
}
