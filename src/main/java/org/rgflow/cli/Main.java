package org.rgflow.cli;

import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.rgflow.app.Engines;
import org.rgflow.app.Failures;
import org.rgflow.device.LibraryLog;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code rgflow}: the command-line entry point.
 *
 * <p>Exit codes: 0 success; 2 bad input, reported as one line {@code error: <field>: <message>};
 * 3 a network diverged; 1 any other failure (one line; the stack trace only with {@code --debug}).
 * {@link #run} never calls {@code System.exit}, so tests drive it in-process.
 */
@Command(name = "rgflow", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = {"Effective theory of deep neural networks (PDLT, Roberts–Yaida–Hanin): layer-by-layer "
        + "predictions and ensembles of randomly initialised networks to check them."},
    footer = {"", "With no command, rgflow runs the tour (rgflow tour).", "", "Examples:", "  rgflow",
        "  rgflow sample", "  rgflow sample --act tanh --cw 1 --width 32 --depth 6 --json",
        "  rgflow theory --inputs 'norms=1,1;angles=0.5'", "  rgflow criticality --act gelu", "  rgflow devices",
        "  rgflow sweep my-sweep.yaml --out runs/a", "  rgflow report runs/a"})
public final class Main implements Callable<Integer> {
  public static final int OK = Failures.OK;
  public static final int FAILURE = Failures.FAILURE;
  public static final int BAD_INPUT = Failures.BAD_INPUT;
  public static final int DIVERGED = Failures.DIVERGED;

  private final Context ctx;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec self;

  public Main(Engines engines, PrintWriter out, PrintWriter err) {
    this(engines, out, err, System::nanoTime);
  }

  /** With a given clock (nanoseconds), for tests of what progress bars draw. */
  Main(Engines engines, PrintWriter out, PrintWriter err, java.util.function.LongSupplier clock) {
    this.ctx = new Context(engines, out, err, clock);
  }

  public static void main(String[] args) {
    LibraryLog.install();
    PrintWriter out = new PrintWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.out),
        StandardCharsets.UTF_8), true);
    FileOutputStream errStream = new FileOutputStream(stderr());
    System.setErr(new PrintStream(errStream, true, StandardCharsets.UTF_8));
    PrintWriter err = new PrintWriter(new OutputStreamWriter(errStream, StandardCharsets.UTF_8), true);
    int code = new Main(Engines.defaults(), out, err).run(args);
    out.flush();
    err.flush();
    System.exit(code);
  }

  /**
   * Where rgflow's own stderr goes: the descriptor the launcher names in {@code RGFLOW_STDERR_FD}
   * (the terminal or file of the caller's stderr, while descriptor 2 passes through a filter of
   * the OpenCL runtime's native warnings, see the {@code rgflow} script), else descriptor 2.
   * Writing there directly keeps every line of ours in order and complete when rgflow exits.
   */
  static FileDescriptor stderr() {
    String fd = System.getenv("RGFLOW_STDERR_FD");
    if (fd != null && fd.matches("\\d{1,4}")) {
      try {
        FileDescriptor d = new FileDescriptor();
        java.lang.reflect.Field f = FileDescriptor.class.getDeclaredField("fd");
        f.setAccessible(true);
        f.setInt(d, Integer.parseInt(fd));
        return d;
      } catch (ReflectiveOperationException | RuntimeException e) {
        // not opened to us (no --add-opens): descriptor 2 then
      }
    }
    return FileDescriptor.err;
  }

  /** Bare {@code rgflow}: the tour (the built-in sweep and its report), as {@code rgflow tour}. */
  @Override
  public Integer call() throws Exception {
    return new TourCommand(ctx).call();
  }

  /** Runs one command line and returns its exit code. */
  public int run(String... args) {
    boolean debug = Arrays.asList(args).contains("--debug");
    CommandLine cl;
    try {
      cl = commandLine();
    } catch (RuntimeException e) {
      return fail(e, debug);
    }
    cl.setParameterExceptionHandler((ex, a) -> {
      error(parameterField(ex), firstLine(ex.getMessage()));
      return BAD_INPUT;
    });
    cl.setExecutionExceptionHandler((ex, c, parsed) -> fail(ex, debug));
    int code;
    try {
      code = cl.execute(args);
    } catch (Error e) {
      // Out of memory and the like: one line, never a stack trace (unless --debug).
      ctx.err().println("error: " + Failures.of(e).message());
      if (debug) {
        e.printStackTrace(ctx.err());
      }
      code = FAILURE;
    }
    ctx.out().flush();
    ctx.err().flush();
    return code;
  }

  CommandLine commandLine() {
    CommandLine cl = new CommandLine(this);
    cl.addSubcommand("theory", new TheoryCommand(ctx));
    cl.addSubcommand("sample", new SampleCommand(ctx));
    cl.addSubcommand("train", new TrainCommand(ctx));
    cl.addSubcommand("criticality", new CriticalityCommand(ctx));
    cl.addSubcommand("aspect-ratio", new AspectRatioCommand(ctx));
    cl.addSubcommand("devices", new DevicesCommand(ctx));
    cl.addSubcommand("sweep", new SweepCommand(ctx));
    cl.addSubcommand("report", new ReportCommand(ctx));
    cl.addSubcommand("tour", new TourCommand(ctx));
    cl.setOut(ctx.out());
    cl.setErr(ctx.err());
    return cl;
  }

  private int fail(Exception ex, boolean debug) {
    Failures.Failure f = Failures.of(ex);
    ctx.err().println("error: " + f.message());
    if (debug) {
      ex.printStackTrace(ctx.err());
    }
    ctx.err().flush();
    return f.exitCode();
  }

  private void error(String field, String message) {
    ctx.err().println("error: " + field + ": " + message);
    ctx.err().flush();
  }

  /** The flag a picocli parameter error is about (or the unknown argument, or "rgflow"). */
  static String parameterField(CommandLine.ParameterException ex) {
    if (ex instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
      return u.getUnmatched().get(0);
    }
    if (ex instanceof CommandLine.MissingParameterException mp && !mp.getMissing().isEmpty()) {
      return name(mp.getMissing().get(0));
    }
    ArgSpec spec = ex.getArgSpec();
    if (spec != null) {
      return name(spec);
    }
    List<String> path = ex.getCommandLine() == null ? List.of("rgflow")
        : List.of(ex.getCommandLine().getCommandSpec().qualifiedName());
    return path.get(0);
  }

  private static String name(ArgSpec spec) {
    return spec instanceof OptionSpec o ? o.longestName() : spec.paramLabel();
  }

  /** Messages are printed on one line, whatever they contain. */
  static String firstLine(String s) {
    return Failures.oneLine(s);
  }
}
