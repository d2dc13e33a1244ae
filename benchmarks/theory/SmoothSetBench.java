import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.function.DoubleUnaryOperator;
import org.rgflow.act.Activation;
import org.rgflow.act.Activations;
import org.rgflow.gauss.GaussQuadrature;
import org.rgflow.gauss.SmoothProductRule;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;
import org.rgflow.theory.TheoryEngine;

/**
 * Cost and agreement of one smooth-σ index-set average three ways on the same random sets of a
 * layer-L kernel: GaussQuadrature.expectProducts (today's rule), SmoothProductRule (this branch), and
 * for 4-sets expectProducts on the finer d = 3 rule (8.5, 1.7, 8) as a reference. N Gaussian inputs in
 * 64 dimensions (java.util.Random seed 16), width 32, C_W = cw, C_b = 0.
 *
 *   mvn -q -B compile && java -cp target/classes:$HOME/.m2/repository/org/hipparchus/hipparchus-core/3.1/hipparchus-core-3.1.jar \
 *     benchmarks/theory/SmoothSetBench.java [act=tanh] [cw=1] [N=16] [L=5] [sets=10] [d=4] [fine=0]
 */
public class SmoothSetBench {
  public static void main(String[] args) {
    String actName = args.length > 0 ? args[0] : "tanh";
    double cw = args.length > 1 ? Double.parseDouble(args[1]) : 1;
    int n = args.length > 2 ? Integer.parseInt(args[2]) : 16;
    int depth = args.length > 3 ? Integer.parseInt(args[3]) : 5;
    int cnt = args.length > 4 ? Integer.parseInt(args[4]) : 10;
    int d = args.length > 5 ? Integer.parseInt(args[5]) : 4;
    boolean fine = args.length > 6 && args[6].equals("1");
    Activation act = Activations.parse(actName);
    DoubleUnaryOperator g = act::value;
    Random rg = new Random(16);
    double[][] x = new double[n][64];
    for (double[] row : x) {
      for (int j = 0; j < 64; j++) {
        row[j] = rg.nextGaussian();
      }
    }
    NetworkSpec spec = NetworkSpec.uniform(64, 32, depth, act, 0, cw, 1, 1);
    double[][] k = TheoryEngine.layers(spec, new Inputs(x), new TheoryEngine.Options(2, true, null))
        .layers().get(depth - 1).kernel();
    Random r = new Random(9);
    double[][][] ms = new double[cnt][d][d];
    for (int it = 0; it < cnt; it++) {
      int[] q = new int[d];
      Set<Integer> used = new HashSet<>();
      for (int i = 0; i < d; i++) {
        int v;
        do {
          v = r.nextInt(n);
        } while (!used.add(v));
        q[i] = v;
      }
      for (int i = 0; i < d; i++) {
        for (int j = 0; j < d; j++) {
          ms[it][i][j] = k[q[i]][q[j]];
        }
      }
    }
    int[][] pow = d == 4 ? new int[][] {{1, 1, 1, 1}} : d == 3 ? new int[][] {{2, 1, 1}, {1, 2, 1}, {1, 1, 2}}
        : new int[][] {{2, 2}, {3, 1}, {1, 3}};
    GaussQuadrature gq = new GaussQuadrature(act.kinks());
    System.out.printf("%s C_W=%s N=%d layer %d d=%d: K_00=%.4f K_01=%.4f%n", actName, cw, n, depth, d,
        ms[0][0][0], ms[0][0][1]);
    int reps = args.length > 7 ? Integer.parseInt(args[7]) : 3;
    double[][] a0 = null;
    for (int rep = 0; rep < reps; rep++) {
      double[][] a = new double[cnt][];
      if (rep == 0) {
        a0 = a;
      }
      double[][] b = new double[cnt][];
      java.lang.management.ThreadMXBean tb = java.lang.management.ManagementFactory.getThreadMXBean();
      long t0 = tb.getCurrentThreadCpuTime();
      for (int it = 0; it < cnt; it++) {
        a[it] = rep > 0 && args.length > 8 ? a0[it] : gq.expectProducts(ms[it], g, pow);
      }
      long t1 = tb.getCurrentThreadCpuTime();
      int nulls = 0;
      for (int it = 0; it < cnt; it++) {
        b[it] = SmoothProductRule.expect(ms[it], g, pow);
        if (b[it] == null) {
          nulls++;
        }
      }
      long t2 = tb.getCurrentThreadCpuTime();
      double dab = 0;
      for (int it = 0; it < cnt; it++) {
        for (int c = 0; c < pow.length && b[it] != null; c++) {
          dab = Math.max(dab, Math.abs(b[it][c] / a[it][c] - 1));
        }
      }
      System.out.printf("pass %d (thread CPU per set): expectProducts %.3f ms | SmoothProductRule %.4f ms (%d declined; max rel diff %.2e)%n",
          rep + 1, (t1 - t0) / 1e6 / cnt, (t2 - t1) / 1e6 / cnt, nulls, dab);
      if (fine && rep == 0) {
        double dfa = 0;
        double dfb = 0;
        GaussQuadrature.Rule fr = GaussQuadrature.ruleFor(3);
        for (int it = 0; it < cnt; it++) {
          double[] ms0[] = ms[it];
          double[] f = gq.expect(ms0, pow.length, (z, o) -> {
            for (int c = 0; c < pow.length; c++) {
              double p = 1;
              for (int j = 0; j < z.length; j++) {
                for (int e = 0; e < pow[c][j]; e++) {
                  p *= g.applyAsDouble(z[j]);
                }
              }
              o[c] = p;
            }
          }, fr);
          for (int c = 0; c < pow.length; c++) {
            dfa = Math.max(dfa, Math.abs(a[it][c] / f[c] - 1));
            if (b[it] != null) {
              dfb = Math.max(dfb, Math.abs(b[it][c] / f[c] - 1));
            }
          }
        }
        System.out.printf("  vs finer rule %s: expectProducts %.2e, SmoothProductRule %.2e%n", fr, dfa, dfb);
      }
    }
  }
}
