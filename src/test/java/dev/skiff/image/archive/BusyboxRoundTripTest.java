package dev.skiff.image.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.skiff.image.ImageReference;
import dev.skiff.image.json.ImageConfig;
import dev.skiff.image.layer.ExtractLimits;
import dev.skiff.image.layer.FilesystemLayerStore;
import dev.skiff.image.layer.LayerExtractor;
import dev.skiff.image.layer.LayerStore;
import dev.skiff.image.layer.OwnerMapper;
import dev.skiff.image.layer.WhiteoutStyle;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real busybox rootfs through import → store → save (docker-archive, oci-archive) → load, and
 * interop with podman 4.3 when it is installed and we are root.
 */
class BusyboxRoundTripTest {
  @TempDir Path tmp;
  FilesystemLayerStore store;
  Path staging;
  final ImageReference name = ref("localhost/skiff-bb:t1");

  static ImageReference ref(String s) {
    try {
      return ImageReference.parse(s);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @BeforeEach
  void setUp() throws IOException {
    store = new FilesystemLayerStore(tmp.resolve("store"), new LayerExtractor(WhiteoutStyle.USER_XATTR),
        OwnerMapper.identity(), ExtractLimits.DEFAULT);
    staging = store.newStagingDir();
  }

  private LoadedImage importBusybox() throws Exception {
    RootfsImporter.Options options = new RootfsImporter.Options(Optional.of(name),
        List.of("CMD [\"sh\"]", "ENTRYPOINT echo hi", "ENV A=b C=\"d e\"", "WORKDIR /tmp", "USER root",
            "LABEL k=v \"x y\"=z", "EXPOSE 80 53/udp"),
        "imported by a test", "amd64", "linux", Instant.parse("2026-01-01T00:00:00Z"));
    byte[] gz = TestImages.gzip(TestImages.busyboxRootfs());
    return new RootfsImporter().importRootfs(new ByteArrayInputStream(gz), staging, options).images().get(0);
  }

  /** Stores config + layer blob + extracted layer, as the engine would, and returns a SavedImage. */
  private SavedImage store(LoadedImage image) throws Exception {
    Path configCopy = Files.copy(image.configFile(), staging.resolve("cfg-" + image.id().hex()));
    assertEquals(image.id(), store.putBlob(configCopy));
    LoadedImage.StagedLayer layer = image.layers().get(0);
    LayerStore.CommittedLayer committed = store.commitLayer(layer.diffId(), layer.uncompressedTar());
    Path tarCopy = Files.copy(layer.uncompressedTar(), staging.resolve("layer-" + layer.diffId().hex()));
    assertEquals(layer.diffId(), store.putBlob(tarCopy));
    assertTrue(Files.isSymbolicLink(committed.dir().resolve("bin/sh")));
    return new SavedImage(image.names(), image.id(), store.blobPath(image.id()), List.of(layer.diffId()),
        List.of(store.blobPath(layer.diffId())));
  }

  @Test
  void import_changesAndMessage_inConfig() throws Exception {
    ImageConfig.Config c = importBusybox().config().config();
    assertEquals(List.of("sh"), c.cmd());
    assertEquals(List.of("/bin/sh", "-c", "echo hi"), c.entrypoint());
    assertEquals(List.of("A=b", "C=d e"), c.env());
    assertEquals("/tmp", c.workingDir());
    assertEquals(Map.of("k", "v", "x y", "z"), c.labels());
    assertEquals(java.util.Set.of("80/tcp", "53/udp"), c.exposedPorts().keySet());
    assertEquals("imported by a test", importBusybox().config().history().get(0).comment());
  }

  @Test
  void storedLayer_runsBusybox() throws Exception {
    LoadedImage image = importBusybox();
    store(image);
    Path busybox = store.layerDir(image.layers().get(0).diffId()).resolve("bin/busybox");
    Process p = new ProcessBuilder(busybox.toString(), "echo", "hello from the layer").start();
    assertEquals("hello from the layer\n", new String(p.getInputStream().readAllBytes()));
    assertEquals(0, p.waitFor());
  }

  @Test
  void saveThenLoad_dockerAndOci_roundTrip() throws Exception {
    LoadedImage image = importBusybox();
    SavedImage saved = store(image);
    for (boolean oci : new boolean[] {false, true}) {
      Path archive = tmp.resolve(oci ? "oci.tar" : "docker.tar");
      try (OutputStream out = Files.newOutputStream(archive)) {
        if (oci) {
          new ImageArchiveWriter().writeOciArchive(List.of(saved), out);
        } else {
          new ImageArchiveWriter().writeDockerArchive(List.of(saved), out);
        }
      }
      LoadedImage back;
      try (InputStream in = Files.newInputStream(archive)) {
        back = new ImageArchiveReader().read(in, staging).images().get(0);
      }
      assertEquals(image.id(), back.id(), "oci=" + oci);
      assertEquals(List.of(name), back.names());
      assertEquals(image.layers().get(0).diffId(), back.layers().get(0).diffId());
    }
  }

  @Test
  void podmanInterop_loadsOurArchivesAndWeLoadItsArchives() throws Exception {
    assumeTrue(podmanUsable(), "podman not usable here");
    LoadedImage image = importBusybox();
    SavedImage saved = store(image);
    Path ours = tmp.resolve("ours.tar");
    try (OutputStream out = Files.newOutputStream(ours)) {
      new ImageArchiveWriter().writeDockerArchive(List.of(saved), out);
    }
    try {
      String loaded = run("podman", "load", "-i", ours.toString());
      assertTrue(loaded.contains(name.toString()), loaded);
      assertTrue(run("podman", "image", "inspect", "--format", "{{.Id}}", name.toString())
          .contains(image.id().hex()));
      for (String format : new String[] {"docker-archive", "oci-archive"}) {
        Path theirs = tmp.resolve(format + ".tar");
        run("podman", "save", "--format", format, "-o", theirs.toString(), name.toString());
        try (InputStream in = Files.newInputStream(theirs)) {
          LoadedImage back = new ImageArchiveReader().read(in, staging).images().get(0);
          if (format.equals("docker-archive")) {
            // podman re-serialises the config when it converts to OCI, so only docker keeps the id
            assertEquals(image.id(), back.id(), format);
          }
          assertEquals(List.of(name), back.names(), format);
          assertEquals(image.layers().get(0).diffId(), back.layers().get(0).diffId(), format);
        }
      }
    } finally {
      new ProcessBuilder("podman", "rmi", "-f", name.toString()).redirectErrorStream(true).start().waitFor();
    }
  }

  @Test
  void import_tooLargeOrNotATar_rejectedAndNothingLeft() throws Exception {
    byte[] gz = TestImages.gzip(TestImages.busyboxRootfs());
    var e = org.junit.jupiter.api.Assertions.assertThrows(InvalidImageArchiveException.class,
        () -> new RootfsImporter(1 << 20).importRootfs(new ByteArrayInputStream(gz), staging,
            RootfsImporter.Options.defaults()));
    assertTrue(e.getMessage().contains("exceeds"), e.getMessage());
    var e2 = org.junit.jupiter.api.Assertions.assertThrows(InvalidImageArchiveException.class,
        () -> new RootfsImporter().importRootfs(new ByteArrayInputStream("not a tar at all".repeat(64).getBytes()),
            staging, RootfsImporter.Options.defaults()));
    assertTrue(e2.getMessage().contains("not a valid tar"), e2.getMessage());
    var shortText = org.junit.jupiter.api.Assertions.assertThrows(InvalidImageArchiveException.class,
        () -> new RootfsImporter().importRootfs(new ByteArrayInputStream("short, not a tar".getBytes()),
            staging, RootfsImporter.Options.defaults()));
    assertTrue(shortText.getMessage().contains("not a tar archive"), shortText.getMessage());
    new RootfsImporter().importRootfs(new ByteArrayInputStream(new byte[1024]), staging,
        RootfsImporter.Options.defaults()); // an empty tar (two zero blocks) is an empty layer
    var e3 = org.junit.jupiter.api.Assertions.assertThrows(InvalidConfigChangeException.class,
        () -> new RootfsImporter().importRootfs(new ByteArrayInputStream(gz), staging,
            new RootfsImporter.Options(Optional.empty(), List.of("RUN id"), "", "amd64", "linux", Instant.now())));
    assertTrue(e3.getMessage().contains("RUN id"), e3.getMessage());
    try (var s = Files.list(staging)) {
      assertEquals(1, s.count(), "only the empty import's work directory");
    }
  }

  private static boolean podmanUsable() {
    try {
      return new ProcessBuilder("podman", "version").redirectErrorStream(true).start().waitFor() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  private static String run(String... argv) throws Exception {
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertEquals(0, p.waitFor(), String.join(" ", argv) + ": " + out);
    return out;
  }

}
