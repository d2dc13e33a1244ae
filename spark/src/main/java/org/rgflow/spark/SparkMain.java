package org.rgflow.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.rgflow.app.Failures;
import org.rgflow.app.Flags;
import org.rgflow.app.LayerReport;
import org.rgflow.app.SampleRun;
import org.rgflow.io.JsonReport;
import org.rgflow.io.TableReport;
import org.rgflow.spec.SpecException;
import org.rgflow.sweep.PointStore;
import org.rgflow.sweep.SweepPlan;
import org.rgflow.sweep.SweepPoint;
import org.rgflow.sweep.SweepRunner;

/**
 * The spark-submit entry point (README "Spark", docs/SPARK.md):
 * <pre>
 *   sample [--tasks N] [--merge chain|driver] [--checkpoint DIR] [sample's flags: --act --width --depth --ensemble --seed …] [--json]
 *   sweep FILE --out DIR [--resume] [--retry-failed] [--lanes N] [--report]
 *   sweep --resume --out DIR
 * </pre>
 * {@code sample} splits one ensemble into N tasks (default: the cluster's default parallelism) and
 * prints what {@code rgflow sample} prints; {@code sweep} runs the points of a sweep file as tasks
 * into DIR as {@code rgflow sweep} does. Bad input exits 2 with one line {@code error: <field>:
 * <message>}.
 */
public final class SparkMain {
  /** sample's flags that take a value (without dashes). */
  static final Set<String> SAMPLE_FLAGS = Set.of("act", "cb", "cw", "width", "depth", "n0",
      "out-width", "inputs", "lambda-b", "lambda-w", "gamma", "xi", "ensemble", "seed", "threads",
      "chunk", "ntk-neurons", "sampler", "backend", "observables");

  private SparkMain() {}

  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
    PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
    int code = run(args, out, err);
    out.flush();
    err.flush();
    System.exit(code);
  }

  /** Runs one command line; returns its exit code. */
  static int run(String[] args, PrintWriter out, PrintWriter err) {
    JavaSparkContext sc = null;
    try {
      if (args.length == 0 || !(args[0].equals("sample") || args[0].equals("sweep"))) {
        throw new SpecException("COMMAND", "give sample or sweep (e.g. sample --ensemble 100000"
            + " --tasks 64; sweep FILE --out DIR)");
      }
      Parsed p = parse(args);
      if (args[0].equals("sample")) {
        Flags.sample(p.flags, org.rgflow.app.Engines.defaults()); // bad flags: before Spark starts
        sc = context("rgflow sample");
        int tasks = p.tasks != null ? p.tasks : sc.defaultParallelism();
        if (p.checkpoint != null && p.merge == SparkEnsemble.Merge.DRIVER) {
          throw new SpecException("--checkpoint", "works with --merge chain only");
        }
        SparkEngines eng = new SparkEngines(sc, tasks, p.flags, false, p.merge);
        if (p.checkpoint != null) {
          eng.checkpoint(p.checkpoint);
        }
        LayerReport r = SampleRun.run(Flags.sample(p.flags, eng), eng, null);
        if (p.json) {
          out.println(JsonReport.write(r));
        } else {
          TableReport.write(r, out);
        }
      } else {
        if (p.out == null) {
          throw new SpecException("--out", "give the sweep's directory");
        }
        SweepPlan plan = plan(p);
        SparkSweep.validate(plan);
        int finished = new PointStore(p.out).readPoints().size();
        if (finished > 0 && !p.resume) {
          throw new SpecException("--out", p.out + " already holds " + finished + " finished point"
              + (finished == 1 ? "" : "s") + "; add --resume to continue that sweep, or choose another"
              + " directory");
        }
        sc = context("rgflow sweep " + plan.name());
        int lanes = p.lanes != null ? p.lanes : sc.defaultParallelism();
        SweepRunner.Summary s = SparkSweep.run(sc, plan, p.out, p.retryFailed, lanes, p.report,
            new SweepRunner.Listener() {
              @Override
              public void finished(SweepPoint pt, SweepRunner.Lane lane, boolean ok, String error) {
                synchronized (err) {
                  err.println((ok ? "done " : "failed ") + pt.label() + (ok ? "" : ": " + error));
                }
              }
            });
        out.printf(Locale.ROOT, "sweep %s: %d points — %d run now (%d ok, %d failed), %d already"
            + " finished, %.1f s%nresults: %s%n", plan.name(), s.points(), s.ok() + s.failed(), s.ok(),
            s.failed(), s.alreadyDone(), s.seconds(), p.out.resolve("results.csv"));
        if (s.failed() > 0) {
          err.println("error: " + s.failed() + " of " + s.points() + " points failed (their errors"
              + " are in " + p.out.resolve("results.csv") + ", column error)");
          return Failures.FAILURE;
        }
      }
      return Failures.OK;
    } catch (Exception | Error e) { // Spark's own exceptions are checked (SparkException)
      Failures.Failure f = Failures.of(e);
      err.println("error: " + f.message());
      return f.exitCode();
    } finally {
      out.flush();
      if (sc != null) {
        sc.stop();
      }
    }
  }

  static JavaSparkContext context(String name) {
    SparkConf conf = new SparkConf().setAppName(name).setIfMissing("spark.master", "local[*]");
    return new JavaSparkContext(conf);
  }

  static final class Parsed {
    final Map<String, String> flags = new LinkedHashMap<>();
    final List<String> positional = new ArrayList<>();
    Integer tasks;
    Integer lanes;
    SparkEnsemble.Merge merge = SparkEnsemble.Merge.CHAIN;
    boolean json;
    boolean resume;
    boolean retryFailed;
    boolean report;
    Path out;
    Path checkpoint;
  }

  static Parsed parse(String[] args) {
    Parsed p = new Parsed();
    boolean sample = args[0].equals("sample");
    for (int i = 1; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--")) {
        p.positional.add(a);
        continue;
      }
      String name = a.substring(2);
      String value = null;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      }
      switch (name) {
        case "json" -> p.json = true;
        case "no-ntk" -> p.flags.put("no-ntk", "true");
        case "resume" -> p.resume = true;
        case "retry-failed" -> p.retryFailed = true;
        case "report" -> p.report = true;
        default -> {
          if (value == null) {
            if (i + 1 >= args.length) {
              throw new SpecException(a, "needs a value");
            }
            value = args[++i];
          }
          if (name.equals("tasks") && sample) {
            p.tasks = positive(a, value);
          } else if (name.equals("merge") && sample) {
            if (!value.equals("chain") && !value.equals("driver")) {
              throw new SpecException(a, "chain or driver, got " + value);
            }
            p.merge = SparkEnsemble.Merge.valueOf(value.toUpperCase(Locale.ROOT));
          } else if (name.equals("lanes") && !sample) {
            p.lanes = positive(a, value);
          } else if (name.equals("checkpoint") && sample) {
            p.checkpoint = Path.of(value);
          } else if (name.equals("out") && !sample) {
            p.out = Path.of(value);
          } else if (sample && SAMPLE_FLAGS.contains(name)) {
            p.flags.put(name, value);
          } else {
            throw new SpecException(a, "unknown option for " + args[0]);
          }
        }
      }
    }
    if (sample && !p.positional.isEmpty()) {
      throw new SpecException(p.positional.get(0), "sample takes no positional arguments");
    }
    if (!sample && p.positional.size() > 1) {
      throw new SpecException("FILE", "one sweep file, got " + p.positional.size());
    }
    return p;
  }

  private static int positive(String field, String v) {
    try {
      int n = Integer.parseInt(v.trim());
      if (n >= 1) {
        return n;
      }
    } catch (NumberFormatException e) {
      // below
    }
    throw new SpecException(field, "must be a positive integer, got " + v);
  }

  private static SweepPlan plan(Parsed p) {
    if (!p.positional.isEmpty()) {
      Path file = Path.of(p.positional.get(0));
      if (!Files.isRegularFile(file)) {
        throw new SpecException("FILE", "no such file: " + file);
      }
      return SweepPlan.read(file, SparkSweep.sampleDefaults());
    }
    Path saved = p.out.resolve("sweep.json");
    if (!p.resume || !Files.isRegularFile(saved)) {
      throw new SpecException("FILE", "give a sweep file, or --resume with a directory that holds"
          + " sweep.json");
    }
    try {
      return SweepPlan.fromJson(new ObjectMapper().readTree(saved.toFile()));
    } catch (IOException e) {
      throw new SpecException("--out", saved + " is damaged (not valid JSON); give the sweep FILE"
          + " again with --resume");
    }
  }
}
