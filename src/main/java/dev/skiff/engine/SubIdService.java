package dev.skiff.engine;

import dev.skiff.config.SkiffConfig;
import dev.skiff.security.SubIdFile;
import dev.skiff.security.SubIdGrant;
import dev.skiff.security.SubIdRange;
import dev.skiff.security.SubIdUsage;
import dev.skiff.security.PasswdFile;
import dev.skiff.store.IdAllocationStore;
import dev.skiff.store.Store;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;

/**
 * The daemon side of subordinate IDs: the admin action {@link #add} (root daemons only) and the
 * usage numbers behind the {@code skiff_subid_*} gauges. The files are {@code skiff.subuid-file},
 * {@code skiff.subgid-file} and {@code skiff.passwd-file}.
 */
@ApplicationScoped
public class SubIdService {

  private final SkiffConfig config;
  private final DaemonIdentity identity;
  private final IdAllocationStore allocations;
  private final SubIdAdmin admin;

  public SubIdService(SkiffConfig config, DaemonIdentity identity, Store store) {
    this.config = config;
    this.identity = identity;
    this.allocations = new IdAllocationStore(store.database());
    this.admin = new SubIdAdmin(
        new SubIdAdmin.Locations(config.subuidFile(), config.subgidFile(), config.passwdFile()),
        SubIdAdmin.defaultPool(), this::reserved);
  }

  /**
   * Gives {@code user} a new subordinate range (see {@link SubIdAdmin#add}).
   *
   * @throws PermissionDeniedException on a rootless daemon
   */
  public SubIdGrant add(String user, long size, boolean additional) {
    if (identity.rootless()) {
      throw new PermissionDeniedException("subordinate IDs are assigned by a root skiffd only: this daemon runs"
          + " rootless as " + identity.ids().userName() + " and cannot write " + config.subuidFile()
          + " (as root: `skiffd subids add " + user + "`)");
    }
    return admin.add(user, size, additional);
  }

  /** Ranges held by the daemon (its store's allocations): user ranges stay clear of them. */
  private Collection<SubIdRange> reserved() {
    return allocations.all().stream()
        .flatMap(a -> java.util.stream.Stream.of(SubIdRange.of(a.uidStart(), a.size()), SubIdRange.of(a.gidStart(), a.size())))
        .toList();
  }

  /** UID usage of the daemon's ID space (see {@link SubIdUsage} for what the numbers mean). */
  public SubIdUsage uidUsage() {
    return usage(true);
  }

  public SubIdUsage gidUsage() {
    return usage(false);
  }

  private SubIdUsage usage(boolean uids) {
    if (identity.rootless()) {
      return SubIdUsage.rootless(uids ? identity.ids().subUids() : identity.ids().subGids());
    }
    List<SubIdRange> held = allocations.all().stream()
        .map(a -> SubIdRange.of(uids ? a.uidStart() : a.gidStart(), a.size()))
        .toList();
    Path file = uids ? config.subuidFile() : config.subgidFile();
    SubIdFile entries = Files.isReadable(file) ? SubIdFile.parse(file) : SubIdFile.parse("", file.toString());
    List<Long> real = Files.isReadable(config.passwdFile()) ? PasswdFile.parse(config.passwdFile()).realIds() : List.of();
    return SubIdUsage.root(uids ? identity.ids().subUids() : identity.ids().subGids(), held, entries, real);
  }
}
