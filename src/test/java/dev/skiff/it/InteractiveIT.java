package dev.skiff.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Interactive use through real clients on a real terminal: podman run -it / exec -it, stdin
 * piped through run -i, attach and detach keys, resize, the docker CLI's run with and without
 * -it and its attach, and re-attaching after the daemon was SIGKILLed. Rootless and root.
 */
class InteractiveIT extends BothDaemons {

  private static String podman(Daemon d) {
    return "podman --remote --url unix://" + d.socket;
  }

  @ParameterizedTest(autoCloseArguments = false)
  @MethodSource("daemons")
  void podmanRunIt_shellOnATerminal(Daemon d) {
    try (Pty t = Pty.start(d.user, 30, 100, podman(d) + " run --rm -it " + TestImages.NAME + " sh")) {
      t.type("echo hi-$((1+1)); stty size; tty\n").await("hi-2", 30).await("30 100", 10).await("/dev/pts/0", 10);
      t.type("exit 3\n");
      assertEquals(3, t.exitCode(30), t.screen());
    }
  }

  @ParameterizedTest(autoCloseArguments = false)
  @MethodSource("daemons")
  void podmanExecIt_shellOnATerminal(Daemon d) {
    Podman p = new Podman(d);
    String name = "xi" + System.nanoTime();
    p.ok("run", "-d", "--name", name, TestImages.NAME, "sleep", "1000");
    try (Pty t = Pty.start(d.user, 20, 70, podman(d) + " exec -it " + name + " sh")) {
      t.type("echo ex-$((2+3)); stty size\n").await("ex-5", 30).await("20 70", 10);
      t.type("exit 4\n");
      assertEquals(4, t.exitCode(30), t.screen());
    }
    var piped = Exec.run(Exec.as(d.user, Exec.cmd("podman", "--remote", "--url", "unix://" + d.socket, "exec", "-i",
        name, "cat")), "through-exec\n".getBytes(StandardCharsets.UTF_8), 60);
    assertEquals(0, piped.exit(), piped.stderr());
    assertEquals("through-exec\n", piped.stdout());
    p.ok("rm", "-f", "-t", "0", name);
  }

  @ParameterizedTest(autoCloseArguments = false)
  @MethodSource("daemons")
  void podmanRunI_pipesStdin(Daemon d) {
    // ctrl-p ctrl-q inside: detach keys apply on a terminal only, piped input passes unchanged
    byte[] input = ("line one\n" + "x".repeat(200_000) + "\u0010\u0011\nlast\n").getBytes(StandardCharsets.UTF_8);
    var r = Exec.run(Exec.as(d.user, Exec.cmd("podman", "--remote", "--url", "unix://" + d.socket, "run", "--rm", "-i",
        TestImages.NAME, "cat")), input, 60);
    assertEquals(0, r.exit(), r.stderr());
    assertEquals(new String(input, StandardCharsets.UTF_8), r.stdout());
  }

  @ParameterizedTest(autoCloseArguments = false)
  @MethodSource("daemons")
  void podmanAttach_detachKeysLeaveItRunning_resizeVisible_reattachAfterDaemonKill(Daemon d) {
    Podman p = new Podman(d);
    String name = "at" + System.nanoTime();
    p.ok("run", "-d", "-it", "--name", name, TestImages.NAME, "sh");
    try (Pty t = Pty.start(d.user, 25, 90, podman(d) + " attach " + name)) {
      t.type("echo att-$((3+4))\n").await("att-7", 30);
      Curl curl = d.curl().as(d.user);
      assertEquals(200, curl.post("/v4.3.1/libpod/containers/" + name + "/resize?h=33&w=111", null).status());
      t.type("stty size\n").await("33 111", 10);
      t.type("\u0010\u0011");
      assertEquals(0, t.exitCode(30), t.screen());
    }
    assertEquals("running", p.ok("inspect", "--format", "{{.State.Status}}", name));

    d.kill9();
    d.start();
    try (Pty t = Pty.start(d.user, 25, 90, podman(d) + " attach " + name)) {
      t.type("echo again-$((4+4))\n").await("again-8", 30);
      t.type("exit 5\n");
      t.exitCode(30);
    }
    assertEquals("5", p.ok("wait", name));
    p.ok("rm", name);
  }

  @ParameterizedTest(autoCloseArguments = false)
  @MethodSource("daemons")
  void resizeEndpoints_statusCodes(Daemon d) {
    Podman p = new Podman(d);
    Curl curl = d.curl().as(d.user);
    String none = "0".repeat(64);
    assertEquals(404, curl.post("/v4.3.1/libpod/containers/" + none + "/resize?h=10&w=10", null).status());
    assertEquals(404, curl.post("/v1.41/containers/" + none + "/resize?h=10&w=10", null).status());
    assertEquals(404, curl.post("/v4.3.1/libpod/exec/" + none + "/resize?h=10&w=10", null).status());
    assertEquals(404, curl.post("/v1.41/exec/" + none + "/resize?h=10&w=10", null).status());
    String created = p.ok("create", "-t", TestImages.NAME, "sh");
    var conflict = curl.post("/v1.41/containers/" + created + "/resize?h=10&w=10", null);
    assertEquals(409, conflict.status(), conflict.body());
    assertEquals(200, curl.post("/v1.41/containers/" + created + "/resize?h=10&w=10&running=true", null).status());
    String plain = p.ok("run", "-d", TestImages.NAME, "sleep", "1000");
    assertEquals(200, curl.post("/v1.41/containers/" + plain + "/resize?h=10&w=10", null).status(),
        "a container without a terminal ignores a resize, as podman does");
    p.ok("rm", "-f", "-t", "0", plain);
    p.ok("rm", created);
  }

  @ParameterizedTest(autoCloseArguments = false)
  @MethodSource("daemons")
  void dockerRun_withoutDetach(Daemon d) {
    List<String> run = DockerCli.cmd(d, "run", "--rm", TestImages.NAME, "echo", "hi");
    var r = Exec.run(Exec.as(d.user, run), null, 60);
    assertEquals(0, r.exit(), r.stdout() + r.stderr());
    assertEquals("hi\n", r.stdout());

    List<String> code = DockerCli.cmd(d, "run", "--rm", TestImages.NAME, "sh", "-c", "echo out; echo err >&2; exit 6");
    var c = Exec.run(Exec.as(d.user, code), null, 60);
    assertEquals(6, c.exit(), c.stdout() + c.stderr());
    assertEquals("out\n", c.stdout());
    assertTrue(c.stderr().contains("err"), c.stderr());

    List<String> stdin = DockerCli.cmd(d, "run", "--rm", "-i", TestImages.NAME, "sh", "-c", "cat; echo done");
    var i = Exec.run(Exec.as(d.user, stdin), "piped to docker\n".getBytes(StandardCharsets.UTF_8), 60);
    assertEquals(0, i.exit(), i.stdout() + i.stderr());
    assertEquals("piped to docker\ndone\n", i.stdout());
  }

  @ParameterizedTest(autoCloseArguments = false)
  @MethodSource("daemons")
  void dockerRunIt_andDockerAttach(Daemon d) {
    String docker = DockerCli.commandLine(d);
    try (Pty t = Pty.start(d.user, 24, 81, docker + " run --rm -it " + TestImages.NAME + " sh")) {
      t.type("echo dk-$((5+6)); stty size; tty\n").await("dk-11", 30).await("24 81", 10).await("/dev/pts/0", 10);
      t.type("exit 7\n");
      assertEquals(7, t.exitCode(30), t.screen());
    }

    Podman p = new Podman(d);
    String name = "da" + System.nanoTime();
    p.ok("run", "-d", "-it", "--name", name, TestImages.NAME, "sh");
    try (Pty t = Pty.start(d.user, 26, 95, docker + " attach " + name)) {
      // docker attach sends the terminal's size itself (POST /containers/{id}/resize)
      t.type("echo da-$((6+6)); stty size\n").await("da-12", 30).await("26 95", 10);
      t.type("\u0010\u0011"); // the default detach keys: the client ends, the container runs on
      t.exitCode(30);
    }
    assertEquals("running", p.ok("inspect", "--format", "{{.State.Status}}", name));
    try (Pty t = Pty.start(d.user, 26, 95, docker + " attach " + name)) {
      t.type("exit 8\n");
      assertEquals(8, t.exitCode(30), t.screen());
    }
    assertEquals("8", p.ok("wait", name));
    p.ok("rm", name);
  }
}
