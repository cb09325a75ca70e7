package dev.skiff.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Root mode's per-user subordinate IDs ({@code skiffd subids add}, {@code POST
 * /libpod/skiff/subids}), the default ID map in /info and the subid gauges. Every test works on
 * copies of the files in a temporary directory, never on /etc.
 */
class SubIdsIT {

  private static final String SUBUID =
      "# managed by the test\nskifftest:100000:65536\nsomeone:165536:3\n";
  private static final String SUBGID = "skifftest:100000:65536\n";
  /** A real user whose uid (165540) lies where the next range would otherwise start. */
  private static final String GHOST = "ghost:x:165540:165540::/nonexistent:/usr/sbin/nologin\n";

  private Path dir;
  private Path subuid;
  private Path subgid;
  private Path passwd;

  @BeforeEach
  void files() throws IOException {
    dir = Files.createTempDirectory(Path.of("/tmp"), "skiff-subids-");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    subuid = write("subuid", SUBUID);
    subgid = write("subgid", SUBGID);
    passwd = write("passwd", Files.readString(Path.of("/etc/passwd")) + GHOST);
  }

  @AfterEach
  void clean() {
    Exec.run(Exec.cmd("rm", "-rf", dir.toString()));
  }

  private Path write(String name, String content) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, content, StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-r--r--"));
    return p;
  }

  private String javaOpts() {
    return "-Dskiff.subuid-file=" + subuid + " -Dskiff.subgid-file=" + subgid + " -Dskiff.passwd-file=" + passwd;
  }

  private Exec.Result subids(TestUser user, String... args) {
    List<String> cmd = Exec.cmd("env", "SKIFF_JAVA_OPTS=" + javaOpts(), Install.skiffd().toString(), "subids");
    cmd.addAll(List.of(args));
    return Exec.run(Exec.as(user, cmd), null, 60);
  }

  @Test
  void cliAdd_appendsAClearRangeToBothFilesKeepingEveryOtherByte() throws IOException {
    byte[] uidBefore = Files.readAllBytes(subuid);
    byte[] gidBefore = Files.readAllBytes(subgid);

    var r = subids(TestUser.ROOT, "add", "nobody", "--root", dir.resolve("no-store").toString());

    assertEquals(0, r.exit(), r.stderr());
    // 165536-165538 is someone's and uid 165540 is ghost's: the first free 65536 IDs start at 165541
    assertTrue(r.stdout().contains(subuid + ": nobody:165541:65536 (165541-231076)"), r.stdout());
    assertTrue(r.stdout().contains(subgid + ": nobody:165541:65536"), r.stdout());
    assertEquals(SUBUID + "nobody:165541:65536\n", Files.readString(subuid));
    assertEquals(SUBGID + "nobody:165541:65536\n", Files.readString(subgid));
    assertArrayEquals(uidBefore, Files.readAllBytes(dir.resolve("subuid-")), "backup holds the previous content");
    assertArrayEquals(gidBefore, Files.readAllBytes(dir.resolve("subgid-")));
    assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(subuid)));
    assertFalse(Files.exists(dir.resolve("subuid.lock")), "lock released");
  }

  @Test
  void cliAdd_refusesRerunsUnknownUsersBadSizesAndNonRoot() throws IOException {
    subids(TestUser.ROOT, "add", "nobody", "--size", "1000").requireOk();
    String uids = Files.readString(subuid);

    var again = subids(TestUser.ROOT, "add", "nobody");
    assertEquals(1, again.exit(), again.stderr());
    assertTrue(again.stderr().contains("user nobody already has subordinate IDs"), again.stderr());

    var unknown = subids(TestUser.ROOT, "add", "no-such-user-xyz");
    assertEquals(1, unknown.exit());
    assertTrue(unknown.stderr().contains("user \"no-such-user-xyz\" does not exist in " + passwd), unknown.stderr());

    var zero = subids(TestUser.ROOT, "add", "daemon", "--size", "0");
    assertEquals(1, zero.exit());
    assertTrue(zero.stderr().contains("invalid range size 0"), zero.stderr());
    var huge = subids(TestUser.ROOT, "add", "daemon", "--size", "4294967295");
    assertEquals(1, huge.exit());
    assertTrue(huge.stderr().contains("between 1 and the pool's 4294867295 IDs"), huge.stderr());

    var rootless = subids(TestUser.rootless(), "add", "daemon");
    assertEquals(1, rootless.exit());
    assertTrue(rootless.stderr().contains("must be run as root"), rootless.stderr());

    assertEquals(uids, Files.readString(subuid), "refusals write nothing");

    var more = subids(TestUser.ROOT, "add", "nobody", "--size", "10", "--force-additional");
    assertEquals(0, more.exit(), more.stderr());
    assertTrue(Files.readString(subuid).endsWith("nobody:165541:1000\nnobody:166541:10\n"), Files.readString(subuid));

    var help = subids(TestUser.ROOT, "--help");
    assertEquals(0, help.exit());
    assertTrue(help.stdout().startsWith("Usage: skiffd subids add USER [--size N]"), help.stdout());
    var usage = subids(TestUser.ROOT, "remove", "nobody");
    assertEquals(2, usage.exit());
    assertTrue(usage.stderr().contains("unknown command \"remove\""), usage.stderr());
  }

  @Test
  void api_rootDaemonAddsRangesClearOfItsOwnDefaultRange_andShowsItInInfoAndMetrics() throws IOException {
    Files.writeString(subuid, SUBGID); // skifftest:100000:65536 only
    try (Daemon d = Daemon.startWithJavaOpts(TestUser.ROOT, javaOpts())) {
      // the root daemon's default container range is the first free one past ghost's uid: 165541-231076
      JsonNode info = d.curl().get("/v4.3.1/libpod/info").json();
      assertEquals("[{\"container_id\":0,\"host_id\":165541,\"size\":65536}]",
          info.at("/host/idMappings/uidmap").toString());

      var added = d.curl().post("/v4.3.1/libpod/skiff/subids?user=nobody&size=1000", null);
      assertEquals(200, added.status(), added.body());
      // clear of skifftest's range, of the daemon's default range and of ghost's uid
      assertEquals(231077, added.json().at("/subuid/start").asLong(), added.body());
      assertEquals(1000, added.json().at("/subuid/count").asLong());
      assertEquals(231077, added.json().at("/subgid/start").asLong());
      assertEquals(SUBGID + "nobody:231077:1000\n", Files.readString(subuid));
      assertEquals(SUBGID + "nobody:231077:1000\n", Files.readString(subgid));

      var again = d.curl().post("/libpod/skiff/subids?user=nobody", null);
      assertEquals(409, again.status(), again.body());
      assertTrue(again.json().get("message").asText().contains("already has subordinate IDs"), again.body());
      var unknown = d.curl().post("/libpod/skiff/subids?user=no-such-user-xyz", null);
      assertEquals(404, unknown.status(), unknown.body());
      var zero = d.curl().post("/libpod/skiff/subids?user=daemon&size=0", null);
      assertEquals(400, zero.status(), zero.body());
      var notNumber = d.curl().post("/libpod/skiff/subids?user=daemon&size=lots", null);
      assertEquals(400, notNumber.status(), notNumber.body());
      var noUser = d.curl().post("/libpod/skiff/subids", null);
      assertEquals(400, noUser.status(), noUser.body());

      String metrics = d.curl().get("/metrics").body();
      assertEquals(65536, gauge(metrics, "skiff_subid_allocated_ids", "uid"), metrics);
      assertEquals(65536, gauge(metrics, "skiff_subid_allocated_ids", "gid"), metrics);

      // the command reads the daemon's store (--root) and stays clear of its default range too
      Files.writeString(subuid, SUBGID);
      Files.writeString(subgid, SUBGID);
      var cli = subids(TestUser.ROOT, "add", "daemon", "--size", "10", "--root", d.root.toString());
      assertEquals(0, cli.exit(), cli.stderr());
      assertTrue(cli.stdout().contains("daemon:231077:10"), cli.stdout());
      Files.writeString(subuid, SUBGID + "nobody:231077:1000\n");
      Files.writeString(subgid, SUBGID + "nobody:231077:1000\n");
      // taken: 100000-165535 (skifftest), 165540 (ghost), 165541-231076 (the default range),
      // 231077-232076 (nobody) and real IDs above; 165536-165539 stay free
      long realInPool = Files.readAllLines(passwd).stream().map(l -> l.split(":"))
          .filter(f -> f.length > 3).flatMap(f -> java.util.stream.Stream.of(Long.parseLong(f[2]), Long.parseLong(f[3])))
          .distinct().filter(id -> id > 232076 && id < 4294967295L).count();
      assertEquals(4294867295L - (232077 - 100000) + 4 - realInPool, gauge(metrics, "skiff_subid_free_ids", "uid"), metrics);

      String podmanInfo = new Podman(d).ok("info", "--format", "{{json .Host.IDMappings}}");
      assertTrue(podmanInfo.contains("\"host_id\":165541"), podmanInfo);
    }
  }

  @Test
  void rootlessDaemon_showsItsDefaultMapAndRefusesTheAdminEndpoint() {
    TestUser u = TestUser.rootless();
    try (Daemon d = Daemon.start(u)) {
      var added = d.curl().as(u).post("/libpod/skiff/subids?user=nobody", null);
      assertEquals(403, added.status(), added.body());
      assertTrue(added.json().get("message").asText().contains("assigned by a root skiffd only"), added.body());

      String uidmap = new Podman(d).ok("info", "--format", "{{json .Host.IDMappings.UIDMap}}");
      assertEquals("[{\"container_id\":0,\"host_id\":" + u.uid() + ",\"size\":1},"
          + "{\"container_id\":1,\"host_id\":100000,\"size\":65536}]", uidmap.replace(" ", ""));
      JsonNode info = d.curl().as(u).get("/libpod/info").json();
      assertTrue(info.at("/host/security/idMappingProblem").isMissingNode(), info.toString());

      String metrics = d.curl().as(u).get("/metrics").body();
      assertEquals(65536, gauge(metrics, "skiff_subid_allocated_ids", "uid"), metrics);
      assertEquals(0, gauge(metrics, "skiff_subid_free_ids", "uid"), metrics);
    }
  }

  @Test
  void rootlessWithoutRange_infoSaysWhyAndPodmanStillDecodesIt() throws IOException {
    Path empty = write("empty", "");
    TestUser u = TestUser.rootless();
    try (Daemon d = Daemon.startWithJavaOpts(u, "-Dskiff.subuid-file=" + empty + " -Dskiff.subgid-file=" + empty)) {
      JsonNode info = d.curl().as(u).get("/libpod/info").json();
      assertEquals("[{\"container_id\":0,\"host_id\":" + u.uid() + ",\"size\":1}]",
          info.at("/host/idMappings/uidmap").toString());
      String problem = info.at("/host/security/idMappingProblem").asText();
      assertTrue(problem.contains("has no subordinate ID range") && problem.contains("usermod --add-subuids"), problem);

      var podman = new Podman(d).run("info");
      assertEquals(0, podman.exit(), podman.stderr());
      assertTrue(podman.stdout().contains("rootless: true"), podman.stdout());
      String metrics = d.curl().as(u).get("/metrics").body();
      assertEquals(0, gauge(metrics, "skiff_subid_allocated_ids", "uid"), metrics);
    }
  }

  private static long gauge(String metrics, String name, String kind) {
    Matcher m = Pattern.compile("(?m)^" + name + "\\{kind=\"" + kind + "\"\\} (\\S+)$").matcher(metrics);
    assertTrue(m.find(), name + " " + kind + " missing:\n" + metrics);
    return (long) Double.parseDouble(m.group(1));
  }
}
