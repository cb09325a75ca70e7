package dev.skiff.security;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Parses, validates and resolves seccomp profiles.
 *
 * <h2>Skiff's default profile ({@code seccomp/default.json})</h2>
 *
 * <p>An allow-list based on containers-common's {@code seccomp.json}: syscalls it does not name
 * fail with {@code ENOSYS} (so libc falls back from syscalls newer than the profile), and the calls
 * it denies on purpose fail with {@code EPERM}. It is stricter than containers-common:
 *
 * <ul>
 *   <li>never: {@code keyctl}, {@code add_key}, {@code request_key}; {@code io_uring_setup}, {@code
 *       io_uring_enter}, {@code io_uring_register}; {@code clone3} always returns ENOSYS so libc
 *       uses {@code clone}, whose flags the filter can see;
 *   <li>{@code CAP_SYS_ADMIN}: {@code unshare}, {@code setns}, {@code clone} with any of {@code
 *       CLONE_NEWNS|NEWUTS|NEWIPC|NEWUSER|NEWPID|NEWNET|NEWCGROUP}, the mount API ({@code mount},
 *       {@code umount2}, {@code pivot_root}, {@code fsopen}, {@code fsconfig}, {@code fsmount},
 *       {@code fspick}, {@code move_mount}, {@code open_tree}, {@code mount_setattr});
 *   <li>{@code bpf} (CAP_SYS_ADMIN or CAP_BPF), {@code perf_event_open} (CAP_SYS_ADMIN or
 *       CAP_PERFMON); {@code ptrace} and {@code userfaultfd} (CAP_SYS_PTRACE); {@code syslog}
 *       (CAP_SYSLOG); {@code reboot}, {@code kexec_load}, {@code kexec_file_load} (CAP_SYS_BOOT);
 *       module calls (CAP_SYS_MODULE); {@code open_by_handle_at} (CAP_DAC_READ_SEARCH); {@code
 *       clock_settime}, {@code settimeofday}, {@code adjtimex}, {@code clock_adjtime}
 *       (CAP_SYS_TIME).
 * </ul>
 *
 * <p>To loosen it: grant the capability ({@code --cap-add SYS_ADMIN} lets the mount and namespace
 * calls through, within the container's user namespace), use a custom profile with {@code
 * --security-opt seccomp=/path/profile.json} (Docker/containers-common format), or turn seccomp off
 * with {@code --security-opt seccomp=unconfined}. Capabilities are matched against the container's
 * bounding set, as containers-common and Docker do.
 */
public final class SeccompProfiles {

  /** The {@code --security-opt seccomp=} value that disables filtering. */
  public static final String UNCONFINED = "unconfined";

  /** Version of {@code seccomp/default.json} this code understands. */
  public static final int SKIFF_PROFILE_VERSION = 1;

  static final Set<String> ACTIONS =
      Set.of(
          "SCMP_ACT_KILL",
          "SCMP_ACT_KILL_PROCESS",
          "SCMP_ACT_KILL_THREAD",
          "SCMP_ACT_TRAP",
          "SCMP_ACT_ERRNO",
          "SCMP_ACT_TRACE",
          "SCMP_ACT_ALLOW",
          "SCMP_ACT_LOG",
          "SCMP_ACT_NOTIFY");
  static final Set<String> OPS =
      Set.of(
          "SCMP_CMP_NE",
          "SCMP_CMP_LT",
          "SCMP_CMP_LE",
          "SCMP_CMP_EQ",
          "SCMP_CMP_GE",
          "SCMP_CMP_GT",
          "SCMP_CMP_MASKED_EQ");
  static final Set<String> FLAGS =
      Set.of(
          "SECCOMP_FILTER_FLAG_TSYNC",
          "SECCOMP_FILTER_FLAG_LOG",
          "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
          "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV");
  private static final Map<String, String> NATIVE_ARCHES =
      Map.of(
          "amd64",
          "SCMP_ARCH_X86_64",
          "arm64",
          "SCMP_ARCH_AARCH64",
          "ppc64le",
          "SCMP_ARCH_PPC64LE",
          "s390x",
          "SCMP_ARCH_S390X",
          "riscv64",
          "SCMP_ARCH_RISCV64",
          "mips64",
          "SCMP_ARCH_MIPS64",
          "mips64le",
          "SCMP_ARCH_MIPSEL64",
          "x86",
          "SCMP_ARCH_X86",
          "arm",
          "SCMP_ARCH_ARM");
  private static final Map<String, String> ARCH_ALIASES =
      Map.of(
          "x86_64",
          "amd64",
          "aarch64",
          "arm64",
          "i386",
          "x86",
          "i686",
          "x86",
          "386",
          "x86",
          "armv7l",
          "arm",
          "mips64el",
          "mips64le");

  private static final ObjectMapper MAPPER =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, false);

  private SeccompProfiles() {}

  /**
   * Parses and validates a profile.
   *
   * @param source where the JSON came from (a path, or "default profile"), used in messages
   * @throws InvalidSecuritySettingException naming {@code source} and the problem
   */
  public static SeccompProfile parse(String json, String source) {
    SeccompProfile profile;
    try {
      profile = MAPPER.readValue(json, SeccompProfile.class);
    } catch (JsonProcessingException e) {
      throw new InvalidSecuritySettingException(
          "seccomp profile " + source + " is not valid JSON: " + e.getOriginalMessage());
    }
    if (profile == null) {
      throw new InvalidSecuritySettingException("seccomp profile " + source + " is empty");
    }
    SeccompValidator.validate(profile, source);
    return profile;
  }

  /**
   * Skiff's default profile, from the classpath resource {@code seccomp/default.json}; parsed and
   * validated once.
   */
  public static SeccompProfile defaultProfile() {
    return DefaultProfileHolder.PROFILE;
  }

  private static final class DefaultProfileHolder {
    static final SeccompProfile PROFILE = loadDefaultProfile();
  }

  private static SeccompProfile loadDefaultProfile() {
    try (InputStream in = SeccompProfiles.class.getResourceAsStream("/seccomp/default.json")) {
      if (in == null) {
        throw new IllegalStateException("seccomp/default.json is missing from the classpath");
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "default profile");
    } catch (IOException e) {
      throw new UncheckedIOException("reading seccomp/default.json", e);
    }
  }

  /** Serialises a profile back to its JSON format. */
  public static String toJson(SeccompProfile profile) {
    try {
      return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(profile);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("serialising seccomp profile", e);
    }
  }

  /**
   * Resolves a profile for one container, assuming a kernel new enough for every rule.
   *
   * @param arch the native architecture ({@code amd64}/{@code x86_64}, {@code arm64}/{@code
   *     aarch64}, ...)
   */
  public static OciSeccomp resolve(SeccompProfile profile, CapabilityPlan caps, String arch) {
    return resolve(profile, caps, arch, Optional.empty());
  }

  /**
   * Resolves a profile for one container: keeps the rules whose {@code includes} are met and whose
   * {@code excludes} are not (capabilities checked against the bounding set, arches against {@code
   * arch}, {@code minKernel} against {@code kernel} when known), and expands {@code archMap} for
   * the native architecture.
   */
  public static OciSeccomp resolve(
      SeccompProfile profile, CapabilityPlan caps, String arch, Optional<KernelVersion> kernel) {
    String goArch = normaliseArch(arch);
    List<OciSeccomp.Rule> rules = new ArrayList<>();
    for (SeccompProfile.Syscall call : profile.syscalls()) {
      if (applies(call, caps, goArch, kernel)) {
        rules.add(
            new OciSeccomp.Rule(call.allNames(), call.action(), call.errnoRet(), call.args()));
      }
    }
    return new OciSeccomp(
        profile.defaultAction(),
        profile.defaultErrnoRet(),
        architectures(profile, goArch),
        profile.flags(),
        profile.listenerPath(),
        profile.listenerMetadata(),
        rules);
  }

  /** Maps {@code x86_64}-style names to the Go names profiles use ({@code amd64}). */
  static String normaliseArch(String arch) {
    String lower = arch.toLowerCase(Locale.ROOT);
    return ARCH_ALIASES.getOrDefault(lower, lower);
  }

  private static boolean applies(
      SeccompProfile.Syscall call,
      CapabilityPlan caps,
      String arch,
      Optional<KernelVersion> kernel) {
    SeccompProfile.Filter in = call.includes();
    SeccompProfile.Filter ex = call.excludes();
    boolean included =
        in.caps().stream().allMatch(c -> hasCap(caps, c))
            && (in.arches().isEmpty() || in.arches().contains(arch))
            && (in.minKernel() == null || kernel.map(k -> k.atLeast(in.minKernel())).orElse(true));
    boolean excluded =
        ex.caps().stream().anyMatch(c -> hasCap(caps, c)) || ex.arches().contains(arch);
    return included && !excluded;
  }

  private static boolean hasCap(CapabilityPlan caps, String name) {
    return caps.bounding().contains(Capability.parse(name));
  }

  private static List<String> architectures(SeccompProfile profile, String arch) {
    if (!profile.architectures().isEmpty()) {
      return profile.architectures();
    }
    String scmp = NATIVE_ARCHES.get(arch);
    return profile.archMap().stream()
        .filter(m -> m.architecture().equals(scmp))
        .findFirst()
        .map(m -> concat(m.architecture(), m.subArchitectures()))
        .orElse(List.of());
  }

  private static List<String> concat(String first, List<String> rest) {
    List<String> result = new ArrayList<>();
    result.add(first);
    result.addAll(rest);
    return result;
  }
}
