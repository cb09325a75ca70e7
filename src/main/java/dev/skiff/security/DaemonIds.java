package dev.skiff.security;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The IDs the daemon owns. Rootless: the user's own uid/gid plus their {@code /etc/subuid} and
 * {@code /etc/subgid} ranges. Root: the configured pool (uid/gid 0 are then not handed out).
 */
public record DaemonIds(
    boolean rootless,
    String userName,
    long uid,
    long gid,
    List<SubIdRange> subUids,
    List<SubIdRange> subGids) {

  public DaemonIds {
    Objects.requireNonNull(userName, "userName");
    subUids = List.copyOf(subUids);
    subGids = List.copyOf(subGids);
  }

  public static DaemonIds rootless(
      String userName, long uid, long gid, List<SubIdRange> subUids, List<SubIdRange> subGids) {
    return new DaemonIds(true, userName, uid, gid, subUids, subGids);
  }

  public static DaemonIds root(List<SubIdRange> uidPool, List<SubIdRange> gidPool) {
    return new DaemonIds(false, "root", 0, 0, uidPool, gidPool);
  }

  /**
   * The daemon's own namespace as an ID map from its IDs to host IDs. Rootless, this is the map of
   * the namespace holder: 0 → the user, 1..N → the subordinate ranges in file order. Root, it is
   * the identity over the pool.
   */
  public IdMap namespaceUidMap() {
    return namespaceMap(uid, subUids);
  }

  /** As {@link #namespaceUidMap()}, for gids. */
  public IdMap namespaceGidMap() {
    return namespaceMap(gid, subGids);
  }

  private IdMap namespaceMap(long ownId, List<SubIdRange> ranges) {
    List<IdMapping> mappings = new ArrayList<>();
    if (!rootless) {
      ranges.forEach(r -> mappings.add(IdMapping.of(r.start(), r.start(), r.count())));
      return new IdMap(mappings);
    }
    mappings.add(IdMapping.of(0, ownId, 1));
    long next = 1;
    for (SubIdRange r : ranges) {
      mappings.add(IdMapping.of(next, r.start(), r.count()));
      next += r.count();
    }
    return new IdMap(mappings);
  }

  /** Subordinate uid count (rootless) or uid pool size (root). */
  public long subUidCount() {
    return subUids.stream().mapToLong(SubIdRange::count).sum();
  }

  public long subGidCount() {
    return subGids.stream().mapToLong(SubIdRange::count).sum();
  }
}
