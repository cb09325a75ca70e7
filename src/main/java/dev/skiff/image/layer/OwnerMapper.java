package dev.skiff.image.layer;

import java.nio.file.Path;

/**
 * Maps the owner recorded in a tar entry to the host ids the extracted file gets. As root this is
 * the identity; a rootless daemon maps into the subordinate range its user namespace owns (the
 * caller builds that mapping from the ID maps; this package does not read /etc/subuid).
 */
@FunctionalInterface
public interface OwnerMapper {
  /** Host ids for a (uid, gid) pair from the layer. */
  Ids map(int uid, int gid) throws LayerExtractionException;

  /** A host (uid, gid) pair. */
  record Ids(int uid, int gid) {}

  /**
   * Whether an owner the daemon cannot set itself (EPERM: a rootless daemon and a subordinate ID)
   * may be collected and set later by {@link #applyDeferred}. False by default: the layer fails.
   */
  default boolean canDefer() {
    return false;
  }

  /**
   * Sets the collected owners beneath {@code root} once the layer is extracted (for a rootless
   * daemon: in a user namespace mapped like its containers). Modes are applied again after the
   * owner, as chown clears setuid/setgid bits; -1 means leave the mode (symlinks).
   */
  default void applyDeferred(Path root, java.util.List<Deferred> entries) throws LayerExtractionException {
    throw new LayerExtractionException(null, "cannot set " + entries.size() + " deferred owners");
  }

  /** Deletes a (staging) tree; a rootless daemon needs its user namespace for deferred owners' files. */
  default void removeTree(Path dir) throws java.io.IOException {
    LayerExtractor.deleteTree(dir);
  }

  /** An owner to set later: path relative to the layer root, ids as the tar names them. */
  record Deferred(String path, int uid, int gid, int mode) {}

  /** Files keep the ids the tar names. */
  static OwnerMapper identity() {
    return Ids::new;
  }
}
