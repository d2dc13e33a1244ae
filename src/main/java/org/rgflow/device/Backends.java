package org.rgflow.device;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.rgflow.ensemble.CpuEnsemble;
import org.rgflow.opencl.ClEnsemble;
import org.rgflow.spec.SpecException;

/**
 * {@code --backend auto|cpu|opencl|cuda}.
 *
 * <p>{@code auto} takes the best available: CUDA when its backend's probe says it can run; else
 * OpenCL when the OpenCL device is a GPU or an accelerator; else the CPU reference. An OpenCL CPU
 * device (POCL) is not chosen: it is slower than the CPU reference (docs/OPENCL.md: 0.22× forward
 * only, 0.16× with the NTK, on the 2-core CI machine). The choice and its reason travel as a note with the result.
 */
public final class Backends {
  public static final String NAMES = "auto, cpu, opencl or cuda";

  private Backends() {}

  /** What {@code auto} picks and why (one line). */
  public record Decision(String backend, String reason) {
    /** "backend auto → cpu: reason". */
    public String note() {
      return "backend auto \u2192 " + backend + ": " + reason;
    }
  }

  /** The auto rule on given probe results (pure; tested with stand-ins). */
  public static Decision decideAuto(CudaBackendProbe cuda, OpenClInfo cl) {
    if (cuda.available()) {
      return new Decision("cuda", "CUDA backend available" + (cuda.device().isEmpty() ? "" : " on " + cuda.device()));
    }
    String noCuda = "CUDA unavailable (" + cuda.reason() + ")";
    if (cl.isGpuOrAccelerator()) {
      return new Decision("opencl", noCuda + "; OpenCL device " + cl.probe().device() + " is a "
          + ("GPU".equals(cl.type()) ? "GPU" : "accelerator"));
    }
    String why;
    if (!cl.probe().available()) {
      why = "no OpenCL device (" + cl.probe().reason() + ")";
    } else if ("CPU".equals(cl.type())) {
      why = "OpenCL device is a CPU (" + cl.platformShort() + "), slower than the CPU reference; use"
          + " --backend opencl to force it";
    } else {
      why = "OpenCL device " + cl.probe().device() + " is of type " + cl.type()
          + ", not a GPU; use --backend opencl to force it";
    }
    return new Decision("cpu", noCuda + "; " + why);
  }

  /**
   * The backend for {@code --backend name}.
   *
   * @throws SpecException ("--backend") for an unknown name, or {@code cuda} when it cannot run here
   */
  public static BackendChoice choose(String name) {
    String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
    switch (n) {
      case "cpu":
        return cpu(null);
      case "opencl":
        return opencl(null, new ClEnsemble());
      case "cuda": {
        CudaBackendProbe p = Devices.cudaBackend();
        if (!p.available()) {
          throw new SpecException("--backend", "cuda unavailable: " + p.reason());
        }
        return cuda(p, null);
      }
      case "auto": {
        CudaBackendProbe p = Devices.cudaBackend();
        Decision d = decideAuto(p, p.available() ? null : Devices.openCl());
        switch (d.backend()) {
          case "cuda":
            return cuda(p, d.note());
          case "opencl":
            return opencl(d.note(), new ClEnsemble());
          default:
            return cpu(d.note());
        }
      }
      default:
        throw new SpecException("--backend", "unknown backend '" + name + "' (choose " + NAMES + ")");
    }
  }

  static BackendChoice cpu(String note) {
    String device = cpuName();
    return new BackendChoice(new CpuEnsemble(), note, b -> device, b -> null);
  }

  static BackendChoice opencl(String note, ClEnsemble cl) {
    return new BackendChoice(cl, note, b -> {
      ClEnsemble.Execution ex = ((ClEnsemble) b).lastExecution();
      return ex == null ? null : ex.openCl() ? ex.device() : "Aparapi Java thread pool";
    }, b -> {
      ClEnsemble.Execution ex = ((ClEnsemble) b).lastExecution();
      return ex == null || ex.openCl() ? null : "backend opencl: no OpenCL device used (" + ex.reason()
          + "); the same kernel ran on Aparapi's Java thread pool";
    });
  }

  static BackendChoice cuda(CudaBackendProbe p, String note) {
    return new BackendChoice(p.newBackend(), note, b -> {
      String d = CudaBackendProbe.deviceOf(b);
      return d.isEmpty() ? (p.device().isEmpty() ? null : p.device()) : d;
    }, b -> null);
  }

  /** The CPU's model name (/proc/cpuinfo), else the architecture, e.g. "Intel(R) Xeon(R) Processor". */
  public static String cpuName() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          int c = line.indexOf(':');
          if (c > 0 && !line.substring(c + 1).isBlank()) {
            return line.substring(c + 1).strip().replaceAll("\\s+", " ");
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or unreadable: fall through
    }
    return System.getProperty("os.arch", "unknown") + " CPU";
  }
}
