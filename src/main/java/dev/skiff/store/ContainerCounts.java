package dev.skiff.store;

import java.util.Map;

/** How many containers the store holds in each state (state name to count). */
public record ContainerCounts(Map<String, Long> byState) {
  public ContainerCounts {
    byState = Map.copyOf(byState);
  }

  public long get(String state) {
    return byState.getOrDefault(state, 0L);
  }

  public long total() {
    return byState.values().stream().mapToLong(Long::longValue).sum();
  }
}
