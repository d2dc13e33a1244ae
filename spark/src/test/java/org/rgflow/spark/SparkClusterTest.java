package org.rgflow.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.rgflow.app.Flags;
import org.rgflow.app.SampleRun;
import org.rgflow.io.JsonReport;

/**
 * The split-ensemble job in local-cluster[2,1,1024] mode: a standalone master and two workers in this
 * JVM, each worker starting its own executor JVM, so plans, closures and partial states cross process
 * boundaries as on a cluster. The numbers must equal those of the in-process run, as text. The
 * workers also offer a (pretend) GPU through a discovery script, so that the tasks' GPU addresses
 * come from Spark's resource scheduling as on a GPU cluster; the run names the CPU backend, so the
 * ensemble stays on the CPU.
 */
class SparkClusterTest {
  @Test
  void localClusterIsBitIdentical() throws Exception {
    File home = new File(System.getenv().getOrDefault("SPARK_HOME", "target/spark-home"));
    home.mkdirs();
    // The standalone backend gives executors this JVM's classpath only when testing; a testing
    // worker takes its Spark home (its work directory) from spark.test.home.
    System.setProperty("spark.testing", "true");
    System.setProperty("spark.test.home", home.getAbsolutePath());
    String flags = System.getProperty("rgflow.spark.jvmFlags", "--add-modules=jdk.incubator.vector");
    // Each worker "has" one GPU, address 7, as a discovery script reports it; executors and tasks
    // ask for one, so Spark's resource scheduling assigns it to every task.
    Path gpus = home.toPath().resolve("gpus.sh");
    Files.writeString(gpus, "#!/bin/sh\necho '{\"name\": \"gpu\", \"addresses\": [\"7\"]}'\n");
    gpus.toFile().setExecutable(true);
    JavaSparkContext sc = new JavaSparkContext(new SparkConf().setMaster("local-cluster[2,1,1024]")
        .setAppName("rgflow-cluster-test").set("spark.ui.enabled", "false")
        .set("spark.driver.host", "127.0.0.1")
        .set("spark.executor.extraJavaOptions", flags)
        .set("spark.worker.resource.gpu.amount", "1")
        .set("spark.worker.resource.gpu.discoveryScript", gpus.toString())
        .set("spark.executor.resource.gpu.amount", "1")
        .set("spark.task.resource.gpu.amount", "1"));
    try {
      Map<String, String> f = SparkLocalModeTest.flags("exact");
      String want = SparkLocalModeTest.numbers(SparkLocalModeTest.local(f));
      SparkEngines eng = new SparkEngines(sc, 3, f, false);
      var report = SampleRun.run(Flags.sample(f, eng), eng, null);
      assertEquals(want, SparkLocalModeTest.numbers(JsonReport.toJson(report)));
      // the work really left this JVM: two executors registered
      assertEquals(2, sc.sc().getExecutorMemoryStatus().size() - 1, "executors besides the driver");
      assertTrue(eng.last().lastBytes() > 0);
      // the binding reads the address Spark gave each task (a task without one would read -1)
      assertEquals(List.of(7, 7, 7), sc.parallelize(List.of(1, 2, 3), 3)
          .map(x -> GpuBinding.taskOrdinal()).collect());
    } finally {
      sc.stop();
      System.clearProperty("spark.testing");
      System.clearProperty("spark.test.home");
    }
  }
}
