package dev.skiff.security;

import java.util.Objects;
import java.util.Optional;

/**
 * Everything {@code runtime/} needs to write the security parts of {@code config.json}, already
 * resolved and validated.
 *
 * @param capabilities {@code process.capabilities}
 * @param seccomp {@code linux.seccomp}; empty means unconfined
 * @param paths {@code linux.maskedPaths} and {@code linux.readonlyPaths}
 * @param noNewPrivileges {@code process.noNewPrivileges}
 * @param apparmorProfile {@code process.apparmorProfile}; empty means none is set
 * @param selinux label options for {@code process.selinuxLabel} and {@code linux.mountLabel}
 */
public record SecurityProfile(
    CapabilityPlan capabilities,
    Optional<OciSeccomp> seccomp,
    MaskedPaths paths,
    boolean noNewPrivileges,
    Optional<String> apparmorProfile,
    SelinuxOptions selinux) {

  public SecurityProfile {
    Objects.requireNonNull(capabilities, "capabilities");
    Objects.requireNonNull(seccomp, "seccomp");
    Objects.requireNonNull(paths, "paths");
    Objects.requireNonNull(apparmorProfile, "apparmorProfile");
    Objects.requireNonNull(selinux, "selinux");
  }
}
