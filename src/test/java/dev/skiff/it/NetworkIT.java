package dev.skiff.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Container networking: slirp4netns (the default, as rootless podman's), published ports reached
 * from the host, the generated /etc files, host loopback closed unless allowed, and the errors —
 * through podman-remote, the docker CLI and curl, rootless and root.
 */
class NetworkIT extends BothDaemons {

  private static final ObjectMapper JSON = new ObjectMapper();

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /** GET / from busybox httpd on the host's loopback at {@code port}, retried while it starts. */
  static String httpGet(int port, String path) {
    AssertionError last = null;
    for (int i = 0; i < 100; i++) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
        s.setSoTimeout(5000);
        OutputStream out = s.getOutputStream();
        out.write(("GET " + path + " HTTP/1.0\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = s.getInputStream();
        String reply = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        if (reply.startsWith("HTTP/1.")) {
          return reply.substring(reply.indexOf("\r\n\r\n") + 4);
        }
        last = new AssertionError("not an HTTP answer: " + reply);
      } catch (IOException e) {
        last = new AssertionError("connect 127.0.0.1:" + port + ": " + e.getMessage(), e);
      }
      Daemon.sleep(50);
    }
    throw last;
  }

  static String web(Podman p, String name, String... publish) {
    List<String> args = new java.util.ArrayList<>(List.of("run", "-d", "--name", name));
    args.addAll(List.of(publish));
    // httpd serves the container's own /etc: /etc/hostname proves which container answered
    args.addAll(List.of(TestImages.NAME, "httpd", "-f", "-p", "8080", "-h", "/etc"));
    return p.ok(args.toArray(String[]::new));
  }

  @ParameterizedTest(autoCloseArguments = false)
  @MethodSource("daemons")
  void publishedPort_reachesTheContainer_andInspectPortAndPsShowIt(Daemon d) throws Exception {
    Podman p = new Podman(d);
    String name = "web" + System.nanoTime();
    int port = freePort();
    String id = web(p, name, "-p", "127.0.0.1:" + port + ":8080");
    String hostname = p.ok("exec", name, "hostname");
    assertEquals(hostname, httpGet(port, "/hostname").trim());
    assertEquals("8080/tcp -> 127.0.0.1:" + port, p.ok("port", name));
    assertTrue(p.ok("ps", "--format", "{{.Names}} {{.Ports}}").contains(name + " 127.0.0.1:" + port + "->8080/tcp"));
    JsonNode inspect = JSON.readTree(d.curl().get("/v4.3.1/libpod/containers/" + id + "/json").body());
    assertEquals(Integer.toString(port), inspect.at("/NetworkSettings/Ports/8080~1tcp/0/HostPort").asText());
    assertEquals("127.0.0.1", inspect.at("/HostConfig/PortBindings/8080~1tcp/0/HostIp").asText());
    assertEquals("slirp4netns", inspect.at("/HostConfig/NetworkMode").asText());
    JsonNode compat = JSON.readTree(d.curl().get("/v1.41/containers/json?filters=%7B%22name%22%3A%5B%22" + name
        + "%22%5D%7D").body());
    assertEquals(port, compat.at("/0/Ports/0/PublicPort").asInt(), compat.toString());
    assertEquals(8080, compat.at("/0/Ports/0/PrivatePort").asInt());

    // a second container cannot take the same host port: a clear 409, nothing left running
    var taken = d.curl().post("/v4.3.1/libpod/containers/create", "{\"image\":\"" + TestImages.NAME
        + "\",\"command\":[\"sleep\",\"60\"],\"portmappings\":[{\"host_ip\":\"127.0.0.1\",\"container_port\":80,"
        + "\"host_port\":" + port + "}]}");
    assertEquals(201, taken.status(), taken.body());
    String second = JSON.readTree(taken.body()).path("Id").asText();
    var start = d.curl().post("/v4.3.1/libpod/containers/" + second + "/start", null);
    assertEquals(409, start.status(), start.body());
    assertTrue(start.body().contains("127.0.0.1:" + port) && start.body().contains("in use"), start.body());
    assertFalse(p.ok("inspect", "--format", "{{.State.Running}}", second).equals("true"));
    p.ok("rm", "-f", second);

    // the forward survives a daemon SIGKILL (slirp4netns belongs to the container's shim)
    d.kill9();
    d.start();
    assertEquals(hostname, httpGet(port, "/hostname").trim());
    p.ok("rm", "-f", name);
    assertEquals("", slirpProcessesOf(id), "slirp4netns ends with the container");
  }

  /** Command lines of slirp4netns processes serving this container's API socket. */
  static String slirpProcessesOf(String id) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < 50; i++) {
      out.setLength(0);
      try (var procs = Files.list(Path.of("/proc"))) {
        for (Path proc : procs.filter(x -> x.getFileName().toString().matches("\\d+")).toList()) {
          try {
            String cmd = new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8)
                .replace('\0', ' ');
            if (cmd.startsWith("/usr/bin/slirp4netns") && cmd.contains(id.substring(0, 24))) {
              out.append(cmd).append('\n');
            }
          } catch (IOException gone) {
            // exited meanwhile
          }
        }
      } catch (IOException e) {
        throw new AssertionError(e);
      }
      if (out.isEmpty()) {
        break;
      }
      Daemon.sleep(100);
    }
    return out.toString();
  }

  @ParameterizedTest(autoCloseArguments = false)
  @MethodSource("daemons")
  void randomHostPorts_fromDockerAndPodman_areChosenAtCreate_andWork(Daemon d) throws Exception {
    Podman p = new Podman(d);
    String name = "rnd" + System.nanoTime();
    web(p, name, "-p", "8080");
    String mapped = p.ok("port", name, "8080/tcp");
    int port = Integer.parseInt(mapped.substring(mapped.lastIndexOf(':') + 1));
    assertNotEquals(0, port);
    assertTrue(httpGet(port, "/hosts").contains("10.0.2.100"), "the container's /etc/hosts");
    p.ok("stop", "-t", "0", name);
    p.ok("start", name);
    assertEquals(mapped, p.ok("port", name, "8080/tcp"), "the chosen port stays across restarts");
    assertTrue(httpGet(port, "/hosts").contains("10.0.2.100"));
    p.ok("rm", "-f", name);

    String dname = "dck" + System.nanoTime();
    var run = Exec.run(DockerCli.cmd(d, "run", "-d", "--name", dname, "-p", "127.0.0.1::8080", TestImages.NAME, "httpd", "-f", "-p", "8080", "-h", "/etc"));
    assertEquals(0, run.exit(), run.stderr());
    var port2 = Exec.run(DockerCli.cmd(d, "port", dname, "8080"));
    assertEquals(0, port2.exit(), port2.stderr());
    String line = port2.stdout().trim();
    assertTrue(line.startsWith("127.0.0.1:"), line);
    assertTrue(httpGet(Integer.parseInt(line.substring(line.indexOf(':') + 1)), "/hostname").trim()
        .equals(run.stdout().trim().substring(0, 12)));
    p.ok("rm", "-f", dname);
  }

  @ParameterizedTest(autoCloseArguments = false)
  @MethodSource("daemons")
  void theNetworkIsUpBeforeTheProcessRuns_andEtcFilesMatch(Daemon d) {
    Podman p = new Podman(d);
    for (int i = 0; i < 3; i++) {
      String addr = p.ok("run", "--rm", TestImages.NAME, "ip", "-o", "-4", "addr", "show", "tap0");
      assertTrue(addr.contains("inet 10.0.2.100/24"), addr);
    }
    assertEquals("nameserver 10.0.2.3", p.ok("run", "--rm", TestImages.NAME, "head", "-n1", "/etc/resolv.conf"));
    String hosts = p.ok("run", "--rm", "--name", "named" + System.nanoTime(), "--hostname", "box",
        TestImages.NAME, "cat", "/etc/hosts", "/etc/hostname");
    assertTrue(hosts.contains("10.0.2.100\tbox named"), hosts);
    assertTrue(hosts.contains("10.0.2.2\thost.containers.internal"), hosts);
    assertTrue(hosts.endsWith("box"), hosts);

    // --network none: loopback only, and published ports are discarded with podman's warning
    var none = p.run("run", "--rm", "--network", "none", "-p", "8080:80", TestImages.NAME, "ip", "-o", "link");
    assertEquals(0, none.exit(), none.stderr());
    assertFalse(none.stdout().contains("tap0"), none.stdout());
    assertTrue(none.stderr().contains("Port mappings have been discarded"), none.stderr());
  }

  @ParameterizedTest(autoCloseArguments = false)
  @MethodSource("daemons")
  void hostLoopback_isClosedByDefault_andOpenWithAllowHostLoopback(Daemon d) throws Exception {
    Podman p = new Podman(d);
    try (ServerSocket host = new ServerSocket()) {
      host.bind(new InetSocketAddress("127.0.0.1", 0));
      Thread accept = Thread.ofVirtual().start(() -> {
        while (!host.isClosed()) {
          try (Socket s = host.accept()) {
            s.getOutputStream().write("from-host\n".getBytes(StandardCharsets.US_ASCII));
          } catch (IOException e) {
            return;
          }
        }
      });
      String url = "10.0.2.2 " + host.getLocalPort();
      var closed = p.run("run", "--rm", TestImages.NAME, "sh", "-c", "nc -w 2 " + url + " </dev/null");
      assertFalse(closed.stdout().contains("from-host"), "host loopback reachable by default: " + closed.stdout());
      String open = p.ok("run", "--rm", "--network", "slirp4netns:allow_host_loopback=true", TestImages.NAME, "sh",
          "-c", "nc -w 2 " + url + " </dev/null");
      assertEquals("from-host", open);
      host.close();
      accept.join(5000);
    }
  }

  @ParameterizedTest(autoCloseArguments = false)
  @MethodSource("daemons")
  void badNetworkRequests_are400WithTheReason(Daemon d) {
    String base = "{\"image\":\"" + TestImages.NAME + "\",\"command\":[\"true\"],";
    String[][] cases = {
        {"\"portmappings\":[{\"container_port\":0,\"host_port\":8080}]}", "invalid container port 0"},
        {"\"portmappings\":[{\"container_port\":80,\"host_port\":70000}]}", "invalid host port 70000"},
        {"\"portmappings\":[{\"container_port\":80,\"protocol\":\"sctp\"}]}", "sctp"},
        {"\"portmappings\":[{\"container_port\":80,\"protocol\":\"icmp\"}]}", "unknown port protocol"},
        {"\"portmappings\":[{\"host_ip\":\"::1\",\"container_port\":80}]}", "IPv6"},
        {"\"portmappings\":[{\"host_ip\":\"300.1.1.1\",\"container_port\":80}]}", "invalid host address"},
        {"\"portmappings\":[{\"container_port\":80,\"host_port\":18080},{\"container_port\":81,\"host_port\":18080}]}",
            "published twice"},
        {"\"netns\":{\"nsmode\":\"slirp4netns\"},\"network_options\":{\"slirp4netns\":[\"mtu=9\"]}}", "mtu=9"},
        {"\"netns\":{\"nsmode\":\"slirp4netns\"},\"network_options\":{\"slirp4netns\":[\"bogus=1\"]}}",
            "unknown slirp4netns option"},
        {"\"netns\":{\"nsmode\":\"slirp4netns\"},\"network_options\":{\"slirp4netns\":[\"port_handler=rootlesskit\"]}}",
            "port_handler=rootlesskit"},
        {"\"netns\":{\"nsmode\":\"container:abc\"}}", "not supported"},
    };
    int before = d.curl().get("/v4.3.1/libpod/containers/json?all=true").body().split("\"Id\"").length;
    for (String[] c : cases) {
      var r = d.curl().post("/v4.3.1/libpod/containers/create", base + c[0]);
      assertEquals(400, r.status(), c[0] + " -> " + r.body());
      assertTrue(r.body().contains(c[1]), c[0] + " -> " + r.body());
      assertTrue(r.body().contains("\"cause\"") && r.body().contains("\"response\":400"), r.body());
    }
    if (d.user.uid() != 0) {
      var low = d.curl().post("/v4.3.1/libpod/containers/create",
          base + "\"portmappings\":[{\"container_port\":80,\"host_port\":80}]}");
      assertEquals(400, low.status(), low.body());
      assertTrue(low.body().contains("ip_unprivileged_port_start"), low.body());
    }
    int after = d.curl().get("/v4.3.1/libpod/containers/json?all=true").body().split("\"Id\"").length;
    assertEquals(before, after, "no container was left behind");
  }
}
