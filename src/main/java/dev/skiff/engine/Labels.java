package dev.skiff.engine;

import java.util.Map;

/** Label filter matching: {@code key} (present) or {@code key=value} (equal). */
public final class Labels {

  private Labels() {}

  public static boolean matches(Map<String, String> labels, String filter) {
    int eq = filter.indexOf('=');
    if (eq < 0) {
      return labels.containsKey(filter);
    }
    return filter.substring(eq + 1).equals(labels.get(filter.substring(0, eq)));
  }
}
