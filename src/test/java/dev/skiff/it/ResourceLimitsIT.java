package dev.skiff.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Resource limits through cgroups (root skiffd, cgroup v1 here: {@code skiff/<id>} in every
 * hierarchy), OOM detection, and the rootless warning; through podman --remote 4.3.1, the docker
 * CLI and curl.
 */
class ResourceLimitsIT extends BothDaemons {

  private static final Path CG = Path.of("/sys/fs/cgroup");
  private static final List<String> HIERARCHIES = List.of("memory", "cpu", "cpuacct", "cpuset", "pids", "blkio",
      "devices", "freezer");

  private static String read(String controller, String id, String file) throws IOException {
    return Files.readString(CG.resolve(controller).resolve("skiff").resolve(id).resolve(file)).trim();
  }

  private static void assertCgroupsGone(String id) {
    for (String h : HIERARCHIES) {
      assertFalse(Files.exists(CG.resolve(h).resolve("skiff").resolve(id)), h + " cgroup of " + id + " left behind");
    }
  }

  @Test
  void memoryLimit_isTheContainersCgroupLimit_andInspectShowsIt_inBothFlavours() throws Exception {
    Podman p = new Podman(root);
    String name = "mem" + System.nanoTime();
    p.ok("run", "-d", "--name", name, "--memory", "32m", "--memory-reservation", "16m", TestImages.NAME, "sleep", "300");
    String id = p.ok("inspect", "--format", "{{.Id}}", name);
    assertEquals("33554432", read("memory", id, "memory.limit_in_bytes"));
    assertEquals("67108864", read("memory", id, "memory.memsw.limit_in_bytes"), "podman: swap = 2 x memory");
    assertEquals("16777216", read("memory", id, "memory.soft_limit_in_bytes"));
    // the container is in its cgroup in every hierarchy (seen from the host, by its init's pid)
    String pid = p.ok("inspect", "--format", "{{.State.Pid}}", name);
    String hostView = Files.readString(Path.of("/proc", pid, "cgroup"));
    for (String h : List.of("memory", "pids", "cpu", "freezer")) {
      assertTrue(hostView.contains(":" + h + ":/skiff/" + id + "\n"), hostView);
    }
    // ... and from inside: the cgroup namespace is rooted at the container's cgroup (as crun/runc)
    String inside = p.ok("exec", name, "cat", "/proc/self/cgroup");
    assertTrue(inside.lines().anyMatch(l -> l.matches("\\d+:memory:/")), inside);
    assertFalse(inside.contains("skiff"), inside);
    assertEquals("33554432 67108864 16777216", p.ok("inspect", "--format",
        "{{.HostConfig.Memory}} {{.HostConfig.MemorySwap}} {{.HostConfig.MemoryReservation}}", name));
    var docker = ImagesIT.docker(root, "inspect", "--format", "{{.HostConfig.Memory}} {{.HostConfig.MemorySwap}}", name);
    assertEquals(0, docker.exit(), docker.stderr());
    assertEquals("33554432 67108864", docker.stdout().trim());
    // stats: the limit is the cgroup's
    JsonNode stats = new Curl(root.socket).get("/v4.3.1/libpod/containers/stats?stream=false&containers=" + name).json();
    JsonNode s = stats.get("Stats").get(0);
    assertEquals(33554432L, s.get("MemLimit").asLong(), s.toString());
    assertTrue(s.get("MemUsage").asLong() > 0 && s.get("MemUsage").asLong() < 33554432L, s.toString());
    assertEquals(1, s.get("PIDs").asLong(), s.toString());

    // the docker CLI: --memory alone gets twice as much memory+swap, as Docker does
    String dname = "dmem" + System.nanoTime();
    var run = ImagesIT.docker(root, "run", "-d", "--name", dname, "--memory", "64m", "--pids-limit", "8",
        "--cpu-shares", "512", TestImages.NAME, "sleep", "300");
    assertEquals(0, run.exit(), run.stderr());
    String did = run.stdout().trim();
    assertEquals("67108864", read("memory", did, "memory.limit_in_bytes"));
    assertEquals("134217728", read("memory", did, "memory.memsw.limit_in_bytes"));
    assertEquals("8", read("pids", did, "pids.max"));
    assertEquals("512", read("cpu", did, "cpu.shares"));
    var dinspect = ImagesIT.docker(root, "inspect", "--format",
        "{{.HostConfig.Memory}} {{.HostConfig.MemorySwap}} {{.HostConfig.PidsLimit}} {{.HostConfig.CpuShares}}", dname);
    assertEquals("67108864 134217728 8 512", dinspect.stdout().trim(), dinspect.stderr());

    p.ok("rm", "-f", "-t", "0", name, dname);
    assertCgroupsGone(id);
    assertCgroupsGone(did);
  }

  @Test
  void pastTheMemoryLimit_theProcessIsOomKilled_137_OOMKilled_andAnOomEvent() throws Exception {
    Podman p = new Podman(root);
    String name = "oom" + System.nanoTime();
    long since = System.currentTimeMillis() / 1000 - 1;
    // tail keeps the whole (newline-free) input: it grows past 32 MiB
    var r = p.run("run", "--name", name, "--memory", "32m", TestImages.NAME, "sh", "-c", "head -c 200m /dev/zero | tail");
    assertEquals(137, r.exit(), r.stdout() + r.stderr());
    assertEquals("true 137", p.ok("inspect", "--format", "{{.State.OOMKilled}} {{.State.ExitCode}}", name));
    var docker = ImagesIT.docker(root, "inspect", "--format", "{{.State.OOMKilled}} {{.State.ExitCode}}", name);
    assertEquals("true 137", docker.stdout().trim(), docker.stderr());
    String id = p.ok("inspect", "--format", "{{.Id}}", name);

    // Docker's "oom" event (on the Docker events route) comes before the exit's
    var events = ImagesIT.docker(root, "events", "--since", Long.toString(since), "--until",
        Long.toString(System.currentTimeMillis() / 1000 + 1), "--filter", "container=" + id,
        "--format", "{{.Action}}");
    assertEquals(0, events.exit(), events.stderr());
    List<String> actions = events.stdout().lines().toList();
    int died = Math.max(actions.indexOf("die"), actions.indexOf("died")); // (this route's exit action is podman's)
    assertTrue(actions.contains("oom") && actions.indexOf("oom") < died, actions.toString());
    // podman 4.3.1 has no oom event status: its events (libpod route) leave it out and still work
    String podmanEvents = p.ok("events", "--stream=false", "--since", "1m", "--filter", "container=" + id,
        "--format", "{{.Status}}");
    assertTrue(podmanEvents.lines().anyMatch("died"::equals), podmanEvents);
    assertFalse(podmanEvents.contains("oom"), podmanEvents);

    // a run within the limit: OOMKilled false
    String ok = "nooom" + System.nanoTime();
    p.ok("run", "--name", ok, "--memory", "32m", TestImages.NAME, "sh", "-c", "head -c 1m /dev/zero | tail >/dev/null");
    assertEquals("false 0", p.ok("inspect", "--format", "{{.State.OOMKilled}} {{.State.ExitCode}}", ok));
    p.ok("rm", name, ok);
    assertCgroupsGone(id);
  }

  @Test
  void anOomWhileTheDaemonIsDown_isFoundInTheExitFileAtTheNextStart() throws Exception {
    try (Daemon d = Daemon.start(TestUser.ROOT)) {
      Podman p = new Podman(d);
      p.ok("load", "-i", TestImages.dockerArchive().toString());
      String name = "oomdown" + System.nanoTime();
      p.ok("run", "-d", "--name", name, "--memory", "32m", TestImages.NAME, "sh", "-c",
          "sleep 2; head -c 200m /dev/zero | tail");
      String id = p.ok("inspect", "--format", "{{.Id}}", name);
      d.kill9();
      Daemon.sleep(3500);
      d.start();
      assertEquals("exited true 137", p.ok("inspect", "--format",
          "{{.State.Status}} {{.State.OOMKilled}} {{.State.ExitCode}}", name));
      p.ok("rm", name);
      assertCgroupsGone(id);
    }
  }

  @Test
  void pidsLimit_makesAForkLoopFail_whileTheContainerSurvives() throws Exception {
    Podman p = new Podman(root);
    String name = "pids" + System.nanoTime();
    p.ok("run", "-d", "--name", name, "--pids-limit", "8", TestImages.NAME, "sleep", "300");
    String id = p.ok("inspect", "--format", "{{.Id}}", name);
    assertEquals("8", read("pids", id, "pids.max"));
    assertEquals("8", p.ok("inspect", "--format", "{{.HostConfig.PidsLimit}}", name));
    var r = p.run("exec", name, "sh", "-c", "i=0; while [ $i -lt 20 ]; do sleep 3 & i=$((i+1)); done; echo looped");
    assertTrue(r.stderr().contains("can't fork") || r.stdout().contains("can't fork"), r.stdout() + r.stderr());
    assertTrue(Long.parseLong(read("pids", id, "pids.current")) <= 8);
    assertEquals("running", p.ok("inspect", "--format", "{{.State.Status}}", name));
    Daemon.sleep(3500);
    assertEquals("hi", p.ok("exec", name, "echo", "hi"), "the container works again once the sleeps ended");
    p.ok("rm", "-f", "-t", "0", name);
    assertCgroupsGone(id);
  }

  @Test
  void cpus_becomeCfsQuotaAndPeriod_andPauseStillWorks() throws Exception {
    Podman p = new Podman(root);
    String name = "cpus" + System.nanoTime();
    p.ok("run", "-d", "--name", name, "--cpus", "0.5", TestImages.NAME, "sh", "-c", "while :; do :; done");
    String id = p.ok("inspect", "--format", "{{.Id}}", name);
    assertEquals("50000", read("cpu", id, "cpu.cfs_quota_us"));
    assertEquals("100000", read("cpu", id, "cpu.cfs_period_us"));
    assertEquals("500000000 50000 100000", p.ok("inspect", "--format",
        "{{.HostConfig.NanoCpus}} {{.HostConfig.CpuQuota}} {{.HostConfig.CpuPeriod}}", name));
    var docker = ImagesIT.docker(root, "inspect", "--format", "{{.HostConfig.NanoCpus}}", name);
    assertEquals("500000000", docker.stdout().trim(), docker.stderr());
    // the quota holds: over 1.5s the busy loop gets about half a CPU (cpuacct, ns)
    long before = Long.parseLong(read("cpuacct", id, "cpuacct.usage"));
    Daemon.sleep(1500);
    long used = Long.parseLong(read("cpuacct", id, "cpuacct.usage")) - before;
    assertTrue(used > 200_000_000L && used < 1_000_000_000L, "cpu ns in 1.5s: " + used);
    // pause freezes the same cgroup the shim placed the container in
    p.ok("pause", name);
    assertEquals("FROZEN", read("freezer", id, "freezer.state"));
    p.ok("unpause", name);
    assertEquals("THAWED", read("freezer", id, "freezer.state"));
    // docker --cpus is the same quota
    String dname = "dcpus" + System.nanoTime();
    var run = ImagesIT.docker(root, "run", "-d", "--name", dname, "--cpus", "1.5", "--cpuset-cpus", "0", TestImages.NAME,
        "sleep", "300");
    assertEquals(0, run.exit(), run.stderr());
    assertEquals("150000", read("cpu", run.stdout().trim(), "cpu.cfs_quota_us"));
    assertEquals("0", read("cpuset", run.stdout().trim(), "cpuset.cpus"));
    var cpuset = ImagesIT.docker(root, "inspect", "--format", "{{.HostConfig.CpusetCpus}} {{.HostConfig.NanoCpus}}", dname);
    assertEquals("0 1500000000", cpuset.stdout().trim(), cpuset.stderr());
    p.ok("rm", "-f", "-t", "0", name, dname);
    assertCgroupsGone(id);
    assertCgroupsGone(run.stdout().trim());
  }

  @Test
  void aLimitThisHostCannotApply_isA400NamingIt() throws Exception {
    Podman p = new Podman(root);
    // blkio weights exist below the hierarchy's root only (BFQ's blkio.bfq.weight): applied
    if (Files.exists(CG.resolve("blkio/skiff/blkio.bfq.weight")) || Files.exists(CG.resolve("blkio/skiff/blkio.weight"))) {
      String name = "blkio" + System.nanoTime();
      p.ok("run", "-d", "--name", name, "--blkio-weight", "300", TestImages.NAME, "sleep", "300");
      String id = p.ok("inspect", "--format", "{{.Id}}", name);
      String file = Files.exists(CG.resolve("blkio/skiff/blkio.weight")) ? "blkio.weight" : "blkio.bfq.weight";
      assertTrue(read("blkio", id, file).matches("(default )?300"), read("blkio", id, file));
      assertEquals("300", p.ok("inspect", "--format", "{{.HostConfig.BlkioWeight}}", name));
      p.ok("rm", "-f", "-t", "0", name);
      assertCgroupsGone(id);
    }
    // no hugetlb hierarchy mounted here
    if (!Files.exists(CG.resolve("hugetlb/cgroup.procs"))) {
      var r = new Curl(root.socket).post("/v4.3.1/libpod/containers/create", "{\"image\":\"" + TestImages.NAME
          + "\",\"command\":[\"true\"],\"resource_limits\":{\"hugepageLimits\":[{\"pageSize\":\"2MB\",\"limit\":1048576}]}}");
      assertEquals(400, r.status(), r.body());
      assertTrue(r.body().contains("this host has no cgroup hugetlb controller"), r.body());
    }
    // values Docker and Podman refuse
    var small = p.run("create", "--memory", "1m", TestImages.NAME, "true");
    assertTrue(small.exit() != 0 && small.stderr().contains("minimum memory limit allowed is 6MB"), small.stderr());
    var swap = ImagesIT.docker(root, "create", "--memory", "64m", "--memory-swap", "32m", TestImages.NAME, "true");
    assertTrue(swap.exit() != 0 && swap.stderr().contains("memory-swap"), swap.stderr());
  }

  @Test
  void rootless_limitsAreIgnoredWithPodmansWarning_andTheContainerRuns() {
    Podman p = new Podman(rootless);
    String name = "rl" + System.nanoTime();
    var r = p.run("run", "--name", name, "--memory", "32m", "--cpus", "0.5", "--pids-limit", "8", TestImages.NAME,
        "echo", "ran");
    assertEquals(0, r.exit(), r.stderr());
    assertEquals("ran", r.stdout().trim());
    assertTrue(r.stderr().contains("Resource limits are not supported and ignored on cgroups V1 rootless systems"),
        r.stderr());
    String id = p.ok("inspect", "--format", "{{.Id}}", name);
    assertCgroupsGone(id);
    var c = new Curl(rootless.socket).post("/v4.3.1/libpod/containers/create", "{\"image\":\"" + TestImages.NAME
        + "\",\"resource_limits\":{\"memory\":{\"limit\":33554432}}}");
    assertEquals(201, c.status(), c.body());
    assertEquals("[\"Resource limits are not supported and ignored on cgroups V1 rootless systems\"]",
        c.json().get("Warnings").toString());
    p.ok("rm", name, c.json().get("Id").asText());
  }

  @Test
  void noContainerCgroupIsLeftBehind() throws Exception {
    // a cgroup whose container no longer exists goes at the next daemon start
    String stale = "f".repeat(64);
    Files.createDirectories(CG.resolve("pids/skiff").resolve(stale));
    Files.setLastModifiedTime(CG.resolve("pids/skiff").resolve(stale),
        java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 120_000));
    try (Daemon d = Daemon.start(TestUser.ROOT)) {
      assertFalse(Files.exists(CG.resolve("pids/skiff").resolve(stale)));
    } finally {
      Files.deleteIfExists(CG.resolve("pids/skiff").resolve(stale));
    }
  }
}
