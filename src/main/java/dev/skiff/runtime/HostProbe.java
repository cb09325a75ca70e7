package dev.skiff.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Reads {@link HostFacts} from the kernel's and the distribution's files. */
public final class HostProbe {

  private final Path proc;
  private final Path sys;
  private final Path etc;

  public HostProbe() {
    this(Path.of("/proc"), Path.of("/sys"), Path.of("/etc"));
  }

  /** For tests: alternative roots for /proc, /sys and /etc. */
  public HostProbe(Path proc, Path sys, Path etc) {
    this.proc = proc;
    this.sys = sys;
    this.etc = etc;
  }

  public HostFacts probe() {
    Map<String, Long> mem = meminfo();
    Map<String, String> os = osRelease();
    return new HostFacts(
        read(proc.resolve("sys/kernel/hostname")),
        read(proc.resolve("sys/kernel/osrelease")),
        arch(),
        os.getOrDefault("ID", "linux"),
        os.getOrDefault("VERSION_ID", ""),
        os.getOrDefault("VERSION_CODENAME", ""),
        Runtime.getRuntime().availableProcessors(),
        mem.getOrDefault("MemTotal", 0L),
        mem.getOrDefault("MemAvailable", mem.getOrDefault("MemFree", 0L)),
        mem.getOrDefault("SwapTotal", 0L),
        mem.getOrDefault("SwapFree", 0L),
        uptime(),
        Files.exists(sys.resolve("fs/cgroup/cgroup.controllers")) ? "v2" : "v1",
        cgroupControllers(),
        statusField("Seccomp") != null,
        "Y".equals(read(sys.resolve("module/apparmor/parameters/enabled"))),
        Files.exists(sys.resolve("fs/selinux/enforce")),
        idMap(proc.resolve("self/uid_map")),
        idMap(proc.resolve("self/gid_map")),
        boundingCaps());
  }

  /** The Go-style architecture name podman reports ("amd64", "arm64"). */
  static String arch() {
    String a = System.getProperty("os.arch");
    return switch (a) {
      case "x86_64", "amd64" -> "amd64";
      case "aarch64" -> "arm64";
      default -> a;
    };
  }

  private Map<String, Long> meminfo() {
    Map<String, Long> m = new HashMap<>();
    for (String line : lines(proc.resolve("meminfo"))) {
      String[] f = line.split("[:\\s]+");
      if (f.length >= 2) {
        long v = parseLong(f[1]);
        m.put(f[0], f.length >= 3 && f[2].equals("kB") ? v * 1024 : v);
      }
    }
    return m;
  }

  private Map<String, String> osRelease() {
    Map<String, String> m = new HashMap<>();
    for (String line : lines(etc.resolve("os-release"))) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        m.put(line.substring(0, eq), line.substring(eq + 1).replaceAll("^\"|\"$", ""));
      }
    }
    return m;
  }

  private long uptime() {
    String s = read(proc.resolve("uptime"));
    return s.isEmpty() ? 0 : (long) Double.parseDouble(s.split("\\s+")[0]);
  }

  private List<String> cgroupControllers() {
    Path v2 = sys.resolve("fs/cgroup/cgroup.controllers");
    if (Files.exists(v2)) {
      String s = read(v2);
      return s.isEmpty() ? List.of() : List.of(s.split("\\s+"));
    }
    List<String> out = new ArrayList<>();
    for (String line : lines(proc.resolve("cgroups"))) {
      String[] f = line.split("\\s+");
      if (!line.startsWith("#") && f.length >= 4 && f[3].equals("1")) {
        out.add(f[0]);
      }
    }
    return out;
  }

  private String statusField(String name) {
    for (String line : lines(proc.resolve("self/status"))) {
      if (line.startsWith(name + ":")) {
        return line.substring(name.length() + 1).trim();
      }
    }
    return null;
  }

  private long boundingCaps() {
    String hex = statusField("CapBnd");
    try {
      return hex == null ? -1L : Long.parseUnsignedLong(hex, 16);
    } catch (NumberFormatException e) {
      return -1L;
    }
  }

  private static List<HostFacts.IdMapLine> idMap(Path p) {
    List<HostFacts.IdMapLine> out = new ArrayList<>();
    for (String line : lines(p)) {
      String[] f = line.trim().split("\\s+");
      if (f.length == 3) {
        out.add(new HostFacts.IdMapLine(parseLong(f[0]), parseLong(f[1]), parseLong(f[2])));
      }
    }
    return out;
  }

  private static long parseLong(String s) {
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static String read(Path p) {
    try {
      return Files.readString(p).trim();
    } catch (IOException e) {
      return "";
    }
  }

  private static List<String> lines(Path p) {
    try {
      return Files.readAllLines(p);
    } catch (IOException e) {
      return List.of();
    }
  }
}
