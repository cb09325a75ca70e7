package dev.skiff.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The host's cgroups as a root skiffd uses them. Each container gets {@code skiff/<id>} in every
 * v1 hierarchy (memory, cpu, cpuacct, cpuset, pids, blkio, devices, freezer, ...) or
 * {@code skiff.slice/skiff-<id>.scope} in the v2 tree; skiff-shim creates them at start (OCI
 * {@code linux.cgroupsPath}, the same path for both), writes the limits and places the process
 * there. The daemon reads figures from them (stats), freezes them (pause) and removes them.
 */
public final class Cgroups {

  /** The v1 controllers whose hierarchies skiff-shim uses (cgroup.c's list). */
  static final List<String> V1 = List.of("cpu", "cpuacct", "cpuset", "memory", "pids", "blkio", "devices", "freezer",
      "net_cls", "hugetlb");

  private final Path root;
  private final boolean daemonIsRoot;

  public Cgroups(Path root, boolean daemonIsRoot) {
    this.root = root;
    this.daemonIsRoot = daemonIsRoot;
  }

  public static Cgroups forHost(boolean daemonIsRoot) {
    return new Cgroups(Path.of("/sys/fs/cgroup"), daemonIsRoot);
  }

  /** A unified (v2-only) tree at the root. */
  public boolean v2() {
    return Files.exists(root.resolve("cgroup.controllers"));
  }

  /** Containers get cgroups: a root daemon and a writable v2 tree or at least one v1 hierarchy. */
  public boolean usable() {
    if (!daemonIsRoot) {
      return false;
    }
    if (v2()) {
      return Files.isWritable(root.resolve("cgroup.procs"));
    }
    return V1.stream().anyMatch(c -> Files.isWritable(root.resolve(c).resolve("cgroup.procs")));
  }

  /** The container's {@code linux.cgroupsPath} (relative to each hierarchy's root). */
  public String pathFor(String id) {
    return v2() ? "skiff.slice/skiff-" + id + ".scope" : "skiff/" + id;
  }

  /**
   * Empty when the host can apply a setting that needs {@code controller} (and, on v1, one of
   * {@code v1Files} at the hierarchy's root); otherwise why not, worded for a 400.
   */
  public Optional<String> missing(String setting, String controller, List<String> v1Files) {
    if (!usable()) {
      return Optional.of(setting + " cannot be applied: skiffd has no writable cgroup hierarchy on this host");
    }
    if (v2()) {
      String controllers = read(root.resolve("cgroup.controllers")).orElse("");
      String v2Name = controller.equals("blkio") ? "io" : controller;
      return List.of(controllers.trim().split("\\s+")).contains(v2Name) ? Optional.empty()
          : Optional.of(setting + " cannot be applied: the cgroup v2 tree on this host has no " + v2Name + " controller");
    }
    Path h = root.resolve(controller);
    if (!Files.exists(h.resolve("cgroup.procs"))) {
      return Optional.of(setting + " cannot be applied: this host has no cgroup " + controller + " controller"
          + " (no hierarchy at " + h + ")");
    }
    // some files exist below the root only (v1 blkio.bfq.weight): look in skiff/ too, the containers' parent
    Path parent = h.resolve("skiff");
    try {
      Files.createDirectories(parent);
    } catch (IOException | RuntimeException e) {
      parent = h;
    }
    Path below = parent;
    if (!v1Files.isEmpty() && v1Files.stream().noneMatch(f -> Files.exists(h.resolve(f)) || Files.exists(below.resolve(f)))) {
      return Optional.of(setting + " cannot be applied: the cgroup " + controller + " controller on this host has no "
          + String.join(" or ", v1Files) + reason(v1Files.get(0)));
    }
    return Optional.empty();
  }

  private static String reason(String file) {
    return switch (file) {
      case "memory.memsw.limit_in_bytes" -> " (swap accounting is off: boot with swapaccount=1)";
      case "blkio.weight" -> " (the disks' I/O scheduler has no weights: BFQ is not in use)";
      default -> "";
    };
  }

  /** The container's directory in {@code controller}'s hierarchy (v2: its one directory), if it exists. */
  public Optional<Path> dir(String controller, String id) {
    Path d = v2() ? root.resolve(pathFor(id)) : root.resolve(controller).resolve("skiff").resolve(id);
    return Files.isDirectory(d) ? Optional.of(d) : Optional.empty();
  }

  /** Every directory of the container's cgroup that exists (one per v1 hierarchy, or the v2 one). */
  public List<Path> dirs(String id) {
    List<Path> out = new ArrayList<>();
    if (v2()) {
      dir("", id).ifPresent(out::add);
      return out;
    }
    Set<Path> seen = new java.util.HashSet<>();
    for (String c : V1) {
      dir(c, id).ifPresent(d -> {
        try {
          if (seen.add(d.toRealPath())) { // cpu and cpuacct may be one hierarchy under two names
            out.add(d);
          }
        } catch (IOException gone) {
          // removed meanwhile
        }
      });
    }
    return out;
  }

  /**
   * Removes the container's cgroup directories (empty ones: a cgroup with a process left in it
   * stays, and is retried at the next daemon start). True when none is left.
   */
  public boolean remove(String id) {
    boolean all = true;
    for (Path d : dirs(id)) {
      all &= rmdir(d, 50);
    }
    return all;
  }

  /** At daemon start: removes the cgroups of containers that no longer exist ({@code known} ids). */
  public void removeStale(Set<String> known) {
    List<Path> parents = new ArrayList<>();
    if (v2()) {
      parents.add(root.resolve("skiff.slice"));
    } else {
      V1.forEach(c -> parents.add(root.resolve(c).resolve("skiff")));
    }
    for (Path parent : parents) {
      if (!Files.isDirectory(parent)) {
        continue;
      }
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(parent, Files::isDirectory)) {
        for (Path d : ds) {
          String name = d.getFileName().toString();
          String id = name.startsWith("skiff-") && name.endsWith(".scope") ? name.substring(6, name.length() - 6) : name;
          // not a fresh one: another root skiffd on this host may be starting a container in it
          if (id.matches("[0-9a-f]{64}") && !known.contains(id)
              && Files.getLastModifiedTime(d).toMillis() < System.currentTimeMillis() - 60_000) {
            rmdir(d, 1);
          }
        }
      } catch (IOException | RuntimeException e) {
        // not ours to list: nothing to clean
      }
    }
  }

  private static boolean rmdir(Path d, int attempts) {
    for (int i = 0; i < attempts; i++) {
      try {
        Files.deleteIfExists(d);
        return true;
      } catch (IOException busy) {
        // EBUSY: the last process is still being torn down (zombie); retry briefly
        if (i + 1 < attempts) {
          sleep(10);
        }
      }
    }
    return false;
  }

  // ---- figures (stats, OOM) ----------------------------------------------------------------

  /** Memory in use (v1 memory.usage_in_bytes, v2 memory.current). */
  public OptionalLong memoryUsage(String id) {
    return number("memory", id, "memory.current", "memory.usage_in_bytes");
  }

  /** The memory limit, empty when unlimited. */
  public OptionalLong memoryLimit(String id) {
    OptionalLong l = number("memory", id, "memory.max", "memory.limit_in_bytes");
    return l.isPresent() && l.getAsLong() < Long.MAX_VALUE / 2 ? l : OptionalLong.empty();
  }

  public OptionalLong pidsCurrent(String id) {
    return number("pids", id, "pids.current", "pids.current");
  }

  /** CPU time in ns (v1 cpuacct.usage, v2 cpu.stat usage_usec). */
  public OptionalLong cpuNanos(String id) {
    if (v2()) {
      return dir("", id).flatMap(d -> read(d.resolve("cpu.stat"))).map(s -> key(s, "usage_usec"))
          .filter(OptionalLong::isPresent).map(v -> OptionalLong.of(v.getAsLong() * 1000)).orElse(OptionalLong.empty());
    }
    return number("cpuacct", id, null, "cpuacct.usage");
  }

  /** How many processes the OOM killer killed in the container's memory cgroup. */
  public OptionalLong oomKills(String id) {
    if (v2()) {
      return dir("", id).flatMap(d -> read(d.resolve("memory.events"))).map(s -> key(s, "oom_kill"))
          .orElse(OptionalLong.empty());
    }
    return dir("memory", id).flatMap(d -> read(d.resolve("memory.oom_control"))).map(s -> key(s, "oom_kill"))
        .orElse(OptionalLong.empty());
  }

  private OptionalLong number(String controller, String id, String v2File, String v1File) {
    if (v2() && v2File == null) {
      return OptionalLong.empty();
    }
    return dir(controller, id).flatMap(d -> read(d.resolve(v2() ? v2File : v1File))).map(String::trim)
        .map(s -> {
          if (s.equals("max")) {
            return OptionalLong.of(Long.MAX_VALUE);
          }
          try {
            return OptionalLong.of(Long.parseLong(s));
          } catch (NumberFormatException e) {
            return OptionalLong.empty();
          }
        }).orElse(OptionalLong.empty());
  }

  /** The number after {@code key} in a flat-keyed file ("oom_kill 1"). */
  static OptionalLong key(String content, String key) {
    for (String line : content.split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length == 2 && f[0].equals(key)) {
        try {
          return OptionalLong.of(Long.parseLong(f[1]));
        } catch (NumberFormatException e) {
          return OptionalLong.empty();
        }
      }
    }
    return OptionalLong.empty();
  }

  private static Optional<String> read(Path p) {
    try {
      return Optional.of(Files.readString(p, StandardCharsets.US_ASCII));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
