package org.rgflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rgflow.app.Engines;

/**
 * {@code --json} on every command (issue 16): stdout is exactly one JSON object (trailing tokens
 * fail the parse) whose {@code command} names the command. The list of commands is compared with
 * the ones {@link Main} registers, so a new command without a case fails here.
 */
class JsonEverywhereTest {
  private static final ObjectMapper STRICT = new ObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private final Set<String> covered = new LinkedHashSet<>();

  private JsonNode one(Engines engines, String command, String... args) throws Exception {
    String[] all = new String[args.length + 2];
    all[0] = command;
    System.arraycopy(args, 0, all, 1, args.length);
    all[all.length - 1] = "--json";
    Runner r = Runner.run(engines, all);
    assertTrue(r.code() == 0 || command.equals("tour"), command + ": " + r.err());
    JsonNode j = STRICT.readTree(r.out());
    assertTrue(j.isObject(), command + " printed " + r.out());
    assertEquals(command, j.path("command").asText(), r.out());
    covered.add(command);
    return j;
  }

  @Test
  void everyCommandPrintsOneJsonObject(@TempDir Path dir) throws Exception {
    FakeEngines fake = new FakeEngines();
    one(fake, "sample", "--depth", "2", "--ensemble", "10");
    one(fake, "theory", "--depth", "2");
    one(fake, "criticality");
    one(Engines.defaults(), "aspect-ratio", "--ensemble", "0");
    JsonNode dev = one(Engines.defaults(), "devices");
    assertTrue(dev.path("cpu").path("ok").asBoolean(), "devices' keys at the top: " + dev);
    one(Engines.defaults(), "train", "--width", "16", "--ensemble", "8", "--steps", "3", "--threads",
        "1", "--checkpoints", "none");
    Path out = dir.resolve("s");
    JsonNode s = one(fake, "sweep", "--grid", "width=4,8", "--set", "depth=2", "--set", "ensemble=5",
        "--out", out.toString());
    assertEquals(2, s.path("ok").asInt(), s.toString());
    Files.writeString(out.resolve("points").resolve("0000000000000000.json"), "{\"point_id\": ");
    JsonNode rep = one(fake, "report", out.toString(), "--skip-damaged");
    assertEquals(1, rep.path("damaged").size(), rep.toString());
    String old = System.getProperty(TourCommand.OUT_PROPERTY);
    System.setProperty(TourCommand.OUT_PROPERTY, dir.resolve("tour").toString());
    try {
      JsonNode t = one(fake, "tour");
      assertTrue(t.path("sweep").path("points").asInt() > 0 && t.path("report").has("html"), t.toString());
    } finally {
      if (old == null) {
        System.clearProperty(TourCommand.OUT_PROPERTY);
      } else {
        System.setProperty(TourCommand.OUT_PROPERTY, old);
      }
    }
    Set<String> all = new LinkedHashSet<>(new Main(fake, new java.io.PrintWriter(java.io.Writer.nullWriter()),
        new java.io.PrintWriter(java.io.Writer.nullWriter())).commandLine().getSubcommands()
        .keySet());
    assertEquals(all, covered);
  }
}
