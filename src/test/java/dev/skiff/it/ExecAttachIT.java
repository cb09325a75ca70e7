package dev.skiff.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** exec and attach (podman run without -d) through podman-remote, curl and the docker CLI. */
class ExecAttachIT extends BothDaemons {

  @ParameterizedTest(autoCloseArguments = false)
  @MethodSource("daemons")
  void podmanExec_outputAndExitCode_stoppedContainerRefused(Daemon d) {
    Podman p = new Podman(d);
    String name = "ex" + System.nanoTime();
    p.ok("run", "-d", "--name", name, TestImages.NAME, "sleep", "1000");
    var r = p.run("exec", "-e", "FOO=bar", "-w", "/tmp", name, "sh", "-c", "echo $FOO; pwd; echo err >&2; exit 3");
    assertEquals(3, r.exit(), r.stdout() + r.stderr());
    assertEquals("bar\n/tmp\n", r.stdout());
    assertTrue(r.stderr().contains("err"), r.stderr());
    assertEquals("uid=1000 gid=1000", p.ok("exec", "-u", "1000:1000", name, "id"));
    var nx = p.run("exec", name, "/nonexistent");
    assertEquals(127, nx.exit(), nx.stderr());
    var tty = p.run("exec", "-t", name, "echo", "on-a-tty");
    assertEquals(0, tty.exit(), tty.stderr());
    assertEquals("on-a-tty\r\n", tty.stdout(), "a TTY's output, raw (interactive cases: InteractiveIT)");
    p.ok("stop", "-t", "0", name);
    var stopped = p.run("exec", name, "true");
    assertTrue(stopped.exit() != 0, stopped.stdout());
    assertTrue(stopped.stderr().contains("can only create exec sessions on running containers: container state improper"),
        stopped.stderr());
    p.ok("rm", name);
  }

  @ParameterizedTest(autoCloseArguments = false)
  @MethodSource("daemons")
  void podmanRun_attachesOutputAndPassesExitCode(Daemon d) {
    Podman p = new Podman(d);
    var hi = p.run("run", "--rm", TestImages.NAME, "echo", "hi");
    assertEquals(0, hi.exit(), hi.stderr());
    assertEquals("hi\n", hi.stdout());
    var three = p.run("run", "--rm", TestImages.NAME, "sh", "-c", "echo out; echo err >&2; exit 3");
    assertEquals(3, three.exit(), three.stderr());
    assertEquals("out\n", three.stdout());
    assertTrue(three.stderr().contains("err"), three.stderr());
    var nx = p.run("run", "--rm", TestImages.NAME, "/nonexistent");
    assertEquals(127, nx.exit(), nx.stderr());
    String name = "keep" + System.nanoTime();
    var kept = p.run("run", "--name", name, TestImages.NAME, "echo", "kept");
    assertEquals(0, kept.exit(), kept.stderr());
    assertEquals("kept\n", kept.stdout());
    String ps = p.ok("ps", "-a", "--format", "{{.Names}} {{.Status}}");
    assertTrue(ps.lines().anyMatch(l -> l.startsWith(name + " Exited (0)")), ps);
    var tty = p.run("run", "--rm", "-t", TestImages.NAME, "echo", "tty-run");
    assertEquals(0, tty.exit(), tty.stderr());
    assertEquals("tty-run\r\n", tty.stdout());
    p.ok("rm", name);
  }

  @ParameterizedTest(autoCloseArguments = false)
  @MethodSource("daemons")
  void dockerExec_rawStreamAndUpgrade(Daemon d) {
    Podman p = new Podman(d);
    String name = "dx" + System.nanoTime();
    p.ok("run", "-d", "--name", name, TestImages.NAME, "sleep", "1000");
    Curl curl = d.curl().as(d.user);
    String body = "{\"containerId\":\"x\",\"AttachStdin\":null,\"AttachStdout\":true,\"AttachStderr\":true,\"Tty\":null,"
        + "\"Privileged\":null,\"User\":null,\"Cmd\":[\"sh\",\"-c\",\"echo out-line; echo err-line >&2; exit 3\"],"
        + "\"Env\":null,\"WorkingDir\":null}";
    var created = curl.post("/v1.44/containers/" + name + "/exec", body);
    assertEquals(201, created.status(), created.body());
    String id = created.json().path("Id").asText();
    assertTrue(id.matches("[0-9a-f]{64}"), id);

    var raw = curl.raw("POST", "/v1.44/exec/" + id + "/start", "{\"Detach\":null,\"Tty\":null}");
    String out = raw.stdout();
    assertTrue(out.startsWith("HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.raw-stream\r\n"), out);
    String head = out.substring(0, out.indexOf("\r\n\r\n"));
    assertFalse(head.toLowerCase().contains("transfer-encoding"), head);
    assertFalse(head.toLowerCase().contains("content-length"), head);
    String stream = out.substring(out.indexOf("\r\n\r\n") + 4);
    assertEquals("\u0001\0\0\0\0\0\0\u0009out-line\n\u0002\0\0\0\0\0\0\u0009err-line\n", stream);
    var inspect = curl.get("/v1.44/exec/" + id + "/json");
    assertEquals(3, inspect.json().path("ExitCode").asInt(), inspect.body());
    assertEquals(false, inspect.json().path("Running").asBoolean());
    assertEquals(false, inspect.json().path("ProcessConfig").path("tty").asBoolean());

    String id2 = curl.post("/containers/" + name + "/exec", "{\"Cmd\":[\"echo\",\"up\"]}").json().path("Id").asText();
    var up = curl.header("Connection: Upgrade").header("Upgrade: tcp").raw("POST", "/exec/" + id2 + "/start", "{}");
    assertTrue(up.stdout().startsWith("HTTP/1.1 101 UPGRADED\r\n"), up.stdout());
    assertTrue(up.stdout().contains("Content-Type: application/vnd.docker.raw-stream\r\n"), up.stdout());
    assertTrue(up.stdout().endsWith("\u0001\0\0\0\0\0\0\u0003up\n"), up.stdout());

    var unknown = curl.raw("POST", "/exec/" + "0".repeat(64) + "/start", "{}").stdout();
    assertTrue(unknown.startsWith("HTTP/1.1 404"), unknown);
    assertTrue(unknown.contains("\"response\":404"), unknown);
    p.ok("rm", "-f", "-t", "0", name);
  }

  @ParameterizedTest(autoCloseArguments = false)
  @MethodSource("daemons")
  void dockerCliExec(Daemon d) {
    Podman p = new Podman(d);
    String name = "dc" + System.nanoTime();
    p.ok("run", "-d", "--name", name, TestImages.NAME, "sleep", "1000");
    List<String> cmd = DockerCli.cmd(d, "exec", name, "sh", "-c", "echo dock; exit 4");
    var r = Exec.run(Exec.as(d.user, cmd), null, 60);
    assertEquals(4, r.exit(), r.stdout() + r.stderr());
    assertEquals("dock\n", r.stdout());
    p.ok("rm", "-f", "-t", "0", name);
  }
}
