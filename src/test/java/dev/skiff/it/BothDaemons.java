package dev.skiff.it;

import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Base of the integration tests that run each case against two daemons: rootless (as the test
 * user) and root, each with the busybox test image loaded. Test classes run one after another, so
 * the static pair belongs to the class that is running.
 */
abstract class BothDaemons {

  static Daemon rootless;
  static Daemon root;

  @BeforeAll
  static void startBothDaemons() {
    rootless = Daemon.start(TestUser.rootless());
    root = Daemon.start(TestUser.ROOT);
    for (Daemon d : new Daemon[] {rootless, root}) {
      new Podman(d).ok("load", "-i", TestImages.dockerArchive().toString());
    }
  }

  @AfterAll
  static void stopBothDaemons() {
    for (Daemon d : new Daemon[] {rootless, root}) {
      if (d != null) {
        d.close();
      }
    }
    rootless = null;
    root = null;
  }

  static Stream<Daemon> daemons() {
    return Stream.of(rootless, root);
  }

  static Stream<Podman> clients() {
    return Stream.of(new Podman(rootless), new Podman(root));
  }
}
