package dev.skiff.security;

import java.util.Objects;
import java.util.Optional;

/**
 * Facts about the host that security decisions depend on, detected by the caller.
 *
 * @param arch native architecture ({@code amd64} or {@code x86_64}, ...)
 * @param mac which LSMs are enabled
 * @param kernel the running kernel, for seccomp {@code minKernel}; empty if unknown
 */
public record HostSecurity(String arch, MacSupport mac, Optional<KernelVersion> kernel) {

  public HostSecurity {
    Objects.requireNonNull(arch, "arch");
    Objects.requireNonNull(mac, "mac");
    Objects.requireNonNull(kernel, "kernel");
  }
}
