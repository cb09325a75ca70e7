package dev.skiff.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;

/**
 * How a rootless container's copy of an image layer is re-owned (Podman's "Copying storage for
 * user namespace"). A rootless daemon stores each layer once, owned through its default map
 * (container ID k on disk as the host ID the default map gives k); a container whose map differs
 * (auto, nomap, keep-id, other --uidmap) needs each file of container owner k owned by the host ID
 * its own map gives k. Expressed in the IDs of a user namespace with the default map (where
 * {@code skiff-shim userns-run} does the copy), where on-disk owner k is simply k: the shift maps
 * {@code k} to {@code default⁻¹(container(k))}.
 *
 * @param uids the uid shift: entries {@code from → to, size} ({@link IdMapping#containerId} is
 *     "from", {@link IdMapping#hostId} is "to")
 * @param gids the gid shift
 */
public record LayerShift(IdMap uids, IdMap gids) {

  /**
   * The shift for a container whose maps are {@code containerUids}/{@code containerGids} (host
   * IDs), layers being owned through {@code defaultUids}/{@code defaultGids} (host IDs). IDs the
   * container does not map, or maps outside the default map's host IDs, are left out (a file with
   * such an owner cannot be copied: the copy fails naming it).
   */
  public static LayerShift of(IdMap defaultUids, IdMap defaultGids, IdMap containerUids, IdMap containerGids) {
    return new LayerShift(shift(defaultUids, containerUids), shift(defaultGids, containerGids));
  }

  /** True when every file keeps its owner: the layers can be used as they are. */
  public boolean isIdentity() {
    return IdMapPlanner.isIdentity(uids) && IdMapPlanner.isIdentity(gids);
  }

  /** A short stable name for this shift (the directory its copies live in). */
  public String key() {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(text().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code u:from:to:size,...;g:...}, the shift as text. */
  public String text() {
    return "u:" + String.join(",", uids.mappings().stream().map(IdMapping::toString).toList())
        + ";g:" + String.join(",", gids.mappings().stream().map(IdMapping::toString).toList());
  }

  static IdMap shift(IdMap defaults, IdMap container) {
    List<IdMapping> pieces = new ArrayList<>();
    for (IdMapping m : container.mappings()) {
      for (IdMapping d : defaults.mappings()) {
        // container IDs both maps have: files can be owned by them on disk and in the container
        long start = Math.max(m.containerId(), d.containerId());
        long end = Math.min(m.containerId() + m.size(), d.containerId() + d.size());
        if (start >= end) {
          continue;
        }
        long hostStart = m.hostId() + start - m.containerId();
        for (IdMapping back : defaults.mappings()) {
          // the host IDs, back to the default map's container IDs (the copying namespace's IDs)
          long hs = Math.max(hostStart, back.hostId());
          long he = Math.min(hostStart + end - start, back.hostId() + back.size());
          if (hs < he) {
            pieces.add(IdMapping.of(start + hs - hostStart, back.containerId() + hs - back.hostId(), he - hs));
          }
        }
      }
    }
    pieces.sort(Comparator.comparingLong(IdMapping::containerId));
    return new IdMap(merge(pieces));
  }

  private static List<IdMapping> merge(List<IdMapping> sorted) {
    List<IdMapping> out = new ArrayList<>();
    for (IdMapping p : sorted) {
      if (!out.isEmpty()) {
        IdMapping last = out.get(out.size() - 1);
        if (last.containerId() + last.size() == p.containerId() && last.hostId() + last.size() == p.hostId()) {
          out.set(out.size() - 1, IdMapping.of(last.containerId(), last.hostId(), last.size() + p.size()));
          continue;
        }
      }
      out.add(p);
    }
    return out;
  }
}
