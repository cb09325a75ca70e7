package dev.skiff.security;

import java.util.Optional;

/**
 * Resolves a container's whole security setting in one pure call: capabilities, seccomp, masked and
 * read-only paths, no_new_privs and MAC labels, with Podman's rules for {@code --privileged} (all
 * capabilities, no masked paths, and no seccomp filter unless a profile is named).
 */
public final class SecurityPolicy {

  private SecurityPolicy() {}

  /**
   * Resolves and validates.
   *
   * @param customSeccomp the parsed profile when {@code --security-opt seccomp=FILE} was given (the
   *     caller reads the file and calls {@link SeccompProfiles#parse}); empty otherwise
   * @throws InvalidSecuritySettingException for any invalid or unsupported setting
   */
  public static SecurityProfile resolve(
      SecurityRequest request, Optional<SeccompProfile> customSeccomp, HostSecurity host) {
    SecurityOptions options = request.options();
    MacPolicy.validate(options.macRequest(), host.mac());
    CapabilityPlan caps =
        CapabilityPlan.resolve(
            Capability.PODMAN_DEFAULTS,
            request.capAdd(),
            request.capDrop(),
            request.privileged(),
            request.nonRootUser());
    return new SecurityProfile(
        caps,
        seccomp(request, customSeccomp, caps, host),
        MaskedPaths.resolve(request.privileged(), options.mask(), options.unmask()),
        options.noNewPrivileges(),
        options.apparmor().map(AppArmorProfile::name),
        options.selinux());
  }

  private static Optional<OciSeccomp> seccomp(
      SecurityRequest request,
      Optional<SeccompProfile> custom,
      CapabilityPlan caps,
      HostSecurity host) {
    SecurityOptions options = request.options();
    if (options.seccompProfilePath().isPresent() != custom.isPresent()) {
      throw new IllegalArgumentException(
          "customSeccomp must be given exactly when --security-opt seccomp=FILE was");
    }
    if (options.seccompUnconfined() || (request.privileged() && custom.isEmpty())) {
      return Optional.empty();
    }
    SeccompProfile profile = custom.orElseGet(SeccompProfiles::defaultProfile);
    return Optional.of(SeccompProfiles.resolve(profile, caps, host.arch(), host.kernel()));
  }
}
