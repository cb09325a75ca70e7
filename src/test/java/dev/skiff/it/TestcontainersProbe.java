package dev.skiff.it;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.testcontainers.containers.Container;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.output.OutputFrame;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * Runs Testcontainers against the socket in {@code DOCKER_HOST}, in its own JVM (Testcontainers
 * reads the socket from the environment). Prints {@code key=value} lines that
 * {@link TestcontainersIT} checks; any failure propagates as a non-zero exit.
 */
public final class TestcontainersProbe {

  private TestcontainersProbe() {}

  public static void main(String[] args) throws Exception {
    try (GenericContainer<?> c = new GenericContainer<>(DockerImageName.parse(args[0]))
        .withCommand("sh", "-c", "echo hello-from-busybox; echo to-stderr >&2; sleep 60")
        .withEnv("GREETING", "hi-env")
        .withLabel("probe", "tc")
        .waitingFor(Wait.forLogMessage(".*hello-from-busybox.*", 1).withStartupTimeout(Duration.ofSeconds(30)))) {
      c.start();
      System.out.println("running=" + c.isRunning());
      System.out.println("id=" + c.getContainerId());
      Container.ExecResult r = c.execInContainer("sh", "-c", "echo out-line $GREETING; echo err-line 1>&2; exit 3");
      System.out.println("exec.exit=" + r.getExitCode());
      System.out.println("exec.stdout=" + r.getStdout().trim());
      System.out.println("exec.stderr=" + r.getStderr().trim());
      System.out.println("logs.stdout=" + c.getLogs(OutputFrame.OutputType.STDOUT).trim());
      System.out.println("logs.stderr=" + c.getLogs(OutputFrame.OutputType.STDERR).trim());
      System.out.println("label=" + c.getContainerInfo().getConfig().getLabels().get("probe"));
      c.stop();
      System.out.println("stopped=" + !c.isRunning());
    }
    // a published port with Testcontainers' default wait (an exec probing the port, then a
    // connection from the host to the mapped port)
    try (GenericContainer<?> web = new GenericContainer<>(DockerImageName.parse(args[0]))
        .withCommand("httpd", "-f", "-p", "8080", "-h", "/etc")
        .withExposedPorts(8080)) {
      web.start();
      int port = web.getMappedPort(8080);
      System.out.println("web.port=" + port);
      try (java.net.Socket s = new java.net.Socket(web.getHost(), port)) {
        s.getOutputStream().write("GET /hostname HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        String reply = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        System.out.println("web.body=" + reply.substring(reply.indexOf("\r\n\r\n") + 4).trim());
      }
      System.out.println("web.id=" + web.getContainerId());
    }
    System.out.flush();
    System.out.write("done\n".getBytes(StandardCharsets.UTF_8));
    System.out.flush();
    System.exit(0);
  }
}
