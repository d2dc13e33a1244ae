package org.rgflow.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.concurrent.Callable;
import org.rgflow.device.Capability;
import org.rgflow.device.LibraryLog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code rgflow devices}: one ✓/✗ line per capability (CUDA driver, cuBLAS, NVRTC, OpenCL, the CUDA
 * backend, the CPU reference) with versions, devices and memory, or the reason it is missing; last,
 * the backend {@code --backend auto} would choose and why. Always exits 0: a missing capability is
 * a finding, not an error.
 */
@Command(name = "devices", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = {"What can run here: CUDA driver, cuBLAS, NVRTC, OpenCL and the CPU reference, each ✓ with "
        + "versions, devices and memory or ✗ with the reason; and the backend --backend auto picks."})
final class DevicesCommand implements Callable<Integer> {
  private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private final Context ctx;

  @Mixin CommonOptions common = new CommonOptions();

  DevicesCommand(Context ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() throws Exception {
    List<Capability> caps = ctx.engines().devices();
    List<String> log = LibraryLog.messages();
    if (common.json) {
      ObjectNode j = json(caps);
      log.forEach(j.putArray("library_log")::add);
      ctx.out().println(MAPPER.writeValueAsString(j));
    } else {
      for (String m : log) {
        ctx.out().println("  library log (kept off stderr during runs): " + m);
      }
      for (Capability c : caps) {
        if (c.id().equals("auto")) {
          ctx.out().println("\u2192 backend auto \u2192 " + c.summary());
        } else {
          ctx.out().println(c.line());
        }
      }
    }
    ctx.out().flush();
    return Main.OK;
  }

  /** {"rgflow_version", "command": "devices", id: {label, ok, summary|reason, …}, …} (README). */
  static ObjectNode json(List<Capability> caps) {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    root.put("rgflow_version", VersionProvider.version());
    root.put("command", "devices");
    ObjectNode all = root;
    for (Capability c : caps) {
      ObjectNode o = all.putObject(c.id());
      o.put("label", c.label());
      o.put("ok", c.ok());
      if (c.ok()) {
        o.put("summary", c.summary());
      } else {
        o.put("reason", c.reason());
      }
      o.setAll((ObjectNode) MAPPER.valueToTree(c.details()));
    }
    return root;
  }
}
