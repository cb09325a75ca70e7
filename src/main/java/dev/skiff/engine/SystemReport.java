package dev.skiff.engine;

import dev.skiff.config.BuildInfo;
import dev.skiff.runtime.HostFacts;
import dev.skiff.store.ContainerCounts;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Everything {@code /info} and {@code /version} report, gathered by {@link SystemService}. */
public record SystemReport(
    BuildInfo build,
    HostFacts host,
    boolean rootless,
    Path socket,
    Path root,
    Path runroot,
    Optional<Path> shim,
    ContainerCounts containers,
    long images,
    List<String> searchRegistries) {

  public SystemReport {
    searchRegistries = List.copyOf(searchRegistries);
  }
}
