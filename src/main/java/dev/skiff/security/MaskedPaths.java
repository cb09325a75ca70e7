package dev.skiff.security;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The paths hidden from the container ({@code maskedPaths}: bind-mounted over with {@code
 * /dev/null} or an empty read-only tmpfs) and the paths remounted read-only ({@code
 * readonlyPaths}), as OCI lists.
 */
public record MaskedPaths(List<String> masked, List<String> readOnly) {

  /** Podman's defaults ({@code DefaultMaskedPaths} in containers-common). */
  public static final List<String> DEFAULT_MASKED =
      List.of(
          "/proc/acpi",
          "/proc/kcore",
          "/proc/keys",
          "/proc/latency_stats",
          "/proc/timer_list",
          "/proc/timer_stats",
          "/proc/sched_debug",
          "/proc/scsi",
          "/sys/firmware",
          "/sys/dev/block",
          "/sys/devices/virtual/powercap",
          "/proc/interrupts");

  /** Podman's defaults ({@code DefaultReadOnlyPaths}). */
  public static final List<String> DEFAULT_READ_ONLY =
      List.of(
          "/proc/asound", "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger");

  public MaskedPaths {
    masked = List.copyOf(masked);
    readOnly = List.copyOf(readOnly);
  }

  public static MaskedPaths defaults() {
    return new MaskedPaths(DEFAULT_MASKED, DEFAULT_READ_ONLY);
  }

  /**
   * Applies {@code --security-opt mask=...} and {@code unmask=...}. Each value is a colon-separated
   * list of absolute paths; {@code unmask} also takes {@code ALL} and globs such as {@code
   * /proc/*}, and removes paths from both lists, as Podman does. A privileged container starts from
   * empty lists.
   *
   * @throws InvalidSecuritySettingException for a relative or empty path
   */
  public static MaskedPaths resolve(boolean privileged, List<String> mask, List<String> unmask) {
    Set<String> masked = new LinkedHashSet<>(privileged ? List.of() : DEFAULT_MASKED);
    Set<String> readOnly = new LinkedHashSet<>(privileged ? List.of() : DEFAULT_READ_ONLY);
    for (String path : paths(mask, "mask", false)) {
      masked.add(path);
    }
    for (String pattern : paths(unmask, "unmask", true)) {
      masked.removeIf(p -> matches(pattern, p));
      readOnly.removeIf(p -> matches(pattern, p));
    }
    return new MaskedPaths(List.copyOf(masked), List.copyOf(readOnly));
  }

  private static List<String> paths(List<String> values, String option, boolean allowAll) {
    List<String> result = new ArrayList<>();
    for (String value : values) {
      for (String path : value.split(":", -1)) {
        result.add(checkPath(path, option, value, allowAll));
      }
    }
    return result;
  }

  private static String checkPath(String path, String option, String value, boolean allowAll) {
    if (allowAll && path.equals("ALL")) {
      return path;
    }
    if (!path.startsWith("/")) {
      throw new InvalidSecuritySettingException(
          "--security-opt " + option + "=" + value + ": \"" + path + "\" is not an absolute path");
    }
    return path;
  }

  private static boolean matches(String pattern, String path) {
    if (pattern.equals("ALL") || pattern.equals(path)) {
      return true;
    }
    PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
    return matcher.matches(Path.of(path));
  }
}
