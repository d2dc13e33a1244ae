package org.rgflow.device;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.rgflow.core.Host;
import org.rgflow.cuda.CudaEnsemble;
import org.rgflow.cuda.CudaExactEnsemble;
import org.rgflow.ensemble.CpuEnsemble;
import org.rgflow.ensemble.SourceFactory;
import org.rgflow.exact.ExactEnsemble;
import org.rgflow.opencl.ClEnsemble;
import org.rgflow.opencl.ClExactEnsemble;
import org.rgflow.spec.NetworkSpec;
import org.rgflow.spec.SpecException;

/**
 * {@code --sampler auto|direct|exact} and {@code --backend auto|cpu|opencl|cuda}: two separate
 * choices, resolved to one {@link SourceFactory} from the {@link #PROVIDERS} list, with the reasons
 * as notes. A pair that is not implemented is refused with a reason (exit 2).
 *
 * <p>Devices: {@code auto} takes the best available for the direct sampler — CUDA when its probe
 * says it can run; else OpenCL when the OpenCL device is a GPU or an accelerator; else the CPU
 * reference. An OpenCL CPU device (POCL) is not chosen: it is slower than the CPU reference
 * (docs/OPENCL.md: 0.22× forward only, 0.16× with the NTK, on the 2-core CI machine).
 *
 * <p>Samplers: {@code auto} is exact on the CPU (valid for every observable {@code sample} measures —
 * all are functions of z and the NTK — and 50–250× faster than direct there) and direct on a named
 * device backend: the exact sampler there covers fewer networks so far (the NTK for relu, leaky relu
 * and linear only), so it runs when asked for ({@code --sampler exact}). With
 * {@code --backend auto} the exact sampler keeps the run on the CPU and says what auto would have
 * picked for direct.
 */
public final class Backends {
  public static final String NAMES = "auto, cpu, opencl or cuda";
  public static final String SAMPLER_NAMES = "auto, exact or direct";

  /**
   * A device kind and the samplers implemented on it.
   *
   * @param name "cpu", "opencl" or "cuda"
   * @param samplers sampler name → a new factory
   */
  public record Provider(String name, Map<String, Supplier<SourceFactory>> samplers) {
    /** A new factory for {@code sampler} on this device; null when it is not implemented. */
    public SourceFactory source(String sampler) {
      Supplier<SourceFactory> s = samplers.get(sampler);
      return s == null ? null : s.get();
    }
  }

  /** Every device kind with its samplers, in the order {@code devices} lists them. */
  public static final List<Provider> PROVIDERS = List.of(
      new Provider("cpu", Map.of(CpuEnsemble.SAMPLER, CpuEnsemble::new, ExactEnsemble.SAMPLER,
          ExactEnsemble::new)),
      new Provider("opencl", Map.of(CpuEnsemble.SAMPLER, ClEnsemble::new, ExactEnsemble.SAMPLER,
          ClExactEnsemble::new)),
      new Provider("cuda", Map.of(CpuEnsemble.SAMPLER, CudaEnsemble::new, ExactEnsemble.SAMPLER,
          CudaExactEnsemble::new)));

  private Backends() {}

  /** The provider called {@code name}; SpecException("--backend") for an unknown one. */
  public static Provider provider(String name) {
    for (Provider p : PROVIDERS) {
      if (p.name().equals(name)) {
        return p;
      }
    }
    throw new SpecException("--backend", "unknown backend '" + name + "' (choose " + NAMES + ")");
  }

  /** What {@code auto} picks for the direct sampler and why (one line). */
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

  /** What {@code auto} picks here (runs the probes, within their deadline). */
  public static Decision auto() {
    CudaBackendProbe p = Devices.cudaBackend();
    return decideAuto(p, p.available() ? null : Devices.openCl());
  }

  /**
   * A resolved choice: the source and, in order, why it was chosen.
   *
   * @param source the factory of the sampler on the device
   * @param notes e.g. "backend auto → cpu: …", "sampler auto → exact: …"
   */
  public record Choice(SourceFactory source, List<String> notes) {
    public Choice {
      notes = List.copyOf(notes);
    }
  }

  /**
   * The source for {@code --sampler} and {@code --backend}.
   *
   * @throws SpecException ("--backend") for an unknown device or cuda that cannot run here;
   *     ("--sampler") for an unknown sampler or one not implemented on the device
   */
  public static Choice choose(String sampler, String backend) {
    return choose(sampler, backend, null);
  }

  /**
   * As {@link #choose(String, String)}, where {@code auto} also looks at the network: the exact
   * sampler only where it can sample it (its layer types), else direct.
   *
   * @param spec the network, or null when it is not known yet
   */
  public static Choice choose(String sampler, String backend, NetworkSpec spec) {
    return choose(sampler, backend, spec, null);
  }

  /**
   * As {@link #choose(String, String, NetworkSpec)}, where {@code auto} on the CPU takes the
   * sampler the cost estimate says is faster, and says so with both estimates.
   *
   * @param cost the estimate for the run ({@link SamplerCost#estimate}), or null for exact
   */
  public static Choice choose(String sampler, String backend, NetworkSpec spec, SamplerCost cost) {
    String s = normalize(sampler);
    String b = normalize(backend);
    if (!s.equals("auto") && !s.equals(CpuEnsemble.SAMPLER) && !s.equals(ExactEnsemble.SAMPLER)) {
      throw new SpecException("--sampler", "unknown sampler '" + sampler + "' (choose " + SAMPLER_NAMES
          + ")");
    }
    List<String> notes = new ArrayList<>();
    String device;
    String exactRefuses = spec == null ? null : new ExactEnsemble().unsupported(spec);
    boolean costSaysDirect = s.equals("auto") && exactRefuses == null && cost != null
        && !cost.exactIsFaster();
    if (b.equals("auto")) {
      Decision d = auto();
      if (s.equals(CpuEnsemble.SAMPLER) || costSaysDirect || d.backend().equals("cpu")) {
        device = d.backend();
        notes.add(d.note());
      } else {
        device = "cpu";
        notes.add("backend auto \u2192 cpu: the exact sampler runs on the CPU (for the direct sampler"
            + " auto picks " + d.backend() + ": " + d.reason() + ")");
      }
    } else {
      device = provider(b).name();
      if (device.equals("cuda")) {
        CudaBackendProbe p = Devices.cudaBackend();
        if (!p.available()) {
          throw new SpecException("--backend", "cuda unavailable: " + p.reason());
        }
      }
    }
    String resolved = !s.equals("auto") ? s : device.equals("cpu") && exactRefuses == null
        && !costSaysDirect ? ExactEnsemble.SAMPLER : CpuEnsemble.SAMPLER;
    SourceFactory f = provider(device).source(resolved);
    if (f == null) {
      throw new SpecException("--sampler", "the " + resolved + " sampler has no " + device
          + " implementation yet; use --backend cpu, or --sampler direct on " + device);
    }
    String why;
    if (s.equals("auto") && exactRefuses != null && device.equals("cpu")) {
      why = "the exact sampler cannot sample this network (" + exactRefuses + ")";
    } else if (costSaysDirect) {
      why = cost.versus(false) + (cost.ntk() ? " (with the NTK the exact sampler pays for every pair"
          + " of layers, or for every layer the cube of its width)" : "") + "; --sampler exact forces it";
    } else if (s.equals("auto") && cost != null && resolved.equals(ExactEnsemble.SAMPLER)) {
      why = cost.versus(true) + "; " + samplerReason(s, resolved, device);
    } else {
      why = samplerReason(s, resolved, device);
    }
    notes.add("sampler " + s + " \u2192 " + resolved + ": " + why);
    return new Choice(f, notes);
  }

  private static String samplerReason(String requested, String resolved, String device) {
    if (resolved.equals(CpuEnsemble.SAMPLER)) {
      if (!requested.equals("auto")) {
        return "requested";
      }
      return provider(device).source(ExactEnsemble.SAMPLER) == null ? "--backend " + device
          + " has only the direct sampler so far" : "the exact sampler on --backend " + device
          + " covers fewer networks than direct so far (the NTK for relu, leaky relu and linear"
          + " only); --sampler exact picks it";
    }
    return (requested.equals("auto") ? "valid for every observable of sample (all are functions of z"
        + " and the NTK); " : "requested; ") + "same law as direct at O(n N_D^2) per layer instead of"
        + " O(n^2 N_D)";
  }

  private static String normalize(String name) {
    return name == null ? "auto" : name.trim().toLowerCase(Locale.ROOT);
  }

  /** The CPU's model name (/proc/cpuinfo), else the architecture. */
  public static String cpuName() {
    return Host.cpuName();
  }
}
