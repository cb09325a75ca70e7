package dev.skiff.engine.container;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skiff.config.SkiffConfig;
import dev.skiff.engine.DaemonIdentity;
import dev.skiff.engine.InvalidArgumentException;
import dev.skiff.engine.SkiffException;
import dev.skiff.runtime.UsernsOps;
import dev.skiff.security.IdMap;
import dev.skiff.security.IdMapping;
import dev.skiff.security.LayerShift;
import dev.skiff.store.MappedLayerDirs;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import org.jboss.logging.Logger;

/**
 * Rootless storage for containers whose ID map is not the default one ({@code --userns=auto},
 * {@code nomap}, {@code keep-id}, other {@code --uidmap}). Layers are stored once, owned through
 * the default map, and a rootless daemon cannot make ID-mapped mounts on the host's filesystems;
 * so, as rootless Podman does ("Copying storage for user namespace"), such a container reads
 * copies of its image's layers re-owned through its own map ({@link LayerShift}), made by
 * {@code skiff-shim userns-run copy-shifted}.
 *
 * <p>Copies live in {@code <root>/storage/mapped/<shift key>/<layer>}: one per (layer, shift),
 * shared by every container with the same map (all {@code nomap} or {@code keep-id} containers;
 * each {@code auto} range has its own). A copy is made into a temporary name and renamed when
 * complete, so a crash or failure never leaves a half copy in use. Nothing records the users of a
 * copy but the containers in the store themselves: after a removal, and at start-up for whatever
 * a crash left, every shift directory no stored container maps to is deleted.
 *
 * <p>Also the container's own directories: its overlay upper and work dirs belong to its root
 * user (the container's root must own "/" and write there, and overlay works with the mounter's
 * credentials).
 */
@ApplicationScoped
public class MappedStorage {

  private static final Logger LOG = Logger.getLogger(MappedStorage.class);

  private final DaemonIdentity identity;
  private final SkiffConfig config;
  private final MappedLayerDirs dirs;
  private final ReentrantLock lock = new ReentrantLock();

  public MappedStorage(DaemonIdentity identity, SkiffConfig config) {
    this.identity = identity;
    this.config = config;
    this.dirs = new MappedLayerDirs(config.root());
  }

  /** A layer copy that could not be made (not the client's fault). */
  public static final class LayerCopyException extends SkiffException {
    LayerCopyException(String message, Throwable t) {
      super(message, "layer copy failed", t);
    }
  }

  /** The re-owning a container's layers need, or empty when it reads the stored layers as they are. */
  public Optional<LayerShift> shiftOf(JsonNode oci) {
    JsonNode uids = oci.path("linux").path("uidMappings");
    JsonNode gids = oci.path("linux").path("gidMappings");
    if (!identity.rootless() || !uids.isArray() || uids.isEmpty()) {
      return Optional.empty(); // root: ID-mapped layers; no user namespace: nothing to shift
    }
    LayerShift s = LayerShift.of(identity.defaultUidMap(), identity.defaultGidMap(), map(uids), map(gids));
    return s.isIdentity() ? Optional.empty() : Optional.of(s);
  }

  /**
   * The overlay lower dirs of a container, top first: the image's layers, or their copies for the
   * container's shift, made now where missing.
   *
   * @throws InvalidArgumentException when a layer has an owner the container's map lacks
   */
  public List<Path> lowerDirs(JsonNode oci, List<Path> layersTopFirst) {
    Optional<LayerShift> shift = shiftOf(oci);
    if (shift.isEmpty()) {
      return layersTopFirst;
    }
    List<Path> out = new ArrayList<>();
    lock.lock();
    try {
      for (Path layer : layersTopFirst) {
        out.add(copyOf(shift.get(), layer));
      }
    } finally {
      lock.unlock();
    }
    return out;
  }

  private Path copyOf(LayerShift shift, Path layer) {
    Path target = dirs.copy(shift.key(), layer);
    if (dirs.isComplete(target)) {
      return target;
    }
    Path tmp = dirs.temporary(target);
    long t0 = System.nanoTime();
    try {
      ops().copyShifted(layer, tmp, shift.uids(), shift.gids());
      dirs.commit(tmp, target);
    } catch (IOException | RuntimeException e) {
      removeQuietly(List.of(tmp));
      String why = e.getMessage() == null ? e.toString() : e.getMessage();
      if (why.contains("has no id in the container's map")) {
        throw new InvalidArgumentException("the image's files cannot be given to the container's ID map ("
            + shift.text() + "): " + why + "; give it a map that covers that owner (e.g. a larger"
            + " --userns=auto:size=N)", e);
      }
      throw new LayerCopyException("copying layer " + layer.getFileName() + " for the container's user namespace: "
          + why, e);
    }
    LOG.infof("Copying storage for user namespace: layer %s re-owned by %s in %d ms", layer.getFileName(),
        shift.text(), (System.nanoTime() - t0) / 1_000_000);
    return target;
  }

  /**
   * Gives the container's upper and work dirs to its root user (its map's ID 0) when that is not
   * the daemon's user. Idempotent; called before each start.
   */
  public void ownContainerDirs(JsonNode oci, Path upper, Path work) {
    if (shiftOf(oci).isEmpty()) {
      return;
    }
    long uid = namespaceIdOfRoot(oci.path("linux").path("uidMappings"), identity.defaultUidMap());
    long gid = namespaceIdOfRoot(oci.path("linux").path("gidMappings"), identity.defaultGidMap());
    if (uid == 0 && gid == 0) {
      return;
    }
    try {
      ops().chown(upper.getParent(), List.of(
          new UsernsOps.Chown(upper.getFileName().toString(), uid, gid, 0755),
          new UsernsOps.Chown(work.getFileName().toString(), uid, gid, 0755)));
    } catch (IOException e) {
      throw new LayerCopyException("giving the container's directories to its root user: " + e.getMessage(), e);
    }
  }

  /**
   * Gives a new (empty, still the daemon user's) named or anonymous volume to the container's root
   * user, as podman chowns a volume on its first mount; other paths are left alone.
   */
  public void ownNewVolume(JsonNode oci, Path data) {
    Path volumes = config.root().resolve("volumes");
    if (shiftOf(oci).isEmpty() || !data.startsWith(volumes) || !data.getFileName().toString().equals("_data")
        || !Files.isDirectory(data, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    long uid = namespaceIdOfRoot(oci.path("linux").path("uidMappings"), identity.defaultUidMap());
    long gid = namespaceIdOfRoot(oci.path("linux").path("gidMappings"), identity.defaultGidMap());
    try (var entries = Files.list(data)) {
      boolean mine = Files.getAttribute(data, "unix:uid", LinkOption.NOFOLLOW_LINKS)
          .equals(Files.getAttribute(config.root(), "unix:uid", LinkOption.NOFOLLOW_LINKS));
      if (mine && entries.findAny().isEmpty() && (uid != 0 || gid != 0)) {
        ops().chown(data.getParent(), List.of(new UsernsOps.Chown("_data", uid, gid, 0755)));
      }
    } catch (IOException e) {
      throw new LayerCopyException("giving volume " + data.getParent().getFileName() + " to the container's root user: "
          + e.getMessage(), e);
    }
  }

  /**
   * Deletes the copies of every shift no container in {@code remaining} (the store's containers)
   * uses, and temporary copies a crash left; call after a removal and at start-up.
   */
  public void release(Collection<JsonNode> remaining) {
    if (!identity.rootless()) {
      return;
    }
    Set<String> used = new HashSet<>();
    remaining.forEach(oci -> shiftOf(oci).ifPresent(s -> used.add(s.key())));
    lock.lock();
    try {
      List<Path> unused = dirs.unused(used);
      if (!unused.isEmpty()) {
        ops().remove(unused);
        LOG.debugf("removed unused layer copies %s", unused);
      }
    } catch (IOException | RuntimeException e) {
      LOG.warnf("could not remove unused layer copies: %s", e.getMessage());
    } finally {
      lock.unlock();
    }
  }

  private void removeQuietly(List<Path> paths) {
    try {
      ops().remove(paths);
    } catch (IOException | RuntimeException e) {
      LOG.warnf("could not remove %s: %s", paths, e.getMessage());
    }
  }

  private UsernsOps ops() {
    Path shim = config.shim().orElseThrow(() -> new LayerCopyException("no skiff-shim found", null));
    return new UsernsOps(shim, identity.defaultUidMap(), identity.defaultGidMap());
  }

  /** The container root's ID in the daemon's namespace (the default map's container ID for it). */
  private static long namespaceIdOfRoot(JsonNode mappings, IdMap defaults) {
    long host = -1;
    for (JsonNode m : mappings) {
      if (m.path("containerID").asLong(-1) == 0) {
        host = m.path("hostID").asLong();
      }
    }
    for (IdMapping d : defaults.mappings()) {
      if (host >= 0 && d.hostRange().contains(host)) {
        return d.containerId() + host - d.hostId();
      }
    }
    return 0;
  }

  private static IdMap map(JsonNode mappings) {
    List<IdMapping> out = new ArrayList<>();
    for (JsonNode m : mappings) {
      out.add(IdMapping.of(m.path("containerID").asLong(), m.path("hostID").asLong(), m.path("size").asLong()));
    }
    return new IdMap(out);
  }
}
