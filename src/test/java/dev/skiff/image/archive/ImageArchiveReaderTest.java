package dev.skiff.image.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skiff.image.Digest;
import dev.skiff.image.ImageReference;
import dev.skiff.image.TarBuilder;
import dev.skiff.image.json.Descriptor;
import dev.skiff.image.json.DockerArchiveManifestEntry;
import dev.skiff.image.json.ImageConfig;
import dev.skiff.image.json.ImageJson;
import dev.skiff.image.json.MediaTypes;
import dev.skiff.image.json.OciIndex;
import dev.skiff.image.json.OciLayout;
import dev.skiff.image.json.OciManifest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hand-built archives (any entry order, compressed layers, corrupt ones) against the reader. */
class ImageArchiveReaderTest {
  @TempDir Path staging;
  final ImageArchiveReader reader = new ImageArchiveReader();

  static final byte[] LAYER1 = new TarBuilder().dir("a").file("a/one", "1").build();
  static final byte[] LAYER2 = new TarBuilder().file("two", "2").build();

  static byte[] config(byte[]... layers) {
    List<String> diffIds = Arrays.stream(layers).map(l -> Digest.sha256(l).toString()).toList();
    return ImageJson.write(new ImageConfig("2020-01-01T00:00:00Z", null, "amd64", "linux", null,
        new ImageConfig.Config(null, null, List.of("PATH=/bin"), null, List.of("sh"), null, null, null, null),
        new ImageConfig.RootFs("layers", diffIds), null));
  }

  /** A docker-archive with the manifest first and layers last, gzip and zstd layers. */
  static byte[] dockerArchive(byte[] config, byte[] layer1Blob, byte[] layer2Blob) {
    String configName = Digest.sha256(config).hex() + ".json";
    byte[] manifest = ImageJson.write(List.of(new DockerArchiveManifestEntry(configName,
        List.of("busybox:latest", "localhost/mine:v1"), List.of("l1/layer.tar", "l2.tar.zst"))));
    return new TarBuilder().file("manifest.json", new String(manifest))
        .file(configName, config, 0644, 0, 0, Map.of())
        .file("l2.tar.zst", layer2Blob, 0644, 0, 0, Map.of())
        .dir("l1").file("real-l1.tar.gz", layer1Blob, 0644, 0, 0, Map.of())
        .symlink("l1/layer.tar", "../real-l1.tar.gz")
        .build();
  }

  @Test
  void read_dockerArchiveAnyOrderCompressedLayers_verified() throws Exception {
    byte[] config = config(LAYER1, LAYER2);
    byte[] archive = dockerArchive(config, TestImages.gzip(LAYER1), TestImages.zstd(LAYER2));
    ImageArchiveReader.Result r = reader.read(new ByteArrayInputStream(archive), staging);
    LoadedImage image = r.images().get(0);
    assertEquals(Digest.sha256(config), image.id());
    assertEquals(List.of(ImageReference.parse("docker.io/library/busybox:latest"),
        ImageReference.parse("localhost/mine:v1")), image.names());
    assertEquals(List.of(Digest.sha256(LAYER1), Digest.sha256(LAYER2)),
        image.layers().stream().map(LoadedImage.StagedLayer::diffId).toList());
    assertEquals(Digest.sha256(LAYER2), Digest.sha256(image.layers().get(1).uncompressedTar()));
    assertEquals(List.of("sh"), image.config().config().cmd());
    assertTrue(image.configFile().startsWith(r.workDir()));
  }

  @Test
  void read_wholeArchiveGzipped_detected() throws Exception {
    byte[] archive = TestImages.gzip(dockerArchive(config(LAYER1, LAYER2), LAYER1, LAYER2));
    assertEquals(2, reader.read(new ByteArrayInputStream(archive), staging).images().get(0).layers().size());
  }

  @Test
  void read_dockerArchiveWrongDiffId_rejected() throws Exception {
    byte[] archive = dockerArchive(config(LAYER1, LAYER2), LAYER2, LAYER1);
    var e = assertThrows(InvalidImageArchiveException.class,
        () -> reader.read(new ByteArrayInputStream(archive), staging));
    assertTrue(e.getMessage().contains("diffID"), e.getMessage());
    assertStagingEmpty();
  }

  @Test
  void read_dockerArchiveConfigNameLies_rejected() throws Exception {
    byte[] config = config(LAYER1);
    byte[] manifest = ImageJson.write(List.of(new DockerArchiveManifestEntry(
        "0".repeat(64) + ".json", List.of(), List.of("l.tar"))));
    byte[] archive = new TarBuilder().file("manifest.json", new String(manifest))
        .file("0".repeat(64) + ".json", config, 0644, 0, 0, Map.of())
        .file("l.tar", LAYER1, 0644, 0, 0, Map.of()).build();
    var e = assertThrows(InvalidImageArchiveException.class,
        () -> reader.read(new ByteArrayInputStream(archive), staging));
    assertTrue(e.getMessage().contains("not the id its name claims"), e.getMessage());
  }

  @Test
  void read_truncatedArchive_rejectedAndNothingLeft() throws Exception {
    byte[] archive = dockerArchive(config(LAYER1, LAYER2), LAYER1, LAYER2);
    byte[] cut = Arrays.copyOf(archive, archive.length / 2 + 100);
    var e = assertThrows(InvalidImageArchiveException.class,
        () -> reader.read(new ByteArrayInputStream(cut), staging));
    assertTrue(e.getMessage().contains("truncated") || e.getMessage().contains("missing"), e.getMessage());
    assertStagingEmpty();
  }

  @Test
  void read_corruptGzipLayer_rejected() throws Exception {
    byte[] gz = TestImages.gzip(LAYER1);
    byte[] broken = Arrays.copyOf(gz, gz.length - 12);
    byte[] archive = dockerArchive(config(LAYER1, LAYER2), broken, LAYER2);
    var e = assertThrows(InvalidImageArchiveException.class,
        () -> reader.read(new ByteArrayInputStream(archive), staging));
    assertTrue(e.getMessage().contains("corrupt"), e.getMessage());
    assertStagingEmpty();
  }

  @Test
  void read_notAnArchive_rejected() throws Exception {
    var e = assertThrows(InvalidImageArchiveException.class,
        () -> reader.read(new ByteArrayInputStream("hello world".getBytes()), staging));
    assertTrue(e.getMessage().contains("empty or not a tar") || e.getMessage().contains("corrupt"), e.getMessage());
    byte[] plainTar = new TarBuilder().file("x", "y").build();
    var e2 = assertThrows(InvalidImageArchiveException.class,
        () -> reader.read(new ByteArrayInputStream(plainTar), staging));
    assertTrue(e2.getMessage().contains("not an image archive"), e2.getMessage());
  }

  static byte[] ociArchive(byte[] config, byte[] layerBlob, String layerType, byte[] tamperedBlob, String refName) {
    Descriptor cfg = Descriptor.of(MediaTypes.OCI_CONFIG, Digest.sha256(config).toString(), config.length);
    Descriptor layer = Descriptor.of(layerType, Digest.sha256(layerBlob).toString(), layerBlob.length);
    byte[] manifest = ImageJson.write(new OciManifest(2, MediaTypes.OCI_MANIFEST, cfg, List.of(layer), null));
    Digest md = Digest.sha256(manifest);
    byte[] index = ImageJson.write(new OciIndex(2, null, List.of(new Descriptor(MediaTypes.OCI_MANIFEST,
        md.toString(), manifest.length, null, Map.of(MediaTypes.OCI_REF_NAME_ANNOTATION, refName), null)), null));
    return new TarBuilder()
        .file("blobs/sha256/" + Digest.sha256(layerBlob).hex(), tamperedBlob != null ? tamperedBlob : layerBlob,
            0644, 0, 0, Map.of())
        .file("index.json", new String(index))
        .file("blobs/sha256/" + md.hex(), manifest, 0644, 0, 0, Map.of())
        .file("blobs/sha256/" + Digest.sha256(config).hex(), config, 0644, 0, 0, Map.of())
        .file("oci-layout", new String(ImageJson.write(new OciLayout("1.0.0"))))
        .build();
  }

  @Test
  void read_ociArchiveZstdLayer_verifiedAndNamed() throws Exception {
    byte[] config = config(LAYER1);
    byte[] archive = ociArchive(config, TestImages.zstd(LAYER1), MediaTypes.OCI_LAYER_ZSTD, null,
        "localhost/skiffbb:latest");
    LoadedImage image = reader.read(new ByteArrayInputStream(archive), staging).images().get(0);
    assertEquals(Digest.sha256(config), image.id());
    assertEquals(List.of(ImageReference.parse("localhost/skiffbb:latest")), image.names());
    assertEquals(Digest.sha256(LAYER1), image.layers().get(0).diffId());
  }

  @Test
  void read_ociArchiveBareTagRefName_untagged() throws Exception {
    byte[] archive = ociArchive(config(LAYER1), LAYER1, MediaTypes.OCI_LAYER, null, "latest");
    assertEquals(List.of(), reader.read(new ByteArrayInputStream(archive), staging).images().get(0).names());
  }

  @Test
  void read_ociArchiveWrongDigest_rejected() throws Exception {
    byte[] gz = TestImages.gzip(LAYER1);
    byte[] tampered = gz.clone();
    tampered[tampered.length - 1] ^= 1;
    byte[] archive = ociArchive(config(LAYER1), gz, MediaTypes.OCI_LAYER_GZIP, tampered, "localhost/x:y");
    var e = assertThrows(InvalidImageArchiveException.class,
        () -> reader.read(new ByteArrayInputStream(archive), staging));
    assertTrue(e.getMessage().contains("wrong content"), e.getMessage());
    assertStagingEmpty();
  }

  @Test
  void read_decompressionBomb_boundedByStagingBudget() throws Exception {
    byte[] zeros = new byte[4 << 20];
    byte[] bombLayer = new TarBuilder().file("zeros", zeros, 0644, 0, 0, Map.of()).build();
    byte[] archive = dockerArchive(config(bombLayer, LAYER2), TestImages.gzip(bombLayer), LAYER2);
    assertTrue(archive.length < 64 << 10, "the archive itself is small: " + archive.length);
    var e = assertThrows(InvalidImageArchiveException.class,
        () -> new ImageArchiveReader(1 << 20).read(new ByteArrayInputStream(archive), staging));
    assertTrue(e.getMessage().contains("decompresses to more than"), e.getMessage());
    assertStagingEmpty();
    var e2 = assertThrows(InvalidImageArchiveException.class, () -> new ImageArchiveReader(1 << 20)
        .read(new ByteArrayInputStream(TestImages.gzip(dockerArchive(config(bombLayer, LAYER2), bombLayer, LAYER2))),
            staging));
    assertTrue(e2.getMessage().contains("exceeds"), e2.getMessage());
    assertStagingEmpty();
  }

  private void assertStagingEmpty() throws IOException {
    try (var s = Files.list(staging)) {
      assertEquals(List.of(), s.toList());
    }
  }
}
