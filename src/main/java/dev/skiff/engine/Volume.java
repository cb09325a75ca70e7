package dev.skiff.engine;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

/** A named volume: a directory the daemon owns, mounted into containers. */
public record Volume(
    String name, String driver, Path mountpoint, Instant createdAt, Map<String, String> labels,
    Map<String, String> options, boolean anonymous) {

  public Volume {
    labels = Map.copyOf(labels);
    options = Map.copyOf(options);
  }
}
