package org.rgflow.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.rgflow.device.CudaBackendProbe;
import org.rgflow.spec.NetworkSpec;
import org.rgflow.train.CpuTrainer;
import org.rgflow.train.Dataset;
import org.rgflow.train.TrainSettings;

/**
 * {@link CudaTrainer} on a GPU against {@link CpuTrainer}, network by network (the first run of the
 * trainer on a device: none has been observed yet). Tolerance {@value #RTOL}: the device draws the
 * initial weights from float Gaussians (within 5e-6 + 2e-6|g| of InitRng's; the host harness sees
 * ≈ 1.5e-7 after 10 steps, CudaTrainOnHostTest) and nvcc contracts multiply-adds (≲ n ulp per dot
 * product). Networks 0..2 and 2³² − 3 .. 2³² − 1 (the top of the 32-bit network word); widths up to 512,
 * relu and tanh, checkpoints at 0, 10, 100. Tagged gpu: {@code mvn -B -Pgpu test}.
 */
@Tag("gpu")
class CudaTrainerGpuTest {
  static final double RTOL = 1e-4;

  static double rel(double[] got, double[] want) {
    double num = 0;
    double den = 0;
    for (int i = 0; i < want.length; i++) {
      num = Math.max(num, Math.abs(got[i] - want[i]));
      den = Math.max(den, Math.abs(want[i]));
    }
    return num == 0 ? 0 : num / den;
  }

  @Test
  void agreesWithCpuTrainerNetworkByNetwork() {
    Assumptions.assumeTrue(CudaBackendProbe.run().available(), "no CUDA device");
    for (String act : new String[] {"relu", "tanh"}) {
      for (int[] widths : new int[][] {{3, 2, 1}, {100, 1}, {512, 512, 1}}) {
        NetworkSpec spec = CudaTrainOnHostTest.spec(act, 3, widths);
        Dataset d = Dataset.builtin(3, 8);
        double eta = CudaTrainOnHostTest.eta(spec, d);
        double[][] zeros = new double[d.testCount()][8];
        TrainSettings ts = new TrainSettings(eta, 100, 0, 1L << 32, 7, 1, new long[] {0, 10, 100});
        CpuTrainer cpu = new CpuTrainer(spec, d, ts, zeros);
        CudaTrainer gpu = new CudaTrainer(spec, d, ts, zeros);
        double worst = 0;
        for (long first : new long[] {0, (1L << 32) - 3}) {
          CpuTrainer.Outcome[] got = gpu.networks(first, 3);
          for (int k = 0; k < 3; k++) {
            CpuTrainer.Outcome o = cpu.trainOne(first + k);
            double[] errs = {rel(got[k].zTrain0(), o.zTrain0()), rel(got[k].zTestT(), o.zTestT()),
                rel(got[k].zTrainT(), o.zTrainT()), rel(got[k].zTestAt()[1], o.zTestAt()[1])};
            for (double e : errs) {
              worst = Math.max(worst, e);
              assertTrue(e <= RTOL, act + " " + java.util.Arrays.toString(widths) + " e=" + (first + k)
                  + ": relative error " + e);
            }
            assertEquals(o.steps(), got[k].steps());
          }
        }
        System.out.printf(Locale.ROOT, "cuda train %s %s: worst %.2e%n", act,
            java.util.Arrays.toString(widths), worst);
      }
    }
  }
}
