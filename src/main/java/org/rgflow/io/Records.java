package org.rgflow.io;

import java.lang.reflect.Array;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.rgflow.act.Activation;

/**
 * Turns a result record into ordered {snake_case_name: value} maps of plain JSON-ready values
 * (numbers, strings, booleans, lists, maps, null), recursively. Non-finite doubles become null,
 * enums their name, activations their canonical name.
 */
public final class Records {
  private Records() {}

  public static Map<String, Object> toMap(Object o) {
    Object v = plain(o);
    if (v instanceof Map<?, ?> m) {
      @SuppressWarnings("unchecked")
      Map<String, Object> sm = (Map<String, Object>) m;
      return sm;
    }
    Map<String, Object> single = new LinkedHashMap<>();
    single.put("value", v);
    return single;
  }

  public static Object plain(Object o) {
    if (o == null) {
      return null;
    }
    if (o instanceof Double d) {
      return Double.isFinite(d) ? d : null;
    }
    if (o instanceof Float f) {
      return Float.isFinite(f) ? f : null;
    }
    if (o instanceof Number || o instanceof Boolean || o instanceof String) {
      return o;
    }
    if (o instanceof Character || o instanceof CharSequence) {
      return o.toString();
    }
    if (o instanceof Enum<?> e) {
      return e.name();
    }
    if (o instanceof Activation a) {
      return a.name();
    }
    if (o instanceof Optional<?> opt) {
      return plain(opt.orElse(null));
    }
    if (o.getClass().isArray()) {
      List<Object> l = new ArrayList<>();
      for (int i = 0; i < Array.getLength(o); i++) {
        l.add(plain(Array.get(o, i)));
      }
      return l;
    }
    if (o instanceof Iterable<?> it) {
      List<Object> l = new ArrayList<>();
      it.forEach(x -> l.add(plain(x)));
      return l;
    }
    if (o instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, v) -> out.put(String.valueOf(k), plain(v)));
      return out;
    }
    if (o.getClass().isRecord()) {
      Map<String, Object> out = new LinkedHashMap<>();
      for (RecordComponent rc : o.getClass().getRecordComponents()) {
        try {
          rc.getAccessor().setAccessible(true);
          out.put(snake(rc.getName()), plain(rc.getAccessor().invoke(o)));
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException("cannot read " + rc.getName(), e);
        }
      }
      return out;
    }
    return o.toString();
  }

  /** camelCase → snake_case ({@code kStar} → {@code k_star}); already-snake names are unchanged. */
  public static String snake(String name) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (Character.isUpperCase(c)) {
        if (i > 0 && name.charAt(i - 1) != '_') {
          b.append('_');
        }
        b.append(Character.toLowerCase(c));
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }
}
