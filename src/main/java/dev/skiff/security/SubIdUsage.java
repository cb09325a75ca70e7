package dev.skiff.security;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * How much of the daemon's ID space is in use, for the {@code skiff_subid_allocated_ids} and
 * {@code skiff_subid_free_ids} gauges (one pair per kind, uid and gid).
 *
 * <ul>
 *   <li>Rootless: the daemon owns its user's subordinate ranges and every container's default map
 *       uses all of them, so {@code allocated} is their size (the user's own ID, container root,
 *       is not counted) and {@code free} is 0. No range: both 0.
 *   <li>Root: the daemon owns the pool (default 100000–4294967294). {@code allocated} is the
 *       number of pool IDs held by the daemon's allocations in the store (the default
 *       container range and every live container's {@code --userns=auto} range). {@code free} is the number of pool
 *       IDs that could still be handed out: not allocated, not in any subordinate-file entry (those
 *       belong to users) and not a real user's uid or gid.
 * </ul>
 */
public record SubIdUsage(long allocated, long free) {

  public static SubIdUsage rootless(List<SubIdRange> subordinateRanges) {
    return new SubIdUsage(IdRangeAllocator.size(subordinateRanges), 0);
  }

  public static SubIdUsage root(
      List<SubIdRange> pool,
      Collection<SubIdRange> allocations,
      SubIdFile subordinateFile,
      Collection<Long> realIds) {
    List<SubIdRange> inPool = new ArrayList<>();
    for (SubIdRange a : allocations) {
      for (SubIdRange p : IdRangeAllocator.merge(pool)) {
        if (a.overlaps(p)) {
          long start = Math.max(a.start(), p.start());
          long end = Math.min(a.end(), p.end());
          inPool.add(SubIdRange.of(start, end - start + 1));
        }
      }
    }
    List<SubIdRange> taken = new ArrayList<>(allocations);
    taken.addAll(subordinateFile.allRanges());
    realIds.stream()
        .filter(id -> id >= 0 && id < SubIdRange.ID_LIMIT)
        .forEach(id -> taken.add(SubIdRange.of(id, 1)));
    long free = IdRangeAllocator.size(IdRangeAllocator.freeRanges(pool, taken));
    return new SubIdUsage(IdRangeAllocator.size(inPool), free);
  }
}
