package dev.skiff.image.archive;

import dev.skiff.image.Digest;
import dev.skiff.image.ImageReference;
import java.nio.file.Path;
import java.util.List;

/**
 * A stored image as {@link ImageArchiveWriter} needs it: names, id, the config file (exact
 * bytes, sha256 = id) and the uncompressed layer tars in diffID order.
 */
public record SavedImage(
    List<ImageReference> names, Digest id, Path configFile, List<Digest> diffIds, List<Path> layerTars) {
  public SavedImage {
    names = List.copyOf(names);
    diffIds = List.copyOf(diffIds);
    layerTars = List.copyOf(layerTars);
    if (diffIds.size() != layerTars.size()) {
      throw new IllegalArgumentException("diffIds and layerTars differ in length");
    }
  }
}
