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

  /** The records of finished points by id, in file-name order; unreadable files are skipped. */
  public Map<String, JsonNode> readPoints() {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    if (!Files.isDirectory(points)) {
      return out;
    }
    List<Path> files = new ArrayList<>();
    try (Stream<Path> s = Files.list(points)) {
      s.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().forEach(files::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (Path f : files) {
      try {
        JsonNode n = JSON.readTree(f.toFile());
        if (n != null && n.has("point_id")) {
          out.put(n.get("point_id").asText(), n);
        }
      } catch (IOException e) {
        // Only complete files are ever renamed into place; anything else is not ours.
      }
    }
    return out;
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
