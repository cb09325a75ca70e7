package dev.skiff.engine.container;

import dev.skiff.image.json.ImageConfig;
import java.nio.file.Path;
import java.util.List;

/**
 * An image ready to run: its id (64 hex), the name it was asked by, its config, and its layer
 * directories from top to bottom (overlay lowerdir order).
 */
public record ResolvedImage(String id, String name, ImageConfig config, List<Path> layersTopFirst) {
  public ResolvedImage {
    layersTopFirst = List.copyOf(layersTopFirst);
  }
}
