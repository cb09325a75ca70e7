package dev.skiff.image.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.image.Digest;
import dev.skiff.image.TarBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The content-addressed layout: atomic, idempotent, and nothing left behind on failure. */
class FilesystemLayerStoreTest {
  @TempDir Path tmp;
  FilesystemLayerStore store;

  @BeforeEach
  void setUp() throws Exception {
    store = new FilesystemLayerStore(tmp.resolve("root"), new LayerExtractor(WhiteoutStyle.USER_XATTR),
        OwnerMapper.identity(), ExtractLimits.DEFAULT);
  }

  private Path tarFile(byte[] tar) throws Exception {
    return Files.write(tmp.resolve("in-" + System.nanoTime() + ".tar"), tar);
  }

  private List<String> staging() throws Exception {
    try (var s = Files.list(tmp.resolve("root/staging"))) {
      return s.map(p -> p.getFileName().toString()).toList();
    }
  }

  @Test
  void commitLayer_extractsOnceUnderDiffId() throws Exception {
    byte[] tar = new TarBuilder().file("hello", "world").build();
    Digest diffId = Digest.sha256(tar);
    LayerStore.CommittedLayer first = store.commitLayer(diffId, tarFile(tar));
    assertTrue(first.created());
    assertEquals(tmp.resolve("root/layers/" + diffId.hex()), first.dir());
    assertEquals("world", Files.readString(first.dir().resolve("hello")));
    assertFalse(store.commitLayer(diffId, tarFile(tar)).created());
    assertTrue(store.hasLayer(diffId));
    assertEquals(List.of(), staging());
  }

  @Test
  void commitLayer_wrongDiffId_nothingLeft() throws Exception {
    byte[] tar = new TarBuilder().file("hello", "world").build();
    Digest wrong = Digest.sha256(new byte[] {1});
    var e = assertThrows(LayerExtractionException.class, () -> store.commitLayer(wrong, tarFile(tar)));
    assertTrue(e.getMessage().contains("does not match diffID"), e.getMessage());
    assertFalse(store.hasLayer(wrong));
    assertEquals(List.of(), staging());
  }

  @Test
  void commitLayer_hostileLayer_nothingLeft() throws Exception {
    byte[] tar = new TarBuilder().file("ok", "1").symlink("l", "/").file("l/etc/x", "evil").build();
    Digest diffId = Digest.sha256(tar);
    assertThrows(LayerExtractionException.class, () -> store.commitLayer(diffId, tarFile(tar)));
    assertFalse(store.hasLayer(diffId));
    assertEquals(List.of(), staging());
  }

  @Test
  void putBlob_contentAddressedAndIdempotent() throws Exception {
    Digest d = store.putBlob(Files.writeString(tmp.resolve("a"), "blob"));
    assertEquals(Digest.sha256("blob".getBytes()), d);
    assertEquals("blob", Files.readString(store.blobPath(d)));
    assertEquals(d, store.putBlob(Files.writeString(tmp.resolve("b"), "blob")));
    assertFalse(Files.exists(tmp.resolve("b")));
    assertTrue(store.hasBlob(d));
  }

  @Test
  void cleanStaging_removesLeftovers() throws Exception {
    Path leftover = store.newStagingDir();
    Files.writeString(leftover.resolve("x"), "partial");
    store.cleanStaging();
    assertEquals(List.of(), staging());
  }
}
