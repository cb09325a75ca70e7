package dev.skiff.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Cgroups} over a fake /sys/fs/cgroup (directories and files in a temp dir). */
class CgroupsTest {

  private static final String ID = "a".repeat(64);

  @TempDir
  Path root;

  private void v1(String controller, String... files) throws Exception {
    Path h = Files.createDirectories(root.resolve(controller));
    Files.writeString(h.resolve("cgroup.procs"), "");
    for (String f : files) {
      Files.writeString(h.resolve(f), "");
    }
  }

  @Test
  void missing_namesTheControllerOrFileTheHostLacks_v1() throws Exception {
    v1("memory", "memory.limit_in_bytes");
    v1("blkio");
    Cgroups cg = new Cgroups(root, true);
    assertFalse(cg.v2());
    assertTrue(cg.usable());
    assertEquals("skiff/" + ID, cg.pathFor(ID));
    assertEquals(Optional.empty(), cg.missing("--memory", "memory", List.of("memory.limit_in_bytes")));
    assertEquals(Optional.of("--memory-swap cannot be applied: the cgroup memory controller on this host has no"
        + " memory.memsw.limit_in_bytes (swap accounting is off: boot with swapaccount=1)"),
        cg.missing("--memory-swap", "memory", List.of("memory.memsw.limit_in_bytes")));
    assertTrue(cg.missing("--pids-limit", "pids", List.of()).orElseThrow()
        .startsWith("--pids-limit cannot be applied: this host has no cgroup pids controller"));
    assertTrue(cg.missing("--blkio-weight", "blkio", List.of("blkio.weight", "blkio.bfq.weight")).orElseThrow()
        .contains("has no blkio.weight or blkio.bfq.weight"));
    assertTrue(new Cgroups(root, false).missing("--memory", "memory", List.of()).orElseThrow()
        .contains("no writable cgroup hierarchy"));
  }

  @Test
  void missing_v2_readsTheRootsControllers() throws Exception {
    Files.writeString(root.resolve("cgroup.controllers"), "cpuset cpu io memory pids\n");
    Files.writeString(root.resolve("cgroup.procs"), "");
    Cgroups cg = new Cgroups(root, true);
    assertTrue(cg.v2());
    assertEquals("skiff.slice/skiff-" + ID + ".scope", cg.pathFor(ID));
    assertEquals(Optional.empty(), cg.missing("--blkio-weight", "blkio", List.of("blkio.weight")));
    assertTrue(cg.missing("hugepage limits", "hugetlb", List.of()).orElseThrow().contains("no hugetlb controller"));
  }

  @Test
  void figures_areReadFromTheContainersDirectories() throws Exception {
    v1("memory");
    v1("pids");
    v1("cpuacct");
    Path mem = Files.createDirectories(root.resolve("memory/skiff").resolve(ID));
    Files.writeString(mem.resolve("memory.usage_in_bytes"), "1234\n");
    Files.writeString(mem.resolve("memory.limit_in_bytes"), "9223372036854771712\n");
    Files.writeString(mem.resolve("memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n");
    Files.writeString(Files.createDirectories(root.resolve("pids/skiff").resolve(ID)).resolve("pids.current"), "3\n");
    Files.writeString(Files.createDirectories(root.resolve("cpuacct/skiff").resolve(ID)).resolve("cpuacct.usage"), "99\n");
    Cgroups cg = new Cgroups(root, true);
    assertEquals(OptionalLong.of(1234), cg.memoryUsage(ID));
    assertEquals(OptionalLong.empty(), cg.memoryLimit(ID), "unlimited");
    assertEquals(OptionalLong.of(2), cg.oomKills(ID));
    assertEquals(OptionalLong.of(3), cg.pidsCurrent(ID));
    assertEquals(OptionalLong.of(99), cg.cpuNanos(ID));
    assertEquals(OptionalLong.empty(), cg.pidsCurrent("b".repeat(64)));
    assertEquals(3, cg.dirs(ID).size());
  }

  @Test
  void removeStale_removesOnlyOldCgroupsOfUnknownContainers() throws Exception {
    v1("pids");
    String known = "b".repeat(64);
    String fresh = "c".repeat(64);
    Path parent = root.resolve("pids/skiff");
    for (String id : List.of(ID, known, fresh)) {
      Files.createDirectories(parent.resolve(id));
    }
    Files.createDirectories(parent.resolve("not-a-container"));
    for (String id : List.of(ID, known, "not-a-container")) {
      Files.setLastModifiedTime(parent.resolve(id), FileTime.fromMillis(System.currentTimeMillis() - 120_000));
    }
    new Cgroups(root, true).removeStale(Set.of(known));
    assertFalse(Files.exists(parent.resolve(ID)));
    assertTrue(Files.exists(parent.resolve(known)));
    assertTrue(Files.exists(parent.resolve(fresh)), "may be another daemon's container starting");
    assertTrue(Files.exists(parent.resolve("not-a-container")));
    assertTrue(new Cgroups(root, true).remove(known));
    assertFalse(Files.exists(parent.resolve(known)));
  }

  @Test
  void key_readsFlatKeyedFiles() {
    assertEquals(OptionalLong.of(1), Cgroups.key("low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n", "oom_kill"));
    assertEquals(OptionalLong.empty(), Cgroups.key("oom 1\n", "oom_kill"));
  }

  @Test
  void exitStatus_readsOldAndNewExitFiles() throws Exception {
    Path old = root.resolve("old.json");
    Files.writeString(old, "{\"exitCode\":3,\"signal\":0,\"oom\":false,\"finishedAt\":\"2023-11-14T22:13:20.000000001Z\"}\n");
    assertEquals(new ExitStatus(3, 0, false, java.time.Instant.parse("2023-11-14T22:13:20.000000001Z"), 0),
        ExitWatcher.read(old).orElseThrow());
    Path oom = root.resolve("oom.json");
    Files.writeString(oom, "{\"exitCode\":137,\"signal\":9,\"oom\":true,\"oomKills\":2,"
        + "\"finishedAt\":\"2023-11-14T22:13:20.000000001Z\"}\n");
    ExitStatus s = ExitWatcher.read(oom).orElseThrow();
    assertTrue(s.oom());
    assertEquals(2, s.oomKills());
    assertEquals(137, s.exitCode());
  }
}
