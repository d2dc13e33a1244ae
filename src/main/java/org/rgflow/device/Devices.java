package org.rgflow.device;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.rgflow.cuda.BatchedGemm;
import org.rgflow.opencl.ClProbe;

/**
 * The capability report of {@code rgflow devices}: one {@link Capability} per probe, then the CPU
 * reference and the backend {@code --backend auto} would choose.
 *
 * <p>Every probe runs on its own daemon thread and is given {@value #DEADLINE_MS} ms: a missing
 * library fails in milliseconds (≈ 0.3 s for all probes together on the CI machine, most of it
 * Aparapi's OpenCL start-up), but a broken driver can hang inside {@code cuInit}; such a probe is
 * reported ✗ and abandoned, and the JVM can still exit. The deadline is generous because a
 * working {@code cuInit} on a large GPU without the persistence daemon can take seconds.
 */
public final class Devices {
  static final long DEADLINE_MS = 10_000;

  private Devices() {}

  /** All probes, in report order: cuda, cublas, nvrtc, opencl, cuda_backend, cpu, auto. */
  public static List<Capability> probe() {
    // The three JCuda probes share one thread: their native loads go through the same LibUtils.
    CompletableFuture<List<Capability>> jcuda = async(() -> List.of(CudaDriverProbe.run(),
        withGemmPath(CublasProbe.run()), NvrtcProbe.run()));
    CompletableFuture<OpenClInfo> cl = async(OpenClInfo::run);
    CompletableFuture<CudaBackendProbe> backend = async(CudaBackendProbe::run);
    List<Capability> out = new ArrayList<>(await(jcuda, why -> List.of(
        Capability.missing("cuda", "CUDA driver", why), Capability.missing("cublas", "cuBLAS", why),
        Capability.missing("nvrtc", "NVRTC", why))));
    OpenClInfo info = await(cl, Devices::openClFailed);
    CudaBackendProbe cb = await(backend, Devices::cudaBackendFailed);
    out.add(info.capability());
    out.add(cb.capability());
    out.add(cpu());
    Backends.Decision d = Backends.decideAuto(cb, info);
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("backend", d.backend());
    details.put("reason", d.reason());
    out.add(Capability.ok("auto", "--backend auto", d.backend() + ": " + d.reason(), details));
    return out;
  }

  /** The cuBLAS line plus which GEMM path would run (BatchedGemm: cuBLAS, else our kernel). */
  static Capability withGemmPath(Capability c) {
    BatchedGemm.Path p = c.ok() ? BatchedGemm.Path.CUBLAS : BatchedGemm.Path.KERNEL;
    Map<String, Object> d = new LinkedHashMap<>(c.details());
    d.put("gemm", p.name().toLowerCase(java.util.Locale.ROOT));
    String gemm = BatchedGemm.describe(p);
    return new Capability(c.id(), c.label(), c.ok(), c.ok() ? c.summary() + "; " + gemm : "",
        c.ok() ? "" : c.reason().replace("; the fused CUDA kernels need no cuBLAS, and the"
            + " weights-in-memory GEMM path (N_D ≳ 64) is not built yet", "") + "; " + gemm, d);
  }

  /** The CUDA backend's probe, within the deadline. */
  static CudaBackendProbe cudaBackend() {
    return await(async(CudaBackendProbe::run), Devices::cudaBackendFailed);
  }

  /** The OpenCL probe, within the deadline. */
  static OpenClInfo openCl() {
    return await(async(OpenClInfo::run), Devices::openClFailed);
  }

  static Capability cpu() {
    Map<String, Object> d = new LinkedHashMap<>();
    String name = Backends.cpuName();
    int p = Runtime.getRuntime().availableProcessors();
    d.put("device", name);
    d.put("processors", p);
    d.put("java", System.getProperty("java.version"));
    return Capability.ok("cpu", "CPU reference", name + ", " + p + " processors, Java "
        + System.getProperty("java.version"), d);
  }

  private static <T> CompletableFuture<T> async(Callable<T> probe) {
    CompletableFuture<T> f = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try {
        f.complete(probe.call());
      } catch (Throwable e) {
        f.completeExceptionally(e);
      }
    }, "rgflow-probe");
    t.setDaemon(true);
    t.start();
    return f;
  }

  /** The probe's result, or {@code failed} applied to why there is none (deadline, exception). */
  private static <T> T await(CompletableFuture<T> f, Function<String, T> failed) {
    try {
      return f.get(DEADLINE_MS, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      return failed.apply("probe did not finish within " + DEADLINE_MS / 1000 + " s (a hanging driver?)");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return failed.apply("interrupted");
    } catch (ExecutionException e) {
      // Probes catch their own failures; this is a last line of defence.
      return failed.apply("probe failed: " + NativeErrors.describe(e.getCause()));
    }
  }

  private static OpenClInfo openClFailed(String reason) {
    return new OpenClInfo(new ClProbe(false, "", "", reason), "", 0, 0);
  }

  private static CudaBackendProbe cudaBackendFailed(String reason) {
    return new CudaBackendProbe(false, "", reason);
  }
}
