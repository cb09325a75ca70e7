/**
 * Security policy as pure functions: capability sets, seccomp profiles, subordinate-ID files and
 * user-namespace ID maps, masked/read-only paths, SELinux/AppArmor options.
 *
 * <p>Owns: parsing and validating every security-related user input into value types, and computing
 * the resolved policy that {@code runtime/} writes into {@code config.json}. Entry points for the
 * engine:
 *
 * <ul>
 *   <li>{@link dev.skiff.security.SecurityPolicy#resolve} → {@link
 *       dev.skiff.security.SecurityProfile} (capabilities, seccomp, paths, no_new_privs, MAC);
 *   <li>{@link dev.skiff.security.IdMapPlanner#plan} → {@link dev.skiff.security.IdMapPlan} (user
 *       namespace and uid/gid maps), with {@link dev.skiff.security.IdRangeAllocator} for {@code
 *       --userns=auto} ranges and {@link dev.skiff.security.SubIdFile} for {@code /etc/subuid};
 *   <li>parsers: {@link dev.skiff.security.SecurityOptions}, {@link dev.skiff.security.UsernsMode},
 *       {@link dev.skiff.security.IdMapping}, {@link dev.skiff.security.Capability}, {@link
 *       dev.skiff.security.SeccompProfiles#parse}.
 * </ul>
 *
 * <p>May depend on: the JDK and Jackson (for the seccomp JSON format) only. Nothing from {@code
 * dev.skiff} except this package. May not spawn processes, write files or state, probe the host
 * (host facts such as {@link dev.skiff.security.MacSupport} and {@link
 * dev.skiff.security.HostSecurity} are passed in), or know HTTP. The only reads are the bundled
 * {@code seccomp/default.json} resource and {@link dev.skiff.security.SubIdFile#parse(
 * java.nio.file.Path)}.
 *
 * <p>Errors: invalid user input throws {@link dev.skiff.security.InvalidSecuritySettingException}
 * (or a subclass), whose message is shown to the user verbatim; the engine maps it to HTTP 400. A
 * full ID pool is {@link dev.skiff.security.IdRangesExhaustedException}, a state error.
 */
package dev.skiff.security;
