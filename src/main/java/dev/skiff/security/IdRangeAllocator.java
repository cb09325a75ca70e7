package dev.skiff.security;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.stream.Stream;

/**
 * Carves non-overlapping ID ranges out of a pool. Pure: the caller (the store) persists the
 * allocated set and passes it in; freeing a range is removing it from that set.
 */
public final class IdRangeAllocator {

  /**
   * Podman's minimum size for {@code --userns=auto} (storage.conf {@code auto_userns_min_size}).
   */
  public static final long AUTO_MIN_SIZE = 1024;

  /** Podman's maximum computed size for {@code --userns=auto} ({@code auto_userns_max_size}). */
  public static final long AUTO_MAX_SIZE = 65_536;

  /** Default root-mode pool for per-user ranges: 100000 to 4294967294. */
  public static final SubIdRange DEFAULT_USER_POOL =
      SubIdRange.of(100_000, SubIdRange.ID_LIMIT - 100_000);

  /** The size of one per-user range handed out in root mode, as {@code useradd} does. */
  public static final long DEFAULT_USER_RANGE_SIZE = 65_536;

  private IdRangeAllocator() {}

  /**
   * The {@code auto} size when none was requested: enough for the highest ID the container needs
   * (image file owners, its user), at least {@value #AUTO_MIN_SIZE} and at most {@value
   * #AUTO_MAX_SIZE}, as Podman computes it.
   *
   * @throws InvalidSecuritySettingException if the container needs more than the maximum
   */
  public static long defaultAutoSize(long highestIdNeeded) {
    long size = Math.max(AUTO_MIN_SIZE, highestIdNeeded + 1);
    if (size > AUTO_MAX_SIZE) {
      throw new InvalidSecuritySettingException(
          "the container needs a user namespace of "
              + size
              + " IDs (it uses ID "
              + highestIdNeeded
              + "), more than --userns=auto gives without a size ("
              + AUTO_MAX_SIZE
              + "); use --userns=auto:size="
              + size);
    }
    return size;
  }

  /**
   * The size of the range to allocate for {@code mode}: {@code auto:size=N} if given, else {@link
   * #defaultAutoSize(long)}.
   */
  public static long sizeFor(UsernsMode mode, long highestIdNeeded) {
    return mode.autoSize().orElseGet(() -> defaultAutoSize(highestIdNeeded));
  }

  /**
   * The lowest free range of {@code size} IDs in {@code pool} not overlapping {@code allocated}.
   *
   * @throws IdRangesExhaustedException naming the pool and the request when none is left
   */
  public static SubIdRange allocate(
      List<SubIdRange> pool, Collection<SubIdRange> allocated, long size) {
    if (size <= 0) {
      throw new InvalidSecuritySettingException(
          "ID range size must be greater than 0, got " + size);
    }
    return freeRanges(pool, allocated).stream()
        .filter(r -> r.count() >= size)
        .findFirst()
        .map(r -> SubIdRange.of(r.start(), size))
        .orElseThrow(() -> exhausted(pool, allocated, size));
  }

  /** {@code allocated} without {@code range}. */
  public static List<SubIdRange> free(Collection<SubIdRange> allocated, SubIdRange range) {
    return allocated.stream().filter(r -> !r.equals(range)).toList();
  }

  /**
   * Root mode: the next free per-user range in {@code pool} that collides neither with existing
   * {@code /etc/subuid} (or subgid) entries nor with the uids of real users.
   */
  public static SubIdRange allocateUserRange(
      List<SubIdRange> pool, SubIdFile existing, Collection<Long> realUserIds, long size) {
    List<SubIdRange> taken =
        Stream.concat(
                existing.allRanges().stream(),
                realUserIds.stream()
                    .filter(id -> id >= 0 && id < SubIdRange.ID_LIMIT)
                    .map(id -> SubIdRange.of(id, 1)))
            .toList();
    return allocate(pool, taken, size);
  }

  /** The parts of {@code pool} not covered by {@code allocated}, sorted and merged. */
  public static List<SubIdRange> freeRanges(
      List<SubIdRange> pool, Collection<SubIdRange> allocated) {
    List<SubIdRange> free = merge(pool);
    for (SubIdRange used : allocated) {
      free = subtract(free, used);
    }
    return free;
  }

  /** The IDs in both {@code a} and {@code b}, sorted and merged. */
  public static List<SubIdRange> intersect(List<SubIdRange> a, List<SubIdRange> b) {
    List<SubIdRange> result = new ArrayList<>();
    for (SubIdRange x : merge(a)) {
      for (SubIdRange y : merge(b)) {
        long start = Math.max(x.start(), y.start());
        long end = Math.min(x.end(), y.end());
        if (start <= end) {
          result.add(SubIdRange.of(start, end - start + 1));
        }
      }
    }
    return merge(result);
  }

  /**
   * Root mode: the pool {@code --userns=auto} ranges are carved from, as one set for uids and gids
   * (a container gets the same start for both). Like Podman, the {@code /etc/subuid} and {@code
   * /etc/subgid} entries of user {@value #AUTO_USER} when both exist; otherwise the daemon's pool
   * without anything a user or a real account holds ({@code taken}).
   */
  public static List<SubIdRange> autoPool(
      List<SubIdRange> autoUserUids,
      List<SubIdRange> autoUserGids,
      List<SubIdRange> daemonPool,
      Collection<SubIdRange> taken) {
    if (!autoUserUids.isEmpty() && !autoUserGids.isEmpty()) {
      return intersect(autoUserUids, autoUserGids);
    }
    return freeRanges(daemonPool, taken);
  }

  /** The user whose subordinate entries are the root-mode auto pool (Podman's default). */
  public static final String AUTO_USER = "containers";

  /** Number of IDs in the union of {@code ranges}. */
  public static long size(List<SubIdRange> ranges) {
    return merge(ranges).stream().mapToLong(SubIdRange::count).sum();
  }

  /** Sorts and merges overlapping or adjacent ranges. */
  public static List<SubIdRange> merge(List<SubIdRange> ranges) {
    List<SubIdRange> result = new ArrayList<>();
    for (SubIdRange r : ranges.stream().sorted().toList()) {
      SubIdRange last = result.isEmpty() ? null : result.get(result.size() - 1);
      if (last != null && r.start() <= last.end() + 1) {
        long end = Math.max(last.end(), r.end());
        result.set(result.size() - 1, SubIdRange.of(last.start(), end - last.start() + 1));
      } else {
        result.add(r);
      }
    }
    return result;
  }

  private static List<SubIdRange> subtract(List<SubIdRange> free, SubIdRange used) {
    List<SubIdRange> result = new ArrayList<>();
    for (SubIdRange r : free) {
      if (!r.overlaps(used)) {
        result.add(r);
        continue;
      }
      if (r.start() < used.start()) {
        result.add(SubIdRange.of(r.start(), used.start() - r.start()));
      }
      if (r.end() > used.end()) {
        result.add(SubIdRange.of(used.end() + 1, r.end() - used.end()));
      }
    }
    return result;
  }

  private static IdRangesExhaustedException exhausted(
      List<SubIdRange> pool, Collection<SubIdRange> allocated, long size) {
    List<SubIdRange> free = freeRanges(pool, allocated);
    long largest = free.stream().mapToLong(SubIdRange::count).max().orElse(0);
    return new IdRangesExhaustedException(
        "cannot allocate "
            + size
            + " IDs from the pool "
            + pool.stream().map(SubIdRange::toString).toList()
            + ": "
            + allocated.size()
            + " ranges are in use and the largest free range has "
            + largest
            + " IDs; remove containers using --userns=auto or request a smaller size");
  }
}
