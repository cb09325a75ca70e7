package dev.skiff.engine;

import dev.skiff.config.BuildInfo;
import dev.skiff.runtime.HostFacts;
import dev.skiff.security.IdMap;
import dev.skiff.store.ContainerCounts;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Everything {@code /info} and {@code /version} report, gathered by {@link SystemService}. The ID
 * maps are the daemon's default container maps (what a container gets without {@code --userns}),
 * and {@code idProblem} says why they are a single ID when the user has no subordinate range.
 */
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
    List<String> searchRegistries,
    IdMap defaultUidMap,
    IdMap defaultGidMap,
    Optional<String> idProblem) {

  public SystemReport {
    searchRegistries = List.copyOf(searchRegistries);
  }
}
