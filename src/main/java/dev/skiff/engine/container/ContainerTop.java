package dev.skiff.engine.container;

import dev.skiff.engine.InvalidArgumentException;
import dev.skiff.runtime.ProcessTable.Proc;
import dev.skiff.security.Capability;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code top}: the container's processes formatted by psgo-style descriptors (the ones
 * {@code podman top} accepts). Users and groups are shown as the container sees them (mapped back
 * through its ID map, named from its /etc/passwd and /etc/group); {@code huser}, {@code hgroup}
 * and {@code hpid} show the host's view.
 */
public final class ContainerTop {

  public static final List<String> DEFAULT = List.of("user", "pid", "ppid", "pcpu", "etime", "tty", "time", "args");

  /** What a formatter needs beyond the process itself. */
  public record Context(long nowMillis, long bootSeconds, IdView ids) {}

  /** Host ids → the container's ids and names. */
  public interface IdView {
    String user(long hostUid);

    String group(long hostGid);
  }

  public record Result(List<String> titles, List<List<String>> processes) {}

  /**
   * The container's view of ids, from its init's uid_map/gid_map and its /etc/passwd and
   * /etc/group (read through /proc/PID/root); ids outside the map are shown as the host id.
   */
  public static IdView idView(dev.skiff.runtime.ProcessTable table, long initPid) {
    List<long[]> uidMap = idMap(table.readText(initPid, "uid_map").orElse(""));
    List<long[]> gidMap = idMap(table.readText(initPid, "gid_map").orElse(""));
    Map<Long, String> users = names(table.readText(initPid, "root/etc/passwd").orElse(""));
    Map<Long, String> groups = names(table.readText(initPid, "root/etc/group").orElse(""));
    return new IdView() {
      @Override
      public String user(long hostUid) {
        return name(uidMap, users, hostUid);
      }

      @Override
      public String group(long hostGid) {
        return name(gidMap, groups, hostGid);
      }
    };
  }

  private static String name(List<long[]> map, Map<Long, String> names, long hostId) {
    for (long[] m : map) { // inside outside count, as the daemon sees the map
      if (hostId >= m[1] && hostId < m[1] + m[2]) {
        long inside = m[0] + hostId - m[1];
        return names.getOrDefault(inside, Long.toString(inside));
      }
    }
    return map.isEmpty() ? names.getOrDefault(hostId, Long.toString(hostId)) : Long.toString(hostId);
  }

  static List<long[]> idMap(String text) {
    List<long[]> out = new ArrayList<>();
    for (String l : text.split("\n")) {
      String[] f = l.trim().split("\\s+");
      if (f.length == 3) {
        out.add(new long[] {Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2])});
      }
    }
    return out;
  }

  static Map<Long, String> names(String etcFile) {
    Map<Long, String> out = new java.util.HashMap<>();
    for (String l : etcFile.split("\n")) {
      String[] f = l.split(":", -1);
      if (f.length >= 3 && !f[0].isEmpty() && !l.startsWith("#")) {
        try {
          out.putIfAbsent(Long.parseLong(f[2]), f[0]);
        } catch (NumberFormatException ignored) {
          // a malformed line names nobody
        }
      }
    }
    return out;
  }


  private record Descriptor(String header, Function<Row, String> value) {}

  private record Row(Proc p, Context c) {}

  private static final Map<String, Descriptor> DESCRIPTORS = new LinkedHashMap<>();

  static {
    d("args", "COMMAND", r -> r.p().args().isEmpty() || r.p().args().get(0).isEmpty()
        ? "[" + r.p().comm() + "]" : String.join(" ", r.p().args()));
    d("comm", "COMMAND", r -> r.p().comm());
    d("user", "USER", r -> r.c().ids().user(r.p().uids()[1]));
    d("ruser", "RUSER", r -> r.c().ids().user(r.p().uids()[0]));
    d("group", "GROUP", r -> r.c().ids().group(r.p().gids()[1]));
    d("rgroup", "RGROUP", r -> r.c().ids().group(r.p().gids()[0]));
    d("huser", "HUSER", r -> Long.toString(r.p().uids()[1]));
    d("hgroup", "HGROUP", r -> Long.toString(r.p().gids()[1]));
    d("pid", "PID", r -> Long.toString(r.p().nsPid()));
    d("hpid", "HPID", r -> Long.toString(r.p().hostPid()));
    d("ppid", "PPID", r -> Long.toString(r.p().nsPpid()));
    d("pgid", "PGID", r -> Long.toString(r.p().pgrp()));
    d("pcpu", "%CPU", r -> {
      double elapsed = elapsedMillis(r) / 1000.0;
      double cpu = r.p().cpuTicks() / (double) dev.skiff.runtime.ProcessTable.CLOCK_TICKS;
      return String.format(Locale.ROOT, "%.3f", elapsed <= 0 ? 0.0 : 100 * cpu / elapsed);
    });
    d("etime", "ELAPSED", r -> goDuration(Duration.ofMillis(elapsedMillis(r))));
    d("time", "TIME", r -> goDuration(Duration.ofMillis(r.p().cpuTicks() * 1000 / dev.skiff.runtime.ProcessTable.CLOCK_TICKS)));
    d("stime", "STIME", r -> java.time.Instant.ofEpochMilli(startMillis(r)).toString());
    d("tty", "TTY", r -> tty(r.p().ttyNr()));
    d("nice", "NI", r -> Integer.toString(r.p().nice()));
    d("vsz", "VSZ", r -> Long.toString(r.p().vszBytes() / 1024));
    d("rss", "RSS", r -> Long.toString(r.p().rssPages() * 4));
    d("state", "STATE", r -> Character.toString(r.p().state()));
    d("capamb", "AMBIENT CAPS", r -> caps(r.p().status().get("CapAmb")));
    d("capinh", "INHERITED CAPS", r -> caps(r.p().status().get("CapInh")));
    d("capprm", "PERMITTED CAPS", r -> caps(r.p().status().get("CapPrm")));
    d("capeff", "EFFECTIVE CAPS", r -> caps(r.p().status().get("CapEff")));
    d("capbnd", "BOUNDING CAPS", r -> caps(r.p().status().get("CapBnd")));
    d("seccomp", "SECCOMP", r -> switch (r.p().status().getOrDefault("Seccomp", "")) {
      case "0" -> "disabled";
      case "1" -> "strict";
      case "2" -> "filter";
      default -> "?";
    });
  }

  private ContainerTop() {}

  private static void d(String name, String header, Function<Row, String> value) {
    DESCRIPTORS.put(name, new Descriptor(header, value));
  }

  /**
   * The descriptors of a {@code ps_args} query: comma- or space-separated, several parameters
   * allowed; none means {@link #DEFAULT}. Docker's default {@code -ef} means the default too.
   */
  public static List<String> descriptors(List<String> psArgs) {
    List<String> out = new ArrayList<>();
    if (psArgs != null) {
      for (String a : psArgs) {
        for (String d : a.split("[,\\s]+")) {
          if (!d.isBlank()) {
            out.add(d.trim());
          }
        }
      }
    }
    if (out.isEmpty() || out.equals(List.of("-ef"))) {
      return DEFAULT;
    }
    for (String d : out) {
      if (!DESCRIPTORS.containsKey(d)) {
        throw new InvalidArgumentException("unknown descriptor: " + d + " (known: " + String.join(", ", DESCRIPTORS.keySet()) + ")");
      }
    }
    return List.copyOf(out);
  }

  public static Result format(List<String> descriptors, List<Proc> procs, Context c) {
    List<String> titles = descriptors.stream().map(d -> DESCRIPTORS.get(d).header()).toList();
    List<List<String>> rows = new ArrayList<>();
    for (Proc p : procs) {
      Row r = new Row(p, c);
      rows.add(descriptors.stream().map(d -> DESCRIPTORS.get(d).value().apply(r)).toList());
    }
    return new Result(titles, rows);
  }

  private static long startMillis(Row r) {
    return r.c().bootSeconds() * 1000 + r.p().startTicks() * 1000 / dev.skiff.runtime.ProcessTable.CLOCK_TICKS;
  }

  private static long elapsedMillis(Row r) {
    return Math.max(0, r.c().nowMillis() - startMillis(r));
  }

  private static String tty(int ttyNr) {
    if (ttyNr == 0) {
      return "?";
    }
    int major = (ttyNr >> 8) & 0xfff;
    int minor = (ttyNr & 0xff) | ((ttyNr >> 12) & 0xfff00);
    return major == 136 ? "pts/" + minor : major + ":" + minor;
  }

  static String caps(String hex) {
    if (hex == null) {
      return "?";
    }
    long mask = Long.parseUnsignedLong(hex.trim(), 16);
    List<String> names = new ArrayList<>();
    long known = 0;
    for (Capability cap : Capability.values()) {
      known |= 1L << cap.number();
      if ((mask & (1L << cap.number())) != 0) {
        names.add(cap.name());
      }
    }
    if (names.isEmpty()) {
      return "none";
    }
    if ((mask & known) == known) {
      return "full";
    }
    names.sort(null);
    return String.join(",", names);
  }

  /** Go's time.Duration.String(): "0s", "1.5s", "2m3.25s", "1h0m0s", "12ms". */
  static String goDuration(Duration d) {
    long ns = d.toNanos();
    if (ns == 0) {
      return "0s";
    }
    if (ns < 1_000_000_000L) {
      if (ns < 1_000) {
        return ns + "ns";
      }
      if (ns < 1_000_000) {
        return trim(ns / 1e3) + "µs";
      }
      return trim(ns / 1e6) + "ms";
    }
    long h = ns / 3_600_000_000_000L;
    long m = ns / 60_000_000_000L % 60;
    double s = (ns % 60_000_000_000L) / 1e9;
    StringBuilder b = new StringBuilder();
    if (h > 0) {
      b.append(h).append('h');
    }
    if (h > 0 || m > 0) {
      b.append(m).append('m');
    }
    return b.append(trim(s)).append('s').toString();
  }

  private static String trim(double v) {
    String s = new java.math.BigDecimal(v).setScale(9, java.math.RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
    return s;
  }
}
