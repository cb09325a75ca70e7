package dev.skiff.security;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Objects;

/**
 * A seccomp profile in the Docker / containers-common JSON format. Parse with {@link
 * SeccompProfiles#parse(String, String)}, which also validates; turn into the OCI form with {@link
 * SeccompProfiles#resolve}.
 *
 * @param skiffProfileVersion version of Skiff's own profile; {@code null} for foreign profiles
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record SeccompProfile(
    Integer skiffProfileVersion,
    String comment,
    String defaultAction,
    Integer defaultErrnoRet,
    List<String> architectures,
    List<ArchMap> archMap,
    List<Syscall> syscalls,
    List<String> flags,
    String listenerPath,
    String listenerMetadata) {

  public SeccompProfile {
    architectures = copy(architectures);
    archMap = copy(archMap);
    syscalls = copy(syscalls);
    flags = copy(flags);
  }

  static <T> List<T> copy(List<T> list) {
    return list == null ? List.of() : list.stream().filter(Objects::nonNull).toList();
  }

  /** A native architecture and the sub-architectures that run on it. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record ArchMap(String architecture, List<String> subArchitectures) {
    public ArchMap {
      subArchitectures = copy(subArchitectures);
    }
  }

  /** One rule: the syscalls it names, the action, argument conditions and applicability. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public record Syscall(
      String comment,
      String name,
      List<String> names,
      String action,
      Integer errnoRet,
      List<Arg> args,
      Filter includes,
      Filter excludes) {

    public Syscall {
      names = copy(names);
      args = copy(args);
      includes = includes == null ? Filter.NONE : includes;
      excludes = excludes == null ? Filter.NONE : excludes;
    }

    /** {@code names} plus the legacy single {@code name}. */
    public List<String> allNames() {
      return name == null
          ? names
          : java.util.stream.Stream.concat(java.util.stream.Stream.of(name), names.stream())
              .toList();
    }
  }

  /** A condition on argument {@code index}: {@code op(arg, value[, valueTwo])}. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Arg(int index, long value, long valueTwo, String op) {}

  /** When a rule applies: all {@code caps} present, the arch listed, the kernel new enough. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public record Filter(List<String> caps, List<String> arches, String minKernel) {
    static final Filter NONE = new Filter(List.of(), List.of(), null);

    public Filter {
      caps = copy(caps);
      arches = copy(arches);
    }
  }
}
