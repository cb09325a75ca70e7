package dev.skiff.security;

import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The five capability sets of the container process; serialises as the OCI {@code
 * process.capabilities} object with {@code CAP_X} names.
 *
 * <p>Follows Podman 4.3 ({@code pkg/specgen/generate/security_linux.go}): a root process gets the
 * merged set in bounding, effective and permitted, and an <em>empty</em> inheritable set (since the
 * CVE-2022-27649 fix, Podman no longer fills inheritable for root); ambient stays empty. A non-root
 * process keeps the merged bounding set but gets only the explicitly added capabilities in
 * effective, permitted, inheritable and ambient (ambient needs inheritable), so they survive the
 * {@code execve} of a non-root user.
 */
public record CapabilityPlan(
    Set<Capability> bounding,
    Set<Capability> effective,
    Set<Capability> permitted,
    Set<Capability> inheritable,
    Set<Capability> ambient) {

  public CapabilityPlan {
    bounding = sorted(bounding);
    effective = sorted(effective);
    permitted = sorted(permitted);
    inheritable = sorted(inheritable);
    ambient = sorted(ambient);
  }

  private static Set<Capability> sorted(Collection<Capability> caps) {
    return java.util.Collections.unmodifiableSortedSet(new TreeSet<>(caps));
  }

  /**
   * Resolves the capability sets.
   *
   * @param defaults the configured default set (usually {@link Capability#PODMAN_DEFAULTS})
   * @param capAdd {@code --cap-add} values: names, case-insensitive, optional {@code CAP_}, or
   *     {@code ALL}
   * @param capDrop {@code --cap-drop} values, same syntax
   * @param privileged {@code --privileged}: every capability; refused together with {@code
   *     --cap-drop}
   * @param nonRootUser whether the process runs as a uid other than 0
   * @throws InvalidSecuritySettingException for unknown names or conflicting options
   */
  public static CapabilityPlan resolve(
      Collection<Capability> defaults,
      List<String> capAdd,
      List<String> capDrop,
      boolean privileged,
      boolean nonRootUser) {
    Set<Capability> added = names(capAdd, "--cap-add");
    Set<Capability> dropped = names(capDrop, "--cap-drop");
    if (privileged && !capDrop.isEmpty()) {
      throw new InvalidSecuritySettingException(
          "--cap-drop cannot be used with --privileged: a privileged container keeps every"
              + " capability; use --cap-add without --privileged");
    }
    checkConflicts(capAdd, capDrop, added, dropped);
    Set<Capability> merged =
        privileged ? Capability.all() : merge(defaults, added, dropped, hasAll(capDrop));
    if (!nonRootUser) {
      return new CapabilityPlan(merged, merged, merged, Set.of(), Set.of());
    }
    EnumSet<Capability> userCaps = EnumSet.noneOf(Capability.class);
    userCaps.addAll(added);
    userCaps.retainAll(merged);
    return new CapabilityPlan(merged, userCaps, userCaps, userCaps, userCaps);
  }

  /** Podman defaults, no add/drop, not privileged, running as root. */
  public static CapabilityPlan defaults() {
    return resolve(Capability.PODMAN_DEFAULTS, List.of(), List.of(), false, false);
  }

  private static Set<Capability> merge(
      Collection<Capability> defaults,
      Set<Capability> added,
      Set<Capability> dropped,
      boolean dropAll) {
    EnumSet<Capability> result = EnumSet.noneOf(Capability.class);
    result.addAll(added);
    if (dropAll) {
      return result; // --cap-drop=ALL --cap-add=X: exactly the added ones
    }
    result.addAll(defaults);
    result.removeAll(dropped);
    return result;
  }

  private static void checkConflicts(
      List<String> capAdd, List<String> capDrop, Set<Capability> added, Set<Capability> dropped) {
    if (hasAll(capAdd) && hasAll(capDrop)) {
      throw new InvalidSecuritySettingException(
          "--cap-add=ALL and --cap-drop=ALL cannot be combined");
    }
    if (hasAll(capAdd) || hasAll(capDrop)) {
      return; // ALL on one side with names on the other is the usual "all but X" / "none but X"
    }
    for (Capability cap : added) {
      if (dropped.contains(cap)) {
        throw new InvalidSecuritySettingException(
            "capability " + cap.capName() + " cannot be both added and dropped");
      }
    }
  }

  private static Set<Capability> names(List<String> values, String option) {
    EnumSet<Capability> result = EnumSet.noneOf(Capability.class);
    for (String value : values) {
      if (value.strip().equalsIgnoreCase("ALL")) {
        result.addAll(Capability.all());
      } else {
        result.add(parse(value, option));
      }
    }
    return result;
  }

  private static Capability parse(String value, String option) {
    try {
      return Capability.parse(value);
    } catch (InvalidSecuritySettingException e) {
      throw new InvalidSecuritySettingException(option + ": " + e.getMessage());
    }
  }

  private static boolean hasAll(List<String> values) {
    return values.stream().anyMatch(v -> v.strip().toUpperCase(Locale.ROOT).equals("ALL"));
  }

  /** Whether {@code cap} is in the effective set (what seccomp {@code includes.caps} checks). */
  public boolean hasEffective(Capability cap) {
    return effective.contains(cap);
  }
}
