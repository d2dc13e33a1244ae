package org.rgflow.cuda;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;

/**
 * The host harness (kernels/host/): builds it with g++ into target/, and launches the CUDA kernels
 * there with exactly the buffers, layouts and argument lists {@link CudaEnsemble} uses on a GPU
 * (Session's layout and {@code launch}, transcribed below: keep them in step). The harness checks
 * every argument's type and the argument count against the kernel's real parameter list, fills
 * output buffers with 0xFF bytes (NaN) as uninitialised device memory may be, and fails on writes
 * out of bounds, on deadlock and on a divergent barrier.
 */
final class HostHarness {
  static final Path KERNELS = Path.of("kernels");
  static final List<String> FLAGS = List.of("-std=c++17", "-O2", "-ffp-contract=off",
      "-fno-strict-aliasing", "-pthread", "-Wall", "-Wno-unknown-pragmas");

  private HostHarness() {}

  /** Why the harness cannot be built here, or null when g++ is on the PATH. */
  static String unavailableReason() {
    try {
      Process p = new ProcessBuilder("sh", "-c", "command -v g++").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor() == 0 ? null : "g++ not found on the PATH (.ci/run installs it)";
    } catch (IOException | InterruptedException ex) {
      return "cannot run sh to look for g++: " + ex;
    }
  }

  /** The kernel sources, file name → text, as the harness compiles them. */
  static Map<String, String> sources() {
    Map<String, String> src = new HashMap<>();
    try (Stream<Path> s = Files.list(KERNELS)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        String n = p.getFileName().toString();
        if (n.endsWith(".cu") || n.endsWith(".cuh")) {
          src.put(n, Files.readString(p));
        }
      }
      src.put("host/cuda_host.h", Files.readString(KERNELS.resolve("host/cuda_host.h")));
      src.put("host/harness.cpp", Files.readString(KERNELS.resolve("host/harness.cpp")));
    } catch (IOException ex) {
      throw new UncheckedIOException("kernels/ not readable (run from the repository root)", ex);
    }
    return src;
  }

  /**
   * Builds the harness from {@code sources} with g++ (cached under target/host-harness/ by a hash of
   * the sources and flags), after applying {@code mutate} to them (mutation tests); returns the binary.
   */
  static Path build(String label, UnaryOperator<Map<String, String>> mutate) {
    Map<String, String> src = mutate.apply(sources());
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      src.keySet().stream().sorted().forEach(k -> {
        md.update(k.getBytes(StandardCharsets.UTF_8));
        md.update((byte) 0);
        md.update(src.get(k).getBytes(StandardCharsets.UTF_8));
        md.update((byte) 0);
      });
      md.update(String.join(" ", FLAGS).getBytes(StandardCharsets.UTF_8));
      String hash = HexFormat.of().formatHex(md.digest()).substring(0, 16);
      Path dir = Path.of("target", "host-harness", label + "-" + hash);
      Path bin = dir.resolve("harness");
      if (Files.isExecutable(bin)) {
        return bin;
      }
      prune(dir.getParent(), label + "-");
      Path srcDir = dir.resolve("src");
      Files.createDirectories(srcDir.resolve("host"));
      for (Map.Entry<String, String> e : src.entrySet()) {
        Files.writeString(srcDir.resolve(e.getKey()), e.getValue());
      }
      List<String> cmd = new ArrayList<>(List.of("g++"));
      cmd.addAll(FLAGS);
      cmd.addAll(List.of("-I" + srcDir, "-include", srcDir.resolve("host/cuda_host.h").toString(),
          srcDir.resolve("host/harness.cpp").toString(), "-o", dir.resolve("harness.tmp").toString()));
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException("g++ failed to build the host harness (" + label + "):\n"
            + String.join(" ", cmd) + "\n" + out);
      }
      Files.move(dir.resolve("harness.tmp"), bin);
      return bin;
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(ex);
    } catch (NoSuchAlgorithmException ex) {
      throw new IllegalStateException(ex);
    }
  }

  /** Deletes the older builds of one label (other hashes), so target/ does not fill up. */
  private static void prune(Path parent, String prefix) throws IOException {
    if (!Files.isDirectory(parent)) {
      return;
    }
    try (Stream<Path> old = Files.list(parent)) {
      for (Path d : (Iterable<Path>) old::iterator) {
        String n = d.getFileName().toString();
        if (n.startsWith(prefix) && n.substring(prefix.length()).matches("[0-9a-f]{16}")) {
          try (Stream<Path> w = Files.walk(d)) {
            for (Path f : (Iterable<Path>) w.sorted(java.util.Comparator.reverseOrder())::iterator) {
              Files.deleteIfExists(f);
            }
          }
        }
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Jobs

  /** A kernel argument: its harness tag and value text. */
  record Arg(String text) {
    static Arg i32(int v) {
      return new Arg("i32:" + v);
    }

    /** An {@code unsigned} parameter (JCuda passes the int's four bytes). */
    static Arg u32(int v) {
      return new Arg("u32:" + Integer.toUnsignedString(v));
    }

    static Arg i64(long v) {
      return new Arg("i64:" + v);
    }

    static Arg f32(float v) {
      return new Arg("f32:0x" + Integer.toHexString(Float.floatToRawIntBits(v)));
    }

    static Arg f64(double v) {
      return new Arg("f64:0x" + Long.toHexString(Double.doubleToRawLongBits(v)));
    }

    static Arg buf(String name) {
      return new Arg("buf:" + name);
    }
  }

  /** One harness run: buffers, launches, dumps. */
  static final class Job {
    private final StringBuilder text = new StringBuilder();

    Job i32(String name, int[] v) {
      text.append("buf ").append(name).append(" i32 ").append(v.length).append(" data");
      for (int x : v) {
        text.append(' ').append(x);
      }
      text.append('\n');
      return this;
    }

    /** A u32 buffer from the ints' bit patterns. */
    Job i32u(String name, int[] v) {
      text.append("buf ").append(name).append(" u32 ").append(v.length).append(" data");
      for (int x : v) {
        text.append(' ').append(Integer.toUnsignedString(x));
      }
      text.append('\n');
      return this;
    }

    Job f32(String name, float[] v) {
      text.append("buf ").append(name).append(" f32 ").append(v.length).append(" data");
      for (float x : v) {
        text.append(" 0x").append(Integer.toHexString(Float.floatToRawIntBits(x)));
      }
      text.append('\n');
      return this;
    }

    Job f64(String name, double[] v) {
      text.append("buf ").append(name).append(" f64 ").append(v.length).append(" data");
      for (double x : v) {
        text.append(" 0x").append(Long.toHexString(Double.doubleToRawLongBits(x)));
      }
      text.append('\n');
      return this;
    }

    /** An uninitialised device allocation (cuMemAlloc): every byte 0xFF. At least 1 element. */
    Job alloc(String name, String type, long count) {
      text.append("buf ").append(name).append(' ').append(type).append(' ')
          .append(Math.max(1, count)).append(" poison\n");
      return this;
    }

    /** A zero-filled buffer (cuMemsetD8 to 0 after the allocation). At least 1 element. */
    Job zero(String name, String type, long count) {
      text.append("buf ").append(name).append(' ').append(type).append(' ')
          .append(Math.max(1, count)).append(" zero\n");
      return this;
    }

    /** The order in which the harness resumes runnable threads: forward, reverse or shuffled. */
    Job schedule(String how) {
      text.append("schedule ").append(how).append('\n');
      return this;
    }

    Job launch(String kernel, String grid, int block, long shmem, Arg... args) {
      text.append("launch ").append(kernel).append(' ').append(grid).append(' ').append(block)
          .append(' ').append(shmem).append(' ').append(args.length);
      for (Arg a : args) {
        text.append(' ').append(a.text());
      }
      text.append('\n');
      return this;
    }

    Job dump(String... names) {
      for (String n : names) {
        text.append("dump ").append(n).append('\n');
      }
      return this;
    }

    /** Runs the job with {@code bin}; the dumped buffers by name. */
    Map<String, ByteBuffer> run(Path bin) {
      try {
        Path dir = Files.createDirectories(Path.of("target", "host-harness", "jobs"));
        Path job = Files.createTempFile(dir, "job", ".txt");
        Path out = Files.createTempFile(dir, "out", ".bin");
        try {
          Files.writeString(job, text);
          Process p = new ProcessBuilder(bin.toString(), job.toString(), out.toString(),
              String.valueOf(Math.max(1, Runtime.getRuntime().availableProcessors())))
              .redirectErrorStream(true).start();
          String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
          if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("host harness timed out");
          }
          if (p.exitValue() != 0) {
            throw new HarnessFailure(p.exitValue(), log.strip());
          }
          return parse(Files.readAllBytes(out));
        } finally {
          Files.deleteIfExists(job);
          Files.deleteIfExists(out);
        }
      } catch (IOException ex) {
        throw new UncheckedIOException(ex);
      } catch (InterruptedException ex) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(ex);
      }
    }
  }

  /** The harness exited non-zero (3: a kernel error such as deadlock or an out-of-bounds write). */
  static final class HarnessFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int exit;

    HarnessFailure(int exit, String log) {
      super("host harness exit " + exit + ": " + log);
      this.exit = exit;
    }
  }

  static Map<String, ByteBuffer> parse(byte[] b) {
    Map<String, ByteBuffer> out = new HashMap<>();
    int pos = 0;
    while (pos < b.length) {
      int nl = pos;
      while (b[nl] != '\n') {
        nl++;
      }
      String[] h = new String(b, pos, nl - pos, StandardCharsets.US_ASCII).split(" ");
      int elem = h[1].endsWith("64") ? 8 : 4;
      int len = Math.multiplyExact(Integer.parseInt(h[2]), elem);
      ByteBuffer bb = ByteBuffer.wrap(b, nl + 1, len).slice().order(ByteOrder.LITTLE_ENDIAN);
      out.put(h[0], bb);
      pos = nl + 1 + len;
    }
    return out;
  }

  static float[] floats(ByteBuffer b) {
    float[] f = new float[b.remaining() / 4];
    b.duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
    return f;
  }

  static double[] doubles(ByteBuffer b) {
    double[] d = new double[b.remaining() / 8];
    b.duplicate().order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(d);
    return d;
  }

  static int[] ints(ByteBuffer b) {
    int[] v = new int[b.remaining() / 4];
    b.duplicate().order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(v);
    return v;
  }

  // ---------------------------------------------------------------------------------------------
  // CudaEnsemble's layout and launches

  /** S = P + P(P+1)/2 + N_D, P = N_D(N_D+1)/2: the forward kernel's per-layer power sums. */
  static int powerSums(int nd) {
    int p = nd * (nd + 1) / 2;
    return p + p * (p + 1) / 2 + nd;
  }

  /** One launch's outputs, with CudaEnsemble.Chunk's accessors. */
  static final class Outputs {
    final BufferLayout lay;
    final int count;
    final int[] diverged;
    final double[] sums;
    final double[] theta;
    final float[] zHead;
    final float[] z;

    Outputs(BufferLayout lay, int count, Map<String, ByteBuffer> d) {
      this.lay = lay;
      this.count = count;
      diverged = ints(d.get("div"));
      sums = doubles(d.get("sums"));
      theta = lay.ntk ? doubles(d.get("theta")) : null;
      zHead = lay.ntk ? floats(d.get("zHead")) : null;
      z = lay.keepZ ? floats(d.get("z")) : null;
    }

    /** z^{(ℓ)}[α][i] of network g of the launch (keepZ only; CudaEnsemble.networks). */
    double[][] z(int g, int l) {
      return lay.z(z, g, l);
    }

    double[][] theta(int g, int l) {
      return lay.theta(theta, g, l);
    }

    double[][] zHead(int g, int l) {
      return lay.zHead(zHead, g, l);
    }

    /** The sumsPer entries of layer ℓ of network g. */
    double[] sums(int g, int l) {
      return lay.sums(sums, g, l);
    }
  }

  /**
   * Networks first..first+count−1 through rg_forward_nd{N_D} (and rg_ntk_vt{vt} when ntkNeurons &gt; 0),
   * one launch, with CudaEnsemble's parameters (Session.allocate) and arguments (Session.launch).
   */
  static Outputs ensemble(Path bin, NetworkSpec spec, Inputs inputs, long seed, long first, int count,
      int ntkNeurons, int vt, boolean keepZ, int sumsPer, String schedule) {
    int nd = inputs.count();
    int depth = spec.depth();
    BufferLayout s = new BufferLayout(spec, nd, ntkNeurons, keepZ, sumsPer);
    CudaActivation act = CudaActivation.of(spec.activation());
    float[] x = new float[nd * spec.n0()];
    for (int a = 0; a < nd; a++) {
      for (int j = 0; j < spec.n0(); j++) {
        x[a * spec.n0() + j] = (float) inputs.get(a, j);
      }
    }
    float[] sw = new float[depth + 1];
    float[] sb = new float[depth + 1];
    double[] lamB = new double[depth + 1];
    double[] lamW = new double[depth + 1];
    for (int l = 1; l <= depth; l++) {
      sw[l] = (float) Math.sqrt(spec.cw(l) / s.widths[l - 1]);
      sb[l] = (float) Math.sqrt(spec.cb(l));
      lamB[l] = spec.lambdaB(l);
      lamW[l] = spec.lambdaW(l);
    }
    int lo = (int) seed;
    int hi = (int) (seed >>> 32);
    int e0 = (int) first;
    Job job = new Job().schedule(schedule).i32("widths", s.widths).i32("zOff", s.zOff).f32("x", x).f32("sw", sw)
        .f32("sb", sb).i32("vOff", s.vOff).i32("tOff", s.tOff).i32("m", s.m).f64("lamB", lamB)
        .f64("lamW", lamW).f32("gam", s.gamma).f32("xis", s.xi).alloc("z", "f32", s.zStride * count)
        .alloc("sums", "f64", (long) depth * s.sumsPer * count).alloc("div", "i32", count);
    if (s.ntk) {
      job.alloc("g", "f32", s.gStride * count).alloc("theta", "f64", s.thetaStride * count)
          .alloc("zHead", "f32", s.zHeadStride * count);
    }
    job.launch("rg_forward_nd" + nd, String.valueOf(count), CudaEnsemble.THREADS, s.shmBytes,
        Arg.i32(depth), Arg.buf("widths"), Arg.buf("zOff"), Arg.buf("x"), Arg.buf("sw"),
        Arg.buf("sb"), Arg.i32(act.code()), Arg.f32(act.a()), Arg.f32(act.b()), Arg.u32(lo),
        Arg.u32(hi), Arg.u32(e0), Arg.buf("z"), Arg.i64(s.zStride), Arg.buf("sums"),
        Arg.i32(s.sumsPer), Arg.buf("div"), Arg.buf("gam"), Arg.buf("xis"));
    if (s.ntk) {
      job.launch("rg_ntk_vt" + vt, String.valueOf(count), CudaEnsemble.THREADS, 0, Arg.i32(depth),
          Arg.i32(nd), Arg.buf("widths"), Arg.buf("zOff"), Arg.buf("vOff"), Arg.buf("tOff"),
          Arg.buf("m"), Arg.buf("x"), Arg.buf("sw"), Arg.buf("lamB"), Arg.buf("lamW"),
          Arg.i32(act.code()), Arg.f32(act.a()), Arg.f32(act.b()), Arg.u32(lo), Arg.u32(hi),
          Arg.u32(e0), Arg.buf("z"), Arg.i64(s.zStride), Arg.buf("g"), Arg.i64(s.gStride),
          Arg.i32(s.ldG), Arg.buf("theta"), Arg.i64(s.thetaStride), Arg.buf("zHead"),
          Arg.i64(s.zHeadStride), Arg.buf("gam"), Arg.buf("xis"));
      job.dump("theta", "zHead");
    }
    job.dump("div", "sums");
    if (keepZ) {
      job.dump("z");
    }
    return new Outputs(s, count, job.run(bin));
  }

  /**
   * The dNTK of networks first..first+count−1: rg_forward_nd{N_D} with z kept, then rg_dntk
   * (kernels/ensemble_dntk.cu) with {@link DntkLayout}'s sizes; [network][ℓ−1][2·N_D⁴]. {@code drop}
   * is the kernel's test knob (1: σ″ term dropped, 2: cross term dropped; 0 in runs).
   */
  static double[][][] dntk(Path bin, NetworkSpec spec, Inputs inputs, long seed, long first, int count,
      int neurons, int drop, String schedule) {
    int nd = inputs.count();
    int depth = spec.depth();
    int sumsPer = powerSums(nd);
    BufferLayout s = new BufferLayout(spec, nd, 0, true, sumsPer);
    DntkLayout d = new DntkLayout(spec, nd, neurons, s.zStride);
    CudaActivation act = CudaActivation.of(spec.activation());
    float[] x = new float[nd * spec.n0()];
    for (int a = 0; a < nd; a++) {
      for (int j = 0; j < spec.n0(); j++) {
        x[a * spec.n0() + j] = (float) inputs.get(a, j);
      }
    }
    float[] sw = new float[depth + 1];
    float[] sb = new float[depth + 1];
    double[] lamB = new double[depth + 1];
    double[] lamW = new double[depth + 1];
    for (int l = 1; l <= depth; l++) {
      sw[l] = (float) Math.sqrt(spec.cw(l) / s.widths[l - 1]);
      sb[l] = (float) Math.sqrt(spec.cb(l));
      lamB[l] = spec.lambdaB(l);
      lamW[l] = spec.lambdaW(l);
    }
    int lo = (int) seed;
    int hi = (int) (seed >>> 32);
    int e0 = (int) first;
    Job job = new Job().schedule(schedule).i32("widths", s.widths).i32("zOff", s.zOff).f32("x", x)
        .f32("sw", sw).f32("sb", sb).f64("lamB", lamB).f64("lamW", lamW).f32("gam", s.gamma)
        .f32("xis", s.xi).i32("dm", d.dm).i32("gLOff", d.gLOff).alloc("z", "f32", s.zStride * count)
        .alloc("sums", "f64", (long) depth * s.sumsPer * count).alloc("div", "i32", count)
        .alloc("work", "f32", d.workStride * count).alloc("dntk", "f64", (long) d.outPer * count);
    job.launch("rg_forward_nd" + nd, String.valueOf(count), CudaEnsemble.THREADS, s.shmBytes,
        Arg.i32(depth), Arg.buf("widths"), Arg.buf("zOff"), Arg.buf("x"), Arg.buf("sw"),
        Arg.buf("sb"), Arg.i32(act.code()), Arg.f32(act.a()), Arg.f32(act.b()), Arg.u32(lo),
        Arg.u32(hi), Arg.u32(e0), Arg.buf("z"), Arg.i64(s.zStride), Arg.buf("sums"),
        Arg.i32(s.sumsPer), Arg.buf("div"), Arg.buf("gam"), Arg.buf("xis"));
    job.launch("rg_dntk", String.valueOf(count), CudaEnsemble.THREADS, 0, Arg.i32(depth), Arg.i32(nd),
        Arg.buf("widths"), Arg.buf("zOff"), Arg.buf("dm"), Arg.buf("gLOff"), Arg.i32(d.gStride),
        Arg.i32(d.dDirs), Arg.i32(d.dPairs), Arg.i32(d.nmax), Arg.buf("x"), Arg.buf("sw"),
        Arg.buf("lamB"), Arg.buf("lamW"), Arg.i32(act.code()), Arg.f32(act.a()), Arg.f32(act.b()),
        Arg.u32(lo), Arg.u32(hi), Arg.u32(e0), Arg.buf("z"), Arg.i64(s.zStride), Arg.buf("work"),
        Arg.i64(d.workStride), Arg.buf("dntk"), Arg.i32(drop));
    job.dump("dntk", "div");
    Map<String, ByteBuffer> outBufs = job.run(bin);
    double[] all = doubles(outBufs.get("dntk"));
    double[][][] out = new double[count][depth][];
    for (int g = 0; g < count; g++) {
      for (int l = 1; l <= depth; l++) {
        out[g][l - 1] = d.stats(all, g, l);
      }
    }
    return out;
  }
}
