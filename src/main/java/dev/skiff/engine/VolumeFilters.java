package dev.skiff.engine;

import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** Volume list/prune filters: {@code name}, {@code label}, {@code label!}, {@code driver}. */
public final class VolumeFilters {

  private VolumeFilters() {}

  public static Predicate<Volume> of(Map<String, List<String>> filters) {
    Predicate<Volume> p = v -> true;
    for (var e : filters.entrySet()) {
      p = p.and(filter(e.getKey(), e.getValue()));
    }
    return p;
  }

  private static Predicate<Volume> filter(String key, List<String> values) {
    return switch (key) {
      case "name" -> v -> values.stream().anyMatch(n -> v.name().contains(n));
      case "driver" -> v -> values.contains(v.driver());
      case "label" -> v -> values.stream().allMatch(l -> Labels.matches(v.labels(), l));
      case "label!" -> v -> values.stream().noneMatch(l -> Labels.matches(v.labels(), l));
      default -> throw new InvalidArgumentException("unsupported volume filter \"" + key
          + "\": supported are name, driver, label, label!");
    };
  }
}
