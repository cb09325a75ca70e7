package dev.skiff.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;

/** Without a subordinate ID range the daemon runs, but readiness says so and names the fix. */
class SubIdReadinessIT {

  @Test
  void missingSubordinateRange_makesTheDaemonNotReadyWithTheFix() throws Exception {
    Path empty = Files.createTempFile(Path.of("/tmp"), "skiff-subuid-", "");
    Files.setPosixFilePermissions(empty, PosixFilePermissions.fromString("rw-r--r--"));
    TestUser u = TestUser.rootless();
    // system properties reach the daemon through SKIFF_JAVA_OPTS, as documented
    try (Daemon d = Daemon.startWithJavaOpts(u, "-Dskiff.subuid-file=" + empty + " -Dskiff.subgid-file=" + empty)) {
      var ready = d.curl().as(u).get("/q/health/ready");
      assertEquals(503, ready.status(), ready.body());
      assertTrue(ready.body().contains("has no subordinate ID range"), ready.body());
      assertTrue(ready.body().contains("usermod --add-subuids 100000-165535 --add-subgids 100000-165535 " + u.name()),
          ready.body());
    } finally {
      Files.deleteIfExists(empty);
    }
  }
}
