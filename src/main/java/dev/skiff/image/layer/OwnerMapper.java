package dev.skiff.image.layer;

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

  /** Files keep the ids the tar names. */
  static OwnerMapper identity() {
    return Ids::new;
  }
}
