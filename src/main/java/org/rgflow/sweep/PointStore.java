package org.rgflow.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.rgflow.spec.SpecException;

/**
 * A sweep's output directory:
 * <pre>
 * DIR/sweep.json             the plan (points and their flags)
 * DIR/points/ID.json         one record per finished point (status "ok" or "failed")
 * DIR/results.csv, .jsonl    regenerated from the point files ({@link Results})
 * DIR/.lock                  held while a sweep runs, so two sweeps never share a directory
 * </pre>
 * Every file is written to a temporary name in the same directory and renamed atomically: a point
 * file exists only complete, and a killed run leaves at most a {@code .tmp} file, removed on the
 * next run.
 */
public final class PointStore implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final ObjectMapper COMPACT = new ObjectMapper();

  private final Path dir;
  private final Path points;
  private FileChannel lockChannel;
  private FileLock lock;

  public PointStore(Path dir) {
    this.dir = dir;
    this.points = dir.resolve("points");
  }

  public Path dir() {
    return dir;
  }

  /** Creates the directories, takes the lock and removes temporary files a killed run left. */
  public PointStore open() {
    try {
      Files.createDirectories(points);
      lockChannel = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      try {
        lock = lockChannel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        lockChannel.close();
        throw new SpecException("--out", "another sweep is running in " + dir);
      }
      try (Stream<Path> s = Files.list(points)) {
        for (Path p : (Iterable<Path>) s::iterator) {
          if (p.getFileName().toString().endsWith(".tmp")) {
            Files.deleteIfExists(p);
          }
        }
      }
    } catch (IOException e) {
      throw new SpecException("--out", "cannot use " + dir + ": " + e.getMessage());
    }
    return this;
  }

  @Override
  public void close() {
    try {
      if (lock != null) {
        lock.release();
      }
      if (lockChannel != null) {
        lockChannel.close();
      }
    } catch (IOException e) {
      // released with the process anyway
    }
  }

  /** The file of a point. */
  public Path pointFile(String id) {
    return points.resolve(id + ".json");
  }

  /** Writes a point's record atomically. */
  public void writePoint(String id, JsonNode record) {
    writeAtomically(pointFile(id), write(record));
  }

  /** The records of finished points by id, in file-name order (damaged files left out: {@link #scan}). */
  public Map<String, JsonNode> readPoints() {
    return scan().points();
  }

  /**
   * A file in {@code points/} that is not a complete point record.
   *
   * @param file the file
   * @param id the point id its name gives (the name without {@code .json})
   * @param reason why, on one line, e.g. "not valid JSON (line 40, column 1: unexpected end)"
   */
  public record Damaged(Path file, String id, String reason) {}

  /**
   * What {@code points/} holds.
   *
   * @param points the complete records by id, in file-name order
   * @param damaged every other file, named with why (temporary files of a killed run excepted)
   */
  public record Scan(Map<String, JsonNode> points, List<Damaged> damaged) {}

  /** Reads every file of {@code points/}; a file that is not a complete record is named, never dropped. */
  public Scan scan() {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    List<Damaged> damaged = new ArrayList<>();
    if (!Files.isDirectory(points)) {
      return new Scan(out, damaged);
    }
    List<Path> files = new ArrayList<>();
    try (Stream<Path> s = Files.list(points)) {
      s.filter(p -> !p.getFileName().toString().endsWith(".tmp")).sorted().forEach(files::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (Path f : files) {
      String name = f.getFileName().toString();
      String id = name.endsWith(".json") ? name.substring(0, name.length() - 5) : name;
      String why = null;
      JsonNode n = null;
      if (!name.endsWith(".json") || Files.isDirectory(f)) {
        why = "not a point file (points/ holds only ID.json files)";
      } else {
        try {
          n = JSON.readTree(f.toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
          var loc = e.getLocation();
          why = "not valid JSON" + (loc == null ? "" : " at line " + loc.getLineNr() + ", column "
              + loc.getColumnNr()) + ": " + parserMessage(e.getOriginalMessage());
        } catch (IOException e) {
          why = "cannot read: " + oneLine(e.getMessage());
        }
        if (why == null) {
          if (n == null || !n.isObject() || !n.hasNonNull("point_id")) {
            why = n == null || n.isMissingNode() ? "empty" : "not a point record (no point_id)";
          } else if (!n.path("point_id").asText().equals(id)) {
            why = "holds point " + n.path("point_id").asText() + ", not " + id;
          } else if (!"ok".equals(n.path("status").asText()) && !"failed".equals(n.path("status").asText())) {
            why = "no status ok or failed";
          } else if ("ok".equals(n.path("status").asText()) && !n.path("result").isObject()) {
            why = "status ok but no result";
          }
        }
      }
      if (why == null) {
        out.put(id, n);
      } else {
        damaged.add(new Damaged(f, id, why));
      }
    }
    return new Scan(out, damaged);
  }

  /**
   * The parser's reason without its internals: no "[Source: …]" locations (the line and column are
   * given already), and a file cut short named as such.
   */
  static String parserMessage(String s) {
    String m = oneLine(s).replaceAll("\\s*\\(start marker at \\[Source:[^\\]]*\\][^)]*\\)", "")
        .replaceAll("\\s*\\[Source:[^\\]]*\\]", "");
    if (m.startsWith("Unexpected end-of-input")) {
      return "the file ends early (truncated)";
    }
    return m;
  }

  private static String oneLine(String s) {
    return s == null ? "" : s.strip().replaceAll("\\s*\\R\\s*", "; ");
  }

  /** Pretty JSON text. */
  public static String write(JsonNode n) {
    try {
      return JSON.writeValueAsString(n) + "\n";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One-line JSON text. */
  public static String compact(JsonNode n) {
    try {
      return COMPACT.writeValueAsString(n);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes {@code text} to a temporary file beside {@code target}, then renames it over the target. */
  public static void writeAtomically(Path target, String text) {
    writeAtomically(target, text.getBytes(StandardCharsets.UTF_8));
  }

  public static void writeAtomically(Path target, byte[] bytes) {
    Path parent = target.toAbsolutePath().getParent();
    Path tmp = parent.resolve("." + target.getFileName() + "." + ProcessHandle.current().pid() + "."
        + Thread.currentThread().getId() + ".tmp");
    try {
      Files.createDirectories(parent);
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING)) {
        ch.write(java.nio.ByteBuffer.wrap(bytes));
        ch.force(true);
      }
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // nothing more to do
      }
      throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
    }
  }
}
