package dev.skiff.engine;

import dev.skiff.config.SkiffConfig;
import dev.skiff.security.DaemonIds;
import dev.skiff.security.IdMap;
import dev.skiff.security.IdMapping;
import dev.skiff.security.IdRangeAllocator;
import dev.skiff.security.InvalidSubIdFileException;
import dev.skiff.security.PasswdFile;
import dev.skiff.security.SubIdFile;
import dev.skiff.security.SubIdRange;
import dev.skiff.store.IdAllocationStore;
import dev.skiff.store.Store;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Files;
import java.util.List;
import java.util.Optional;

/**
 * Who the daemon is and which IDs it owns: rootless, the user's uid/gid and their
 * {@code /etc/subuid}/{@code /etc/subgid} ranges; root, the pool and a default range for containers
 * (allocated once, clear of every {@code /etc/subuid} entry, and kept in the store). The default
 * container ID map decides the owners of extracted image layers.
 */
@ApplicationScoped
public class DaemonIdentity {

  private static final String ROOT_DEFAULT_OWNER = "root-default";
  private static final long DEFAULT_RANGE_SIZE = 65_536;

  private final DaemonIds ids;
  private final Optional<String> problem;
  private final SubIdRange rootDefaultRange;
  private final dev.skiff.runtime.NamespaceHolder holder;
  private final String noHolder;

  public DaemonIdentity(SkiffConfig config, Store store) {
    var unix = new com.sun.security.auth.module.UnixSystem();
    String user = unix.getUsername();
    Optional<String> why = Optional.empty();
    SubIdFile subuid = SubIdFile.parse("", config.subuidFile().toString());
    SubIdFile subgid = SubIdFile.parse("", config.subgidFile().toString());
    try {
      if (Files.isReadable(config.subuidFile())) {
        subuid = SubIdFile.parse(config.subuidFile());
      }
      if (Files.isReadable(config.subgidFile())) {
        subgid = SubIdFile.parse(config.subgidFile());
      }
    } catch (InvalidSubIdFileException e) {
      why = Optional.of(e.getMessage());
    }
    if (config.rootless()) {
      List<SubIdRange> u = subuid.rangesFor(user, unix.getUid());
      List<SubIdRange> g = subgid.rangesFor(user, unix.getUid());
      if (why.isEmpty() && (u.isEmpty() || g.isEmpty())) {
        why = Optional.of("user " + user + " has no subordinate ID range in " + config.subuidFile() + " / "
            + config.subgidFile() + ": containers get a single-ID mapping; fix with `usermod --add-subuids"
            + " 100000-165535 --add-subgids 100000-165535 " + user + "`");
      }
      ids = DaemonIds.rootless(user, unix.getUid(), unix.getGid(), u, g);
      rootDefaultRange = null;
    } else {
      List<SubIdRange> pool = List.of(IdRangeAllocator.DEFAULT_USER_POOL);
      ids = DaemonIds.root(pool, pool);
      // clear of every user's subuid and subgid range and of real users' uids and gids
      List<SubIdRange> taken = new java.util.ArrayList<>(subuid.allRanges());
      taken.addAll(subgid.allRanges());
      if (Files.isReadable(config.passwdFile())) {
        PasswdFile.parse(config.passwdFile()).realIds().forEach(id -> taken.add(SubIdRange.of(id, 1)));
      }
      IdAllocationStore allocations = new IdAllocationStore(store.database());
      rootDefaultRange = allocations.get(ROOT_DEFAULT_OWNER)
          .map(a -> SubIdRange.of(a.uidStart(), a.size()))
          .orElseGet(() -> {
            SubIdRange r = IdRangeAllocator.allocate(pool, taken, DEFAULT_RANGE_SIZE);
            allocations.put(ROOT_DEFAULT_OWNER, r.start(), r.start(), r.count());
            return r;
          });
    }
    this.problem = why;
    if (!ids.rootless()) {
      noHolder = "root daemon: ID maps are written directly";
    } else if (why.isPresent()) {
      noHolder = "no subordinate ID range";
    } else if (config.shim().isEmpty()) {
      noHolder = "skiff-shim is not configured";
    } else {
      noHolder = null;
    }
    holder = noHolder == null ? new dev.skiff.runtime.NamespaceHolder(config.shim().get(),
        config.runroot().resolve("holder.pid"), defaultUidMap(), defaultGidMap()) : null;
  }

  /** Rootless: makes or joins the namespace holder at daemon start (logs why when it cannot). */
  void start(@jakarta.enterprise.event.Observes io.quarkus.runtime.StartupEvent ev) {
    if (holder != null) {
      holder.ensure();
    }
  }

  /** The rootless namespace holder; empty for a root daemon or without a subordinate range. */
  public Optional<dev.skiff.runtime.NamespaceHolder> holder() {
    return Optional.ofNullable(holder);
  }

  /** Why container ID maps go through newuidmap/newgidmap (or are written directly), when no holder is used. */
  public Optional<String> holderProblem() {
    return holder == null ? Optional.ofNullable(noHolder) : holder.problem();
  }

  public DaemonIds ids() {
    return ids;
  }

  public boolean rootless() {
    return ids.rootless();
  }

  /** Why containers cannot get a full ID map, if they cannot. */
  public Optional<String> problem() {
    return problem;
  }

  /** Root mode: the range default containers map 0..65535 to. */
  public Optional<SubIdRange> rootDefaultRange() {
    return Optional.ofNullable(rootDefaultRange);
  }

  /** The default container uid map in host IDs (what image layers are owned by). */
  public IdMap defaultUidMap() {
    return defaultMap(ids.uid(), ids.subUids());
  }

  public IdMap defaultGidMap() {
    return defaultMap(ids.gid(), ids.subGids());
  }

  private IdMap defaultMap(long own, List<SubIdRange> ranges) {
    if (!ids.rootless()) {
      return IdMap.of(IdMapping.of(0, rootDefaultRange.start(), rootDefaultRange.count()));
    }
    List<IdMapping> m = new java.util.ArrayList<>();
    m.add(IdMapping.of(0, own, 1));
    long next = 1;
    for (SubIdRange r : ranges) {
      m.add(IdMapping.of(next, r.start(), r.count()));
      next += r.count();
    }
    return new IdMap(m);
  }
}
