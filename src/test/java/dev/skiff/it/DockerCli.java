package dev.skiff.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The docker CLI, pointed at a daemon's socket. Found on PATH ({@code /usr/local/bin} on the
 * reference machines, {@code /usr/bin} where the setup installed Debian's docker.io) or at
 * {@code $SKIFF_DOCKER}; a missing CLI fails the test (the setup installs one).
 */
final class DockerCli {

  private DockerCli() {
  }

  /** The docker binary's path. */
  static String path() {
    String configured = System.getenv("SKIFF_DOCKER");
    if (configured != null && !configured.isEmpty()) {
      return configured;
    }
    String path = System.getenv().getOrDefault("PATH", "") + ":/usr/local/bin:/usr/bin";
    for (String dir : path.split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "docker"))) {
        return Path.of(dir, "docker").toString();
      }
    }
    throw new AssertionError("no docker CLI on PATH, /usr/local/bin or /usr/bin: run `make test` as root once "
        + "(scripts/setup-host.sh installs Debian's docker.io) or set SKIFF_DOCKER");
  }

  /** {@code docker ARGS...} against {@code d}'s socket (for {@link Exec#as} and {@link Exec#run}). */
  static List<String> cmd(Daemon d, String... args) {
    List<String> cmd = Exec.cmd("env", "DOCKER_HOST=unix://" + d.socket, "HOME=/tmp", path());
    cmd.addAll(List.of(args));
    return cmd;
  }

  /** The same as one shell command line prefix (for {@link Pty#start}). */
  static String commandLine(Daemon d) {
    return "env DOCKER_HOST=unix://" + d.socket + " HOME=/tmp " + path();
  }
}
