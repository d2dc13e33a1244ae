package org.rgflow.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.rgflow.act.Activation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code rgflow criticality}: critical point, K*, universality class, large-depth behaviour. */
@Command(name = "criticality", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    sortOptions = false,
    description = "Critical initialisation (C_b, C_W), fixed point K*, universality class and large-depth "
        + "behaviour of an activation (PDLT ch. 5).")
final class CriticalityCommand implements Callable<Integer> {
  private final Context ctx;

  @Option(names = "--act", paramLabel = "NAME", defaultValue = "relu",
      description = "Activation σ (default: ${DEFAULT-VALUE}).")
  String act;

  @Mixin CommonOptions common = new CommonOptions();

  CriticalityCommand(Context ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() throws Exception {
    Activation a = ctx.engines().activation(act);
    Map<String, Object> fields = ctx.engines().criticality(a);
    if (common.json) {
      Map<String, Object> root = new LinkedHashMap<>();
      root.put("rgflow_version", VersionProvider.version());
      root.put("command", "criticality");
      root.put("activation", a.name());
      fields.forEach(root::putIfAbsent);
      ctx.out().println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
          .writeValueAsString(root));
    } else {
      ctx.out().println("rgflow criticality — " + a.name());
      int w = fields.keySet().stream().mapToInt(String::length).max().orElse(0);
      fields.forEach((k, v) -> ctx.out().println(k + " ".repeat(w - k.length()) + "  " + text(v)));
    }
    ctx.out().flush();
    return 0;
  }

  private static String text(Object v) {
    if (v == null) {
      return "-";
    }
    if (v instanceof Double d) {
      return org.rgflow.io.TableReport.fmt(d);
    }
    return v.toString();
  }
}
