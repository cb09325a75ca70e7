package dev.skiff.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Containers through podman-remote 4.3.1 against a rootless and a root skiffd. */
class ContainerLifecycleIT extends BothDaemons {

  @ParameterizedTest(autoCloseArguments = false)
  @MethodSource("clients")
  void runDetached_logsAndExitCodePassThrough(Podman p) {
    String id = p.ok("run", "-d", TestImages.NAME, "sh", "-c", "echo hi; echo err >&2; exit 3");
    assertEquals(64, id.length(), id);
    assertEquals("3", p.ok("wait", id));
    String logs = p.run("logs", id).requireOk().stdout() + p.run("logs", id).stderr();
    assertTrue(logs.contains("hi"), logs);
    assertTrue(logs.contains("err"), logs);
    assertEquals("exited 3", p.ok("inspect", "--format", "{{.State.Status}} {{.State.ExitCode}}", id));
    p.ok("rm", id);
    assertEquals(1, p.run("container", "exists", id).exit());
  }

  @ParameterizedTest(autoCloseArguments = false)
  @MethodSource("clients")
  void missingExecutable_isExit127(Podman p) {
    var r = p.run("run", "-d", "--name", "nx" + System.nanoTime(), TestImages.NAME, "/nonexistent");
    assertEquals(127, r.exit(), r.stdout() + r.stderr());
    assertTrue(r.stderr().contains("not found") || r.stderr().contains("no such file"), r.stderr());
  }

  @ParameterizedTest(autoCloseArguments = false)
  @MethodSource("clients")
  void psStopStartKillRenameRemove(Podman p) {
    String name = "life" + System.nanoTime();
    p.ok("run", "-d", "--name", name, TestImages.NAME, "sleep", "1000");
    assertTrue(p.ok("ps").contains(name));
    assertEquals("true", p.ok("inspect", "--format", "{{.State.Running}}", name));
    p.ok("stop", "-t", "1", name);
    assertEquals("false", p.ok("inspect", "--format", "{{.State.Running}}", name));
    assertFalse(p.ok("ps").contains(name));
    assertTrue(p.ok("ps", "-a").contains(name));
    p.ok("stop", name); // already stopped: 304, still success
    p.ok("start", name);
    assertEquals("running", p.ok("inspect", "--format", "{{.State.Status}}", name));
    p.ok("kill", name);
    assertEquals("137", p.ok("wait", name));
    p.ok("rename", name, name + "x");
    assertEquals(0, p.run("container", "exists", name + "x").exit());
    p.ok("start", name + "x");
    var rm = p.run("rm", name + "x");
    assertEquals(2, rm.exit(), "rm of a running container needs -f: " + rm.stderr());
    assertTrue(rm.stderr().contains("container state improper"), rm.stderr());
    p.ok("rm", "-f", name + "x");
    assertEquals(1, p.run("container", "exists", name + "x").exit());
  }

  @ParameterizedTest(autoCloseArguments = false)
  @MethodSource("clients")
  void defaultsAreHardened(Podman p) {
    String out = runAndLog(p, "cat /proc/self/status; cat /proc/self/uid_map; touch /proc/sysrq-trigger 2>&1;"
        + " cat /proc/kcore 2>&1 | head -c 100; unshare -U true 2>&1; echo unshare=$?; mount -t tmpfs t /mnt 2>&1;"
        + " echo mount=$?");
    // the Podman default capability set, in every set but ambient
    assertTrue(out.contains("CapEff:\t00000000800405fb"), out);
    assertTrue(out.contains("CapBnd:\t00000000800405fb"), out);
    assertTrue(out.contains("CapAmb:\t0000000000000000"), out);
    assertTrue(out.contains("Seccomp:\t2"), out);
    assertTrue(out.contains("NoNewPrivs:\t0"), out);
    assertTrue(out.contains("unshare=1") || out.matches("(?s).*unshare=[1-9].*"), out);
    assertFalse(out.contains("mount=0"), out);
  }

  @ParameterizedTest(autoCloseArguments = false)
  @MethodSource("clients")
  void securityFlagsAreAppliedInTheKernel(Podman p) {
    String dropAll = runAndLog(p, "grep -E '^Cap(Eff|Prm|Bnd)' /proc/self/status", "--cap-drop", "ALL");
    assertTrue(dropAll.contains("CapEff:\t0000000000000000"), dropAll);
    assertTrue(dropAll.contains("CapBnd:\t0000000000000000"), dropAll);
    String nnp = runAndLog(p, "grep NoNewPrivs /proc/self/status", "--security-opt", "no-new-privileges");
    assertTrue(nnp.contains("NoNewPrivs:\t1"), nnp);
    String unconfined = runAndLog(p, "grep Seccomp: /proc/self/status", "--security-opt", "seccomp=unconfined");
    assertTrue(unconfined.contains("Seccomp:\t0"), unconfined);
    String ro = runAndLog(p, "touch /x 2>&1; echo rc=$?; touch /tmp/y && echo tmp-ok", "--read-only");
    assertTrue(ro.contains("Read-only file system"), ro);
    assertTrue(ro.contains("tmp-ok"), ro);
    String user = runAndLog(p, "id -u; id -g; grep CapEff /proc/self/status", "--user", "1000:1000");
    assertTrue(user.startsWith("1000\n1000\n"), user);
    assertTrue(user.contains("CapEff:\t0000000000000000"), user);
    String priv = runAndLog(p, "grep -E '^(CapEff|Seccomp):' /proc/self/status", "--privileged");
    assertTrue(priv.contains("Seccomp:\t0"), priv);
    assertFalse(priv.contains("CapEff:\t00000000800405fb"), priv);
    String ulimit = runAndLog(p, "ulimit -n", "--ulimit", "nofile=512:512");
    assertEquals("512", ulimit.trim());
  }

  @ParameterizedTest(autoCloseArguments = false)
  @MethodSource("clients")
  void badSecurityRequests_areRefusedAtCreate(Podman p) {
    var cap = p.run("create", "--cap-add", "NOT_A_CAP", TestImages.NAME, "true");
    assertEquals(125, cap.exit());
    assertTrue(cap.stderr().contains("NOT_A_CAP"), cap.stderr());
    var aa = p.run("create", "--security-opt", "apparmor=myprofile", TestImages.NAME, "true");
    assertNotEquals(0, aa.exit());
    assertTrue(aa.stderr().contains("AppArmor is not enabled on this host"), aa.stderr());
    var se = p.run("create", "--security-opt", "label=type:spc_t", TestImages.NAME, "true");
    assertNotEquals(0, se.exit());
    assertTrue(se.stderr().contains("SELinux is not enabled on this host"), se.stderr());
    var rel = p.run("create", "--security-opt", "seccomp=relative.json", TestImages.NAME, "true");
    assertNotEquals(0, rel.exit());
    assertTrue(rel.stderr().contains("relative.json"), rel.stderr());
    var priv = p.run("create", "--privileged", "--cap-drop", "CHOWN", TestImages.NAME, "true");
    assertNotEquals(0, priv.exit());
  }

  @ParameterizedTest(autoCloseArguments = false)
  @MethodSource("clients")
  void restartPolicies_areAppliedByTheDaemon(Podman p) {
    String failing = "rp" + System.nanoTime();
    p.ok("run", "-d", "--name", failing, "--restart", "on-failure:2", TestImages.NAME, "sh", "-c", "exit 1");
    String state = "";
    for (int i = 0; i < 100 && !state.equals("exited 2"); i++) {
      Daemon.sleep(100);
      state = p.ok("inspect", "--format", "{{.State.Status}} {{.RestartCount}}", failing);
    }
    assertEquals("exited 2", state, "two restarts, then it stays exited");
    String always = "ra" + System.nanoTime();
    p.ok("run", "-d", "--name", always, "--restart", "always", TestImages.NAME, "sleep", "1000");
    p.ok("stop", "-t", "0", always);
    Daemon.sleep(500);
    assertEquals("exited", p.ok("inspect", "--format", "{{.State.Status}}", always), "a stopped container stays stopped");
    var conflict = p.run("create", "--rm", "--restart", "always", TestImages.NAME, "true");
    assertTrue(conflict.exit() != 0 && conflict.stderr().contains("conflicts"), conflict.stderr());
    p.ok("rm", "-f", failing, always);
  }

  @ParameterizedTest(autoCloseArguments = false)
  @MethodSource("clients")
  void mountsMasksAndCapabilityFlags(Podman p) throws Exception {
    java.nio.file.Path vol = java.nio.file.Files.createTempDirectory("skiff-vol");
    java.nio.file.Files.writeString(vol.resolve("f"), "from-host\n");
    vol.toFile().setReadable(true, false);
    vol.toFile().setExecutable(true, false);
    vol.resolve("f").toFile().setReadable(true, false);
    String ro = runAndLog(p, "cat /data/f; touch /data/g 2>&1; echo rc=$?", "-v", vol + ":/data:ro");
    assertTrue(ro.contains("from-host"), ro);
    assertTrue(ro.contains("Read-only file system") && ro.contains("rc=1"), ro);
    assertFalse(java.nio.file.Files.exists(vol.resolve("g")));
    String tmpfs = runAndLog(p, "grep ' /scratch ' /proc/mounts; echo x > /scratch/a && echo wrote", "--tmpfs", "/scratch:size=1m");
    assertTrue(tmpfs.contains("tmpfs /scratch tmpfs") && tmpfs.contains("size=1024k"), tmpfs);
    assertTrue(tmpfs.contains("wrote"), tmpfs);
    assertEquals("character special file", runAndLog(p, "stat -c %F /proc/timer_list").trim(), "masked by default");
    assertEquals("regular empty file",
        runAndLog(p, "stat -c %F /proc/timer_list", "--security-opt", "unmask=/proc/timer_list").trim());
    assertEquals("0", runAndLog(p, "wc -c < /etc/passwd", "--security-opt", "mask=/etc/passwd").trim());
    String add = runAndLog(p, "grep CapEff /proc/self/status", "--cap-add", "net_admin", "--cap-drop", "CAP_CHOWN");
    long eff = Long.parseLong(add.trim().split("\t")[1], 16);
    assertTrue((eff & (1L << 12)) != 0, "NET_ADMIN added: " + add);
    assertTrue((eff & 1L) == 0, "CHOWN dropped: " + add);
    String chown = runAndLog(p, "touch /f; chown 5:5 /f 2>&1; echo rc=$?", "--cap-drop", "chown");
    assertTrue(chown.contains("rc=1"), chown);
  }

  @ParameterizedTest(autoCloseArguments = false)
  @MethodSource("clients")
  void runRm_exitCodesSurviveTheRemoval_andEventsHaveHistory(Podman p) {
    for (int i = 0; i < 8; i++) {
      var r = p.run("run", "--rm", TestImages.NAME, "sh", "-c", "exit " + (i + 1));
      assertEquals(i + 1, r.exit(), r.stderr());
      assertFalse(r.stderr().contains("Cannot get exit code"), r.stderr());
    }
    String id = p.ok("run", "-d", TestImages.NAME, "sh", "-c", "exit 4");
    assertEquals("4", p.ok("wait", id));
    String died = p.ok("events", "--stream=false", "--filter", "container=" + id, "--filter", "event=died",
        "--format", "{{.Status}} {{.ContainerExitCode}}");
    assertEquals("died 4", died.trim());
    p.ok("rm", id);
  }

  /** Runs {@code sh -c script} detached with extra flags, waits, and returns its output. */
  static String runAndLog(Podman p, String script, String... flags) {
    java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("run", "-d"));
    args.addAll(java.util.List.of(flags));
    args.addAll(java.util.List.of(TestImages.NAME, "sh", "-c", script));
    String id = p.ok(args.toArray(String[]::new));
    p.ok("wait", id);
    var logs = p.run("logs", id).requireOk();
    p.ok("rm", id);
    return logs.stdout() + logs.stderr();
  }
}
