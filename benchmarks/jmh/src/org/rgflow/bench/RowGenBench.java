package org.rgflow.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.rgflow.core.Sums;
import org.rgflow.rng.InitRng;
import org.rgflow.rng.Simd;

/**
 * The direct sampler's inner loop on one thread: a width × width layer's weight rows, each dotted
 * with N_D inputs, by the scalar rows ({@link InitRng#weightRow} + {@link Sums#dot}) and by the SIMD
 * rows ({@link Simd#rowDots}, 8 rows per call with AVX-512), which give the same bits. Score:
 * weights per second (one operation = one weight). Napkin: a weight is a quarter Philox block and
 * half a Box–Muller pair; the SIMD form does 8 rows per vector instruction.
 *
 * <p>Run: {@code benchmarks/run-jmh.sh RowGenBench}. The setup checks that both forms agree bit for
 * bit on the first rows.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 3, time = 2)
public class RowGenBench {
  private static final int WIDTH = 256;
  @Param({"1", "2"}) public int nd;

  private double[][] x;
  private double[] row;
  private double[] out;
  private double[] buf;
  private long layer;

  @Setup
  public void setup() throws InterruptedException {
    if (!Simd.awaitReady(120_000)) {
      throw new IllegalStateException("SIMD path off: " + Simd.describe());
    }
    x = new double[nd][WIDTH];
    for (int a = 0; a < nd; a++) {
      for (int j = 0; j < WIDTH; j++) {
        x[a][j] = Math.max(0, Math.sin(1.7 * j + a));
      }
    }
    row = new double[WIDTH];
    out = new double[nd * Simd.lanes()];
    buf = new double[Simd.bufferLength(nd)];
    Simd.rowDots(7, 3, 2, 0, WIDTH, x, nd, buf, out);
    for (int k = 0; k < Simd.lanes(); k++) {
      InitRng.weightRow(7, 3, 2, k, WIDTH, row);
      for (int a = 0; a < nd; a++) {
        if (Double.doubleToRawLongBits(Sums.dot(row, x[a], WIDTH))
            != Double.doubleToRawLongBits(out[a * Simd.lanes() + k])) {
          throw new IllegalStateException("SIMD and scalar rows differ at row " + k + ", input " + a);
        }
      }
    }
  }

  @Benchmark
  @OperationsPerInvocation(WIDTH * WIDTH)
  public double scalarRows() {
    int l = (int) (++layer & 0xFFFF) + 1;
    double s = 0;
    for (int i = 0; i < WIDTH; i++) {
      InitRng.weightRow(7, 3, l, i, WIDTH, row);
      for (int a = 0; a < nd; a++) {
        s += Sums.dot(row, x[a], WIDTH);
      }
    }
    return s;
  }

  @Benchmark
  @OperationsPerInvocation(WIDTH * WIDTH)
  public double simdRows() {
    int l = (int) (++layer & 0xFFFF) + 1;
    int lanes = Simd.lanes();
    double s = 0;
    for (int i = 0; i < WIDTH; i += lanes) {
      Simd.rowDots(7, 3, l, i, WIDTH, x, nd, buf, out);
      s += out[0];
    }
    return s;
  }
}
