package dev.skiff.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Copying files into and out of containers ({@code /containers/{id}/archive}) with the real
 * clients: podman --remote cp, docker cp, curl; rootless and root; running, created and exited
 * containers; and paths or tar entries that try to leave the container.
 */
class ContainerArchiveIT extends BothDaemons {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** A host directory the daemon's user owns (podman and docker run as that user). */
  private static Path hostDir(Daemon d) throws IOException {
    Path dir = Files.createTempDirectory(d.dir, "cp-");
    Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    if (!d.user.isRoot()) {
      Exec.run(Exec.cmd("chown", d.user.name() + ":", dir.toString())).requireOk();
    }
    return dir;
  }

  /** Writes a file as the daemon's user. */
  private static void write(Daemon d, Path file, String content) {
    Exec.run(Exec.as(d.user, Exec.cmd("sh", "-c", "mkdir -p \"$(dirname \"$1\")\" && cat > \"$1\"", "sh",
        file.toString())), content.getBytes(StandardCharsets.UTF_8), 30).requireOk();
  }

  private static String exec(Podman p, String ctr, String script) {
    return p.ok("exec", ctr, "sh", "-c", script);
  }

  @ParameterizedTest(autoCloseArguments = false)
  @MethodSource("daemons")
  void podmanCp_filesAndDirectories_bothWays_runningContainer(Daemon d) throws IOException {
    Podman p = new Podman(d);
    Path h = hostDir(d);
    String c = "cp" + System.nanoTime();
    p.ok("run", "-d", "--name", c, TestImages.NAME, "sleep", "600");
    write(d, h.resolve("in.txt"), "hello\n");
    write(d, h.resolve("dir/a"), "A\n");
    write(d, h.resolve("dir/sub/b"), "B\n");

    p.ok("cp", h.resolve("in.txt").toString(), c + ":/tmp/");
    assertEquals("hello 0:0", exec(p, c, "echo $(cat /tmp/in.txt) $(stat -c %u:%g /tmp/in.txt)"),
        "podman cp (archive mode) gives the files to the container's user");
    p.ok("cp", h.resolve("in.txt").toString(), c + ":/tmp/renamed.txt");
    assertEquals("hello", exec(p, c, "cat /tmp/renamed.txt"));
    p.ok("cp", h.resolve("dir").toString(), c + ":/tmp/dir2");
    assertEquals("A B 0", exec(p, c, "echo $(cat /tmp/dir2/a) $(cat /tmp/dir2/sub/b) $(stat -c %u /tmp/dir2/sub)"));

    p.ok("cp", c + ":/etc/passwd", h.resolve("passwd").toString());
    assertTrue(Files.readString(h.resolve("passwd")).startsWith("root:"), "the container's /etc/passwd");
    p.ok("cp", c + ":/tmp/dir2", h.resolve("back").toString());
    assertEquals("B\n", Files.readString(h.resolve("back/sub/b")));
    var missing = p.run("cp", c + ":/nonexistent", h.resolve("x").toString());
    assertEquals(125, missing.exit(), missing.stderr());
    assertTrue(missing.stderr().contains("could not be found on container"), missing.stderr());
    p.ok("rm", "-f", c);
  }

  @ParameterizedTest(autoCloseArguments = false)
  @MethodSource("daemons")
  void podmanCp_intoCreatedContainer_andOutOfExitedOne(Daemon d) throws IOException {
    Podman p = new Podman(d);
    Path h = hostDir(d);
    String c = "cps" + System.nanoTime();
    p.ok("create", "--name", c, TestImages.NAME, "sh", "-c", "cat /tmp/in.txt; stat -c %u:%a /tmp/in.txt; "
        + "echo made > /tmp/made");
    write(d, h.resolve("in.txt"), "offline\n");
    Exec.run(Exec.cmd("chmod", "0640", h.resolve("in.txt").toString())).requireOk();
    p.ok("cp", h.resolve("in.txt").toString(), c + ":/tmp/"); // never started: its rootfs is mounted for the copy
    p.ok("start", c);
    assertEquals("0", p.ok("wait", c));
    assertEquals("offline\n0:640\n", p.ok("logs", c) + "\n");
    p.ok("cp", c + ":/tmp/made", h.resolve("made").toString());
    assertEquals("made\n", Files.readString(h.resolve("made")));
    assertEquals("exited", p.ok("inspect", "--format", "{{.State.Status}}", c));
    p.ok("rm", c);
  }

  /** A created container with its own ID range (--userns=auto) and a volume; a gzip tar through the API. */
  @ParameterizedTest(autoCloseArguments = false)
  @MethodSource("daemons")
  void createdContainer_volumeOwnRangeAndGzip(Daemon d) throws IOException {
    Podman p = new Podman(d);
    Path h = hostDir(d);
    String c = "cpa" + System.nanoTime();
    String vol = "cpv" + System.nanoTime();
    p.ok("create", "--name", c, "--userns=auto", "-v", vol + ":/data", TestImages.NAME, "sh", "-c",
        "cat /data/v.txt /opt/x/g.txt; stat -c %u:%g /data/v.txt /opt/x/g.txt /opt/x");
    write(d, h.resolve("v.txt"), "vol\n");
    p.ok("cp", h.resolve("v.txt").toString(), c + ":/data/");
    Path tar = tar(h.resolve("g.tar"), d, List.of(new Entry("opt/x/g.txt", "gz\n", null)));
    Path gz = h.resolve("g.tar.gz");
    try (OutputStream out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(gz))) {
      Files.copy(tar, out);
    }
    Files.setPosixFilePermissions(gz, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    assertEquals(200, put(d, "/v4.3.1/libpod/containers/" + c + "/archive?path=/", gz), "gzip is accepted");
    p.ok("start", c);
    assertEquals("0", p.ok("wait", c));
    // v.txt was read through the volume mounted at start: the copy went into the volume, not the rootfs
    assertEquals("vol\ngz\n0:0\n0:0\n0:0", p.ok("logs", c), "libpod's copyUIDGID default: the container's user");
    p.ok("rm", c);
  }

  /** A read-only rootfs refuses copies (403), whether the container runs or not. */
  @ParameterizedTest(autoCloseArguments = false)
  @MethodSource("daemons")
  void readOnlyRootfs_refusesCopiesIn_runningOrNot(Daemon d) throws IOException {
    Podman p = new Podman(d);
    Path h = hostDir(d);
    String c = "ro" + System.nanoTime();
    p.ok("create", "--name", c, "--read-only", TestImages.NAME, "sleep", "600");
    Path tar = tar(h.resolve("ro.tar"), d, List.of(new Entry("ro.txt", "ro\n", null)));
    String api = "/v1.41/containers/" + c + "/archive?path=/etc";
    assertEquals(403, put(d, api, tar), "created, not running");
    p.ok("start", c);
    assertEquals(403, put(d, api, tar), "running");
    assertEquals("absent", exec(p, c, "test -e /etc/ro.txt || echo absent"));
    p.ok("rm", "-f", c);
  }

  @ParameterizedTest(autoCloseArguments = false)
  @MethodSource("daemons")
  void dockerCp_bothWays_keepsTheTarOwner(Daemon d) throws IOException {
    Podman p = new Podman(d);
    Path h = hostDir(d);
    String c = "dcp" + System.nanoTime();
    p.ok("run", "-d", "--name", c, TestImages.NAME, "sleep", "600");
    write(d, h.resolve("d.txt"), "docker\n");
    docker(d, "cp", h.resolve("d.txt").toString(), c + ":/tmp/d.txt");
    assertEquals("docker " + d.user.uid(), exec(p, c, "echo $(cat /tmp/d.txt) $(stat -c %u /tmp/d.txt)"),
        "without -a the tar's owner is kept, as Docker and Podman's compat API do");
    docker(d, "cp", c + ":/tmp/d.txt", h.resolve("d-out.txt").toString());
    assertEquals("docker\n", Files.readString(h.resolve("d-out.txt")));
    docker(d, "cp", c + ":/etc", h.resolve("etc").toString());
    assertTrue(Files.readString(h.resolve("etc/passwd")).startsWith("root:"));
    p.ok("rm", "-f", c);
  }

  private static String docker(Daemon d, String... args) {
    return Exec.run(Exec.as(d.user, DockerCli.cmd(d, args)), null, 60).requireOk().stdout();
  }

  @ParameterizedTest(autoCloseArguments = false)
  @MethodSource("daemons")
  void archiveApi_statHeader_andErrors(Daemon d) throws IOException {
    Podman p = new Podman(d);
    Curl curl = d.curl().as(d.user);
    String c = "api" + System.nanoTime();
    p.ok("run", "-d", "--name", c, TestImages.NAME, "sh", "-c", "mkdir -p /data/sub; echo f > /data/file; sleep 600");
    waitFor(p, c, "test -f /data/file");
    for (String prefix : new String[] {"/v4.3.1/libpod", "/v1.41"}) {
      var head = curl.head(prefix + "/containers/" + c + "/archive?path=/data/file");
      assertEquals(200, head.status());
      JsonNode stat = JSON.readTree(Base64.getUrlDecoder().decode(head.header("X-Docker-Container-Path-Stat")));
      assertEquals("file", stat.get("name").asText());
      assertEquals(2, stat.get("size").asInt());
      assertFalse(stat.get("isDir").asBoolean());
      assertEquals("/data/file", stat.get("linkTarget").asText());
      JsonNode dir = JSON.readTree(Base64.getUrlDecoder().decode(
          curl.head(prefix + "/containers/" + c + "/archive?path=/data/").header("X-Docker-Container-Path-Stat")));
      assertTrue(dir.get("isDir").asBoolean());
      assertEquals(1L << 31, dir.get("mode").asLong() & (1L << 31), "Go's os.ModeDir");
      assertEquals("/data/", dir.get("linkTarget").asText());
      assertEquals(404, curl.head(prefix + "/containers/" + c + "/archive?path=/nope").status());
      assertEquals(404, curl.head(prefix + "/containers/nope" + c + "/archive?path=/data").status());
      var noPath = curl.get(prefix + "/containers/" + c + "/archive");
      assertEquals(400, noPath.status());
      assertTrue(noPath.json().get("message").asText().contains("path"), noPath.body());
      var getMissing = curl.get(prefix + "/containers/" + c + "/archive?path=/nope");
      assertEquals(404, getMissing.status());
      assertEquals("no such file or directory", getMissing.json().get("cause").asText());
    }
    // PUT errors: missing directory 404, a file 400, not a tar 400, nothing half-written
    Path h = hostDir(d);
    Path tar = tar(h.resolve("ok.tar"), d, List.of(new Entry("x.txt", "x\n", null)));
    assertEquals(404, put(d, "/v4.3.1/libpod/containers/" + c + "/archive?path=/nope", tar));
    assertEquals(400, put(d, "/v1.41/containers/" + c + "/archive?path=/data/file", tar));
    Path junk = h.resolve("junk");
    Files.write(junk, "this is not a tar archive, not even close ".repeat(40).getBytes(StandardCharsets.UTF_8));
    assertEquals(400, put(d, "/v1.41/containers/" + c + "/archive?path=/data", junk));
    Path climbing = tar(h.resolve("up.tar"), d, List.of(new Entry("../../escaped", "no\n", null)));
    assertEquals(400, put(d, "/v1.41/containers/" + c + "/archive?path=/data/sub", climbing));
    assertEquals("absent", exec(p, c, "test -e /escaped || test -e /data/escaped || echo absent"));
    assertEquals(200, put(d, "/v1.41/containers/" + c + "/archive?path=/data", tar));
    assertEquals("x", exec(p, c, "cat /data/x.txt"));
    // a tar followed by 1 MiB of zeros (record padding): the end marker ends it, the rest is read
    Path padded = h.resolve("padded.tar");
    Files.write(padded, Files.readAllBytes(tar));
    Files.write(padded, new byte[1 << 20], java.nio.file.StandardOpenOption.APPEND);
    assertEquals(200, put(d, "/v1.41/containers/" + c + "/archive?path=/data/sub", padded));
    assertEquals("x", exec(p, c, "cat /data/sub/x.txt"));
    // GET: a tar of the path, the directory under its base name
    Path got = h.resolve("got.tar");
    var r = Exec.run(Exec.as(d.user, Exec.cmd("curl", "-sS", "-o", got.toString(), "-w", "%{http_code}",
        "--unix-socket", d.socket.toString(), "http://d/v1.41/containers/" + c + "/archive?path=/data")), null, 30);
    assertEquals("200", r.requireOk().stdout());
    List<String> names = names(got);
    assertTrue(names.contains("data/") && names.contains("data/file") && names.contains("data/sub/"), names.toString());
    p.ok("rm", "-f", c);
  }

  /** Symlinks in the container and in the tar never lead out of the container's root. */
  @ParameterizedTest(autoCloseArguments = false)
  @MethodSource("daemons")
  void symlinks_neverLeaveTheContainer(Daemon d) throws IOException {
    Podman p = new Podman(d);
    Path h = hostDir(d);
    Path hostTarget = hostDir(d); // a host directory a symlink names by its absolute host path
    String c = "esc" + System.nanoTime();
    p.ok("run", "-d", "--name", c, TestImages.NAME, "sh", "-c",
        "ln -s / /tmp/root; ln -s ../../../../../../../../etc /tmp/up; ln -s " + hostTarget + " /tmp/host; sleep 600");
    waitFor(p, c, "test -L /tmp/host");
    Path marker = tar(h.resolve("m.tar"), d, List.of(new Entry("skiff-marker", "inside\n", null)));
    String api = "/v1.41/containers/" + c + "/archive?path=";
    assertEquals(200, put(d, api + "/tmp/root/etc", marker));
    assertEquals(200, put(d, api + "/tmp/up", marker));
    assertEquals("inside", exec(p, c, "cat /etc/skiff-marker"));
    assertFalse(Files.exists(Path.of("/etc/skiff-marker")), "nothing written to the host's /etc");
    assertEquals(404, put(d, api + "/tmp/host", marker), "an absolute host path is looked up in the container");
    // a tar that plants a symlink and then writes through it
    Path trick = tar(h.resolve("t.tar"), d, List.of(new Entry("up2", null, "../../../../../.."),
        new Entry("up2/planted2", "y\n", null), new Entry("lnk", null, hostTarget.toString()),
        new Entry("lnk/planted", "x\n", null)));
    assertEquals(404, put(d, api + "/tmp", trick), "lnk/ names a path that does not exist in the container");
    assertEquals("y", exec(p, c, "cat /planted2"), "a symlink planted by the tar resolves in the container");
    try (var files = Files.list(hostTarget)) {
      assertEquals(0, files.count(), "nothing reached the host directory the symlink names");
    }
    assertFalse(Files.exists(Path.of("/planted2")));
    // reading through the symlinks reads the container's files
    Path got = h.resolve("passwd.tar");
    Exec.run(Exec.as(d.user, Exec.cmd("curl", "-sS", "-o", got.toString(), "--unix-socket", d.socket.toString(),
        "http://d" + api + "/tmp/up/passwd")), null, 30).requireOk();
    String passwd = content(got, "passwd");
    assertNotNull(passwd);
    assertFalse(passwd.contains("skifftest"), "the container's /etc/passwd, not the host's: " + passwd);
    p.ok("rm", "-f", c);
  }

  private static void waitFor(Podman p, String c, String test) {
    for (int i = 0; i < 100; i++) {
      if (p.run("exec", c, "sh", "-c", test).exit() == 0) {
        return;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    throw new AssertionError("container " + c + " never satisfied: " + test);
  }

  record Entry(String name, String content, String symlink) {}

  private static Path tar(Path file, Daemon d, List<Entry> entries) throws IOException {
    try (OutputStream out = Files.newOutputStream(file); TarArchiveOutputStream t = new TarArchiveOutputStream(out)) {
      t.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      for (Entry e : entries) {
        TarArchiveEntry te;
        if (e.symlink() != null) {
          te = new TarArchiveEntry(e.name(), TarArchiveEntry.LF_SYMLINK);
          te.setLinkName(e.symlink());
          t.putArchiveEntry(te);
        } else {
          byte[] data = e.content().getBytes(StandardCharsets.UTF_8);
          te = new TarArchiveEntry(e.name());
          te.setSize(data.length);
          te.setMode(0644);
          t.putArchiveEntry(te);
          t.write(data);
        }
        t.closeArchiveEntry();
      }
    }
    Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    return file;
  }

  /** PUT the file with curl as the daemon's user; returns the status. */
  private static int put(Daemon d, String path, Path body) {
    var r = Exec.run(Exec.as(d.user, Exec.cmd("curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "-X", "PUT",
        "-H", "Content-Type:", "--data-binary", "@" + body, "--unix-socket", d.socket.toString(), "http://d" + path)),
        null, 30);
    return Integer.parseInt(r.requireOk().stdout().trim());
  }

  private static List<String> names(Path tar) throws IOException {
    List<String> names = new ArrayList<>();
    try (var in = new TarArchiveInputStream(new ByteArrayInputStream(Files.readAllBytes(tar)))) {
      TarArchiveEntry e;
      while ((e = in.getNextEntry()) != null) {
        names.add(e.getName());
      }
    }
    return names;
  }

  private static String content(Path tar, String name) throws IOException {
    try (var in = new TarArchiveInputStream(new ByteArrayInputStream(Files.readAllBytes(tar)))) {
      TarArchiveEntry e;
      while ((e = in.getNextEntry()) != null) {
        if (e.getName().equals(name)) {
          return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
      }
    }
    return null;
  }

  /** name -> "uid:gid" of every entry in the tar file. */
  private static java.util.Map<String, String> tarEntries(Path tar) throws IOException {
    java.util.Map<String, String> out = new java.util.TreeMap<>();
    try (TarArchiveInputStream in = new TarArchiveInputStream(Files.newInputStream(tar))) {
      for (TarArchiveEntry e; (e = in.getNextEntry()) != null; ) {
        out.put(e.getName().startsWith("./") ? e.getName().substring(2) : e.getName(), e.getLongUserId() + ":"
            + e.getLongGroupId());
      }
    }
    return out;
  }

  @ParameterizedTest(autoCloseArguments = false)
  @MethodSource("daemons")
  void export_isTheContainersOwnFilesystem_withoutWhatItsMountsBring_andImportsBack(Daemon d) throws IOException {
    Podman p = new Podman(d);
    Path h = hostDir(d);
    String c = "ex" + System.nanoTime();
    String vol = "exv" + System.nanoTime();
    p.ok("run", "-d", "--name", c, "-v", vol + ":/data", "--tmpfs", "/scratch", TestImages.NAME, "sh", "-c",
        "echo mine > /made-here; chown 1000:1000 /made-here; echo vol > /data/in-volume;"
            + " echo tmp > /scratch/in-tmpfs; touch /ready; sleep 600");
    exec(p, c, "while [ ! -f /ready ]; do sleep 0.1; done");

    p.ok("export", "-o", h.resolve("running.tar").toString(), c);
    var running = tarEntries(h.resolve("running.tar"));
    assertEquals("1000:1000", running.get("made-here"), "the container's own files, owners as it sees them");
    assertTrue(running.containsKey("bin/busybox") || running.containsKey("bin/sh"), running.keySet().toString());
    assertTrue(running.containsKey("data/") && running.containsKey("scratch/"), "mount points stay, empty");
    assertFalse(running.containsKey("data/in-volume"), "a volume's contents are not the container's");
    assertFalse(running.containsKey("scratch/in-tmpfs"), "nor a tmpfs's");
    assertFalse(running.keySet().stream().anyMatch(n -> n.startsWith("proc/") && n.length() > 5), "nor /proc's");

    Exec.run(Exec.as(d.user, DockerCli.cmd(d, "export", "-o", h.resolve("docker.tar").toString(), c)), null, 60)
        .requireOk();
    assertEquals("1000:1000", tarEntries(h.resolve("docker.tar")).get("made-here"));

    p.ok("stop", "-t", "0", c);
    p.ok("export", "-o", h.resolve("stopped.tar").toString(), c);
    var stopped = tarEntries(h.resolve("stopped.tar"));
    assertEquals("1000:1000", stopped.get("made-here"), "an exited container exports the same");
    assertFalse(stopped.containsKey("data/in-volume"));

    String image = "localhost/exported" + System.nanoTime() + ":v1";
    p.ok("import", h.resolve("running.tar").toString(), image);
    assertEquals("mine 1000", p.ok("run", "--rm", image, "sh", "-c", "echo $(cat /made-here) $(stat -c %u /made-here)"));

    var none = d.curl().as(d.user).get("/v4.3.1/libpod/containers/" + "0".repeat(64) + "/export");
    assertEquals(404, none.status(), none.body());
    assertTrue(none.body().contains("\"response\":404"), none.body());
    p.ok("rm", c);
    p.ok("rmi", image);
    p.ok("volume", "rm", vol);
  }
}
