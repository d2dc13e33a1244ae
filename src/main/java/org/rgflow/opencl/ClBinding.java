package org.rgflow.opencl;

import com.aparapi.Kernel;
import com.aparapi.device.OpenCLDevice;

/**
 * Where an Aparapi kernel runs: the best OpenCL device with the kernel compiled for it, or Aparapi's
 * Java thread pool (no fallback during a launch) with the reason.
 *
 * @param device the OpenCL device, or null on the thread pool
 * @param platform the OpenCL platform's name ("" on the thread pool)
 * @param reason why the thread pool was chosen ("" on OpenCL)
 */
record ClBinding(OpenCLDevice device, String platform, String reason) {

  /** Probes OpenCL (unless {@code forceJava}), compiles {@code k} for the best device, else binds the thread pool. */
  static ClBinding bind(Kernel k, boolean forceJava) {
    OpenCLDevice cl = null;
    String plat = "";
    String reason = "";
    if (forceJava) {
      reason = "Java thread pool requested";
    } else {
      ClProbe probe = ClProbe.run();
      if (probe.available()) {
        cl = ClProbe.bestDevice();
        plat = probe.platform();
      } else {
        reason = probe.reason();
      }
    }
    if (cl != null) {
      try {
        k.compile(cl);
      } catch (Exception | Error ex) {
        reason = "OpenCL compile failed on " + cl.getName() + ": " + ex.getMessage();
        cl = null;
        plat = "";
      }
    }
    if (cl == null) {
      k.setExecutionModeWithoutFallback(Kernel.EXECUTION_MODE.JTP);
    }
    return new ClBinding(cl, plat, reason);
  }
}
