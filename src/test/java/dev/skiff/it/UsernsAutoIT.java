package dev.skiff.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code --userns=auto} per-container ranges (root mode, ID-mapped image layers), their
 * persistence across a SIGKILL of the daemon, freeing on {@code rm} and {@code --rm}, exhaustion;
 * and the other {@code --userns} modes' checks, rootless and as root. The root daemon reads
 * temporary subuid/subgid files whose {@code containers} entry (300000, 3000 IDs) is the auto pool.
 */
class UsernsAutoIT {

  private static final long POOL_START = 300_000;
  private static final String SUBUID = "skifftest:100000:65536\ncontainers:300000:3000\n";

  private Path dir;

  @BeforeEach
  void files() throws IOException {
    dir = Files.createTempDirectory(Path.of("/tmp"), "skiff-userns-");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    for (String f : List.of("subuid", "subgid")) {
      Path p = dir.resolve(f);
      Files.writeString(p, SUBUID, StandardCharsets.UTF_8);
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-r--r--"));
    }
  }

  @AfterEach
  void clean() {
    Exec.run(Exec.cmd("rm", "-rf", dir.toString()));
  }

  private Daemon rootDaemon() {
    Daemon d = Daemon.startWithJavaOpts(TestUser.ROOT,
        "-Dskiff.subuid-file=" + dir.resolve("subuid") + " -Dskiff.subgid-file=" + dir.resolve("subgid"));
    new Podman(d).ok("load", "-i", TestImages.dockerArchive().toString());
    return d;
  }

  private static Daemon rootlessDaemon() {
    Daemon d = Daemon.start(TestUser.rootless());
    new Podman(d).ok("load", "-i", TestImages.dockerArchive().toString());
    return d;
  }

  @Test
  void twoAutoContainers_getDisjointRanges_andFilesOwnedInsideTheirOwnRange() throws Exception {
    try (Daemon d = rootDaemon()) {
      Podman p = new Podman(d);
      String script = "cat /proc/self/uid_map; stat -c %u:%g /bin/busybox /etc/passwd; touch /tmp/made-by-1000;"
          + " echo done; sleep 100";
      String a = p.ok("run", "-d", "--userns=auto", "--user", "1000:1000", TestImages.NAME, "sh", "-c", script);
      String b = p.ok("run", "-d", "--userns=auto", "--user", "1000:1000", TestImages.NAME, "sh", "-c", script);

      long[] ra = uidMapOf(p, a);
      long[] rb = uidMapOf(p, b);
      assertEquals(0, ra[0]);
      assertEquals(1024, ra[2], "default auto size is Podman's minimum, 1024");
      assertTrue(ra[1] >= POOL_START && ra[1] + ra[2] <= POOL_START + 3000, "from the containers entry: " + ra[1]);
      assertTrue(rb[1] >= POOL_START && rb[1] + rb[2] <= POOL_START + 3000, "from the containers entry: " + rb[1]);
      assertTrue(ra[1] + ra[2] <= rb[1] || rb[1] + rb[2] <= ra[1], "disjoint: " + ra[1] + " and " + rb[1]);

      // image files (owned on disk through the default range) read as container root through the
      // ID-mapped layers, not as the overflow uid
      String logs = p.ok("logs", a);
      assertTrue(logs.contains("0:0\n0:0"), logs);
      long ua = ownerOfUpperFile(d, a, "tmp/made-by-1000");
      long ub = ownerOfUpperFile(d, b, "tmp/made-by-1000");
      assertEquals(ra[1] + 1000, ua);
      assertEquals(rb[1] + 1000, ub);
      assertNotEquals(ua, ub);

      JsonNode ins = d.curl().get("/v4.3.1/libpod/containers/" + a + "/json").json();
      JsonNode idm = ins.get("HostConfig").get("IDMappings");
      assertEquals("0:" + ra[1] + ":1024", idm.get("UidMap").get(0).asText(), idm.toString());
      assertEquals("0:" + ra[1] + ":1024", idm.get("GidMap").get(0).asText(), idm.toString());
      p.ok("rm", "-f", a, b);
    }
  }

  @Test
  void allocations_surviveSigkill_andAreFreedByRmAndAutoRemove() throws Exception {
    try (Daemon d = rootDaemon()) {
      Podman p = new Podman(d);
      long before = allocatedUids(d);
      String a = p.ok("create", "--userns=auto:size=1500", TestImages.NAME, "true");
      String aMap = idMappings(d, a);
      assertEquals(before + 1500, allocatedUids(d));

      d.kill9();
      d.start();
      assertEquals(aMap, idMappings(d, a), "same map after a SIGKILL and restart");
      assertEquals(before + 1500, allocatedUids(d));
      String b = p.ok("create", "--userns=auto:size=1500", TestImages.NAME, "true");
      long[] ra = range(idMappings(d, a));
      long[] rb = range(idMappings(d, b));
      assertTrue(ra[0] + ra[1] <= rb[0] || rb[0] + rb[1] <= ra[0], aMap + " vs " + idMappings(d, b));

      p.ok("rm", a, b);
      assertEquals(before, allocatedUids(d), "rm frees both ranges");

      var r = p.run("run", "--rm", "--userns=auto:size=3000", TestImages.NAME, "cat", "/proc/self/uid_map");
      assertEquals(0, r.exit(), r.stderr());
      assertTrue(r.stdout().matches("(?s)\\s*0\\s+300000\\s+3000\\s*"), r.stdout());
      awaitAllocated(d, before);
    }
  }

  @Test
  void exhaustedPool_isAClear409NamingThePoolAndSizes() {
    try (Daemon d = rootDaemon()) {
      Podman p = new Podman(d);
      p.ok("create", "--name", "big", "--userns=auto:size=2000", TestImages.NAME, "true");
      var r = d.curl().post("/v4.3.1/libpod/containers/create",
          "{\"image\":\"" + TestImages.NAME + "\",\"command\":[\"true\"],\"userns\":{\"nsmode\":\"auto\","
              + "\"value\":\"size=2000\"}}");
      assertEquals(409, r.status(), r.body());
      String msg = r.json().get("message").asText();
      assertTrue(msg.contains("cannot allocate 2000 IDs") && msg.contains("300000-302999")
          && msg.contains("largest free range has 1000 IDs") && msg.contains("\"containers\" entries"), msg);
      var cli = p.run("run", "--userns=auto:size=2000", TestImages.NAME, "true");
      assertNotEquals(0, cli.exit());
      assertTrue(cli.stderr().contains("cannot allocate 2000 IDs"), cli.stderr());
      // what is left still works
      p.ok("create", "--userns=auto:size=1000", TestImages.NAME, "true");
    }
  }

  @Test
  void autoUidmapping_forcesThatMappingAndSizeBeyondMaxNeedsSize() {
    try (Daemon d = rootDaemon()) {
      Podman p = new Podman(d);
      var r = p.run("run", "--rm", "--userns=auto:size=1024,uidmapping=1000:310000:1", TestImages.NAME,
          "cat", "/proc/self/uid_map");
      assertEquals(0, r.exit(), r.stderr());
      String map = r.stdout().replaceAll("[ \t]+", " ");
      assertTrue(map.contains("1000 310000 1"), map);
      var bad = p.run("create", "--userns=auto:size=0", TestImages.NAME, "true");
      assertNotEquals(0, bad.exit());
      assertTrue(bad.stderr().contains("size must be greater than 0"), bad.stderr());
    }
  }

  @Test
  void rootless_keepIdHostAndExplicitMaps() { // rootless auto and nomap: RootlessUsernsIT
    try (Daemon d = rootlessDaemon()) {
      Podman p = new Podman(d);

      long uid = TestUser.rootless().uid();
      String keep = p.ok("run", "--rm", "--userns=keep-id", TestImages.NAME, "sh", "-c", "id -u; id -g");
      assertEquals(uid + "\n" + uid, keep.trim());
      String keep2 = p.ok("run", "--rm", "--userns=keep-id:uid=200,gid=210", TestImages.NAME, "sh", "-c",
          "id -u; id -g; cat /proc/self/uid_map");
      assertTrue(keep2.startsWith("200\n210\n"), keep2);
      // a rootless container's user namespace is a child of the namespace holder's (0 = the user,
      // 1.. = 100000..): /proc/self/uid_map inside shows holder IDs (host view: NamespaceHolderIT)
      assertTrue(keep2.replaceAll("[ \t]+", " ").contains("200 0 1"), keep2);

      String host = p.ok("run", "--rm", "--userns=host", TestImages.NAME, "cat", "/proc/self/uid_map");
      assertEquals("0 0 1\n1 1 65536", host.replaceAll("[ \t]+", " ").replaceAll("(?m)^ ", "").trim());

      String mapped = p.ok("run", "--rm", "--uidmap", "0:0:1", "--uidmap", "1:1:1000", "--gidmap", "0:0:1",
          "--gidmap", "1:1:1000", TestImages.NAME, "cat", "/proc/self/uid_map");
      assertEquals("0 0 1\n1 1 1000", mapped.replaceAll("[ \t]+", " ").replaceAll("(?m)^ ", "").trim());
      var outside = p.run("create", "--uidmap", "0:1:70000", TestImages.NAME, "true");
      assertNotEquals(0, outside.exit());
      assertTrue(outside.stderr().contains("outside the range this daemon owns")
          && outside.stderr().contains("100000-165535"), outside.stderr());
    }
  }

  @Test
  void root_keepIdAndNomapRefused_hostWithoutUserNamespace_explicitMapsIdMapLayers() {
    try (Daemon d = rootDaemon()) {
      Podman p = new Podman(d);
      for (String mode : List.of("keep-id", "nomap")) {
        var r = p.run("create", "--userns=" + mode, TestImages.NAME, "true");
        assertNotEquals(0, r.exit());
        assertTrue(r.stderr().contains("--userns=" + mode + " is only supported in rootless mode"), r.stderr());
      }
      String host = p.ok("run", "--rm", "--userns=host", TestImages.NAME, "cat", "/proc/self/uid_map");
      assertTrue(host.replaceAll("[ \t]+", " ").trim().equals("0 0 4294967295"), host);
      // an explicit map other than the default also reads image files through ID-mapped layers
      String explicit = p.ok("run", "--rm", "--uidmap", "0:400000:2000", "--gidmap", "0:400000:2000", TestImages.NAME,
          "sh", "-c", "stat -c %u:%g /etc/passwd; cat /proc/self/uid_map");
      assertEquals("0:0\n0 400000 2000", explicit.replaceAll("[ \t]+", " ").replaceAll("(?m)^ ", "").trim());
      var bad = d.curl().post("/v4.3.1/libpod/containers/create", "{\"image\":\"" + TestImages.NAME
          + "\",\"userns\":{\"nsmode\":\"auto\",\"value\":\"colour=blue\"}}");
      assertEquals(400, bad.status(), bad.body());
      assertTrue(bad.json().get("message").asText().contains("unknown auto option \"colour\""), bad.body());
      var outside = d.curl().post("/v4.3.1/libpod/containers/create", "{\"image\":\"" + TestImages.NAME
          + "\",\"userns\":{\"nsmode\":\"auto\",\"value\":\"uidmapping=0:50:10\"}}");
      assertEquals(400, outside.status(), outside.body());
      assertTrue(outside.json().get("message").asText().contains("outside the range this daemon owns"),
          outside.body());
    }
  }

  // ---- helpers --------------------------------------------------------------------------------

  /** The container's first uid_map line (container, host, size), read from its log. */
  private static long[] uidMapOf(Podman p, String id) {
    for (int i = 0; i < 100; i++) {
      String logs = p.ok("logs", id);
      if (logs.contains("done")) {
        String[] f = logs.lines().findFirst().orElseThrow().trim().split("\\s+");
        return new long[] {Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2])};
      }
      Daemon.sleep(100);
    }
    throw new AssertionError("container " + id + " did not finish its script: " + p.ok("logs", id));
  }

  private static long ownerOfUpperFile(Daemon d, String id, String rel) throws IOException {
    Path f = d.root.resolve("containers").resolve(id).resolve("upper").resolve(rel);
    return ((Number) Files.getAttribute(f, "unix:uid", LinkOption.NOFOLLOW_LINKS)).longValue();
  }

  /** The container's inspect {@code HostConfig.IDMappings} as JSON text. */
  static String idMappings(Daemon d, String id) {
    var r = d.curl().get("/v4.3.1/libpod/containers/" + id + "/json");
    assertEquals(200, r.status(), r.body());
    return r.json().get("HostConfig").get("IDMappings").toString();
  }

  /** Host start and size of the first UidMap entry in an IDMappings JSON text. */
  static long[] range(String idMappings) {
    Matcher m = Pattern.compile("\"UidMap\":\\[\"0:(\\d+):(\\d+)\"").matcher(idMappings);
    assertTrue(m.find(), idMappings);
    return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))};
  }

  private static long allocatedUids(Daemon d) {
    String text = d.curl().get("/metrics").body();
    Matcher m = Pattern.compile("(?m)^skiff_subid_allocated_ids\\{kind=\"uid\"\\} ([0-9.E+]+)$").matcher(text);
    assertTrue(m.find(), text);
    return (long) Double.parseDouble(m.group(1));
  }

  private static void awaitAllocated(Daemon d, long expected) {
    List<Long> seen = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      long now = allocatedUids(d);
      if (now == expected) {
        return;
      }
      seen.add(now);
      Daemon.sleep(100);
    }
    assertFalse(true, "allocated uids never went back to " + expected + ": " + seen);
  }
}
