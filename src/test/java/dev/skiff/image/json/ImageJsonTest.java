package dev.skiff.image.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The records read real podman output and Docker shapes, ignoring members they do not model. */
class ImageJsonTest {
  private static byte[] resource(String name) throws Exception {
    try (InputStream in = ImageJsonTest.class.getResourceAsStream("/image/" + name)) {
      return in.readAllBytes();
    }
  }

  @Test
  void read_podmanImportConfig() throws Exception {
    ImageConfig c = ImageJson.read(resource("podman-import-config.json"), ImageConfig.class);
    assertEquals("amd64", c.architecture());
    assertEquals("linux", c.os());
    assertEquals(List.of("sha256:2ef2180bb6daf1d297413a824f200e09aaad1808f3a7cc4a5af786fa38f183de"), c.diffIds());
    assertEquals("imported from tarball", c.history().get(0).comment());
  }

  @Test
  void read_podmanOciManifest() throws Exception {
    OciManifest m = ImageJson.read(resource("podman-oci-manifest.json"), OciManifest.class);
    assertEquals(MediaTypes.OCI_CONFIG, m.config().mediaType());
    assertEquals(MediaTypes.OCI_LAYER_GZIP, m.layers().get(0).mediaType());
    assertEquals(1083650, m.layers().get(0).size());
  }

  @Test
  void read_dockerConfigWithUnknownMembers() throws Exception {
    String json = """
        {"architecture":"amd64","os":"linux","docker_version":"24","container_config":{"Hostname":"x"},
         "config":{"Cmd":["sh"],"Entrypoint":null,"Env":["PATH=/bin"],"WorkingDir":"/w","User":"1:2",
           "Labels":{"a":"b"},"ExposedPorts":{"80/tcp":{}},"StopSignal":"SIGTERM","Volumes":{"/data":{}},
           "Healthcheck":{"Test":["NONE"]},"OnBuild":null},
         "rootfs":{"type":"layers","diff_ids":[]},"history":[{"created_by":"x","empty_layer":true}],
         "created":"2023-05-19T20:18:45.123456789Z"}""";
    ImageConfig c = ImageJson.read(json.getBytes(StandardCharsets.UTF_8), ImageConfig.class);
    assertEquals(List.of("sh"), c.config().cmd());
    assertNull(c.config().entrypoint());
    assertEquals("1:2", c.config().user());
    assertEquals(Map.of("a", "b"), c.config().labels());
    assertEquals("SIGTERM", c.config().stopSignal());
    assertEquals(java.util.Set.of("/data"), c.config().volumes().keySet());
    assertEquals("2023-05-19T20:18:45.123456789Z", c.created());
    assertEquals(true, c.history().get(0).emptyLayer());
  }

  @Test
  void read_dockerManifestList() throws Exception {
    String json = """
        {"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.list.v2+json",
         "manifests":[{"mediaType":"application/vnd.docker.distribution.manifest.v2+json","size":527,
           "digest":"sha256:aaaa","platform":{"architecture":"arm64","os":"linux","variant":"v8","features":[]}}]}""";
    OciIndex list = ImageJson.read(json.getBytes(StandardCharsets.UTF_8), OciIndex.class);
    assertEquals(MediaTypes.DOCKER_MANIFEST_LIST, list.mediaType());
    assertEquals("v8", list.manifests().get(0).platform().variant());
  }

  @Test
  void write_omitsEmptyMembers() {
    String json = new String(ImageJson.write(Descriptor.of(MediaTypes.OCI_LAYER, "sha256:ab", 3)));
    assertEquals("{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"sha256:ab\",\"size\":3}", json);
  }
}
