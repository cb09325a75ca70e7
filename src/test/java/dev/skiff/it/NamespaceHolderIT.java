package dev.skiff.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The rootless namespace holder (DESIGN §1): a rootless daemon makes one {@code skiff-holder}
 * process whose user namespace maps the user's whole range; every container's user namespace is a
 * child of it (maps written by the shim, no newuidmap per container). The holder outlives a
 * SIGKILLed daemon, which joins the same one when it comes back; a killed holder is made again,
 * and the containers of the old one keep running and can be exec'd into, stopped and removed.
 */
class NamespaceHolderIT {

  private static final String SLEEPER = "cat /proc/self/uid_map; cat /proc/self/gid_map; echo done; sleep 1000";

  record Holder(long pid, long userns) {}

  @Test
  void containersAreChildrenOfTheHolder_whichOutlivesTheDaemon_andIsMadeAgainWhenKilled() throws Exception {
    TestUser user = TestUser.rootless();
    long uid = user.uid();
    try (Daemon d = Daemon.start(user)) {
      Podman p = new Podman(d);
      p.ok("load", "-i", TestImages.dockerArchive().toString());

      Holder h = holder(d);
      assertEquals("skiff-holder", Files.readString(Path.of("/proc/" + h.pid() + "/comm")).trim());
      assertEquals("0 " + uid + " 1\n1 100000 65536", map(h.pid(), "uid_map"));
      assertEquals("0 " + uid + " 1\n1 100000 65536", map(h.pid(), "gid_map"));
      assertEquals(h.pid(), sessionOf(h.pid()), "the holder leads its own session");
      assertTrue(d.logText().contains("namespace holder " + h.pid()), d.logText());
      String ready = d.curl().as(user).get("/q/health/ready").body();
      assertTrue(ready.contains("pid " + h.pid() + ", user namespace " + h.userns()), ready);

      // a container: host view of its maps, what it sees itself, and its namespace's parent
      String a = p.ok("run", "-d", TestImages.NAME, "sh", "-c", SLEEPER);
      long pa = containerPid(d, a);
      assertEquals("0 " + uid + " 1\n1 100000 65536", map(pa, "uid_map"), "host view of the container's map");
      assertEquals("0 " + uid + " 1\n1 100000 65536", map(pa, "gid_map"));
      assertEquals("0 0 1\n1 1 65536\n0 0 1\n1 1 65536", insideMaps(p, a),
          "inside, the maps are relative to the holder's namespace (its parent)");
      assertEquals(h.userns(), parentUserns(pa), "the container's user namespace is a child of the holder's");
      assertNotEquals(h.userns(), userns(pa));
      assertEquals("0", p.ok("exec", a, "id", "-u"));

      // SIGKILL: the holder stays, the restarted daemon joins the same one
      d.kill9();
      assertTrue(alive(h.pid()), "the holder survives a SIGKILLed daemon");
      d.start();
      assertEquals(h, holder(d), "same pid file record after the restart");
      String b = p.ok("run", "-d", TestImages.NAME, "sh", "-c", SLEEPER);
      assertEquals(h.userns(), parentUserns(containerPid(d, b)), "the restarted daemon joins the same holder");
      assertTrue(d.logText().contains("found, live, joined"), d.logText());

      // the holder is killed: the next start makes a new one; the old containers keep working
      Exec.run(Exec.cmd("kill", "-9", Long.toString(h.pid()))).requireOk();
      awaitGone(h.pid());
      String c = p.ok("run", "-d", TestImages.NAME, "sh", "-c", SLEEPER);
      Holder h2 = holder(d);
      assertNotEquals(h.pid(), h2.pid());
      assertNotEquals(h.userns(), h2.userns());
      assertEquals(h2.userns(), parentUserns(containerPid(d, c)));
      assertEquals("0 0 1\n1 1 65536\n0 0 1\n1 1 65536", insideMaps(p, c));
      assertTrue(alive(pa), "a container of the old holder keeps running");
      assertEquals(h.userns(), parentUserns(pa), "its namespace (kept alive by it) is the old holder's");
      assertEquals("0", p.ok("exec", a, "id", "-u"), "exec into a container of the old holder");
      p.ok("stop", "-t", "1", a);
      assertFalse(alive(pa), "stopped");
      p.ok("rm", "-f", a, b, c);
      assertEquals("", p.ok("ps", "-aq"));
    }
  }

  @Test
  void usernsOperations_runInTheHolder_imageOwnersAndRemovalOfWhatContainerUsersWrote() throws Exception {
    TestUser user = TestUser.rootless();
    try (Daemon d = Daemon.start(user)) {
      Podman p = new Podman(d);
      Holder h = holder(d);
      // layer extraction with non-root owners: chown through `userns-run` in the holder
      p.ok("load", "-i", OwnersImage.dockerArchive().toString());
      String out = p.ok("run", "--rm", OwnersImage.NAME, "stat", "-c", "%u:%g %a %n", "/home/app/notes", "/opt/tool",
          "/srv/data");
      assertEquals(List.of("1000:1000 600 /home/app/notes", "0:0 4755 /opt/tool", "33:33 750 /srv/data"),
          out.lines().toList());
      // the holder was killed: a new one serves the removal of what a non-root container user wrote
      String id = p.ok("run", "-d", "--user", "1000:1000", OwnersImage.NAME, "sh", "-c",
          "mkdir -p /home/app/deep/er && echo new > /home/app/deep/er/f && chmod 500 /home/app/deep && sleep 1000");
      awaitFile(d, id);
      Exec.run(Exec.cmd("kill", "-9", Long.toString(h.pid()))).requireOk();
      awaitGone(h.pid());
      p.ok("rm", "-f", id);
      assertFalse(Files.exists(d.root.resolve("containers").resolve(id)), "the container's files are gone");
      Holder h2 = holder(d);
      assertNotEquals(h.pid(), h2.pid(), "a new holder did the removal");

      // the pid file no longer names the holder the daemon knows (still alive): the shim refuses
      // it, the daemon makes a new holder and the start or the removal goes through
      Path pidFile = d.runroot.resolve("holder.pid");
      String w = p.ok("run", "-d", "--user", "1000:1000", OwnersImage.NAME, "sh", "-c",
          "mkdir -p /home/app/deep/er && echo new > /home/app/deep/er/f && chmod 500 /home/app/deep && sleep 1000");
      awaitFile(d, w);
      Files.writeString(pidFile, "garbage\n");
      assertEquals("ok", p.ok("run", "--rm", OwnersImage.NAME, "echo", "ok"));
      Holder h3 = holder(d);
      assertNotEquals(h2.pid(), h3.pid());
      Exec.run(Exec.cmd("kill", "-9", Long.toString(h2.pid()))).requireOk();
      Files.writeString(pidFile, "garbage\n");
      p.ok("rm", "-f", w);
      assertFalse(Files.exists(d.root.resolve("containers").resolve(w)), "removed through a new holder");
      assertNotEquals(h3.pid(), holder(d).pid());
      Exec.run(Exec.cmd("kill", "-9", Long.toString(h3.pid()))).requireOk();
    }
  }

  @Test
  void holderRefused_containersStillStartThroughNewuidmap_andTheReasonIsLoggedOnceAndReported() throws Exception {
    TestUser user = TestUser.rootless();
    try (Daemon d = Daemon.create(user)) {
      // a directory where the holder's lock file goes: `skiff-shim holder` cannot lock, no holder
      Files.createDirectories(d.runroot.resolve("holder.pid.lock"));
      Exec.run(Exec.cmd("chown", "-R", user.name() + ":", d.runroot.toString())).requireOk();
      Exec.run(Exec.cmd("chmod", "700", d.runroot.toString())).requireOk();
      d.start();
      Podman p = new Podman(d);
      p.ok("load", "-i", TestImages.dockerArchive().toString());
      for (int i = 0; i < 2; i++) {
        String inside = p.ok("run", "--rm", TestImages.NAME, "cat", "/proc/self/uid_map");
        assertEquals("0 " + user.uid() + " 1\n1 100000 65536", inside.replaceAll("[ \t]+", " ")
            .replaceAll("(?m)^ ", "").trim(), "newuidmap path: a child of the host's namespace, host view inside");
      }
      assertFalse(Files.exists(d.runroot.resolve("holder.pid")));
      String log = d.logText();
      assertEquals(1, log.split("no namespace holder: ", -1).length - 1, "logged once: " + log);
      assertTrue(log.contains("containers get their ID maps through newuidmap/newgidmap"), log);
      var ready = d.curl().as(user).get("/q/health/ready");
      assertEquals(200, ready.status(), ready.body());
      assertTrue(ready.json().toString().contains("\"namespaceHolder\":\"none: lock"), ready.body());
    }
  }

  @Test
  void rootDaemon_hasNoHolder() {
    try (Daemon d = Daemon.start(TestUser.ROOT)) {
      assertFalse(Files.exists(d.runroot.resolve("holder.pid")), "root writes ID maps itself");
    }
  }

  // ---- helpers --------------------------------------------------------------------------------

  static Holder holder(Daemon d) throws Exception {
    Path f = d.runroot.resolve("holder.pid");
    for (int i = 0; i < 100 && !Files.exists(f); i++) {
      Daemon.sleep(50);
    }
    String[] rec = Files.readString(f).trim().split(" ");
    assertEquals(3, rec.length, "pid file: PID STARTTIME USERNS");
    long pid = Long.parseLong(rec[0]);
    assertEquals(Long.parseLong(rec[2]), userns(pid), "the recorded namespace is the holder's");
    return new Holder(pid, userns(pid));
  }

  static String map(long pid, String file) throws Exception {
    return Files.readString(Path.of("/proc/" + pid + "/" + file)).trim().replaceAll("[ \t]+", " ")
        .replaceAll("(?m)^ ", "");
  }

  static long userns(long pid) throws Exception {
    String link = Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/user")).toString();
    return Long.parseLong(link.replaceAll("\\D", ""));
  }

  /** ioctl NS_GET_PARENT on the process's user namespace: the parent's inode. */
  static long parentUserns(long pid) {
    String py = "import os, fcntl\nfd = os.open('/proc/" + pid + "/ns/user', os.O_RDONLY)\n"
        + "p = fcntl.ioctl(fd, 0xb702)\nprint(os.fstat(p).st_ino)\n";
    Exec.Result r = Exec.run(Exec.cmd("python3", "-c", py)).requireOk();
    return Long.parseLong(r.stdout().trim());
  }

  static long sessionOf(long pid) throws Exception {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[3]); // field 6: session
  }

  static long containerPid(Daemon d, String id) {
    return d.curl().get("/v4.3.1/libpod/containers/" + id + "/json").json().get("State").get("Pid").asLong();
  }

  static boolean alive(long pid) {
    return Files.exists(Path.of("/proc/" + pid));
  }

  static void awaitGone(long pid) {
    for (int i = 0; i < 100 && alive(pid); i++) {
      Daemon.sleep(50);
    }
    assertFalse(alive(pid), "process " + pid + " is gone");
  }

  /** The uid_map and gid_map lines the container printed (SLEEPER). */
  static String insideMaps(Podman p, String id) {
    for (int i = 0; i < 100; i++) {
      String logs = p.ok("logs", id);
      if (logs.contains("done")) {
        return logs.substring(0, logs.indexOf("done")).trim().replaceAll("[ \t]+", " ").replaceAll("(?m)^ ", "");
      }
      Daemon.sleep(50);
    }
    throw new AssertionError("container " + id + " printed no maps");
  }

  static void awaitFile(Daemon d, String id) throws Exception {
    Path upper = d.root.resolve("containers").resolve(id);
    for (int i = 0; i < 100; i++) {
      try (var s = Files.walk(upper)) {
        if (s.anyMatch(x -> x.endsWith("deep"))) {
          Daemon.sleep(200); // the chmod after the mkdir
          return;
        }
      } catch (java.io.UncheckedIOException | java.nio.file.NoSuchFileException e) {
        // not there yet
      }
      Daemon.sleep(50);
    }
    throw new AssertionError("the container did not write its files");
  }
}
