import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.rgflow.act.Activations;
import org.rgflow.gauss.GaussQuadrature;
import org.rgflow.gauss.PiecewiseLinearMoments;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;
import org.rgflow.theory.TheoryEngine;

/**
 * Cost of one relu four-point average ⟨σσσσ⟩ three ways on the same random 4-sets of a deep kernel:
 * GaussQuadrature.expect (the general rule), GaussQuadrature.expectProducts (the same nodes, factors
 * per level) and PiecewiseLinearMoments (closed-form inner pair). The kernel is layer L of a relu
 * network (C_W = 2, width 32) on N Gaussian inputs in 64 dimensions (java.util.Random seed 16).
 *
 *   mvn -q -B compile && java -cp target/classes:$HOME/.m2/repository/org/hipparchus/hipparchus-core/3.1/hipparchus-core-3.1.jar \
 *     benchmarks/theory/FourPointBench.java [N=16] [L=5] [sets=15]
 */
public class FourPointBench {
  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 16;
    int depth = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    int cnt = args.length > 2 ? Integer.parseInt(args[2]) : 15;
    Random g = new Random(16);
    double[][] x = new double[n][64];
    for (double[] row : x) {
      for (int j = 0; j < 64; j++) {
        row[j] = g.nextGaussian();
      }
    }
    NetworkSpec spec = NetworkSpec.uniform(64, 32, depth, Activations.relu(), 0, 2, 1, 1);
    double[][] k = TheoryEngine.layers(spec, new Inputs(x), new TheoryEngine.Options(2, true, null))
        .layers().get(depth - 1).kernel();
    Random r = new Random(9);
    double[][][] ms = new double[cnt][4][4];
    for (int it = 0; it < cnt; it++) {
      int[] q = new int[4];
      Set<Integer> used = new HashSet<>();
      for (int i = 0; i < 4; i++) {
        int v;
        do {
          v = r.nextInt(n);
        } while (!used.add(v));
        q[i] = v;
      }
      for (int i = 0; i < 4; i++) {
        for (int j = 0; j < 4; j++) {
          ms[it][i][j] = k[q[i]][q[j]];
        }
      }
    }
    GaussQuadrature gq = new GaussQuadrature(new double[] {0});
    PiecewiseLinearMoments pl = new PiecewiseLinearMoments(1, 0, PiecewiseLinearMoments.ruleFor(4));
    int[][] pow = {{1, 1, 1, 1}};
    double[] a = new double[cnt];
    double[] b = new double[cnt];
    double[] c = new double[cnt];
    for (int rep = 0; rep < 2; rep++) {
      long t0 = System.nanoTime();
      for (int it = 0; it < cnt; it++) {
        a[it] = gq.expect(ms[it], 1, (z, o) -> o[0] = Math.max(z[0], 0) * Math.max(z[1], 0)
            * Math.max(z[2], 0) * Math.max(z[3], 0))[0];
      }
      long t1 = System.nanoTime();
      for (int it = 0; it < cnt; it++) {
        b[it] = gq.expectProducts(ms[it], v -> Math.max(v, 0), pow)[0];
      }
      long t2 = System.nanoTime();
      for (int it = 0; it < cnt; it++) {
        c[it] = pl.expect(ms[it], pow)[0];
      }
      long t3 = System.nanoTime();
      double db = 0;
      double dc = 0;
      for (int it = 0; it < cnt; it++) {
        db = Math.max(db, Math.abs(b[it] / a[it] - 1));
        dc = Math.max(dc, Math.abs(c[it] / a[it] - 1));
      }
      System.out.printf("relu 4-sets, N=%d layer %d, %d sets, pass %d: expect %.2f ms | expectProducts %.2f ms"
          + " (rel diff %.1e) | PiecewiseLinearMoments %.3f ms (rel diff to expect %.1e)%n", n, depth, cnt,
          rep + 1, (t1 - t0) / 1e6 / cnt, (t2 - t1) / 1e6 / cnt, db, (t3 - t2) / 1e6 / cnt, dc);
    }
  }
}
