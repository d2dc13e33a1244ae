package org.rgflow.io;

import org.rgflow.app.LayerReport;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.Map;
import org.rgflow.core.LayerValues;
import org.rgflow.core.Obs;
import org.rgflow.core.Tensor;
import org.rgflow.spec.Inputs;
import org.rgflow.spec.NetworkSpec;

/**
 * The JSON contract (README.md, "JSON output"). Top level: {@code rgflow_version}, {@code command},
 * {@code spec}, {@code backend}, {@code device}, {@code layers}, {@code timing}, {@code notes}.
 *
 * <p>A layer object holds {@code layer}, {@code width} (n_ℓ), {@code n_prev} (n_{ℓ−1}), each measured
 * observable under its {@link Obs} name with its standard error under {@code <name>_err}, and
 * {@code theory}: {name: value}. A tensor is a plain number when N_D = 1, otherwise nested arrays of
 * the tensor's rank (index order as in {@link Tensor}); NaN and infinities are written as null.
 */
public final class JsonReport {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT);

  private JsonReport() {}

  /** Pretty-printed JSON text of a report. */
  public static String write(LayerReport r) {
    return write(toJson(r));
  }

  public static String write(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static ObjectNode toJson(LayerReport r) {
    ObjectNode root = F.objectNode();
    root.put("rgflow_version", r.version());
    root.put("command", r.command());
    root.set("spec", spec(r));
    if (r.backend() != null) {
      root.put("backend", r.backend());
    }
    if (r.device() != null) {
      root.put("device", r.device());
    }
    ArrayNode layers = root.putArray("layers");
    for (LayerValues lv : r.layers()) {
      layers.add(layer(r.spec(), lv));
    }
    if (r.timing() != null) {
      ObjectNode t = root.putObject("timing");
      t.set("seconds", number(r.timing().seconds()));
      t.set("networks_per_second", number(r.timing().networksPerSecond()));
      t.set("weights_per_second", number(r.timing().weightsPerSecond()));
    }
    ArrayNode notes = root.putArray("notes");
    r.notes().forEach(notes::add);
    return root;
  }

  static ObjectNode spec(LayerReport r) {
    NetworkSpec s = r.spec();
    ObjectNode o = F.objectNode();
    o.put("n0", s.n0());
    o.put("depth", s.depth());
    o.set("widths", ints(s.widths()));
    o.put("activation", s.activation().name());
    o.set("cb", doubles(s.cbs()));
    o.set("cw", doubles(s.cws()));
    o.set("lambda_b", doubles(s.lambdaBs()));
    o.set("lambda_w", doubles(s.lambdaWs()));
    layerTypes(s, o);
    o.set("inputs", inputs(r.inputs()));
    if (r.run() != null) {
      o.put("ensemble", r.run().ensemble());
      o.put("seed", r.run().seed());
      o.put("threads", r.run().threads());
      o.put("chunk", r.run().chunk());
      ObjectNode ntk = o.putObject("ntk");
      ntk.put("enabled", r.run().ntk());
      ntk.put("neurons", r.run().ntkNeurons());
    }
    if (r.sampler() != null) {
      o.put("sampler", r.sampler());
    }
    return o;
  }

  /**
   * Networks with layers other than dense also record each layer's kind ({@code layer_kinds}) and,
   * per parameter a layer type adds ({@link org.rgflow.layer.Layer#extra}), one array over the
   * layers (null where a layer has no such parameter).
   */
  public static void layerTypes(NetworkSpec s, ObjectNode o) {
    if (s.allDense()) {
      return;
    }
    ArrayNode kinds = o.putArray("layer_kinds");
    java.util.Set<String> extra = new java.util.LinkedHashSet<>();
    for (org.rgflow.layer.Layer l : s.layers()) {
      kinds.add(l.kind());
      extra.addAll(l.extra().keySet());
    }
    for (String name : extra) {
      ArrayNode a = o.putArray(name);
      for (org.rgflow.layer.Layer l : s.layers()) {
        Double v = l.extra().get(name);
        a.add(v == null ? F.nullNode() : number(v));
      }
    }
  }

  static ObjectNode inputs(InputsParser.Parsed p) {
    ObjectNode o = F.objectNode();
    o.put("kind", p.kind());
    o.put("source", p.source());
    Inputs in = p.inputs();
    o.put("count", in.count());
    ArrayNode vectors = o.putArray("vectors");
    for (int a = 0; a < in.count(); a++) {
      vectors.add(doubles(in.vector(a)));
    }
    ArrayNode gram = o.putArray("gram");
    for (double[] row : in.gram()) {
      gram.add(doubles(row));
    }
    return o;
  }

  static ObjectNode layer(NetworkSpec spec, LayerValues lv) {
    ObjectNode o = F.objectNode();
    o.put("layer", lv.layer());
    o.put("width", spec.width(lv.layer()));
    o.put("n_prev", spec.width(lv.layer() - 1));
    for (Map.Entry<Obs, Tensor> e : lv.value().entrySet()) {
      o.set(e.getKey().name(), tensor(e.getValue()));
      Tensor err = lv.err().get(e.getKey());
      if (err != null) {
        o.set(e.getKey().name() + "_err", tensor(err));
      }
    }
    ObjectNode th = o.putObject("theory");
    for (Map.Entry<Obs, Tensor> e : lv.theory().entrySet()) {
      th.set(e.getKey().name(), tensor(e.getValue()));
    }
    return o;
  }

  /** A plain number for a one-component tensor, else nested arrays of the tensor's rank. */
  public static JsonNode tensor(Tensor t) {
    if (t.size() == 1) {
      return number(t.getFlat(0));
    }
    return nested(t, 0, 0);
  }

  private static JsonNode nested(Tensor t, int depth, int offset) {
    if (depth == t.rank()) {
      return number(t.getFlat(offset));
    }
    ArrayNode a = F.arrayNode(t.nd());
    for (int i = 0; i < t.nd(); i++) {
      a.add(nested(t, depth + 1, offset * t.nd() + i));
    }
    return a;
  }

  /** A finite double, or null. */
  public static JsonNode number(double v) {
    return Double.isFinite(v) ? F.numberNode(v) : F.nullNode();
  }

  static ArrayNode doubles(double[] v) {
    ArrayNode a = F.arrayNode(v.length);
    for (double x : v) {
      a.add(number(x));
    }
    return a;
  }

  static ArrayNode ints(int[] v) {
    ArrayNode a = F.arrayNode(v.length);
    for (int x : v) {
      a.add(x);
    }
    return a;
  }
}
