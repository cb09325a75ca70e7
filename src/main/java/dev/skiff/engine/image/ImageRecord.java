package dev.skiff.engine.image;

import java.time.Instant;
import java.util.List;

/**
 * An image as the store keeps it.
 *
 * @param id the sha256 hex of the config bytes
 * @param configJson the exact config bytes (as text)
 * @param diffIds layer diffIDs, bottom first ("sha256:...")
 * @param size the sum of the uncompressed layer sizes
 */
public record ImageRecord(String id, Instant created, String configJson, List<String> diffIds, long size,
    String digest) {
  public ImageRecord {
    diffIds = List.copyOf(diffIds);
  }
}
