package dev.skiff.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Rootless {@code --userns=auto}, {@code nomap} and {@code keep-id}: ranges carved from the user's
 * subordinate IDs (skifftest: 100000, 65536 IDs), image layers read through chowned copies shared
 * per mapping and removed with their last container, files written in each container's own range.
 */
class RootlessUsernsIT {

  private static final long SUB_START = 100_000;
  private static final long SUB_COUNT = 65_536;
  private static Daemon d;
  private static Podman p;

  @BeforeAll
  static void start() {
    d = Daemon.start(TestUser.rootless());
    p = new Podman(d);
    p.ok("load", "-i", TestImages.dockerArchive().toString());
    p.ok("load", "-i", OwnersImage.dockerArchive().toString());
  }

  @AfterAll
  static void stop() {
    d.close();
  }

  @Test
  void twoAutoContainers_disjointSubordinateRanges_ownFilesInOwnRange_imageOwnersKept() throws Exception {
    String script = "cat /proc/self/uid_map; stat -c %u:%g /bin/busybox /home/app /srv/data /opt/tool;"
        + " stat -c %a /opt/tool /opt/gtool; touch /tmp/made-by-1000; echo done; sleep 100";
    String a = p.ok("run", "-d", "--userns=auto", "--user", "1000:1000", OwnersImage.NAME, "sh", "-c", script);
    String b = p.ok("run", "-d", "--userns=auto", "--user", "1000:1000", OwnersImage.NAME, "sh", "-c", script);
    try {
      String la = logsWhenDone(a);
      String lb = logsWhenDone(b);
      long[] ra = firstMapLine(la);
      long[] rb = firstMapLine(lb);
      assertEquals(0, ra[0]);
      assertEquals(1024, ra[2], "Podman's minimum auto size");
      for (long[] r : List.of(ra, rb)) {
        assertTrue(r[1] >= SUB_START && r[1] + r[2] <= SUB_START + SUB_COUNT, "inside skifftest's subuids: " + r[1]);
      }
      assertTrue(ra[1] + ra[2] <= rb[1] || rb[1] + rb[2] <= ra[1], "disjoint: " + ra[1] + " and " + rb[1]);
      assertTrue(la.startsWith(la.lines().findFirst().orElseThrow() + "\n0:0\n"), "one uid_map line: " + la);
      // image files keep their in-container owners and their setuid/setgid bits
      assertTrue(la.contains("0:0\n1000:1000\n33:33\n0:0\n4755\n2755\n"), la);
      assertTrue(lb.contains("0:0\n1000:1000\n33:33\n0:0\n4755\n2755\n"), lb);

      long ua = ownerOfUpperFile(a, "tmp/made-by-1000");
      long ub = ownerOfUpperFile(b, "tmp/made-by-1000");
      assertEquals(ra[1] + 1000, ua);
      assertEquals(rb[1] + 1000, ub);
      assertNotEquals(ua, ub);

      JsonNode idm = d.curl().as(TestUser.rootless()).get("/v4.3.1/libpod/containers/" + a + "/json").json()
          .get("HostConfig").get("IDMappings");
      assertEquals("0:" + ra[1] + ":1024", idm.get("UidMap").get(0).asText(), idm.toString());
    } finally {
      p.ok("rm", "-f", "-t", "0", a, b);
    }
    assertEquals(List.of(), mappedKeys(), "each auto range had its own copies, removed with the container");
  }

  @Test
  void autoAllocations_surviveSigkill_sizeRespected_freedByRm_exhaustionIs409() throws IOException {
    String a = p.ok("create", "--userns=auto:size=30000", TestImages.NAME, "true");
    String mapA = UsernsAutoIT.idMappings(d, a);
    assertTrue(mapA.contains(":30000\""), mapA);
    d.kill9();
    // what a crash in the middle of a copy leaves: a shift no container uses, with a temporary copy
    Path leftover = d.root.resolve("storage/mapped/000000000000000000000000/.tmp-layer-x");
    Exec.run(Exec.as(TestUser.rootless(), Exec.cmd("mkdir", "-p", leftover.toString()))).requireOk();
    d.start();
    assertEquals(mapA, UsernsAutoIT.idMappings(d, a), "same range after SIGKILL and restart");
    for (int i = 0; i < 50 && Files.exists(leftover.getParent()); i++) {
      Daemon.sleep(100);
    }
    assertFalse(Files.exists(leftover.getParent()), "unused copies are removed at start-up");
    String b = p.ok("create", "--userns=auto:size=30000", TestImages.NAME, "true");
    long[] ra = UsernsAutoIT.range(mapA);
    long[] rb = UsernsAutoIT.range(UsernsAutoIT.idMappings(d, b));
    assertTrue(ra[0] + ra[1] <= rb[0] || rb[0] + rb[1] <= ra[0], mapA + " vs " + UsernsAutoIT.idMappings(d, b));

    var r = d.curl().as(TestUser.rootless()).post("/v4.3.1/libpod/containers/create",
        "{\"image\":\"" + TestImages.NAME + "\",\"command\":[\"true\"],\"userns\":{\"nsmode\":\"auto\","
            + "\"value\":\"size=30000\"}}");
    assertEquals(409, r.status(), r.body());
    String msg = r.json().get("message").asText();
    assertTrue(msg.contains("cannot allocate 30000 IDs") && msg.contains("subordinate IDs of user skifftest")
        && msg.contains("100000-165535"), msg);

    p.ok("rm", a);
    String c = p.ok("create", "--userns=auto:size=30000", TestImages.NAME, "true"); // a's range is free again
    p.ok("rm", b, c);
    var run = p.run("run", "--rm", "--userns=auto:size=65536", TestImages.NAME, "cat", "/proc/self/uid_map");
    assertEquals(0, run.exit(), run.stderr());
    assertEquals("0 1 65536", run.stdout().replaceAll("[ \t]+", " ").trim(), "host 100000.. is the holder's 1..");
    // uidmapping= host IDs are skiffd's namespace IDs (Podman's rootless rule): 40000 is host 139999
    var forced = p.run("run", "--rm", "--userns=auto:size=1024,uidmapping=1000:40000:1", TestImages.NAME,
        "cat", "/proc/self/uid_map");
    assertEquals(0, forced.exit(), forced.stderr());
    assertTrue(forced.stdout().replaceAll("[ \t]+", " ").contains("1000 40000 1"), forced.stdout()); // host 139999
  }

  @Test
  void autoTooSmallForTheImagesOwners_isA400NamingTheOwner() throws IOException {
    String before = p.ok("ps", "-a", "-q");
    var r = p.run("create", "--userns=auto:size=500", OwnersImage.NAME, "true");
    assertNotEquals(0, r.exit());
    assertTrue(r.stderr().contains("has no id in the container's map") && r.stderr().contains("auto:size=N"),
        r.stderr());
    assertEquals(List.of(), mappedKeys(), "a failed copy leaves nothing");
    assertEquals(before, p.ok("ps", "-a", "-q"), "the container is removed again");
  }

  @Test
  void nomap_userNotMapped_writesWork_imageRootFilesAreRoots() throws Exception {
    String out = p.ok("run", "--rm", "--userns=nomap", "-v", "nomapvol:/data", TestImages.NAME, "sh", "-c",
        "cat /proc/self/uid_map; stat -c %u:%g /bin /etc/passwd; echo hi > /written && cat /written;"
            + " echo v > /data/f && cat /data/f");
    String map = out.replaceAll("[ \t]+", " ");
    assertTrue(map.contains("0 1 65536"), map); // the holder's 1.. = host 100000..
    assertFalse(map.lines().anyMatch(l -> l.trim().split(" ").length == 3 && l.trim().split(" ")[1].equals("0")),
        "the user (the holder's 0) is not mapped: " + map);
    assertTrue(out.endsWith("0:0\n0:0\nhi\nv"), out);
  }

  @Test
  void keepId_keepsTheUid_imageRootFilesStayRoots_copiesSharedAndRemovedWithTheLast() throws Exception {
    long uid = TestUser.rootless().uid();
    String a = p.ok("run", "-d", "--userns=keep-id", TestImages.NAME, "sh", "-c",
        "id -u; stat -c %u /bin; touch /tmp/mine; echo done; sleep 100");
    String la = logsWhenDone(a);
    assertTrue(la.startsWith(uid + "\n0\n"), la);
    assertEquals(uid, ownerOfUpperFile(a, "tmp/mine"), "the kept uid is the user on the host");
    List<String> keys = mappedKeys();
    assertEquals(1, keys.size(), keys.toString());
    long before = Files.getLastModifiedTime(d.root.resolve("storage/mapped").resolve(keys.get(0))).toMillis();
    String b = p.ok("run", "-d", "--userns=keep-id", TestImages.NAME, "sh", "-c", "stat -c %u /bin; echo done; sleep 100");
    assertTrue(logsWhenDone(b).startsWith("0\n"));
    assertEquals(keys, mappedKeys(), "the second container uses the same copies");
    assertEquals(before, Files.getLastModifiedTime(d.root.resolve("storage/mapped").resolve(keys.get(0))).toMillis(),
        "not copied again");
    p.ok("rm", "-f", "-t", "0", a);
    assertEquals(keys, mappedKeys(), "still used by the second container");
    p.ok("rm", "-f", "-t", "0", b);
    assertEquals(List.of(), mappedKeys(), "removed with the last container using them");
  }

  // ---- helpers --------------------------------------------------------------------------------

  private static String logsWhenDone(String id) {
    for (int i = 0; i < 150; i++) {
      String logs = p.ok("logs", id);
      if (logs.contains("done")) {
        return logs;
      }
      Daemon.sleep(100);
    }
    throw new AssertionError("container " + id + " did not finish its script: " + p.ok("logs", id));
  }

  /**
   * The first line of a /proc/self/uid_map read inside, its second column turned into the host ID.
   * Inside, the map is relative to the parent user namespace, the namespace holder's (as in rootless
   * podman's pause namespace): 0 is the user, k is the k-th subordinate ID.
   */
  private static long[] firstMapLine(String logs) {
    String[] f = logs.lines().findFirst().orElseThrow().trim().split("\\s+");
    long holderId = Long.parseLong(f[1]);
    long host = holderId == 0 ? TestUser.rootless().uid() : SUB_START + holderId - 1;
    return new long[] {Long.parseLong(f[0]), host, Long.parseLong(f[2])};
  }

  private static long ownerOfUpperFile(String id, String rel) throws IOException {
    Path f = d.root.resolve("containers").resolve(id).resolve("upper").resolve(rel);
    return ((Number) Files.getAttribute(f, "unix:uid", LinkOption.NOFOLLOW_LINKS)).longValue();
  }

  private static List<String> mappedKeys() throws IOException {
    Path dir = d.root.resolve("storage/mapped");
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (var s = Files.list(dir)) {
      return s.map(x -> x.getFileName().toString()).sorted().toList();
    }
  }
}
