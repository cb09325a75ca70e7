package dev.skiff.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;

/**
 * Where a container's files live. Persistent ({@code <root>/containers/<id>/}): the overlay upper
 * and work dirs and the log. Runtime ({@code <runroot>/containers/<id>/}): the bundle with
 * config.json and the pid file. Exit files: {@code <runroot>/exits/<id>.json}.
 */
public final class ContainerDirs {

  private final Path root;
  private final Path runroot;

  public ContainerDirs(Path root, Path runroot) {
    this.root = root;
    this.runroot = runroot;
  }

  public Path persistent(String id) {
    return root.resolve("containers").resolve(id);
  }

  public Path bundle(String id) {
    return runroot.resolve("containers").resolve(id);
  }

  public Path upper(String id) {
    return persistent(id).resolve("upper");
  }

  public Path work(String id) {
    return persistent(id).resolve("work");
  }

  public Path rootfs(String id) {
    return bundle(id).resolve("rootfs");
  }

  public Path log(String id) {
    return persistent(id).resolve("ctr.log");
  }

  public Path pidFile(String id) {
    return bundle(id).resolve("pid");
  }

  public Path exits() {
    return runroot.resolve("exits");
  }

  public Path exitFile(String id) {
    return exits().resolve(id + ".json");
  }

  public Path seccompCache() {
    return runroot.resolve("seccomp-cache");
  }

  /**
   * Creates the directories a start needs (idempotent). The container's own directories belong to
   * the host uid/gid of its root user ({@code owner}, null = the daemon's user), so its init can
   * mount the overlay from inside its user namespace; their parents are search-only (0711) for
   * others then, never listable.
   */
  public void prepare(String id, long[] owner) {
    try {
      for (Path p : new Path[] {upper(id), work(id), rootfs(id), exits(), seccompCache()}) {
        Files.createDirectories(p);
      }
      // the overlay's root directory takes the upper dir's mode: "/" must be 0755 for every user
      // (an upper dir already handed to a rootless container's subordinate root keeps its mode)
      if (Files.getAttribute(upper(id), "unix:uid", LinkOption.NOFOLLOW_LINKS)
          .equals(Files.getAttribute(root, "unix:uid", LinkOption.NOFOLLOW_LINKS))) {
        Files.setPosixFilePermissions(upper(id), java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
      }
      if (owner != null) {
        for (Path p : new Path[] {root, root.resolve("containers"), runroot, runroot.resolve("containers"),
            root.resolve("storage"), root.resolve("storage").resolve("layers")}) {
          if (Files.isDirectory(p)) {
            Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x"));
          }
        }
        for (Path p : new Path[] {persistent(id), upper(id), work(id), bundle(id), rootfs(id)}) {
          Files.setAttribute(p, "unix:uid", (int) owner[0], LinkOption.NOFOLLOW_LINKS);
          Files.setAttribute(p, "unix:gid", (int) owner[1], LinkOption.NOFOLLOW_LINKS);
        }
      }
    } catch (IOException e) {
      throw new StoreException("cannot create directories of container " + id + ": " + e.getMessage(), e);
    }
  }

  /**
   * Makes a volume under {@code root/volumes} usable by a container whose root is {@code owner}:
   * its parents become search-only (0711) for others, and a volume nobody has written to yet (empty,
   * still owned by the daemon) is handed to the container's root, as podman chowns a new volume on
   * its first mount. Paths elsewhere are left alone.
   */
  public void prepareVolume(Path data, long[] owner) {
    Path volumes = root.resolve("volumes");
    if (!data.startsWith(volumes) || !data.getFileName().toString().equals("_data") || !Files.isDirectory(data)) {
      return;
    }
    try {
      var searchOnly = java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x");
      for (Path p : new Path[] {root, volumes, data.getParent()}) {
        if (!Files.getPosixFilePermissions(p).containsAll(java.util.Set.of(
            java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE))) {
          Files.setPosixFilePermissions(p, searchOnly);
        }
      }
      int uid = (Integer) Files.getAttribute(data, "unix:uid", LinkOption.NOFOLLOW_LINKS);
      boolean empty;
      try (var entries = Files.list(data)) {
        empty = entries.findAny().isEmpty();
      }
      if (owner != null && empty && uid == 0 && owner[0] != 0) {
        Files.setAttribute(data, "unix:uid", (int) owner[0], LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(data, "unix:gid", (int) owner[1], LinkOption.NOFOLLOW_LINKS);
      }
    } catch (IOException e) {
      throw new StoreException("cannot prepare volume directory " + data + ": " + e.getMessage(), e);
    }
  }

  /** Forgets a previous run's exit file before a new start. */
  public void clearExit(String id) {
    try {
      Files.deleteIfExists(exitFile(id));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Removes everything of the container (idempotent). */
  public void remove(String id) {
    deleteTree(bundle(id));
    deleteTree(persistent(id));
    try {
      Files.deleteIfExists(exitFile(id));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void deleteTree(Path p) {
    if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (var walk = Files.walk(p)) {
      for (Path q : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(q);
      }
    } catch (IOException e) {
      throw new StoreException("cannot remove " + p + ": " + e.getMessage(), e);
    }
  }
}
