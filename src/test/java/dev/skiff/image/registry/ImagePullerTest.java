package dev.skiff.image.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.image.json.Descriptor;
import dev.skiff.image.json.MediaTypes;
import dev.skiff.image.json.OciIndex;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImagePullerTest {

  private static Descriptor entry(String digestChar, String os, String arch, String variant) {
    return new Descriptor(MediaTypes.OCI_MANIFEST, "sha256:" + digestChar.repeat(64), 10, null, null,
        new Descriptor.Platform(arch, os, null, variant));
  }

  @Test
  void selectPlatform_prefersExactLinuxAmd64() throws Exception {
    OciIndex index = new OciIndex(2, MediaTypes.OCI_INDEX, List.of(entry("a", "linux", "arm64", "v8"),
        entry("b", "windows", "amd64", null), entry("c", "linux", "amd64", "v3"), entry("d", "linux", "amd64", null)),
        null);
    assertEquals("sha256:" + "d".repeat(64), ImagePuller.selectPlatform(index, "linux", "amd64").digest());
  }

  @Test
  void selectPlatform_acceptsAVariantWhenThatIsAllThereIs() throws Exception {
    OciIndex index = new OciIndex(2, MediaTypes.OCI_INDEX, List.of(entry("c", "linux", "amd64", "v2")), null);
    assertEquals("sha256:" + "c".repeat(64), ImagePuller.selectPlatform(index, "linux", "amd64").digest());
  }

  @Test
  void selectPlatform_noMatch_listsWhatIsAvailable() {
    OciIndex index = new OciIndex(2, MediaTypes.OCI_INDEX, List.of(entry("a", "linux", "arm64", "v8"),
        entry("b", "linux", "s390x", null)), null);
    var e = assertThrows(RegistryException.class, () -> ImagePuller.selectPlatform(index, "linux", "amd64"));
    assertEquals(RegistryException.Kind.NOT_FOUND, e.kind());
    assertTrue(e.getMessage().contains("linux/arm64/v8, linux/s390x"), e.getMessage());
  }

  @Test
  void compressionOf_layerMediaTypes() throws Exception {
    assertEquals(ImagePuller.Compression.GZIP, ImagePuller.compressionOf(MediaTypes.DOCKER_LAYER_GZIP));
    assertEquals(ImagePuller.Compression.GZIP, ImagePuller.compressionOf(MediaTypes.OCI_LAYER_GZIP));
    assertEquals(ImagePuller.Compression.ZSTD, ImagePuller.compressionOf(MediaTypes.OCI_LAYER_ZSTD));
    assertEquals(ImagePuller.Compression.NONE, ImagePuller.compressionOf(MediaTypes.OCI_LAYER));
    assertEquals(ImagePuller.Compression.GZIP,
        ImagePuller.compressionOf("application/vnd.docker.image.rootfs.foreign.diff.tar.gzip"));
    var e = assertThrows(RegistryException.class, () -> ImagePuller.compressionOf("application/x-bzip2"));
    assertTrue(e.getMessage().contains("unsupported layer media type"), e.getMessage());
  }
}
