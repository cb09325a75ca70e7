package dev.skiff.security;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * A per-user subordinate ID assignment in root mode: the {@code /etc/subuid} and {@code
 * /etc/subgid} ranges given to {@code user}. {@link #plan} chooses them; writing is the store's job.
 */
public record SubIdGrant(String user, SubIdRange subuid, SubIdRange subgid) {

  public SubIdGrant {
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(subuid, "subuid");
    Objects.requireNonNull(subgid, "subgid");
  }

  /**
   * Chooses the lowest free range of {@code size} IDs in {@code pool} for each file, clear of every
   * entry already in that file, of {@code realIds} (uids and gids of real users) and of {@code
   * reserved} (ranges the daemon itself holds, e.g. its default container range). The same start is
   * used in both files when one range is free in both; otherwise each file gets its own lowest.
   *
   * @throws IdRangesExhaustedException when a file has no free range of that size left
   * @throws InvalidSecuritySettingException when {@code size} is below 1 or larger than the pool
   */
  public static SubIdGrant plan(
      String user,
      List<SubIdRange> pool,
      SubIdFile subuid,
      SubIdFile subgid,
      Collection<Long> realIds,
      Collection<SubIdRange> reserved,
      long size) {
    long poolSize = IdRangeAllocator.size(pool);
    if (size < 1 || size > poolSize) {
      throw new InvalidSecuritySettingException(
          "invalid range size " + size + ": it must be between 1 and the pool's " + poolSize
              + " IDs " + pool.stream().map(SubIdRange::toString).toList());
    }
    List<SubIdRange> common = new ArrayList<>(taken(subuid, realIds, reserved));
    common.addAll(subgid.allRanges());
    try {
      SubIdRange both = IdRangeAllocator.allocate(pool, common, size);
      return new SubIdGrant(user, both, both);
    } catch (IdRangesExhaustedException e) {
      return new SubIdGrant(
          user,
          IdRangeAllocator.allocate(pool, taken(subuid, realIds, reserved), size),
          IdRangeAllocator.allocate(pool, taken(subgid, realIds, reserved), size));
    }
  }

  private static List<SubIdRange> taken(
      SubIdFile file, Collection<Long> realIds, Collection<SubIdRange> reserved) {
    return Stream.of(
            file.allRanges().stream(),
            realIds.stream()
                .filter(id -> id >= 0 && id < SubIdRange.ID_LIMIT)
                .map(id -> SubIdRange.of(id, 1)),
            reserved.stream())
        .flatMap(s -> s)
        .toList();
  }

  /** The {@code /etc/subuid} line, {@code user:start:count}. */
  public String subuidLine() {
    return user + ":" + subuid.start() + ":" + subuid.count();
  }

  public String subgidLine() {
    return user + ":" + subgid.start() + ":" + subgid.count();
  }
}
