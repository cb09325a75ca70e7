package dev.skiff.security;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a container asks of the user namespace.
 *
 * @param mode the {@code --userns} mode
 * @param uidMap explicit {@code --uidmap} mappings; host IDs are the daemon's namespace IDs
 *     (rootless: 0 = the user, 1.. = subordinate IDs, as rootless Podman reads them)
 * @param gidMap explicit {@code --gidmap} mappings, same convention
 * @param containerUid the uid the container process runs as (0 unless {@code --user})
 * @param containerGid the gid the container process runs as
 * @param autoRange for {@code auto} (and the root-mode default): the range the engine allocated
 *     with {@link IdRangeAllocator}, in the daemon's namespace IDs; used for uids and gids
 */
public record IdMapRequest(
    UsernsMode mode,
    List<IdMapping> uidMap,
    List<IdMapping> gidMap,
    long containerUid,
    long containerGid,
    Optional<SubIdRange> autoRange) {

  public IdMapRequest {
    Objects.requireNonNull(mode, "mode");
    uidMap = List.copyOf(uidMap);
    gidMap = List.copyOf(gidMap);
    Objects.requireNonNull(autoRange, "autoRange");
  }

  public static IdMapRequest of(UsernsMode mode) {
    return new IdMapRequest(mode, List.of(), List.of(), 0, 0, Optional.empty());
  }

  public IdMapRequest withUser(long uid, long gid) {
    return new IdMapRequest(mode, uidMap, gidMap, uid, gid, autoRange);
  }

  public IdMapRequest withMaps(List<IdMapping> uids, List<IdMapping> gids) {
    return new IdMapRequest(mode, uids, gids, containerUid, containerGid, autoRange);
  }

  public IdMapRequest withAutoRange(SubIdRange range) {
    return new IdMapRequest(mode, uidMap, gidMap, containerUid, containerGid, Optional.of(range));
  }

  /** True if the request needs an allocated range (auto, or the root-mode default). */
  public boolean needsAutoRange(boolean rootless) {
    boolean auto = mode instanceof UsernsMode.Auto;
    boolean rootDefault = !rootless && mode instanceof UsernsMode.Default && uidMap.isEmpty();
    return auto || rootDefault;
  }
}
