package dev.skiff.it;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.output.OutputFrame;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

/**
 * Testcontainers' copies against the socket in {@code DOCKER_HOST} (its own JVM, as
 * {@link TestcontainersProbe}): withCopyFileToContainer (into the created container, before its
 * start), copyFileToContainer and copyFileFromContainer on the running one. Prints key=value lines.
 */
public final class TestcontainersCopyProbe {

  private TestcontainersCopyProbe() {}

  public static void main(String[] args) throws Exception {
    Path dir = Files.createTempDirectory("skiff-tc-copy");
    Path host = dir.resolve("tc.txt");
    Files.writeString(host, "copied-by-testcontainers\n");
    try (GenericContainer<?> c = new GenericContainer<>(DockerImageName.parse(args[0]))
        .withCommand("sh", "-c", "cat /opt/in/tc.txt; stat -c %a /opt/in/tc.txt; sleep 60")
        .withCopyFileToContainer(MountableFile.forHostPath(host, 0640), "/opt/in/tc.txt")
        .waitingFor(Wait.forLogMessage(".*copied-by-testcontainers.*", 1).withStartupTimeout(Duration.ofSeconds(30)))) {
      c.start();
      System.out.println("copy.logs=" + c.getLogs(OutputFrame.OutputType.STDOUT).trim().replace('\n', ' '));
      c.copyFileToContainer(Transferable.of("late-copy"), "/tmp/late.txt");
      String back = c.copyFileFromContainer("/tmp/late.txt",
          in -> new String(in.readAllBytes(), StandardCharsets.UTF_8));
      System.out.println("copy.back=" + back);
      Path roundtrip = dir.resolve("back.txt");
      c.copyFileFromContainer("/opt/in/tc.txt", roundtrip.toString());
      System.out.println("copy.roundtrip=" + Files.readString(roundtrip).trim());
    }
    System.out.flush();
    System.out.write("done\n".getBytes(StandardCharsets.UTF_8));
    System.out.flush();
    System.exit(0);
  }
}
