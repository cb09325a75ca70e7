package dev.skiff.image.layer;

import dev.skiff.image.Digest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * What image code needs from storage for layers and blobs: content-addressed files only. Which
 * images and tags reference them is the store's database business (image/ returns records, the
 * store persists them). Implementations make every write idempotent and atomic, so a crash
 * between a file operation and the database transaction is repaired by simply re-running it.
 */
public interface LayerStore {
  /** Whether {@code layers/<diffid-hex>/} is fully extracted. */
  boolean hasLayer(Digest diffId);

  /** The extracted tree of a layer (may not exist yet). */
  Path layerDir(Digest diffId);

  /**
   * Extracts an uncompressed layer tar as layer {@code diffId}: into a staging directory, checking
   * that the tar's sha256 is {@code diffId}, then one atomic rename. A no-op when the layer exists.
   * On failure nothing is left behind.
   */
  CommittedLayer commitLayer(Digest diffId, Path uncompressedTar)
      throws IOException, LayerExtractionException;

  boolean hasBlob(Digest digest);

  /** {@code blobs/sha256/<hex>} (may not exist yet). */
  Path blobPath(Digest digest);

  /**
   * Moves {@code file} into the blob store under its sha256 (computed here), atomically; when the
   * blob already exists the file is deleted. Returns the digest.
   */
  Digest putBlob(Path file) throws IOException;

  /** A layer that is in place. {@code warnings} is empty when it already existed. */
  record CommittedLayer(Digest diffId, Path dir, boolean created, List<String> warnings) {
    public CommittedLayer {
      warnings = List.copyOf(warnings);
    }
  }
}
