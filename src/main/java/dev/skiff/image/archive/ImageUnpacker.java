package dev.skiff.image.archive;

import dev.skiff.image.layer.LayerExtractionException;
import dev.skiff.image.layer.LayerStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Moves what {@link ImageArchiveReader} or {@link RootfsImporter} staged into a {@link
 * LayerStore}: each layer extracted once by diffID (its tar also kept as a blob, so {@link
 * ImageArchiveWriter} can save it byte-identically), then the config blob. Layers go first so
 * that a config blob never names layers that are missing. Every step is idempotent, so a crash
 * part way is repaired by loading again. The staging work directory is deleted in all cases.
 */
public final class ImageUnpacker {
  private final LayerStore store;

  public ImageUnpacker(LayerStore store) {
    this.store = store;
  }

  public List<StoredImage> unpack(ImageArchiveReader.Result staged) throws IOException, LayerExtractionException {
    try {
      List<StoredImage> out = new ArrayList<>();
      for (LoadedImage image : staged.images()) {
        out.add(unpack(image, staged.workDir()));
      }
      return out;
    } finally {
      ArchiveFiles.deleteTree(staged.workDir());
    }
  }

  private StoredImage unpack(LoadedImage image, Path work) throws IOException, LayerExtractionException {
    List<String> warnings = new ArrayList<>();
    long size = 0;
    for (LoadedImage.StagedLayer layer : image.layers()) {
      warnings.addAll(store.commitLayer(layer.diffId(), layer.uncompressedTar()).warnings());
      if (!store.hasBlob(layer.diffId())) {
        store.putBlob(copy(layer.uncompressedTar(), work));
      }
      size += layer.size();
    }
    if (!store.hasBlob(image.id())) {
      store.putBlob(copy(image.configFile(), work));
    }
    return new StoredImage(image.id(), image.names(), image.config(),
        image.layers().stream().map(LoadedImage.StagedLayer::diffId).toList(), size, warnings);
  }

  /** A copy to hand over, since one staged file may serve several images of the archive. */
  private static Path copy(Path file, Path work) throws IOException {
    Path copy = work.resolve("handover-" + java.util.UUID.randomUUID());
    try {
      Files.createLink(copy, file);
    } catch (IOException | UnsupportedOperationException e) {
      Files.copy(file, copy);
    }
    return copy;
  }

  /** The {@link SavedImage} for {@link ImageArchiveWriter}, from blobs this store keeps. */
  public SavedImage forSave(StoredImage image) {
    return new SavedImage(image.names(), image.id(), store.blobPath(image.id()), image.diffIds(),
        image.diffIds().stream().map(store::blobPath).toList());
  }
}
