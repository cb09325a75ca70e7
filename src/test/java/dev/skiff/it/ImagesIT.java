package dev.skiff.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;

/** podman-remote, curl and docker CLI image commands against a rootless skiffd. */
class ImagesIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void loadTagInspectExistsRemoveAndPrune() {
    try (Daemon d = Daemon.start(TestUser.rootless())) {
      Podman p = new Podman(d);
      assertTrue(p.ok("load", "-i", TestImages.ociArchive().toString()).contains("Loaded image: " + TestImages.NAME));
      assertTrue(p.ok("images", "--format", "{{.Repository}}:{{.Tag}}").contains(TestImages.NAME));
      p.ok("tag", TestImages.NAME, "localhost/bb2:v1");
      assertEquals(0, p.run("image", "exists", "localhost/bb2:v1").exit());
      assertEquals(1, p.run("image", "exists", "localhost/nope").exit());
      String id = p.ok("image", "inspect", "--format", "{{.Id}}", TestImages.NAME);
      assertEquals(id, p.ok("image", "inspect", "--format", "{{.Id}}", "localhost/bb2:v1"));
      assertEquals("[sh]", p.ok("image", "inspect", "--format", "{{.Config.Cmd}}", "busybox"));

      // history: newest first, the image's id and names on the top entry
      String hist = p.ok("image", "history", "--no-trunc", "--format", "{{.ID}}|{{.CreatedBy}}", TestImages.NAME);
      assertEquals(id + "|skiff test: busybox-static rootfs", hist.lines().findFirst().orElse(""), hist);
      var dockerHist = Exec.run(Exec.cmd("env", "DOCKER_HOST=unix://" + d.socket, "docker", "history", TestImages.NAME));
      assertTrue(dockerHist.exit() == 0 && dockerHist.stdout().contains("skiff test: busybox-static rootfs"),
          dockerHist.stdout() + dockerHist.stderr());
      // untag: one name, a name it does not have (400), then every name (the image stays)
      p.ok("tag", TestImages.NAME, "localhost/bb3:v1");
      p.ok("untag", TestImages.NAME, "localhost/bb3:v1");
      assertEquals(1, p.run("image", "exists", "localhost/bb3:v1").exit());
      var notSet = p.run("untag", TestImages.NAME, "localhost/bb3:v9");
      assertTrue(notSet.exit() != 0 && notSet.stderr().contains("tag not known"), notSet.stderr());
      p.ok("tag", TestImages.NAME, "localhost/bb4:v1");
      p.ok("untag", "localhost/bb4:v1");
      assertEquals(0, p.run("image", "exists", id).exit(), "untag keeps the image");
      assertEquals("", p.ok("image", "inspect", "--format", "{{range .RepoTags}}{{.}}{{end}}", id));
      p.ok("tag", id, TestImages.NAME);
      p.ok("tag", id, "localhost/bb2:v1");

      String ctr = p.ok("create", TestImages.NAME, "true");
      p.ok("rmi", "localhost/bb2:v1"); // untags only: the image keeps its other name
      var inUse = p.run("rmi", TestImages.NAME);
      assertEquals(2, inUse.exit(), inUse.stderr());
      assertTrue(inUse.stderr().contains("image is in use by a container"), inUse.stderr());
      var unknown = p.run("rmi", "localhost/nope");
      assertEquals(1, unknown.exit(), unknown.stderr());
      assertTrue(unknown.stderr().contains("image not known"), unknown.stderr());

      p.ok("rm", ctr);
      p.ok("rmi", TestImages.NAME);
      assertFalse(p.ok("images").contains("busybox"));
      p.ok("image", "prune", "-f");
      var missing = p.run("create", "--pull", "never", TestImages.NAME, "true");
      assertTrue(missing.exit() != 0 && missing.stderr().contains("image not known"), missing.stderr());
    }
  }

  /** Extracted layer directories and blobs of a daemon's store. */
  static List<String> stored(Daemon d, String dir) throws IOException {
    try (var l = Files.list(d.root.resolve("storage").resolve(dir))) {
      return l.map(x -> x.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void removedImages_takeTheirLayersAlong_sharedLayersStay() throws IOException {
    Path rootfs = rootfsTar();
    try (Daemon d = Daemon.start(TestUser.rootless())) {
      Podman p = new Podman(d);
      p.ok("load", "-i", TestImages.dockerArchive().toString());
      List<String> busybox = stored(d, "layers");
      assertEquals(1, busybox.size(), busybox.toString());
      String a = p.ok("import", "-m", "a", rootfs.toString(), "imp:a");
      p.ok("import", "-m", "b", rootfs.toString(), "imp:b");
      List<String> impB = List.of(p.ok("image", "inspect", "--format", "{{range .RootFS.Layers}}{{.}} {{end}}", "imp:b")
          .trim().replace("sha256:", "").split(" "));
      List<String> all = stored(d, "layers");
      List<String> blobs = stored(d, "blobs/sha256");
      p.ok("rmi", "imp:a");
      assertEquals(all, stored(d, "layers"), "a layer another image uses stays");
      assertFalse(stored(d, "blobs/sha256").contains(a.replace("sha256:", "")), "the config blob of imp:a goes");
      assertEquals(blobs.size() - 1, stored(d, "blobs/sha256").size());
      String ctr = p.ok("create", "imp:b", "true");
      p.ok("rmi", "-f", "imp:b"); // untagged only: a container uses it
      p.ok("rmi", TestImages.NAME);
      assertEquals(impB, stored(d, "layers"), "what is left is the layer of the image the container uses");
      p.ok("rm", ctr);
      p.ok("image", "prune", "-f");
      assertEquals(List.of(), stored(d, "layers"), "the last image took its layer along");
      assertEquals(List.of(), stored(d, "blobs/sha256"));
    }
  }

  @Test
  void import_podmanCurlAndDockerCli() throws IOException {
    Path rootfs = rootfsTar();
    try (Daemon d = Daemon.start(TestUser.rootless())) {
      Podman p = new Podman(d);
      String id = p.ok("import", "--change", "CMD [\"/bin/sh\",\"-c\",\"echo imported $GREETING\"]",
          "--change", "ENV GREETING=hello", "--change", "WORKDIR /tmp", "--message", "from a test",
          rootfs.toString(), "imp:v1");
      assertTrue(id.matches("sha256:[0-9a-f]{64}"), id);
      assertEquals(id.substring(7), p.ok("image", "inspect", "--format", "{{.Id}}", "localhost/imp:v1"));
      assertEquals("/tmp", p.ok("image", "inspect", "--format", "{{.Config.WorkingDir}}", "imp:v1"));
      assertEquals("imported hello", p.ok("run", "--rm", "localhost/imp:v1"));

      Curl c = d.curl().as(d.user);
      var url = c.post("/v4.3.1/libpod/images/import?url=http%3A%2F%2Fexample.com%2Froot.tar&reference=x", "");
      assertEquals(400, url.status(), url.body());
      assertTrue(url.json().get("message").asText().contains("importing from a URL"), url.body());
      var badChange = upload(d, "/v4.3.1/libpod/images/import?reference=bad&changes=FROB%20x", rootfs);
      assertTrue(badChange.startsWith("HTTP/1.1 400"), badChange);
      assertTrue(badChange.contains("invalid change \\\"FROB x\\\""), badChange);
      var notTar = c.post("/v4.3.1/libpod/images/import?reference=bad", "this is not a tar archive at all, no");
      assertEquals(400, notTar.status(), notTar.body());
      assertEquals(1, p.run("image", "exists", "localhost/bad").exit());

      String compat = upload(d, "/v1.41/images/create?fromSrc=-&repo=imp2&tag=t&changes=CMD%20%5B%22sh%22%5D&message=m",
          rootfs);
      assertTrue(compat.startsWith("HTTP/1.1 200"), compat);
      JsonNode status = JSON.readTree(compat.substring(compat.indexOf("\r\n\r\n") + 4).trim());
      String compatId = status.get("status").asText();
      assertTrue(compatId.matches("sha256:[0-9a-f]{64}"), compat);
      assertEquals(compatId.substring(7), p.ok("image", "inspect", "--format", "{{.Id}}", "localhost/imp2:t"));
      assertEquals("[sh]", p.ok("image", "inspect", "--format", "{{.Config.Cmd}}", "localhost/imp2:t"));

      var docker = Exec.run(DockerCli.cmd(d, "import", "-c", "ENTRYPOINT [\"/bin/echo\"]", "-m", "via docker", rootfs.toString(), "imp3:v1"));
      assertEquals(0, docker.exit(), docker.stderr());
      assertTrue(docker.stdout().trim().matches("sha256:[0-9a-f]{64}"), docker.stdout());
      assertEquals("from docker", p.ok("run", "--rm", "localhost/imp3:v1", "from", "docker"));
    }
  }

  @Test
  void save_roundTripsThroughPodmanDockerAndCurl() throws IOException {
    try (Daemon d = Daemon.start(TestUser.rootless())) {
      Podman p = new Podman(d);
      Path out = Files.createDirectory(d.dir.resolve("saved"));
      Exec.run(Exec.cmd("chown", d.user.name() + ":", out.toString())).requireOk();
      p.ok("load", "-i", TestImages.dockerArchive().toString());
      String id = p.ok("image", "inspect", "--format", "{{.Id}}", TestImages.NAME);
      p.ok("import", rootfsTar().toString(), "imp:v1");
      String impId = p.ok("image", "inspect", "--format", "{{.Id}}", "localhost/imp:v1");

      for (String format : List.of("docker-archive", "oci-archive")) {
        Path file = out.resolve(format + ".tar");
        p.ok("save", "--format", format, "-o", file.toString(), TestImages.NAME);
        p.ok("rmi", TestImages.NAME);
        assertTrue(p.ok("load", "-i", file.toString()).contains("Loaded image: " + TestImages.NAME), format);
        assertEquals(id, p.ok("image", "inspect", "--format", "{{.Id}}", TestImages.NAME), format);
      }
      Path both = out.resolve("both.tar");
      p.ok("save", "-o", both.toString(), TestImages.NAME, "localhost/imp:v1");
      p.ok("rmi", TestImages.NAME, "localhost/imp:v1");
      String loaded = p.ok("load", "-i", both.toString());
      assertTrue(loaded.contains(TestImages.NAME) && loaded.contains("localhost/imp:v1"), loaded);
      assertEquals(impId, p.ok("image", "inspect", "--format", "{{.Id}}", "localhost/imp:v1"));

      Path dockerFile = out.resolve("docker.tar");
      var save = docker(d, "save", "-o", dockerFile.toString(), TestImages.NAME);
      assertEquals(0, save.exit(), save.stderr());
      p.ok("rmi", TestImages.NAME);
      var load = docker(d, "load", "-i", dockerFile.toString());
      assertEquals(0, load.exit(), load.stderr());
      assertEquals(id, p.ok("image", "inspect", "--format", "{{.Id}}", TestImages.NAME));

      Path many = out.resolve("many.tar");
      var curl = Exec.run(Exec.cmd("curl", "-sS", "-o", many.toString(), "-w", "%{http_code} %{content_type}",
          "--unix-socket", d.socket.toString(), "http://d/v1.41/images/get?names=localhost%2Fbusybox&names=imp:v1"));
      assertEquals("200 application/x-tar", curl.requireOk().stdout());
      String listing = Exec.run(Exec.cmd("tar", "tf", many.toString())).requireOk().stdout();
      assertTrue(listing.contains("manifest.json") && listing.contains(id + ".json")
          && listing.contains(impId + ".json"), listing);

      Curl c = d.curl().as(d.user);
      var unknown = c.get("/v4.3.1/libpod/images/localhost%2Fnope/get?format=docker-archive");
      assertEquals(404, unknown.status(), unknown.body());
      assertTrue(unknown.json().get("message").asText().contains("image not known"), unknown.body());
      var dir = c.get("/v4.3.1/libpod/images/busybox/get?format=oci-dir");
      assertEquals(400, dir.status(), dir.body());
      assertEquals(404, c.get("/v1.41/images/get?names=nope").status());
    }
  }

  static Exec.Result docker(Daemon d, String... args) {
    return Exec.run(DockerCli.cmd(d, args), null, 300);
  }

  private static Path rootfs;

  /** A world-readable rootfs tarball (the busybox test layer), made once, beside the test images. */
  static synchronized Path rootfsTar() throws IOException {
    if (rootfs == null) {
      Path f = Files.write(TestImages.dockerArchive().resolveSibling("rootfs.tar"), TestImages.layerTar());
      Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
      rootfs = f;
    }
    return rootfs;
  }

  /** POSTs a file as the body with curl (chunked, no Content-Type, as podman-remote sends); the raw response. */
  static String upload(Daemon d, String path, Path file) {
    List<String> cmd = Exec.cmd("curl", "-sS", "-i", "--max-time", "60", "--unix-socket", d.socket.toString(),
        "-H", "Content-Type:", "-H", "Expect:", "-H", "Transfer-Encoding: chunked", "-X", "POST", "--data-binary", "@" + file,
        "http://d" + path);
    return Exec.run(Exec.as(d.user, cmd)).requireOk().stdout();
  }
}
