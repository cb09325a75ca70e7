package dev.skiff.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** top and stats through podman-remote, the docker CLI and curl, rootless and root. */
class ContainerProcessesIT extends BothDaemons {

  @ParameterizedTest(autoCloseArguments = false)
  @MethodSource("daemons")
  void top_listsTheContainersProcessesInItsOwnView(Daemon d) {
    Podman p = new Podman(d);
    String name = "top" + System.nanoTime();
    p.ok("run", "-d", "--name", name, TestImages.NAME, "sh", "-c", "sleep 300 & exec sleep 301");
    p.ok("exec", "-d", name, "sleep", "302");
    Daemon.sleep(300);
    List<String> lines = p.ok("top", name).lines().toList();
    assertEquals(List.of("USER", "PID", "PPID", "%CPU", "ELAPSED", "TTY", "TIME", "COMMAND"),
        List.of(lines.get(0).trim().split("\\s+")), lines.toString());
    assertEquals(4, lines.size(), "init, its child and the exec'd process: " + lines);
    assertTrue(lines.get(1).matches("root\\s+1\\s+0\\s+.*sleep 301"), lines.get(1));
    assertTrue(lines.stream().anyMatch(l -> l.matches("root\\s+\\d+\\s+1\\s+.*sleep 300")), lines.toString());
    assertTrue(lines.stream().anyMatch(l -> l.matches("root\\s+\\d+\\s+0\\s+.*sleep 302")), lines.toString());

    String sec = p.ok("top", name, "pid", "huser", "capeff", "seccomp");
    String init = sec.lines().filter(l -> l.trim().startsWith("1 ")).findFirst().orElseThrow(() -> new AssertionError(sec));
    assertTrue(init.contains("CHOWN,DAC_OVERRIDE,FOWNER,FSETID,KILL,NET_BIND_SERVICE,SETFCAP,SETGID,SETPCAP,SETUID,SYS_CHROOT"), init);
    assertTrue(init.trim().endsWith("filter"), init);
    String hostUid = init.trim().split("\\s+")[1];
    assertNotEquals("0", hostUid, "container root is not host root: " + init);

    var bad = p.run("top", name, "pid,bogus");
    assertEquals(125, bad.exit());
    assertTrue(bad.stderr().contains("unknown descriptor: bogus"), bad.stderr());

    // the docker CLI and the compat path answer the same shape
    var docker = Exec.run(Exec.cmd("env", "DOCKER_HOST=unix://" + d.socket, "docker", "top", name));
    assertEquals(0, docker.exit(), docker.stderr());
    assertTrue(docker.stdout().contains("sleep 301"), docker.stdout());

    p.ok("rm", "-f", "-t", "0", name);
    var stopped = p.run("create", "--name", name + "x", TestImages.NAME, "true");
    assertEquals(0, stopped.exit(), stopped.stderr());
    var notRunning = p.run("top", name + "x");
    assertNotEquals(0, notRunning.exit());
    assertTrue(notRunning.stderr().contains("can only be used on running containers"), notRunning.stderr());
    p.ok("rm", name + "x");
  }

  @ParameterizedTest(autoCloseArguments = false)
  @MethodSource("daemons")
  void stats_reportCpuMemoryAndPids(Daemon d) throws Exception {
    Podman p = new Podman(d);
    String busy = "busy" + System.nanoTime();
    String idle = "idle" + System.nanoTime();
    p.ok("run", "-d", "--name", busy, TestImages.NAME, "sh", "-c", "while :; do :; done");
    p.ok("run", "-d", "--name", idle, TestImages.NAME, "sh", "-c", "sleep 301 & sleep 302 & wait");
    Daemon.sleep(1500);
    JsonNode all = new ObjectMapper().readTree(p.ok("stats", "--no-stream", "--format", "json"));
    assertEquals(2, all.size(), all.toString());
    for (JsonNode s : all) {
      boolean isBusy = s.get("name").asText().equals(busy);
      double cpu = Double.parseDouble(s.get("avg_cpu").asText().replace("%", ""));
      assertTrue(isBusy ? cpu > 20 : cpu < 20, s.toString());
      assertEquals(isBusy ? "1" : "3", s.get("pids").asText(), s.toString());
      assertTrue(!s.get("mem_usage").asText().startsWith("0B"), s.toString());
    }

    // the libpod stream: one report per interval
    var stream = Exec.run(Exec.cmd("curl", "-sS", "-N", "--max-time", "3", "--unix-socket", d.socket.toString(),
        "http://d/v4.3.1/libpod/containers/stats?stream=true&interval=1&containers=" + busy));
    List<String> reports = stream.stdout().lines().filter(l -> !l.isBlank()).toList();
    assertTrue(reports.size() >= 2, stream.stdout() + stream.stderr());
    JsonNode second = new ObjectMapper().readTree(reports.get(1));
    assertTrue(second.get("Error").isNull(), second.toString());
    JsonNode e = second.get("Stats").get(0);
    assertTrue(e.get("CPU").asDouble() > 20, e.toString());
    assertTrue(e.get("CPUNano").asLong() > 0 && e.get("MemUsage").asLong() > 0 && e.get("MemLimit").asLong() > 0, e.toString());

    var unknown = new Curl(d.socket).get("/v4.3.1/libpod/containers/stats?stream=false&containers=nosuchctr");
    assertEquals(404, unknown.status(), unknown.body());

    var docker = Exec.run(Exec.cmd("env", "DOCKER_HOST=unix://" + d.socket, "timeout", "30", "docker", "stats", "--no-stream"));
    assertEquals(0, docker.exit(), docker.stderr());
    assertTrue(docker.stdout().contains(busy) && docker.stdout().contains(idle), docker.stdout());
    p.ok("rm", "-f", "-t", "0", busy, idle);
  }

  @ParameterizedTest(autoCloseArguments = false)
  @MethodSource("daemons")
  void pause_freezesAsRoot_andIsRefusedWithTheReasonRootless(Daemon d) {
    Podman p = new Podman(d);
    String name = "pz" + System.nanoTime();
    p.ok("run", "-d", "--name", name, TestImages.NAME, "sh", "-c", "i=0; while :; do i=$((i+1)); echo $i; sleep 0.05; done");
    Daemon.sleep(300);
    if (!d.user.isRoot()) {
      var r = p.run("pause", name);
      assertNotEquals(0, r.exit());
      assertTrue(r.stderr().contains("a rootless skiffd cannot use the cgroup freezer"), r.stderr());
      assertEquals("running", p.ok("inspect", "--format", "{{.State.Status}}", name));
      p.ok("rm", "-f", "-t", "0", name);
      return;
    }
    p.ok("pause", name);
    assertEquals("paused true", p.ok("inspect", "--format", "{{.State.Status}} {{.State.Paused}}", name));
    long frozenAt = p.ok("logs", name).lines().count();
    Daemon.sleep(600);
    assertEquals(frozenAt, p.ok("logs", name).lines().count(), "no output while paused");
    var again = p.run("pause", name);
    assertNotEquals(0, again.exit());
    assertTrue(again.stderr().contains("is not running, can't pause"), again.stderr());
    p.ok("unpause", name);
    assertEquals("running", p.ok("inspect", "--format", "{{.State.Status}}", name));
    Daemon.sleep(600);
    assertTrue(p.ok("logs", name).lines().count() > frozenAt, "output resumes after unpause");
    var notPaused = p.run("unpause", name);
    assertTrue(notPaused.exit() != 0 && notPaused.stderr().contains("is not paused"), notPaused.stderr());
    // a paused container can be stopped and removed (its freezer cgroup goes with it)
    p.ok("pause", name);
    String id = p.ok("inspect", "--format", "{{.Id}}", name);
    assertTrue(java.nio.file.Files.isDirectory(java.nio.file.Path.of("/sys/fs/cgroup/freezer/skiff", id)));
    p.ok("stop", "-t", "1", name);
    assertEquals("exited", p.ok("inspect", "--format", "{{.State.Status}}", name));
    p.ok("rm", name);
    assertTrue(!java.nio.file.Files.exists(java.nio.file.Path.of("/sys/fs/cgroup/freezer/skiff", id)));
  }
}
