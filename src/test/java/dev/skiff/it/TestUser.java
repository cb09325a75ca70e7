package dev.skiff.it;

import java.nio.file.Path;

/** A user the daemon runs as in the tests: root, or the unprivileged user made by `make test`'s setup. */
record TestUser(String name, long uid, Path home) {

  static final TestUser ROOT = new TestUser("root", 0, Path.of("/root"));

  static TestUser rootless() {
    String name = System.getenv().getOrDefault("SKIFF_TEST_USER", "skifftest");
    var r = Exec.run(Exec.cmd("id", "-u", name));
    if (r.exit() != 0) {
      throw new IllegalStateException("test user " + name + " does not exist: run `make test` as root (it creates it)");
    }
    String home = Exec.run(Exec.cmd("getent", "passwd", name)).stdout().trim().split(":")[5];
    return new TestUser(name, Long.parseLong(r.stdout().trim()), Path.of(home));
  }

  boolean isRoot() {
    return uid == 0;
  }

  Path runtimeDir() {
    return Path.of("/run/user/" + uid);
  }
}
