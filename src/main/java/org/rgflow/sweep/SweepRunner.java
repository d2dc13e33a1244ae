package org.rgflow.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.rgflow.app.Failures;

/**
 * Runs the points of a plan that are not finished yet, one worker per {@link Lane} (device), and
 * writes each point's record as soon as it finishes.
 *
 * <p>A point is one {@code sample} run through {@link Executor} (in the command line,
 * {@link org.rgflow.app.SampleRun} in-process), so a point's {@code result} is what
 * {@code sample --json} prints. A point that fails (an exit code ≠ 0, or an exception) is recorded
 * with its error and the sweep goes on. Finished points (ok or failed) are skipped, so re-running after Ctrl-C, {@code kill -9} or
 * a crash redoes nothing finished; {@code retryFailed} runs the failed ones again.
 *
 * <p>Lanes: with the CPU reference alone there is one lane (the CPU backend already uses every core,
 * so points run one after another). With a GPU backend there is a GPU lane and a CPU lane working in
 * parallel: a point with {@code backend: auto} goes to whichever lane is free and runs on that lane's
 * backend; a point naming a backend goes to the lane of that backend (or the first lane, which then
 * records whatever error {@code sample} gives).
 */
public final class SweepRunner {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  /**
   * Runs one point as {@code sample} would, with its {@code backend} flag replaced by
   * {@code backendOverride} when that is not null. Must be safe to call from several threads.
   */
  @FunctionalInterface
  public interface Executor {
    Outcome run(SweepPoint point, String backendOverride);
  }

  /**
   * What one run gave.
   *
   * @param exitCode what {@code sample} would exit with (0, 1, 2 bad input, 3 diverged)
   * @param result its {@code --json} record when it succeeded, else null
   * @param message the one-line error when it failed (what {@code sample} prints after "error: ")
   */
  public record Outcome(int exitCode, JsonNode result, String message) {
    public static Outcome ok(JsonNode result) {
      return new Outcome(0, result, null);
    }
  }

  /**
   * A device lane.
   *
   * @param name e.g. "cpu", "gpu"
   * @param backend the backend {@code auto} points run on in this lane; null keeps {@code auto}
   */
  public record Lane(String name, String backend) {}

  /** Hears about points starting and finishing (called from lane threads). */
  public interface Listener {
    default void planned(List<SweepPoint> toRun, int alreadyDone) {}

    default void started(SweepPoint p, Lane lane) {}

    default void finished(SweepPoint p, Lane lane, boolean ok, String error) {}
  }

  /** The counts of one run. */
  public record Summary(int points, int alreadyDone, int ok, int failed, double seconds) {}

  private final Executor executor;
  private final Provenance provenance;
  private final LongSupplier clock;

  public SweepRunner(Executor executor, Provenance provenance, LongSupplier clock) {
    this.executor = executor;
    this.provenance = provenance;
    this.clock = clock;
  }

  /** Runs every unfinished point of {@code plan} into {@code store} (opened by the caller). */
  public Summary run(SweepPlan plan, PointStore store, boolean retryFailed, List<Lane> lanes, Listener listener) {
    long t0 = clock.getAsLong();
    Map<String, JsonNode> done = store.readPoints();
    LinkedList<SweepPoint> queue = new LinkedList<>();
    int already = 0;
    for (SweepPoint p : plan.points()) {
      JsonNode rec = done.get(p.id());
      boolean finished = rec != null && ("ok".equals(rec.path("status").asText())
          || ("failed".equals(rec.path("status").asText()) && !retryFailed));
      if (finished) {
        already++;
      } else {
        queue.add(p);
      }
    }
    listener.planned(List.copyOf(queue), already);
    AtomicInteger ok = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    List<Thread> threads = new ArrayList<>();
    List<Throwable> crashes = new ArrayList<>();
    for (Lane lane : lanes) {
      Thread t = new Thread(() -> {
        SweepPoint p;
        while ((p = next(queue, lane, lanes)) != null) {
          listener.started(p, lane);
          JsonNode rec = runOne(p, lane);
          store.writePoint(p.id(), rec);
          boolean good = "ok".equals(rec.path("status").asText());
          (good ? ok : failed).incrementAndGet();
          listener.finished(p, lane, good, good ? null : rec.path("error").path("message").asText());
        }
      }, "rgflow-sweep-" + lane.name());
      t.setUncaughtExceptionHandler((th, e) -> {
        synchronized (crashes) {
          crashes.add(e);
        }
      });
      threads.add(t);
      t.start();
    }
    for (Thread t : threads) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted");
      }
    }
    if (!crashes.isEmpty()) {
      Throwable e = crashes.get(0);
      throw e instanceof RuntimeException re ? re : new IllegalStateException(e);
    }
    return new Summary(plan.points().size(), already, ok.get(), failed.get(), (clock.getAsLong() - t0) / 1e9);
  }

  /** The first queued point this lane may run, removed from the queue; null when none is left. */
  static SweepPoint next(LinkedList<SweepPoint> queue, Lane lane, List<Lane> lanes) {
    synchronized (queue) {
      for (Iterator<SweepPoint> it = queue.iterator(); it.hasNext(); ) {
        SweepPoint p = it.next();
        if (accepts(lane, p, lanes)) {
          it.remove();
          return p;
        }
      }
      return null;
    }
  }

  static boolean accepts(Lane lane, SweepPoint p, List<Lane> lanes) {
    String b = p.backend();
    if (b.equals("auto")) {
      return true;
    }
    if (b.equals(lane.backend())) {
      return true;
    }
    boolean anyLane = lanes.stream().anyMatch(l -> b.equals(l.backend()));
    return !anyLane && lane.equals(lanes.get(0));
  }

  /** Runs one point and builds its record; never throws. */
  JsonNode runOne(SweepPoint p, Lane lane) {
    String override = p.backend().equals("auto") && lane.backend() != null ? lane.backend() : null;
    List<String> args = p.sampleArgs(override);
    Instant started = Instant.now();
    long t0 = clock.getAsLong();
    Outcome o;
    try {
      o = executor.run(p, override);
    } catch (Throwable e) {
      o = new Outcome(1, null, String.valueOf(e));
    }
    double secs = (clock.getAsLong() - t0) / 1e9;
    ObjectNode rec = F.objectNode();
    rec.put("point_id", p.id());
    JsonNode result = o.exitCode() == 0 ? o.result() : null;
    boolean good = result != null && result.isObject();
    rec.put("status", good ? "ok" : "failed");
    ArrayNode g = rec.putArray("groups");
    p.groups().forEach(g::add);
    ObjectNode flags = rec.putObject("flags");
    p.flags().forEach(flags::put);
    ArrayNode a = rec.putArray("args");
    args.forEach(a::add);
    ObjectNode prov = rec.putObject("provenance");
    prov.put("seed", p.flags().getOrDefault("seed", ""));
    prov.put("backend", good ? result.path("backend").asText(null) : override != null ? override : p.backend());
    prov.put("device", good ? result.path("device").asText(null) : null);
    prov.put("lane", lane.name());
    prov.put("rgflow_version", provenance.rgflowVersion());
    prov.put("git_commit", provenance.gitCommit());
    prov.put("host", provenance.host());
    prov.put("java", provenance.java());
    prov.put("started", started.toString());
    prov.put("seconds", Math.round(secs * 1000) / 1000.0);
    if (good) {
      rec.set("result", result);
    } else {
      ObjectNode err = rec.putObject("error");
      String message = o.message() != null ? o.message()
          : o.exitCode() == 0 ? "sample gave no record" : "exit code " + o.exitCode();
      err.put("exit_code", o.exitCode() == 0 ? Failures.FAILURE : o.exitCode());
      err.put("message", message);
      err.put("stderr", "error: " + message);
    }
    return rec;
  }

}
