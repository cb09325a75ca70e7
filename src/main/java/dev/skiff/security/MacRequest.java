package dev.skiff.security;

import java.util.Objects;
import java.util.Optional;

/**
 * The MAC settings a container asks for.
 *
 * @param apparmor an explicit {@code --security-opt apparmor=} profile, if any
 * @param selinux the {@code --security-opt label=} options
 */
public record MacRequest(Optional<AppArmorProfile> apparmor, SelinuxOptions selinux) {

  public MacRequest {
    Objects.requireNonNull(apparmor, "apparmor");
    Objects.requireNonNull(selinux, "selinux");
  }

  public static MacRequest none() {
    return new MacRequest(Optional.empty(), SelinuxOptions.none());
  }
}
