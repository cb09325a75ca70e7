package dev.skiff.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The processes of one container, read from {@code /proc}: every process whose pid namespace is
 * the one of the container's init (so processes started by exec are included). The daemon owns the
 * container's user namespace, which gives it the ptrace-read access {@code /proc/PID/ns/pid},
 * {@code /proc/PID/io} and {@code /proc/PID/root} need, rootless too.
 */
public final class ProcessTable {

  /** USER_HZ on Linux (the unit of utime/stime/starttime in /proc/PID/stat). */
  public static final long CLOCK_TICKS = 100;

  private final Path proc;

  public ProcessTable() {
    this(Path.of("/proc"));
  }

  ProcessTable(Path proc) {
    this.proc = proc;
  }

  /**
   * One process. Ids are as seen from the daemon (host) except {@code nsPid}/{@code nsPpid}, which
   * are the container's view (0 when the parent is outside the container).
   */
  public record Proc(long hostPid, long nsPid, long hostPpid, long nsPpid, long pgrp, char state, String comm,
      List<String> args, long[] uids, long[] gids, long utimeTicks, long stimeTicks, long startTicks, int ttyNr,
      int nice, long vszBytes, long rssPages, Map<String, String> status, long readBytes, long writeBytes, long childTicks) {

    public long cpuTicks() {
      return utimeTicks + stimeTicks;
    }

    /** CPU time of the children this process has waited for (cutime + cstime). */
    public long childCpuTicks() {
      return childTicks;
    }
  }

  /** The processes in the pid namespace of {@code initPid}, ordered by their pid in it. */
  public List<Proc> inPidNamespaceOf(long initPid) {
    String ns = nsLink(initPid).orElseThrow(() -> new IllegalStateException(
        "cannot read the pid namespace of process " + initPid + " (it has exited or is not accessible)"));
    List<Proc> out = new ArrayList<>();
    Map<Long, Long> nsPidOfHostPid = new HashMap<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(proc, p -> isPid(p.getFileName().toString()))) {
      for (Path dir : ds) {
        long pid = Long.parseLong(dir.getFileName().toString());
        if (!ns.equals(nsLink(pid).orElse(null))) {
          continue;
        }
        read(pid).ifPresent(p -> {
          out.add(p);
          nsPidOfHostPid.put(p.hostPid(), p.nsPid());
        });
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot list " + proc + ": " + e.getMessage(), e);
    }
    List<Proc> withParents = new ArrayList<>(out.size());
    for (Proc p : out) {
      long nsPpid = nsPidOfHostPid.getOrDefault(p.hostPpid(), 0L);
      withParents.add(new Proc(p.hostPid(), p.nsPid(), p.hostPpid(), nsPpid, p.pgrp(), p.state(), p.comm(), p.args(),
          p.uids(), p.gids(), p.utimeTicks(), p.stimeTicks(), p.startTicks(), p.ttyNr(), p.nice(), p.vszBytes(),
          p.rssPages(), p.status(), p.readBytes(), p.writeBytes(), p.childTicks()));
    }
    withParents.sort(Comparator.comparingLong(Proc::nsPid));
    return withParents;
  }

  /** Seconds since the epoch at boot ({@code btime} of /proc/stat). */
  public long bootTimeSeconds() {
    try {
      for (String l : Files.readAllLines(proc.resolve("stat"))) {
        if (l.startsWith("btime ")) {
          return Long.parseLong(l.substring(6).trim());
        }
      }
    } catch (IOException | NumberFormatException e) {
      throw new IllegalStateException("cannot read the boot time from " + proc.resolve("stat") + ": " + e.getMessage(), e);
    }
    throw new IllegalStateException("no btime in " + proc.resolve("stat"));
  }

  /** Total CPU time of the machine in ticks (the first line of /proc/stat), for CPU percentages. */
  public long systemCpuTicks() {
    try {
      String first = Files.readAllLines(proc.resolve("stat")).get(0);
      long sum = 0;
      String[] f = first.trim().split("\\s+");
      for (int i = 1; i < f.length; i++) {
        sum += Long.parseLong(f[i]);
      }
      return sum;
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException("cannot read " + proc.resolve("stat") + ": " + e.getMessage(), e);
    }
  }

  /** MemTotal of /proc/meminfo in bytes: the memory limit of a container without a cgroup limit. */
  public long memTotalBytes() {
    try {
      for (String l : Files.readAllLines(proc.resolve("meminfo"))) {
        if (l.startsWith("MemTotal:")) {
          return Long.parseLong(l.substring(9).trim().split("\\s+")[0]) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException("cannot read " + proc.resolve("meminfo") + ": " + e.getMessage(), e);
    }
    throw new IllegalStateException("no MemTotal in " + proc.resolve("meminfo"));
  }

  /**
   * Received and sent bytes of the network namespace of {@code pid}, loopback excluded; zeros when
   * the process shares the daemon's network namespace (its traffic is the host's, not its own).
   */
  public long[] netBytes(long pid) {
    long[] rxTx = {0, 0};
    try {
      Path ns = proc.resolve(Long.toString(pid)).resolve("ns/net");
      if (Files.readSymbolicLink(ns).equals(Files.readSymbolicLink(proc.resolve("self/ns/net")))) {
        return rxTx;
      }
      for (String l : Files.readAllLines(proc.resolve(Long.toString(pid)).resolve("net/dev"))) {
        int c = l.indexOf(':');
        if (c < 0 || l.substring(0, c).trim().equals("lo")) {
          continue;
        }
        String[] f = l.substring(c + 1).trim().split("\\s+");
        rxTx[0] += Long.parseLong(f[0]);
        rxTx[1] += Long.parseLong(f[8]);
      }
    } catch (IOException | RuntimeException e) {
      // exited, or not readable: no figures
    }
    return rxTx;
  }

  /** A file of the process, read as text; empty when it cannot be read. */
  public Optional<String> readText(long pid, String file) {
    try {
      return Optional.of(Files.readString(proc.resolve(Long.toString(pid)).resolve(file), StandardCharsets.UTF_8));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private Optional<String> nsLink(long pid) {
    try {
      return Optional.of(Files.readSymbolicLink(proc.resolve(Long.toString(pid)).resolve("ns/pid")).toString());
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private static boolean isPid(String name) {
    if (name.isEmpty()) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      if (!Character.isDigit(name.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /** Reads one process; empty if it exited meanwhile. */
  Optional<Proc> read(long pid) {
    Path dir = proc.resolve(Long.toString(pid));
    try {
      String stat = Files.readString(dir.resolve("stat"), StandardCharsets.UTF_8);
      Map<String, String> status = parseStatus(Files.readString(dir.resolve("status"), StandardCharsets.UTF_8));
      byte[] cmdline = Files.readAllBytes(dir.resolve("cmdline"));
      return Optional.of(parse(pid, stat, status, cmdline, readIo(dir)));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private static long[] readIo(Path dir) {
    long[] rw = {0, 0};
    try {
      for (String l : Files.readAllLines(dir.resolve("io"))) {
        if (l.startsWith("read_bytes:")) {
          rw[0] = Long.parseLong(l.substring(11).trim());
        } else if (l.startsWith("write_bytes:")) {
          rw[1] = Long.parseLong(l.substring(12).trim());
        }
      }
    } catch (IOException | RuntimeException e) {
      // io accounting is optional in the kernel
    }
    return rw;
  }

  static Map<String, String> parseStatus(String text) {
    Map<String, String> m = new HashMap<>();
    for (String l : text.split("\n")) {
      int c = l.indexOf(':');
      if (c > 0) {
        m.put(l.substring(0, c), l.substring(c + 1).trim());
      }
    }
    return m;
  }

  /** Parses /proc/PID/stat (comm may hold spaces and parentheses) with the status and cmdline files. */
  static Proc parse(long pid, String stat, Map<String, String> status, byte[] cmdline, long[] io) {
    int open = stat.indexOf('(');
    int close = stat.lastIndexOf(')');
    String comm = stat.substring(open + 1, close);
    String[] f = stat.substring(close + 2).trim().split(" ");
    // f[0] = state (field 3), f[1] = ppid (4), f[2] = pgrp (5), f[4] = tty_nr (7), f[11] = utime (14),
    // f[12] = stime (15), f[13]/f[14] = cutime/cstime (16, 17), f[16] = nice (19), f[19] = starttime (22), f[20] = vsize (23), f[21] = rss (24)
    String[] nspid = status.getOrDefault("NSpid", Long.toString(pid)).split("\\s+");
    long nsPid = Long.parseLong(nspid[nspid.length - 1]);
    List<String> args = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < cmdline.length; i++) {
      if (cmdline[i] == 0) {
        args.add(new String(cmdline, start, i - start, StandardCharsets.UTF_8));
        start = i + 1;
      }
    }
    if (start < cmdline.length) {
      args.add(new String(cmdline, start, cmdline.length - start, StandardCharsets.UTF_8));
    }
    return new Proc(pid, nsPid, Long.parseLong(f[1]), 0, Long.parseLong(f[2]), f[0].charAt(0), comm, List.copyOf(args),
        ids(status.get("Uid")), ids(status.get("Gid")), Long.parseLong(f[11]), Long.parseLong(f[12]),
        Long.parseLong(f[19]), Integer.parseInt(f[4]), Integer.parseInt(f[16]), Long.parseLong(f[20]),
        Long.parseLong(f[21]), Map.copyOf(status), io[0], io[1], Long.parseLong(f[13]) + Long.parseLong(f[14]));
  }

  private static long[] ids(String field) {
    if (field == null) {
      return new long[] {-1, -1, -1, -1};
    }
    return Arrays.stream(field.trim().split("\\s+")).mapToLong(Long::parseLong).toArray();
  }
}
