package dev.skiff.image.archive;

import dev.skiff.image.Digest;
import dev.skiff.image.ImageReference;
import dev.skiff.image.json.ImageConfig;
import java.nio.file.Path;
import java.util.List;

/**
 * One image read from an archive (or imported), verified, with its files staged for the store.
 *
 * @param names normalised references the archive gave it (may be empty: an untagged image)
 * @param id the image id, i.e. the sha256 of the config bytes
 * @param config the parsed config
 * @param configFile the exact config bytes (hash = {@code id}); store them, never re-serialise
 * @param layers bottom layer first, each with its verified diffID
 */
public record LoadedImage(
    List<ImageReference> names, Digest id, ImageConfig config, Path configFile, List<StagedLayer> layers) {
  public LoadedImage {
    names = List.copyOf(names);
    layers = List.copyOf(layers);
  }

  /**
   * A layer as an uncompressed tar file in the staging directory, whose sha256 is {@code diffId}.
   * Hand it to {@link dev.skiff.image.layer.LayerStore#commitLayer}.
   */
  public record StagedLayer(Digest diffId, Path uncompressedTar, long size) {}
}
