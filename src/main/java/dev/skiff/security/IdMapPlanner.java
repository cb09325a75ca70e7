package dev.skiff.security;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Computes a container's uid/gid maps from its {@code --userns}/{@code --uidmap}/{@code --gidmap}
 * request and the IDs the daemon owns, the way rootless Podman does.
 *
 * <p>Maps are first built in the daemon's namespace IDs (rootless: 0 = the user, 1..N = the
 * subordinate ranges; root: host IDs of the pool) and then translated to host IDs. Rootless:
 * default → container 0 is the user, 1..N the subordinate IDs; {@code keep-id} → container uid U is
 * the user, 0..U-1 and U+1.. come from the subordinate IDs; {@code nomap} → only subordinate IDs;
 * {@code auto} → the allocated range (carved from the subordinate part, 1..N). Rootless maps that
 * differ from the default one read image layers through chowned copies (see {@link LayerShift}).
 * Root: default and {@code auto} use the allocated range,
 * {@code host} creates no user namespace.
 */
public final class IdMapPlanner {

  private IdMapPlanner() {}

  /**
   * Plans the user namespace for one container.
   *
   * @throws InvalidSecuritySettingException when the request cannot be satisfied with the owned IDs
   */
  public static IdMapPlan plan(DaemonIds ids, IdMapRequest request) {
    UsernsMode mode = request.mode();
    if (mode instanceof UsernsMode.Path p) {
      return IdMapPlan.join(p.path());
    }
    if (mode instanceof UsernsMode.Host && !ids.rootless()) {
      return IdMapPlan.noNewNamespace();
    }
    checkRootlessOnly(ids, mode);
    checkExplicitMapsAlone(request);
    IdMap uids = inNamespace(ids, request, true);
    IdMap gids = inNamespace(ids, request, false);
    checkMapped(ids, uids, request.containerUid(), "uid");
    checkMapped(ids, gids, request.containerGid(), "gid");
    // rootless host: the daemon's own namespace map (Podman's host mode shows its pause process's
    // map, 0 = the user, 1.. = subordinate IDs); skiffd has no namespace holder to share, so the
    // container gets a user namespace of its own with that map
    boolean newNamespace = !(mode instanceof UsernsMode.Host) || ids.rootless();
    IdMap hostUids = toHost(ids, uids, true);
    IdMap hostGids = toHost(ids, gids, false);
    return new IdMapPlan(newNamespace, hostUids, hostGids, uids, gids, Optional.empty());
  }

  /**
   * The daemon-namespace IDs {@code auto} ranges are carved from: rootless, the subordinate part
   * (1..N); root, the pool.
   */
  public static List<SubIdRange> autoPool(DaemonIds ids) {
    if (!ids.rootless()) {
      return ids.subUids();
    }
    long n = Math.min(ids.subUidCount(), ids.subGidCount());
    return n == 0 ? List.of() : List.of(SubIdRange.of(1, n));
  }

  private static void checkRootlessOnly(DaemonIds ids, UsernsMode mode) {
    if (!ids.rootless()
        && (mode instanceof UsernsMode.KeepId || mode instanceof UsernsMode.NoMap)) {
      String name = mode instanceof UsernsMode.KeepId ? "keep-id" : "nomap";
      throw new InvalidSecuritySettingException(
          "--userns=" + name + " is only supported in rootless mode");
    }
  }

  private static void checkExplicitMapsAlone(IdMapRequest request) {
    boolean explicit = !request.uidMap().isEmpty() || !request.gidMap().isEmpty();
    // podman sends --uidmap/--gidmap with userns "private"
    boolean plain = request.mode() instanceof UsernsMode.Default || request.mode() instanceof UsernsMode.Private;
    if (explicit && !plain) {
      throw new InvalidSecuritySettingException(
          "--userns and --uidmap/--gidmap are mutually exclusive");
    }
  }

  private static IdMap inNamespace(DaemonIds ids, IdMapRequest request, boolean uids) {
    List<IdMapping> explicit = explicit(request, uids);
    long subCount = uids ? ids.subUidCount() : ids.subGidCount();
    return switch (request.mode()) {
      case UsernsMode.KeepId k -> keepId(k, ids, subCount, uids);
      case UsernsMode.NoMap n -> noMap(ids, subCount);
      case UsernsMode.Auto a -> auto(a, request, uids);
      default -> explicit.isEmpty() ? defaultMap(ids, request, subCount) : new IdMap(explicit);
    };
  }

  private static List<IdMapping> explicit(IdMapRequest request, boolean uids) {
    boolean gidsFromUids =
        !uids && request.gidMap().isEmpty(); // Podman: --uidmap alone covers gids
    return uids || gidsFromUids ? request.uidMap() : request.gidMap();
  }

  private static IdMap defaultMap(DaemonIds ids, IdMapRequest request, long subCount) {
    if (!ids.rootless()) {
      return autoMap(request);
    }
    return IdMap.of(IdMapping.of(0, 0, 1 + subCount));
  }

  private static IdMap keepId(UsernsMode.KeepId k, DaemonIds ids, long subCount, boolean uids) {
    long own = uids ? k.uid().orElse(ids.uid()) : k.gid().orElse(ids.gid());
    List<IdMapping> mappings = new ArrayList<>();
    long below = Math.min(own, subCount);
    if (below > 0) {
      mappings.add(IdMapping.of(0, 1, below));
    }
    mappings.add(IdMapping.of(own, 0, 1));
    long above = subCount - below;
    if (above > 0 && own + 1 + above <= SubIdRange.ID_LIMIT) {
      mappings.add(IdMapping.of(own + 1, 1 + below, above));
    }
    return new IdMap(mappings);
  }

  private static IdMap noMap(DaemonIds ids, long subCount) {
    if (subCount == 0) {
      throw new InvalidSecuritySettingException(
          "--userns=nomap needs subordinate IDs, but user "
              + ids.userName()
              + " has none; "
              + usermodHint(ids));
    }
    return IdMap.of(IdMapping.of(0, 1, subCount));
  }

  /**
   * Podman's {@code auto}: container IDs 0..size-1 on the allocated range, except those covered by
   * {@code uidmapping}/{@code gidmapping}, which use the forced host IDs instead (the allocated
   * IDs they displace stay unused).
   */
  private static IdMap auto(UsernsMode.Auto a, IdMapRequest request, boolean uids) {
    List<IdMapping> forced = uids ? a.uidMappings() : a.gidMappings();
    if (forced.isEmpty()) {
      return autoMap(request);
    }
    List<IdMapping> result = new ArrayList<>(forced);
    for (IdMapping m : autoMap(request).mappings()) {
      result.addAll(withoutContainerIds(m, forced));
    }
    result.sort(java.util.Comparator.comparingLong(IdMapping::containerId));
    return new IdMap(result);
  }

  private static List<IdMapping> withoutContainerIds(IdMapping m, List<IdMapping> covered) {
    List<IdMapping> pieces = List.of(m);
    for (IdMapping c : covered) {
      List<IdMapping> next = new ArrayList<>();
      for (IdMapping p : pieces) {
        long start = p.containerId();
        long end = start + p.size();
        long cs = c.containerId();
        long ce = cs + c.size();
        if (ce <= start || cs >= end) {
          next.add(p);
          continue;
        }
        if (cs > start) {
          next.add(IdMapping.of(start, p.hostId(), cs - start));
        }
        if (ce < end) {
          next.add(IdMapping.of(ce, p.hostId() + ce - start, end - ce));
        }
      }
      pieces = next;
    }
    return pieces;
  }

  /** True when every ID of {@code map} maps to itself (an ID-mapped mount would change nothing). */
  public static boolean isIdentity(IdMap map) {
    return map.mappings().stream().allMatch(m -> m.containerId() == m.hostId());
  }

  /**
   * The ID map for an ID-mapped mount of image layers: layer files are owned on disk through
   * {@code layerOwners} (the default container map, container ID → host ID); a container whose
   * map is {@code container} must see the file that belongs to its container ID k as owned by
   * {@code container}'s host ID for k. The result maps on-disk IDs (as "container" IDs, the
   * inside of the user namespace given to {@code mount_setattr(MOUNT_ATTR_IDMAP)}) to the IDs the
   * mount shows (as "host" IDs): the kernel reads an on-disk ID k through an ID-mapped mount as
   * the host ID that the mount's user namespace maps k to. Container IDs missing from either map
   * are left out (such files show as the overflow ID). See {@link #isIdentity}.
   */
  public static IdMap layerIdMap(IdMap layerOwners, IdMap container) {
    List<IdMapping> pieces = new ArrayList<>();
    for (IdMapping c : container.mappings()) {
      for (IdMapping d : layerOwners.mappings()) {
        long start = Math.max(c.containerId(), d.containerId());
        long end = Math.min(c.containerId() + c.size(), d.containerId() + d.size());
        if (start >= end) {
          continue;
        }
        long onDisk = d.hostId() + start - d.containerId();
        long seen = c.hostId() + start - c.containerId();
        pieces.add(IdMapping.of(onDisk, seen, end - start));
      }
    }
    pieces.sort(java.util.Comparator.comparingLong(IdMapping::containerId));
    return new IdMap(pieces);
  }

  private static IdMap autoMap(IdMapRequest request) {
    SubIdRange range =
        request
            .autoRange()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "no range allocated for --userns=auto; call IdRangeAllocator first"));
    return IdMap.of(IdMapping.of(0, range.start(), range.count()));
  }

  private static void checkMapped(DaemonIds ids, IdMap map, long id, String kind) {
    if (map.toHost(id).isPresent()) {
      return;
    }
    String message =
        "container "
            + kind
            + " "
            + id
            + " is not mapped in the user namespace ("
            + String.join(", ", map.toProcLines())
            + ")";
    boolean noSubIds =
        ids.rootless() && (kind.equals("uid") ? ids.subUidCount() : ids.subGidCount()) == 0;
    throw new InvalidSecuritySettingException(
        noSubIds
            ? message
                + ": user "
                + ids.userName()
                + " has no subordinate "
                + kind
                + "s; "
                + usermodHint(ids)
            : message);
  }

  static String usermodHint(DaemonIds ids) {
    return "ask an administrator to run: usermod --add-subuids 100000-165535 "
        + "--add-subgids 100000-165535 "
        + ids.userName();
  }

  private static IdMap toHost(DaemonIds ids, IdMap map, boolean uids) {
    IdMap owned = uids ? ids.namespaceUidMap() : ids.namespaceGidMap();
    List<IdMapping> result = new ArrayList<>();
    for (IdMapping m : map.mappings()) {
      result.addAll(translate(ids, m, owned, uids ? "uid" : "gid"));
    }
    return new IdMap(result);
  }

  private static List<IdMapping> translate(DaemonIds ids, IdMapping m, IdMap owned, String kind) {
    List<IdMapping> pieces = new ArrayList<>();
    long done = 0;
    while (done < m.size()) {
      long parentId = m.hostId() + done;
      IdMapping piece =
          owned.mappings().stream()
              .filter(o -> o.containerRange().contains(parentId))
              .findFirst()
              .orElseThrow(() -> outsideOwned(ids, m, owned, kind));
      long n = Math.min(m.size() - done, piece.containerId() + piece.size() - parentId);
      pieces.add(
          IdMapping.of(m.containerId() + done, piece.hostId() + parentId - piece.containerId(), n));
      done += n;
    }
    return pieces;
  }

  private static InvalidSecuritySettingException outsideOwned(
      DaemonIds ids, IdMapping m, IdMap owned, String kind) {
    String message =
        kind
            + " mapping "
            + m
            + " uses IDs "
            + m.hostRange()
            + " outside the range this daemon owns ("
            + describeOwned(ids, owned, kind)
            + ")";
    boolean noSubIds = ids.rootless() && owned.size() <= 1;
    return new InvalidSecuritySettingException(
        noSubIds ? message + "; " + usermodHint(ids) : message);
  }

  private static String describeOwned(DaemonIds ids, IdMap owned, String kind) {
    List<SubIdRange> host = owned.hostRanges();
    if (!ids.rootless()) {
      return host.isEmpty() ? "none" : join(host);
    }
    String sub =
        host.size() == 1
            ? "no subordinate " + kind + "s"
            : "subordinate " + kind + "s " + join(host.subList(1, host.size()));
    return "0-"
        + (owned.containerIdLimit() - 1)
        + ": 0 is your "
        + kind
        + " "
        + host.get(0).start()
        + ", 1.. are "
        + sub;
  }

  private static String join(List<SubIdRange> ranges) {
    return ranges.stream().map(SubIdRange::toString).collect(Collectors.joining(", "));
  }
}
