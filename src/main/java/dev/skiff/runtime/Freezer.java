package dev.skiff.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Pauses containers with the cgroup v1 freezer: a root skiffd on a host whose freezer hierarchy
 * is mounted at {@code /sys/fs/cgroup/freezer} moves a container's processes into
 * {@code skiff/<id>} there and freezes it. Without a writable freezer (rootless on cgroup v1,
 * no delegated cgroup v2 tree) {@link #unavailableReason()} says why, and pausing is refused.
 */
public final class Freezer {

  private final Path root;
  private final boolean daemonIsRoot;

  public Freezer(Path freezerMount, boolean daemonIsRoot) {
    this.root = freezerMount;
    this.daemonIsRoot = daemonIsRoot;
  }

  public static Freezer forHost(boolean daemonIsRoot) {
    return new Freezer(Path.of("/sys/fs/cgroup/freezer"), daemonIsRoot);
  }

  /** Empty when pausing works here; otherwise the reason, worded for an error message. */
  public Optional<String> unavailableReason() {
    if (!Files.exists(root.resolve("cgroup.procs"))) {
      return Optional.of("this host has no cgroup v1 freezer hierarchy at " + root
          + " and skiffd has no delegated cgroup v2 tree");
    }
    if (!daemonIsRoot || !Files.isWritable(root)) {
      return Optional.of("a rootless skiffd cannot use the cgroup freezer at " + root
          + " (cgroup v1 is not delegated to users); pausing needs a root skiffd or a cgroup v2 host with delegation");
    }
    return Optional.empty();
  }

  /**
   * Moves every process {@code pids} reports into the container's freezer cgroup (again until no
   * new one appears, so a fork during the move is caught) and freezes it.
   */
  public void freeze(String id, Supplier<List<Long>> pids) throws IOException {
    Path dir = root.resolve("skiff").resolve(id);
    Files.createDirectories(dir);
    Set<Long> moved = new HashSet<>();
    for (int round = 0; round < 20; round++) {
      boolean any = false;
      for (long pid : pids.get()) {
        if (moved.add(pid)) {
          try {
            Files.writeString(dir.resolve("cgroup.procs"), Long.toString(pid), StandardCharsets.US_ASCII);
            any = true;
          } catch (IOException gone) {
            // exited meanwhile
          }
        }
      }
      if (!any) {
        break;
      }
    }
    write(dir, "FROZEN");
    for (int i = 0; i < 500 && !state(dir).equals("FROZEN"); i++) {
      sleep(2);
    }
    if (!state(dir).equals("FROZEN")) {
      write(dir, "THAWED");
      throw new IOException("the freezer of container " + id + " did not reach FROZEN within 1s");
    }
  }

  public void thaw(String id) throws IOException {
    Path dir = root.resolve("skiff").resolve(id);
    if (Files.isDirectory(dir)) {
      write(dir, "THAWED");
    }
  }

  /** Removes the container's (then empty) freezer cgroup; nothing to do when it has none. */
  public void remove(String id) {
    try {
      Files.deleteIfExists(root.resolve("skiff").resolve(id));
    } catch (IOException | RuntimeException e) {
      // still has processes, or no freezer: nothing to clean
    }
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
