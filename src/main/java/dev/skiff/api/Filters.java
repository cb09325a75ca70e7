package dev.skiff.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skiff.engine.InvalidArgumentException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code filters} query parameter: a JSON object of string arrays ({@code {"label":["a=b"]}}).
 * Docker clients may also send the legacy form {@code {"label":{"a=b":true}}}.
 */
public final class Filters {

  private static final ObjectMapper JSON = new ObjectMapper();

  private Filters() {}

  public static Map<String, List<String>> parse(String raw) {
    if (raw == null || raw.isBlank()) {
      return Map.of();
    }
    Map<String, Object> decoded;
    try {
      decoded = JSON.readValue(raw, new TypeReference<Map<String, Object>>() {});
    } catch (JsonProcessingException e) {
      throw new InvalidArgumentException("invalid filters parameter " + raw + ": expected a JSON object of string arrays");
    }
    Map<String, List<String>> out = new LinkedHashMap<>();
    decoded.forEach((k, v) -> out.put(k, values(k, v)));
    return out;
  }

  private static List<String> values(String key, Object v) {
    if (v instanceof List<?> l && l.stream().allMatch(String.class::isInstance)) {
      return l.stream().map(String.class::cast).toList();
    }
    if (v instanceof Map<?, ?> m) {
      return m.keySet().stream().map(String::valueOf).toList();
    }
    throw new InvalidArgumentException("invalid filters parameter: values of \"" + key + "\" must be an array of strings");
  }
}
