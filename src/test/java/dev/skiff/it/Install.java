package dev.skiff.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The daemon under test, installed once per test JVM with {@code scripts/install.sh} into a
 * world-readable temporary prefix, so the unprivileged test user can run it (the build tree may
 * sit under /root, which that user cannot read).
 */
final class Install {

  private static Path prefix;

  private Install() {}

  static synchronized Path prefix() {
    if (prefix == null) {
      try {
        Path p = Files.createTempDirectory(Path.of("/tmp"), "skiff-it-install-");
        Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Exec.run(Exec.cmd(projectDir().resolve("scripts/install.sh").toString(), p.toString())).requireOk();
        prefix = p;
      } catch (IOException e) {
        throw new IllegalStateException("cannot install skiffd for the tests", e);
      }
    }
    return prefix;
  }

  static Path skiffd() {
    return prefix().resolve("bin/skiffd");
  }

  static Path projectDir() {
    return Path.of(System.getProperty("skiff.project.dir", ".")).toAbsolutePath();
  }
}
