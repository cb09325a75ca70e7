package dev.skiff.image.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.image.Digest;
import dev.skiff.image.TarBuilder;
import dev.skiff.image.layer.ExtractLimits;
import dev.skiff.image.layer.FilesystemLayerStore;
import dev.skiff.image.layer.LayerExtractionException;
import dev.skiff.image.layer.LayerExtractor;
import dev.skiff.image.layer.OwnerMapper;
import dev.skiff.image.layer.WhiteoutStyle;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** load → unpack → save gives back the same bytes' digests, and hostile layers leave no trace. */
class ImageUnpackerTest {
  @TempDir Path tmp;
  FilesystemLayerStore store;
  ImageUnpacker unpacker;

  @BeforeEach
  void setUp() throws Exception {
    store = new FilesystemLayerStore(tmp.resolve("store"), new LayerExtractor(WhiteoutStyle.USER_XATTR),
        OwnerMapper.identity(), ExtractLimits.DEFAULT);
    unpacker = new ImageUnpacker(store);
  }

  private ImageArchiveReader.Result load(byte[] archive) throws Exception {
    return new ImageArchiveReader().read(new ByteArrayInputStream(archive), tmp.resolve("store/staging"));
  }

  @Test
  void unpack_twoLayerImage_storedAndSavable() throws Exception {
    byte[] l1 = ImageArchiveReaderTest.LAYER1;
    byte[] l2 = ImageArchiveReaderTest.LAYER2;
    byte[] config = ImageArchiveReaderTest.config(l1, l2);
    ImageArchiveReader.Result staged = load(ImageArchiveReaderTest.dockerArchive(config, TestImages.gzip(l1),
        TestImages.zstd(l2)));
    StoredImage image = unpacker.unpack(staged).get(0);
    assertFalse(Files.exists(staged.workDir()));
    assertEquals(Digest.sha256(config), image.id());
    assertEquals(l1.length + l2.length, image.size());
    assertTrue(store.hasBlob(image.id()));
    assertEquals("1", Files.readString(store.layerDir(image.diffIds().get(0)).resolve("a/one")));
    ByteArrayOutputStream saved = new ByteArrayOutputStream();
    new ImageArchiveWriter().writeOciArchive(List.of(unpacker.forSave(image)), saved);
    LoadedImage back = load(saved.toByteArray()).images().get(0);
    assertEquals(image.id(), back.id());
    assertEquals(image.diffIds(), back.layers().stream().map(LoadedImage.StagedLayer::diffId).toList());
    assertEquals(2020, image.config().createdInstant().orElseThrow().atZone(java.time.ZoneOffset.UTC).getYear());
  }

  @Test
  void unpack_hostileLayer_noLayerNoConfigNoStaging() throws Exception {
    byte[] evil = new TarBuilder().symlink("l", "/").file("l/etc/x", "evil").build();
    byte[] config = ImageArchiveReaderTest.config(evil, ImageArchiveReaderTest.LAYER2);
    ImageArchiveReader.Result staged = load(ImageArchiveReaderTest.dockerArchive(config, evil,
        ImageArchiveReaderTest.LAYER2));
    var e = assertThrows(LayerExtractionException.class, () -> unpacker.unpack(staged));
    assertTrue(e.getMessage().contains("l/etc/x"), e.getMessage());
    assertFalse(store.hasBlob(Digest.sha256(config)));
    assertFalse(store.hasLayer(Digest.sha256(evil)));
    try (var s = Files.list(tmp.resolve("store/staging"))) {
      assertEquals(List.of(), s.toList());
    }
  }
}
