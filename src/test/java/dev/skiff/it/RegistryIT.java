package dev.skiff.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Pulls from a real loopback registry ({@link LoopbackRegistry}) through podman-remote, the
 * docker CLI and curl: Docker v2s2 and OCI manifests, an OCI index, a zstd layer, layer reuse,
 * insecure-registry configuration, errors (unknown image, unreachable, TLS, digest mismatch) that
 * leave nothing behind, and basic auth.
 */
class RegistryIT {

  static LoopbackRegistry registry;
  static String host;
  static String amd64Id;
  static String zstdId;

  @BeforeAll
  static void seed() throws IOException {
    registry = LoopbackRegistry.start();
    host = registry.host();
    registry.push("docker-archive:" + TestImages.dockerArchive(), "busybox:latest");
    registry.push("oci-archive:" + TestImages.ociArchive(), "busybox:oci", "--format", "oci");
    byte[] layer = TestImages.layerTar();
    String diffId = TestImages.sha256(layer);
    byte[] gz = LoopbackRegistry.gzip(layer);
    Path work = Files.createTempDirectory(Path.of("/tmp"), "skiff-it-layouts-");
    byte[] amd64 = LoopbackRegistry.config("amd64", diffId, "echo amd64");
    amd64Id = TestImages.sha256(amd64);
    LoopbackRegistry.ociLayout(work.resolve("multi"), "multi", List.of(
        new LoopbackRegistry.LayoutImage("arm64", LoopbackRegistry.config("arm64", diffId, "echo arm64"), gz,
            "application/vnd.oci.image.layer.v1.tar+gzip"),
        new LoopbackRegistry.LayoutImage("amd64", amd64, gz, "application/vnd.oci.image.layer.v1.tar+gzip")));
    registry.push("oci:" + work.resolve("multi") + ":multi", "busybox:multi", "--all", "--preserve-digests");
    byte[] zcfg = LoopbackRegistry.config("amd64", diffId, "echo zstd");
    zstdId = TestImages.sha256(zcfg);
    LoopbackRegistry.ociLayout(work.resolve("zstd"), "zstd", List.of(new LoopbackRegistry.LayoutImage("amd64", zcfg,
        LoopbackRegistry.zstd(layer), "application/vnd.oci.image.layer.v1.tar+zstd")));
    registry.push("oci:" + work.resolve("zstd") + ":zstd", "busybox:zstd", "--preserve-digests");
    LoopbackRegistry.ociLayout(work.resolve("other"), "other", List.of(new LoopbackRegistry.LayoutImage("amd64",
        LoopbackRegistry.config("amd64", diffId, "echo other"), gz, "application/vnd.oci.image.layer.v1.tar+gzip")));
    registry.push("oci:" + work.resolve("other") + ":other", "other/busybox:v1", "--preserve-digests");
    Exec.run(Exec.cmd("rm", "-rf", work.toString()));
  }

  @AfterAll
  static void stop() {
    if (registry != null) {
      registry.close();
    }
  }

  @Test
  void podmanPull_rootless_zstdIndexOciAndLayerReuse() {
    try (Daemon d = Daemon.start(TestUser.rootless())) {
      Podman p = new Podman(d);
      var zstd = p.run("pull", "--tls-verify=false", host + "/busybox:zstd");
      assertEquals(0, zstd.exit(), zstd.stderr());
      assertEquals(zstdId, zstd.stdout().trim());
      assertTrue(zstd.stderr().contains("Trying to pull " + host + "/busybox:zstd"), zstd.stderr());
      assertEquals("zstd", p.ok("run", "--rm", host + "/busybox:zstd"));

      String id = p.ok("pull", "--tls-verify=false", host + "/busybox:latest");
      assertEquals(id, p.ok("pull", "--tls-verify=false", host + "/busybox:oci"), "same config, same id");
      assertEquals(amd64Id, p.ok("pull", "--tls-verify=false", host + "/busybox:multi"), "the linux/amd64 entry");
      assertEquals("amd64", p.ok("run", "--rm", host + "/busybox:multi"));
      String listed = p.ok("images", "--format", "{{.Repository}}:{{.Tag}}");
      assertTrue(listed.contains(host + "/busybox:latest") && listed.contains(host + "/busybox:multi"), listed);

      long before = registry.blobGets("other/busybox");
      var other = p.run("pull", "--tls-verify=false", host + "/other/busybox:v1");
      assertEquals(0, other.exit(), other.stderr());
      assertTrue(other.stderr().contains("skipped: already exists"), other.stderr());
      assertEquals(1, registry.blobGets("other/busybox") - before, "only the config blob is fetched:\n"
          + registry.logText());
      var missing = d.curl().as(d.user).post("/v4.3.1/libpod/images/pull?policy=missing&reference="
          + host + "/busybox:latest", "");
      assertEquals("{\"images\":[\"" + id + "\"],\"id\":\"" + id + "\"}", missing.body().trim(),
          "present: no registry request, only the result record");
    }
  }

  @Test
  void podmanPull_root() {
    try (Daemon d = Daemon.start(TestUser.ROOT)) {
      Podman p = new Podman(d);
      var r = p.run("pull", "--tls-verify=false", host + "/busybox:latest");
      assertEquals(0, r.exit(), r.stderr());
      assertTrue(r.stdout().trim().matches("[0-9a-f]{64}"), r.stdout());
      assertTrue(r.stderr().contains("Copying blob sha256:"), r.stderr());
      assertEquals("hi", p.ok("run", "--rm", host + "/busybox:latest", "echo", "hi"));
    }
  }

  @Test
  void dockerPull_registryConfiguredInsecure() {
    try (Daemon d = Daemon.startWithJavaOpts(TestUser.rootless(),
        "-Dskiff.registries.insecure=" + host + " -Dskiff.registries.search=" + host)) {
      var r = ImagesIT.docker(d, "pull", host + "/busybox:latest");
      assertEquals(0, r.exit(), r.stdout() + r.stderr());
      assertTrue(r.stdout().contains("Downloaded newer image for " + host + "/busybox:latest"), r.stdout());
      Podman p = new Podman(d);
      assertTrue(p.ok("image", "inspect", "--format", "{{.Id}}", host + "/busybox:latest").matches("[0-9a-f]{64}"));
      assertTrue(p.ok("pull", host + "/busybox:multi").equals(amd64Id), "no --tls-verify needed when configured");
      var shortName = p.run("pull", "busybox:multi");
      assertEquals(0, shortName.exit(), shortName.stderr());
      assertTrue(shortName.stderr().contains("Trying to pull " + host + "/busybox:multi"), "via the search list");
      var all = p.run("pull", "--all-tags", host + "/other/busybox");
      assertEquals(0, all.exit(), all.stderr());
      assertEquals(p.ok("image", "inspect", "--format", "{{.Id}}", host + "/other/busybox:v1"), all.stdout().trim());
      var unknown = ImagesIT.docker(d, "pull", host + "/busybox:nope");
      assertTrue(unknown.exit() != 0 && unknown.stderr().contains("manifest unknown"), unknown.stderr());
    }
  }

  @Test
  void pullErrors_areClearAndLeaveNothingBehind() throws IOException {
    try (Daemon d = Daemon.start(TestUser.rootless())) {
      Podman p = new Podman(d);
      var unknown = p.run("pull", "--tls-verify=false", host + "/busybox:nope");
      assertEquals(125, unknown.exit(), unknown.stderr());
      assertTrue(unknown.stderr().contains("Error: initializing source docker://" + host + "/busybox:nope: "
          + "reading manifest nope in " + host + "/busybox: manifest unknown"), unknown.stderr());
      var noRepo = p.run("pull", "--tls-verify=false", host + "/nothere/x:latest");
      assertEquals(125, noRepo.exit(), noRepo.stderr());
      assertTrue(noRepo.stderr().contains("reading manifest latest in " + host + "/nothere/x: manifest unknown"),
          noRepo.stderr());
      assertFalse(noRepo.stderr().contains("pull failed"), noRepo.stderr());

      var tls = p.run("pull", host + "/busybox:latest");
      assertEquals(125, tls.exit(), tls.stderr());
      assertTrue(tls.stderr().contains("pinging container registry " + host), "HTTPS only by default: " + tls.stderr());

      var refused = p.run("pull", "--tls-verify=false", "127.0.0.1:1/busybox:latest");
      assertEquals(125, refused.exit(), refused.stderr());
      assertTrue(refused.stderr().contains("connection refused"), refused.stderr());

      var transport = d.curl().as(d.user).post("/v4.3.1/libpod/images/pull?reference=docker-archive:/tmp/x.tar", "");
      assertEquals(400, transport.status(), transport.body());
      assertTrue(transport.json().get("message").asText().contains("only docker transport"), transport.body());
      var badBool = d.curl().as(d.user).post("/v4.3.1/libpod/images/pull?tlsVerify=maybe&reference=x", "");
      assertEquals(400, badBool.status(), badBool.body());
      var quiet = d.curl().as(d.user).post("/v4.3.1/libpod/images/pull?quiet=true&tlsVerify=false&reference="
          + host + "/busybox:nope", "");
      assertEquals(200, quiet.status());
      assertEquals(1, quiet.body().trim().lines().count(), "quiet: only the error record: " + quiet.body());
      assertTrue(quiet.json().get("error").asText().contains("manifest unknown"), quiet.body());

      assertEquals("", p.ok("images", "-q"));
      assertEmpty(d.root.resolve("storage/staging"));
      assertEmpty(d.root.resolve("storage/layers"));
    }
  }

  @Test
  void digestMismatch_isRefusedAndNothingIsKept() throws IOException {
    try (LoopbackRegistry bad = LoopbackRegistry.start(); Daemon d = Daemon.start(TestUser.rootless())) {
      bad.push("docker-archive:" + TestImages.dockerArchive(), "busybox:latest");
      Path layer;
      try (var s = Files.find(bad.dir.resolve("data"), 12, (f, a) -> f.endsWith("data") && a.size() > 100_000)) {
        layer = s.findFirst().orElseThrow();
      }
      byte[] b = Files.readAllBytes(layer);
      b[b.length / 2] ^= 0x5a;
      Files.write(layer, b);
      var r = new Podman(d).run("pull", "--tls-verify=false", bad.host() + "/busybox:latest");
      assertEquals(125, r.exit(), r.stderr());
      assertTrue(r.stderr().contains("Digest did not match"), r.stderr());
      assertEquals("", new Podman(d).ok("images", "-q"));
      assertEmpty(d.root.resolve("storage/staging"));
      assertEmpty(d.root.resolve("storage/layers"));
    }
  }

  @Test
  void basicAuth_credentialsFromXRegistryAuth() {
    try (LoopbackRegistry auth = LoopbackRegistry.start(true); Daemon d = Daemon.start(TestUser.rootless())) {
      auth.push("docker-archive:" + TestImages.dockerArchive(), "busybox:latest");
      Podman p = new Podman(d);
      String ref = auth.host() + "/busybox:latest";
      var none = p.run("pull", "--tls-verify=false", ref);
      assertEquals(125, none.exit(), none.stderr());
      assertTrue(none.stderr().contains("authentication required"), none.stderr());
      var wrong = p.run("pull", "--tls-verify=false", "--creds", LoopbackRegistry.USER + ":wrong", ref);
      assertEquals(125, wrong.exit(), wrong.stderr());
      assertTrue(wrong.stderr().contains("unauthorized"), wrong.stderr());
      var ok = p.run("pull", "--tls-verify=false", "--creds", LoopbackRegistry.USER + ":" + LoopbackRegistry.PASSWORD, ref);
      assertEquals(0, ok.exit(), ok.stderr());
      assertFalse(p.ok("images", "-q").isEmpty());
    }
  }

  @Test
  void tlsRegistry_caFromCertsDir_orTlsVerifyFalse() throws IOException {
    try (LoopbackRegistry tls = LoopbackRegistry.start(false, true)) {
      tls.push("docker-archive:" + TestImages.dockerArchive(), "busybox:latest");
      String ref = tls.host() + "/busybox:latest";
      Path certs = tls.dir.resolve("certs.d");
      Files.createDirectories(certs.resolve(tls.host()));
      Files.copy(tls.caCert(), certs.resolve(tls.host()).resolve("ca.crt"));
      Exec.run(Exec.cmd("chmod", "-R", "a+rX", tls.dir.toString())).requireOk();
      try (Daemon d = Daemon.startWithJavaOpts(TestUser.rootless(), "-Dskiff.registries.certs-dirs=" + certs)) {
        var r = new Podman(d).run("pull", ref);
        assertEquals(0, r.exit(), r.stderr());
      }
      try (Daemon d = Daemon.startWithJavaOpts(TestUser.rootless(), "-Dskiff.registries.certs-dirs=/nonexistent")) {
        Podman p = new Podman(d);
        var untrusted = p.run("pull", ref);
        assertEquals(125, untrusted.exit(), untrusted.stderr());
        assertTrue(untrusted.stderr().contains("pinging container registry " + tls.host() + ": Get \"https://"),
            untrusted.stderr());
        var skip = p.run("pull", "--tls-verify=false", ref);
        assertEquals(0, skip.exit(), skip.stderr());
        assertTrue(tls.logText().contains("\"GET /v2/busybox/manifests/latest HTTP/"), "served over TLS");
      }
    }
  }

  private static void assertEmpty(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var s = Files.list(dir)) {
      assertEquals(List.of(), s.toList(), dir + " should be empty");
    }
  }
}
