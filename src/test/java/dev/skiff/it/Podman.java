package dev.skiff.it;

import java.util.List;

/** The reference client, Debian's podman 4.3.1 in remote mode, run as the daemon's owner. */
final class Podman {

  private final Daemon daemon;

  Podman(Daemon daemon) {
    this.daemon = daemon;
  }

  Exec.Result run(String... args) {
    List<String> cmd = Exec.cmd("podman", "--remote", "--url", "unix://" + daemon.socket);
    cmd.addAll(List.of(args));
    return Exec.run(Exec.as(daemon.user, cmd), null, 120);
  }

  /** Runs and requires exit 0; returns trimmed stdout. */
  String ok(String... args) {
    return run(args).requireOk().stdout().trim();
  }
}
