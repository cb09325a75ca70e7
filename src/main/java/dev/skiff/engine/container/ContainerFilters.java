package dev.skiff.engine.container;

import dev.skiff.engine.ContainerState;
import dev.skiff.engine.InvalidArgumentException;
import dev.skiff.engine.Labels;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Container list filters: {@code id} (prefix), {@code name} (substring, or regex as podman),
 * {@code status}, {@code label}, {@code label!}, {@code exited} (exit code), {@code ancestor}
 * (image name or id prefix). Values of one key are OR-ed, keys are AND-ed.
 */
public final class ContainerFilters {

  private ContainerFilters() {}

  public static Predicate<ContainerRecord> of(Map<String, List<String>> filters) {
    Predicate<ContainerRecord> p = c -> true;
    for (var e : filters.entrySet()) {
      p = p.and(filter(e.getKey(), e.getValue()));
    }
    return p;
  }

  private static Predicate<ContainerRecord> filter(String key, List<String> values) {
    return switch (key) {
      case "id" -> c -> values.stream().anyMatch(v -> c.id().startsWith(v));
      case "name" -> c -> values.stream().anyMatch(v -> nameMatches(c.name(), v));
      case "status" -> status(values);
      case "label" -> c -> values.stream().allMatch(l -> Labels.matches(c.spec().basic().labels(), l));
      case "label!" -> c -> values.stream().noneMatch(l -> Labels.matches(c.spec().basic().labels(), l));
      case "exited" -> exited(values);
      case "ancestor" -> c -> values.stream().anyMatch(v -> c.imageName().equals(v) || c.imageId().startsWith(v)
          || c.imageName().endsWith("/" + v) || c.imageName().equals(v + ":latest")
          || c.imageName().endsWith("/" + v + ":latest"));
      default -> throw new InvalidArgumentException("unsupported container filter \"" + key
          + "\": supported are id, name, status, label, label!, exited, ancestor");
    };
  }

  private static boolean nameMatches(String name, String v) {
    try {
      return name.contains(v) || java.util.regex.Pattern.compile(v).matcher(name).find();
    } catch (java.util.regex.PatternSyntaxException e) {
      return false;
    }
  }

  private static Predicate<ContainerRecord> status(List<String> values) {
    for (String v : values) {
      if (!List.of("created", "running", "paused", "exited", "stopped", "configured", "restarting", "removing",
          "dead", "unknown").contains(v)) {
        throw new InvalidArgumentException("invalid status filter \"" + v + "\"");
      }
    }
    return c -> values.contains(c.state().wireName())
        || (values.contains("stopped") && c.state() == ContainerState.EXITED);
  }

  private static Predicate<ContainerRecord> exited(List<String> values) {
    List<Integer> codes = values.stream().map(v -> {
      try {
        return Integer.parseInt(v);
      } catch (NumberFormatException e) {
        throw new InvalidArgumentException("invalid exited filter \"" + v + "\": expected an exit code");
      }
    }).toList();
    return c -> c.state() == ContainerState.EXITED && codes.contains(c.exitCode());
  }
}
