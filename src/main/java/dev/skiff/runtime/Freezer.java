package dev.skiff.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Pauses containers by freezing the cgroup skiff-shim placed them in at start (see
 * {@link Cgroups}): {@code skiff/<id>} of the v1 freezer hierarchy, or the container's v2
 * directory ({@code cgroup.freeze}). Every process of the container, exec'd ones included, is in
 * it. Without a writable freezer (rootless on cgroup v1, no delegated cgroup v2 tree)
 * {@link #unavailableReason()} says why, and pausing is refused.
 */
public final class Freezer {

  private final Path root;
  private final boolean daemonIsRoot;
  private final Cgroups cgroups;

  Freezer(Path freezerMount, boolean daemonIsRoot, Cgroups cgroups) {
    this.root = freezerMount;
    this.daemonIsRoot = daemonIsRoot;
    this.cgroups = cgroups;
  }

  public static Freezer forHost(boolean daemonIsRoot) {
    return new Freezer(Path.of("/sys/fs/cgroup/freezer"), daemonIsRoot, Cgroups.forHost(daemonIsRoot));
  }

  /** Empty when pausing works here; otherwise the reason, worded for an error message. */
  public Optional<String> unavailableReason() {
    if (cgroups.v2()) {
      return cgroups.usable() ? Optional.empty() : Optional.of("a rootless skiffd has no delegated cgroup v2 tree to"
          + " freeze containers in; pausing needs a root skiffd or cgroup v2 delegation");
    }
    if (!Files.exists(root.resolve("cgroup.procs"))) {
      return Optional.of("this host has no cgroup v1 freezer hierarchy at " + root
          + " and skiffd has no delegated cgroup v2 tree");
    }
    if (!daemonIsRoot) {
      return Optional.of("a rootless skiffd cannot use the cgroup freezer at " + root
          + " (cgroup v1 is not delegated to users); pausing needs a root skiffd or a cgroup v2 host with delegation");
    }
    if (!Files.isWritable(root)) {
      return Optional.of("the cgroup freezer at " + root + " is not writable (a read-only cgroup filesystem,"
          + " e.g. an unprivileged Kubernetes pod); pausing needs a writable freezer hierarchy");
    }
    return Optional.empty();
  }

  /** Freezes the container's cgroup and waits (up to 1s) until the kernel reports it frozen. */
  public void freeze(String id) throws IOException {
    Path dir = dirOf(id).orElseThrow(() -> new IOException("container " + id + " has no freezer cgroup (it was started"
        + " without one, by an older skiffd or a rootless one); restart it to pause it"));
    write(dir, true);
    for (int i = 0; i < 500 && !frozen(dir); i++) {
      sleep(2);
    }
    if (!frozen(dir)) {
      write(dir, false);
      throw new IOException("the freezer of container " + id + " did not reach FROZEN within 1s");
    }
  }

  public void thaw(String id) throws IOException {
    Optional<Path> dir = dirOf(id);
    if (dir.isPresent()) {
      write(dir.get(), false);
    }
  }

  private Optional<Path> dirOf(String id) {
    return cgroups.dir("freezer", id);
  }

  private void write(Path dir, boolean freeze) throws IOException {
    if (cgroups.v2()) {
      Files.writeString(dir.resolve("cgroup.freeze"), freeze ? "1" : "0", StandardCharsets.US_ASCII);
    } else {
      write(dir, freeze ? "FROZEN" : "THAWED");
    }
  }

  private boolean frozen(Path dir) throws IOException {
    if (cgroups.v2()) {
      return Files.readString(dir.resolve("cgroup.events"), StandardCharsets.US_ASCII).contains("frozen 1");
    }
    return state(dir).equals("FROZEN");
  }

  private static void write(Path dir, String state) throws IOException {
    Files.writeString(dir.resolve("freezer.state"), state, StandardCharsets.US_ASCII);
  }

  private static String state(Path dir) throws IOException {
    return Files.readString(dir.resolve("freezer.state"), StandardCharsets.US_ASCII).trim();
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
