package dev.skiff.security;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The OCI runtime-spec {@code linux.seccomp} object, ready for Jackson: only rules that apply to
 * this container's capabilities and architecture remain.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record OciSeccomp(
    String defaultAction,
    Integer defaultErrnoRet,
    List<String> architectures,
    List<String> flags,
    String listenerPath,
    String listenerMetadata,
    List<Rule> syscalls) {

  public OciSeccomp {
    architectures = List.copyOf(architectures);
    flags = List.copyOf(flags);
    syscalls = List.copyOf(syscalls);
  }

  /** One OCI {@code LinuxSyscall}. */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public record Rule(
      List<String> names, String action, Integer errnoRet, List<SeccompProfile.Arg> args) {
    public Rule {
      names = List.copyOf(names);
      args = List.copyOf(args);
    }
  }
}
