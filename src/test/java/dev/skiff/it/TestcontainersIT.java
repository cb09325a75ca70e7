package dev.skiff.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Testcontainers (the docker-java client it ships, its /v1.44 paths, null-filled bodies, plain-POST
 * exec streams and its shutdown reaper) drives a GenericContainer, and one with an exposed port and
 * the default port wait, on a rootless and a root skiffd.
 * The client runs in its own JVM because Testcontainers takes the socket from {@code DOCKER_HOST}.
 */
class TestcontainersIT extends BothDaemons {

  @ParameterizedTest(autoCloseArguments = false)
  @MethodSource("daemons")
  void genericContainer_startExecLogsStop(Daemon d) throws Exception {
    Map<String, String> v = probe(d, TestcontainersProbe.class);
    String text = v.toString();
    assertEquals("true", v.get("running"), text);
    assertEquals("3", v.get("exec.exit"), text);
    assertEquals("out-line hi-env", v.get("exec.stdout"), text);
    assertEquals("err-line", v.get("exec.stderr"), text);
    assertEquals("hello-from-busybox", v.get("logs.stdout"), text);
    assertEquals("to-stderr", v.get("logs.stderr"), text);
    assertEquals("tc", v.get("label"), text);
    assertEquals("true", v.get("stopped"), text);
    assertTrue(Integer.parseInt(v.get("web.port")) > 0, text);
    assertEquals(v.get("web.id").substring(0, 12), v.get("web.body"), "the mapped port reached the container: " + text);
    // stop() removed the container, and nothing of the session is left behind
    String id = v.get("id");
    assertEquals(1, new Podman(d).run("container", "exists", id).exit());
    assertEquals(List.of(), new Podman(d).ok("ps", "-aq", "--filter", "label=org.testcontainers=true").lines().toList());
  }

  /** withCopyFileToContainer (before the start), copyFileToContainer, copyFileFromContainer. */
  @ParameterizedTest(autoCloseArguments = false)
  @MethodSource("daemons")
  void genericContainer_copiesFilesInAndOut(Daemon d) throws Exception {
    Map<String, String> v = probe(d, TestcontainersCopyProbe.class);
    assertEquals("copied-by-testcontainers 640", v.get("copy.logs"));
    assertEquals("late-copy", v.get("copy.back"));
    assertEquals("copied-by-testcontainers", v.get("copy.roundtrip"));
  }

  /** Runs a probe class in its own JVM against d; returns its key=value lines (requires exit 0 and "done"). */
  private static Map<String, String> probe(Daemon d, Class<?> probe) throws Exception {
    Path home = Files.createTempDirectory("skiff-tc-home");
    String javaCmd = ProcessHandle.current().info().command().orElse("java");
    ProcessBuilder pb = new ProcessBuilder(javaCmd, "-cp", System.getProperty("java.class.path"), probe.getName(),
        TestImages.NAME);
    Map<String, String> env = pb.environment();
    env.put("DOCKER_HOST", "unix://" + d.socket);
    env.put("TESTCONTAINERS_RYUK_DISABLED", "true");
    // no /networks/bridge lookup (Testcontainers asks for it only when it runs inside a container)
    env.put("TESTCONTAINERS_HOST_OVERRIDE", "localhost");
    env.put("HOME", home.toString());
    env.remove("DOCKER_CONFIG");
    Process p = pb.start();
    var out = Exec.drain(p.getInputStream());
    var err = Exec.drain(p.getErrorStream());
    assertTrue(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS), "Testcontainers probe timed out");
    out.join();
    err.join();
    String text = out.text();
    assertEquals(0, p.exitValue(), text + "\n" + err.text());
    assertTrue(text.endsWith("done\n"), text);
    return text.lines().filter(l -> l.contains("="))
        .collect(Collectors.toMap(l -> l.substring(0, l.indexOf('=')), l -> l.substring(l.indexOf('=') + 1), (a, b) -> b));
  }
}
