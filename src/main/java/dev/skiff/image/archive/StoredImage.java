package dev.skiff.image.archive;

import dev.skiff.image.Digest;
import dev.skiff.image.ImageReference;
import dev.skiff.image.json.ImageConfig;
import java.util.List;

/**
 * An image whose files are in a {@link dev.skiff.image.layer.LayerStore}: what the store's
 * database records (image row, tags, layer references). Returned by {@link ImageUnpacker}.
 *
 * @param id sha256 of the config bytes; the config is the blob {@code id}
 * @param names references to tag it with (may be empty)
 * @param config parsed config (for inspect and container defaults)
 * @param diffIds layers bottom first; each is {@code layers/<hex>/} and the blob {@code <hex>}
 * @param size sum of the uncompressed layer sizes (the {@code Size} podman reports)
 * @param warnings extraction warnings (skipped device nodes, dropped xattrs), for the events/log
 */
public record StoredImage(
    Digest id, List<ImageReference> names, ImageConfig config, List<Digest> diffIds, long size,
    List<String> warnings) {
  public StoredImage {
    names = List.copyOf(names);
    diffIds = List.copyOf(diffIds);
    warnings = List.copyOf(warnings);
  }
}
