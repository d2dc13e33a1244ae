package org.rgflow.opencl;

import com.aparapi.device.Device;
import com.aparapi.device.OpenCLDevice;
import com.aparapi.internal.kernel.KernelManager;
import com.aparapi.internal.opencl.OpenCLLoader;

/**
 * What {@link ClEnsemble#probe()} found: whether an OpenCL device can run the kernels, which one,
 * and if not, why (for the {@code devices} command and for result notes).
 *
 * @param available an OpenCL device was found (kernels will be compiled for it)
 * @param device the device's name, or "" when none
 * @param platform platform name and version, e.g. "Portable Computing Language / OpenCL 3.0 PoCL 3.1"
 * @param reason why no OpenCL device is used ("" when available)
 */
public record ClProbe(boolean available, String device, String platform, String reason) {

  /** One line, e.g. "✓ OpenCL: pthread-skylake (Portable Computing Language / OpenCL 3.0 ...)". */
  public String line() {
    return available ? "\u2713 OpenCL: " + device + " (" + platform + ")"
        : "\u2717 OpenCL: " + reason + " (falls back to Aparapi's Java thread pool)";
  }

  /** Aparapi's best device if it is an OpenCL device, else null (probe's reason says why). */
  static OpenCLDevice bestDevice() {
    Device best = KernelManager.instance().bestDevice();
    return best instanceof OpenCLDevice cl ? cl : null;
  }

  static ClProbe run() {
    if (!signalsChained()) {
      return new ClProbe(false, "", "", "not probed: this JVM runs without signal chaining (libjsig), and"
          + " an OpenCL runtime such as POCL replaces the JVM's SIGSEGV handler, which can crash it;"
          + " start rgflow with ./rgflow, or with LD_PRELOAD=$JAVA_HOME/lib/libjsig.so");
    }
    try {
      if (!OpenCLLoader.isOpenCLAvailable()) {
        return new ClProbe(false, "", "", "the OpenCL runtime (libOpenCL.so and an ICD such as"
            + " pocl-opencl-icd) or Aparapi's native library could not be loaded");
      }
      OpenCLDevice cl = bestDevice();
      if (cl == null) {
        return new ClProbe(false, "", "", "no OpenCL platform reports a device");
      }
      String platform = cl.getOpenCLPlatform().getName() + " / " + cl.getOpenCLPlatform().getVersion();
      return new ClProbe(true, cl.getName(), platform, "");
    } catch (Throwable t) {
      return new ClProbe(false, "", "", "probing OpenCL failed: " + t);
    }
  }

  /**
   * Whether the JVM's signal handlers are chained (libjsig preloaded). OpenCL runtimes built on LLVM
   * (POCL) install their own SIGSEGV handler; without chaining it hides the JVM's, and the next
   * safepoint poll in compiled Java code kills the process (exit 139, no hs_err file). Seen here:
   * `sample --backend auto` crashed in about one run of three until libjsig was preloaded.
   */
  public static boolean signalsChained() {
    String preload = System.getenv("LD_PRELOAD");
    return preload != null && preload.contains("libjsig");
  }
}
