package dev.skiff.runtime;

import java.util.List;

/**
 * What the daemon knows about the host it runs on, read from /proc, /sys and /etc.
 *
 * @param cgroupVersion "v1" (legacy or hybrid) or "v2" (unified)
 */
public record HostFacts(
    String hostname,
    String kernel,
    String arch,
    String distribution,
    String distributionVersion,
    String distributionCodename,
    int cpus,
    long memTotal,
    long memFree,
    long swapTotal,
    long swapFree,
    long uptimeSeconds,
    String cgroupVersion,
    List<String> cgroupControllers,
    boolean seccompEnabled,
    boolean apparmorEnabled,
    boolean selinuxEnabled,
    List<IdMapLine> uidMap,
    List<IdMapLine> gidMap,
    long boundingCaps) {

  public HostFacts {
    cgroupControllers = List.copyOf(cgroupControllers);
    uidMap = List.copyOf(uidMap);
    gidMap = List.copyOf(gidMap);
  }

  /** True when the daemon's own bounding set holds capability {@code number}. */
  public boolean hasBoundingCap(int number) {
    return (boundingCaps & (1L << number)) != 0;
  }

  /** One line of /proc/self/uid_map or gid_map. */
  public record IdMapLine(long containerId, long hostId, long size) {}
}
