package dev.skiff.runtime;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;

/** Signal names and numbers (x86_64 Linux), and sending a signal to a pid. */
public final class Signals {

  private static final Map<String, Integer> BY_NAME = Map.ofEntries(
      Map.entry("HUP", 1), Map.entry("INT", 2), Map.entry("QUIT", 3), Map.entry("ILL", 4), Map.entry("TRAP", 5),
      Map.entry("ABRT", 6), Map.entry("IOT", 6), Map.entry("BUS", 7), Map.entry("FPE", 8), Map.entry("KILL", 9),
      Map.entry("USR1", 10), Map.entry("SEGV", 11), Map.entry("USR2", 12), Map.entry("PIPE", 13),
      Map.entry("ALRM", 14), Map.entry("TERM", 15), Map.entry("STKFLT", 16), Map.entry("CHLD", 17),
      Map.entry("CONT", 18), Map.entry("STOP", 19), Map.entry("TSTP", 20), Map.entry("TTIN", 21),
      Map.entry("TTOU", 22), Map.entry("URG", 23), Map.entry("XCPU", 24), Map.entry("XFSZ", 25),
      Map.entry("VTALRM", 26), Map.entry("PROF", 27), Map.entry("WINCH", 28), Map.entry("IO", 29),
      Map.entry("POLL", 29), Map.entry("PWR", 30), Map.entry("SYS", 31));

  private static final POSIX POSIX_API = POSIXFactory.getNativePOSIX();

  private Signals() {}

  /** Parses "TERM", "SIGTERM", "sigterm", "15", "RTMIN+3"; empty when not a signal. */
  public static Optional<Integer> parse(String s) {
    if (s == null || s.isBlank()) {
      return Optional.empty();
    }
    String n = s.trim().toUpperCase(Locale.ROOT);
    if (n.startsWith("SIG")) {
      n = n.substring(3);
    }
    if (n.matches("[0-9]+")) {
      int v = Integer.parseInt(n);
      return v >= 1 && v <= 64 ? Optional.of(v) : Optional.empty();
    }
    if (n.startsWith("RTMIN")) {
      return rt(34, n.substring(5));
    }
    if (n.startsWith("RTMAX")) {
      return rt(64, n.substring(5));
    }
    return Optional.ofNullable(BY_NAME.get(n));
  }

  private static Optional<Integer> rt(int base, String offset) {
    if (offset.isEmpty()) {
      return Optional.of(base);
    }
    try {
      int v = base + Integer.parseInt(offset);
      return v >= 34 && v <= 64 ? Optional.of(v) : Optional.empty();
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** Sends {@code signal} to {@code pid}; returns 0 or the errno. */
  public static int send(long pid, int signal) {
    int rc = POSIX_API.kill((int) pid, signal);
    return rc == 0 ? 0 : POSIX_API.errno();
  }

  /** True when a process with this pid exists (kill 0). */
  public static boolean alive(long pid) {
    if (pid <= 0) {
      return false;
    }
    int rc = send(pid, 0);
    return rc == 0 || rc == 1; // EPERM: exists, not ours
  }
}
