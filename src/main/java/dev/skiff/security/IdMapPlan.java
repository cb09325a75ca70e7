package dev.skiff.security;

import java.util.Objects;
import java.util.Optional;

/**
 * The user-namespace decision for one container.
 *
 * @param newUserNamespace whether the shim creates a user namespace
 * @param uidMap the container's uid map in host IDs (for {@code newuidmap} from the host)
 * @param gidMap the container's gid map in host IDs
 * @param uidMapInDaemonNamespace the same map expressed in the daemon's namespace IDs (what goes
 *     into {@code config.json} when the shim runs inside the rootless namespace holder)
 * @param gidMapInDaemonNamespace as above, for gids
 * @param joinPath for {@code ns:PATH}, the namespace to join
 */
public record IdMapPlan(
    boolean newUserNamespace,
    IdMap uidMap,
    IdMap gidMap,
    IdMap uidMapInDaemonNamespace,
    IdMap gidMapInDaemonNamespace,
    Optional<String> joinPath) {

  public IdMapPlan {
    Objects.requireNonNull(uidMap, "uidMap");
    Objects.requireNonNull(gidMap, "gidMap");
    Objects.requireNonNull(uidMapInDaemonNamespace, "uidMapInDaemonNamespace");
    Objects.requireNonNull(gidMapInDaemonNamespace, "gidMapInDaemonNamespace");
    Objects.requireNonNull(joinPath, "joinPath");
  }

  static IdMapPlan noNewNamespace() {
    return new IdMapPlan(
        false, IdMap.empty(), IdMap.empty(), IdMap.empty(), IdMap.empty(), Optional.empty());
  }

  static IdMapPlan join(String path) {
    return new IdMapPlan(
        false, IdMap.empty(), IdMap.empty(), IdMap.empty(), IdMap.empty(), Optional.of(path));
  }
}
