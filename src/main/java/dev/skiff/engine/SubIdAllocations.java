package dev.skiff.engine;

import dev.skiff.config.SkiffConfig;
import dev.skiff.security.IdMapPlanner;
import dev.skiff.security.IdMapping;
import dev.skiff.security.IdRangeAllocator;
import dev.skiff.security.IdRangesExhaustedException;
import dev.skiff.security.PasswdFile;
import dev.skiff.security.SubIdFile;
import dev.skiff.security.SubIdRange;
import dev.skiff.store.IdAllocationStore;
import dev.skiff.store.Store;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Per-container {@code --userns=auto} ranges (root mode). The ranges live in the store's
 * {@code id_allocations} table, written in the container's own insert transaction and deleted with
 * its row, so the store is the only truth and a restarted daemon simply reads it again. Choosing a
 * range and inserting the container happen under {@link #exclusive}, so two creates never pick the
 * same IDs (this daemon is the store's only writer).
 *
 * <p>The pool: the {@code /etc/subuid} and {@code /etc/subgid} entries of user {@value
 * IdRangeAllocator#AUTO_USER} when both exist (Podman's rule, so the same files drive both), else
 * the daemon's pool (100000–4294967294) minus every subordinate entry and real user's ID. Every
 * range the store holds (the default container range, other containers) is excluded.
 *
 * <p>Rootless (Podman's rule too): the pool is the user's own subordinate IDs as the daemon's
 * namespace numbers them, 1..N (0 is the user), so ranges are stored in those IDs and translated
 * to host IDs by the planner.
 */
@ApplicationScoped
public class SubIdAllocations {

  private final SkiffConfig config;
  private final DaemonIdentity identity;
  private final IdAllocationStore allocations;
  private final ReentrantLock lock = new ReentrantLock();

  public SubIdAllocations(SkiffConfig config, Store store, DaemonIdentity identity) {
    this.config = config;
    this.identity = identity;
    this.allocations = new IdAllocationStore(store.database());
  }

  /** Runs {@code work} (allocate, then insert the container) with no other allocation in between. */
  public <T> T exclusive(Supplier<T> work) {
    lock.lock();
    try {
      return work.get();
    } finally {
      lock.unlock();
    }
  }

  /**
   * A free range of {@code size} IDs (same start for uids and gids), clear of every live
   * allocation and of {@code forcedHostIds} (the container's own {@code uidmapping}/{@code
   * gidmapping} host IDs). Call inside {@link #exclusive} and store it with the container.
   *
   * @throws ConflictException naming the pool, the size and what is free when none is left
   * @throws InvalidArgumentException when forced host IDs are held by another container
   */
  public SubIdRange allocate(long size, List<IdMapping> forcedHostIds) {
    List<SubIdRange> held = held();
    for (IdMapping m : forcedHostIds) {
      for (IdAllocationStore.Allocation a : allocations.all()) {
        SubIdRange r = SubIdRange.of(a.uidStart(), a.size());
        if (r.overlaps(m.hostRange()) || SubIdRange.of(a.gidStart(), a.size()).overlaps(m.hostRange())) {
          throw new InvalidArgumentException("--userns=auto mapping " + m + " uses host IDs " + m.hostRange()
              + " that are allocated to " + describeOwner(a.owner()) + " (" + r + ")");
        }
      }
    }
    List<SubIdRange> taken = new ArrayList<>(held);
    forcedHostIds.forEach(m -> taken.add(m.hostRange()));
    List<SubIdRange> pool = pool();
    try {
      return IdRangeAllocator.allocate(pool, taken, size);
    } catch (IdRangesExhaustedException e) {
      throw new ConflictException("--userns=auto: " + e.getMessage() + " (pool: " + poolSource() + ")",
          "ID ranges exhausted");
    }
  }

  /** The allocation record to store with a new container. */
  public static IdAllocationStore.Allocation forContainer(String containerId, SubIdRange range) {
    return new IdAllocationStore.Allocation(IdAllocationStore.containerOwner(containerId), range.start(),
        range.start(), range.count());
  }

  /** Every range the store holds (uids and gids), containers' and the default range. */
  public List<SubIdRange> held() {
    List<SubIdRange> out = new ArrayList<>();
    for (IdAllocationStore.Allocation a : allocations.all()) {
      out.add(SubIdRange.of(a.uidStart(), a.size()));
      out.add(SubIdRange.of(a.gidStart(), a.size()));
    }
    return out;
  }

  /** The auto pool as it stands (see the class comment). */
  public List<SubIdRange> pool() {
    if (identity.rootless()) {
      return IdMapPlanner.autoPool(identity.ids());
    }
    SubIdFile uids = read(config.subuidFile());
    SubIdFile gids = read(config.subgidFile());
    PasswdFile passwd = Files.isReadable(config.passwdFile()) ? PasswdFile.parse(config.passwdFile())
        : PasswdFile.parse("");
    long autoUid = passwd.user(IdRangeAllocator.AUTO_USER).map(PasswdFile.User::uid).orElse(-1L);
    List<SubIdRange> taken = new ArrayList<>(uids.allRanges());
    taken.addAll(gids.allRanges());
    passwd.realIds().forEach(id -> taken.add(SubIdRange.of(id, 1)));
    return IdRangeAllocator.autoPool(uids.rangesFor(IdRangeAllocator.AUTO_USER, autoUid),
        gids.rangesFor(IdRangeAllocator.AUTO_USER, autoUid), List.of(IdRangeAllocator.DEFAULT_USER_POOL), taken);
  }

  private String poolSource() {
    if (identity.rootless()) {
      return "the subordinate IDs of user " + identity.ids().userName() + " in " + config.subuidFile() + " and "
          + config.subgidFile() + ", " + identity.ids().subUids().stream().map(SubIdRange::toString).toList()
          + ", numbered 1.." + IdMapPlanner.autoPool(identity.ids()).stream().mapToLong(SubIdRange::count).sum()
          + " in skiffd's user namespace";
    }
    boolean entries = !read(config.subuidFile()).rangesFor(IdRangeAllocator.AUTO_USER, -1).isEmpty()
        && !read(config.subgidFile()).rangesFor(IdRangeAllocator.AUTO_USER, -1).isEmpty();
    return !entries
        ? "skiffd's pool " + IdRangeAllocator.DEFAULT_USER_POOL + " minus subordinate entries and real users' IDs"
        : "the \"" + IdRangeAllocator.AUTO_USER + "\" entries of " + config.subuidFile() + " and "
            + config.subgidFile();
  }

  private static String describeOwner(String owner) {
    return owner.startsWith("container:") ? "container " + owner.substring("container:".length())
        : "the daemon (" + owner + ")";
  }

  private static SubIdFile read(Path file) {
    return Files.isReadable(file) ? SubIdFile.parse(file) : SubIdFile.parse("", file.toString());
  }
}
