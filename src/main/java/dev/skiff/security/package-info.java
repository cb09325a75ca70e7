/**
 * Security policy as pure functions: capability sets, seccomp profiles, subordinate-ID files and
 * user-namespace ID maps, masked/read-only paths, SELinux/AppArmor options.
 *
 * <p>Owns: parsing and validating every security-related user input into value types, and computing
 * the resolved policy (capability sets, ID maps, the OCI {@code linux.seccomp} object) that {@code
 * runtime/} writes into {@code config.json}.
 *
 * <p>May depend on: the JDK and Jackson (for the seccomp JSON format) only. Nothing from {@code
 * dev.skiff} except this package. May not spawn processes, write files or state, read the host
 * (host facts such as {@link dev.skiff.security.MacSupport} are passed in), or know HTTP.
 *
 * <p>Errors: invalid user input throws {@link dev.skiff.security.InvalidSecuritySettingException}
 * (or a subclass), whose message is shown to the user verbatim; the engine maps it to HTTP 400.
 */
package dev.skiff.security;
