package dev.skiff.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The reference client, Debian's podman 4.3.1 in remote mode, against a rootless skiffd. */
class PodmanRemoteIT {

  static Daemon daemon;

  @BeforeAll
  static void start() {
    daemon = Daemon.start(TestUser.rootless());
  }

  @AfterAll
  static void stop() {
    if (daemon != null) {
      daemon.close();
    }
  }

  static Exec.Result podman(String... args) {
    List<String> cmd = Exec.cmd("podman", "--remote", "--url", "unix://" + daemon.socket);
    cmd.addAll(List.of(args));
    return Exec.run(Exec.as(daemon.user, cmd), null, 60);
  }

  @Test
  void version_printsServerBlockWithARealBuildDate() {
    var r = podman("version").requireOk();
    assertTrue(r.stdout().contains("Server:"), r.stdout());
    assertTrue(r.stdout().contains("API Version:  4.3.1"), r.stdout());
    Matcher built = Pattern.compile("(?s)Server:.*Built:\\s+\\S+ \\S+ +\\d+ [0-9:]+ (\\d{4})").matcher(r.stdout());
    assertTrue(built.find(), r.stdout());
    assertTrue(Integer.parseInt(built.group(1)) >= 2025, "server build year " + built.group(1));
    assertTrue(!r.stderr().contains("did not provide Libpod-API-Version"), r.stderr());
  }

  @Test
  void info_printsHostAndStore() {
    var r = podman("info", "--format", "{{.Host.Security.Rootless}} {{.Host.OCIRuntime.Name}} {{.Store.RunRoot}}").requireOk();
    assertEquals("true skiff-shim " + daemon.runroot, r.stdout().trim());
    var yaml = podman("info").requireOk();
    assertTrue(yaml.stdout().contains("graphDriverName: overlay"), yaml.stdout());
  }

  @Test
  void volumes_createInspectListRemove() {
    assertEquals("pv1", podman("volume", "create", "--label", "x=y", "pv1").requireOk().stdout().trim());
    assertTrue(podman("volume", "ls").requireOk().stdout().contains("pv1"));
    assertEquals("y", podman("volume", "inspect", "--format", "{{.Labels.x}}", "pv1").requireOk().stdout().trim());
    assertEquals(0, podman("volume", "exists", "pv1").exit());
    assertEquals(1, podman("volume", "exists", "nope").exit());
    var dup = podman("volume", "create", "pv1");
    assertTrue(dup.exit() != 0 && dup.stderr().contains("already exists"), dup.stderr());
    podman("volume", "rm", "pv1").requireOk();
    var missing = podman("volume", "rm", "pv1");
    assertEquals(1, missing.exit(), missing.stderr());
    assertTrue(missing.stderr().contains("no such volume"), missing.stderr());
  }

  @Test
  void inspectOfUnknownObject_reportsNoSuchObject() {
    var r = podman("inspect", "nothing-here");
    assertEquals(125, r.exit());
    assertTrue(r.stderr().contains("no such object"), r.stderr());
  }
}
