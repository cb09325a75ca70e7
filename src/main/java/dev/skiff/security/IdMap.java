package dev.skiff.security;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A validated list of ID mappings for one kind of ID (uids or gids): sizes positive, IDs 32-bit,
 * and no two mappings overlapping on the container side or on the host side. Serialises as the OCI
 * {@code uidMappings}/{@code gidMappings} array.
 */
public record IdMap(List<IdMapping> mappings) {

  public IdMap {
    mappings = List.copyOf(mappings);
    checkNoOverlap(mappings);
  }

  public static IdMap of(IdMapping... mappings) {
    return new IdMap(List.of(mappings));
  }

  public static IdMap empty() {
    return new IdMap(List.of());
  }

  /** Parses a list of {@code container:host:size} strings. */
  public static IdMap parse(List<String> texts) {
    return new IdMap(texts.stream().map(IdMapping::parse).toList());
  }

  private static void checkNoOverlap(List<IdMapping> mappings) {
    for (int i = 0; i < mappings.size(); i++) {
      for (int j = i + 1; j < mappings.size(); j++) {
        IdMapping a = mappings.get(i);
        IdMapping b = mappings.get(j);
        if (a.containerRange().overlaps(b.containerRange())) {
          throw overlap(a, b, "container");
        }
        if (a.hostRange().overlaps(b.hostRange())) {
          throw overlap(a, b, "host");
        }
      }
    }
  }

  private static InvalidSecuritySettingException overlap(IdMapping a, IdMapping b, String side) {
    return new InvalidSecuritySettingException(
        "ID mappings " + a + " and " + b + " overlap in their " + side + " IDs");
  }

  /** The OCI form: the list of mappings. */
  @JsonValue
  public List<IdMapping> toOciList() {
    return mappings;
  }

  public boolean isEmpty() {
    return mappings.isEmpty();
  }

  /** Number of container IDs mapped. */
  public long size() {
    return mappings.stream().mapToLong(IdMapping::size).sum();
  }

  /** The host ID that container ID {@code containerId} maps to, if mapped. */
  public Optional<Long> toHost(long containerId) {
    return mappings.stream()
        .filter(m -> m.containerRange().contains(containerId))
        .findFirst()
        .map(m -> m.hostId() + containerId - m.containerId());
  }

  /** The host ranges used, one per mapping. */
  public List<SubIdRange> hostRanges() {
    return mappings.stream().map(IdMapping::hostRange).toList();
  }

  /** Lines for {@code /proc/PID/uid_map}: {@code "container host size"}. */
  public List<String> toProcLines() {
    List<String> lines = new ArrayList<>();
    mappings.forEach(m -> lines.add(m.containerId() + " " + m.hostId() + " " + m.size()));
    return lines;
  }

  /** Highest container ID mapped plus one (0 if empty). */
  public long containerIdLimit() {
    return mappings.stream().mapToLong(m -> m.containerId() + m.size()).max().orElse(0);
  }
}
