package org.rgflow.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.rgflow.act.Activation;
import org.rgflow.act.Activations;
import org.rgflow.act.DeviceActivations;

/**
 * One activation-code table for both device backends (issue 15): the {@code enum RgAct} of
 * {@code kernels/activations.cuh} (parsed here, from the source tree and from the copy in the jar)
 * equals {@link DeviceActivations}; {@code ClNetworkKernel}'s {@code ACT_*} constants are the same
 * codes; and every registered activation maps to the same code on CUDA and, where supported, OpenCL.
 */
class DeviceActivationCodesTest {
  static final Pattern ENUM = Pattern.compile("enum\\s+RgAct\\s*\\{([^}]*)\\}");
  static final Pattern ENTRY = Pattern.compile("RG_(\\w+)\\s*=\\s*(\\d+)");

  static Map<String, Integer> parse(String header) {
    Matcher m = ENUM.matcher(header);
    assertTrue(m.find(), "no enum RgAct in activations.cuh");
    Map<String, Integer> out = new LinkedHashMap<>();
    Matcher e = ENTRY.matcher(m.group(1));
    while (e.find()) {
      assertEquals(null, out.put(e.group(1), Integer.parseInt(e.group(2))), "duplicate " + e.group(1));
    }
    return out;
  }

  static Map<String, Integer> table() {
    Map<String, Integer> t = new LinkedHashMap<>();
    for (int c = 0; c < DeviceActivations.NAMES.size(); c++) {
      t.put(DeviceActivations.NAMES.get(c), c);
    }
    return t;
  }

  @Test
  void headerEnumIsTheJavaTable() throws Exception {
    String jar = new String(CudaEnsemble.resource("activations.cuh"), StandardCharsets.UTF_8);
    assertEquals(table(), parse(jar), "kernels/activations.cuh (in the jar) vs DeviceActivations");
    Path src = Path.of("kernels/activations.cuh");
    if (Files.isRegularFile(src)) {
      assertEquals(table(), parse(Files.readString(src)), "kernels/activations.cuh vs DeviceActivations");
    }
    // The named constants are the table's indices.
    for (Field f : DeviceActivations.class.getFields()) {
      if (f.getType() == int.class && Modifier.isStatic(f.getModifiers())) {
        assertEquals(f.getName(), DeviceActivations.NAMES.get(f.getInt(null)), f.getName());
      }
    }
  }

  @Test
  void openClConstantsAreTheSharedCodes() throws Exception {
    Class<?> k = Class.forName("org.rgflow.opencl.ClNetworkKernel");
    Map<String, String> names = Map.of("ACT_PIECEWISE_LINEAR", "PWLIN", "ACT_TANH", "TANH",
        "ACT_SIN", "SIN", "ACT_SIGMOID", "SIGMOID", "ACT_SOFTPLUS", "SOFTPLUS", "ACT_SWISH", "SWISH",
        "ACT_MONOMIAL", "MONOMIAL", "ACT_STEP", "STEP", "ACT_ERF", "ERF", "ACT_GELU", "GELU");
    int seen = 0;
    for (Field f : k.getDeclaredFields()) {
      if (f.getName().startsWith("ACT_")) {
        f.setAccessible(true);
        String shared = names.get(f.getName());
        assertNotNull(shared, "unexpected OpenCL activation constant " + f.getName());
        assertEquals(DeviceActivations.NAMES.indexOf(shared), f.getInt(null), f.getName());
        seen++;
      }
    }
    assertEquals(names.size(), seen);
  }

  @Test
  void everyActivationHasOneCodeOnBothBackends() throws Exception {
    Class<?> cl = Class.forName("org.rgflow.opencl.ClActivation");
    var of = cl.getDeclaredMethod("of", Activation.class);
    of.setAccessible(true);
    var code = cl.getDeclaredMethod("code");
    code.setAccessible(true);
    int both = 0;
    for (String n : List.of("linear", "relu", "leaky_relu(0.1)", "tanh", "sin", "erf", "sigmoid",
        "softplus", "swish", "gelu", "step", "monomial(3)", "monomial(1)")) {
      Activation a = Activations.parse(n);
      int cuda = CudaActivation.of(a).code();
      assertEquals(DeviceActivations.of(a).code(), cuda, n);
      // erf and gelu too since the OpenCL kernel has its own erf (ClNetworkKernel.erfSeries)
      assertEquals(cuda, code.invoke(of.invoke(null, a)), n + ": OpenCL and CUDA codes differ");
      both++;
    }
    assertEquals(13, both);
  }
}
