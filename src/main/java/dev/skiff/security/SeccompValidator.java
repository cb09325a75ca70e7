package dev.skiff.security;

import java.util.List;

/**
 * The checks runc makes before loading a profile, done up front so the user gets a 400 with the
 * reason instead of a failed start.
 */
final class SeccompValidator {

  private SeccompValidator() {}

  static void validate(SeccompProfile profile, String source) {
    String where = "seccomp profile " + source + ": ";
    checkVersion(profile, where);
    checkAction(profile.defaultAction(), profile.defaultErrnoRet(), where + "defaultAction");
    profile
        .flags()
        .forEach(
            f -> check(SeccompProfiles.FLAGS.contains(f), where + "unknown flag \"" + f + "\""));
    profile.architectures().forEach(a -> checkArch(a, where));
    profile.archMap().forEach(m -> checkArch(m.architecture(), where));
    check(
        !"SCMP_ACT_NOTIFY".equals(profile.defaultAction()),
        where + "SCMP_ACT_NOTIFY cannot be the defaultAction (it would notify on write too)");
    boolean notify = false;
    List<SeccompProfile.Syscall> calls = profile.syscalls();
    for (int i = 0; i < calls.size(); i++) {
      checkSyscall(calls.get(i), where + "syscalls[" + i + "]");
      notify |= "SCMP_ACT_NOTIFY".equals(calls.get(i).action());
    }
    check(
        !notify || !isBlank(profile.listenerPath()),
        where + "SCMP_ACT_NOTIFY needs a listenerPath (the seccomp agent's socket)");
  }

  private static void checkVersion(SeccompProfile profile, String where) {
    Integer version = profile.skiffProfileVersion();
    check(
        version == null || version == SeccompProfiles.SKIFF_PROFILE_VERSION,
        where
            + "skiffProfileVersion "
            + version
            + " is not supported (this Skiff reads version "
            + SeccompProfiles.SKIFF_PROFILE_VERSION
            + ")");
  }

  private static void checkSyscall(SeccompProfile.Syscall call, String where) {
    List<String> names = call.allNames();
    String label = names.isEmpty() ? where : where + " (" + names.get(0) + ")";
    check(!names.isEmpty(), where + ": no syscall names");
    names.forEach(n -> check(!isBlank(n), label + ": empty syscall name"));
    checkAction(call.action(), call.errnoRet(), label + ": action");
    check(
        !("SCMP_ACT_NOTIFY".equals(call.action()) && names.contains("write")),
        label + ": SCMP_ACT_NOTIFY is not allowed on write (the runtime would deadlock)");
    call.args().forEach(a -> checkArg(a, label));
    checkFilter(call.includes(), label + ": includes");
    checkFilter(call.excludes(), label + ": excludes");
  }

  private static void checkAction(String action, Integer errnoRet, String what) {
    check(action != null, what + " is missing");
    check(SeccompProfiles.ACTIONS.contains(action), what + " \"" + action + "\" is unknown");
    boolean takesErrno = action.equals("SCMP_ACT_ERRNO") || action.equals("SCMP_ACT_TRACE");
    check(
        errnoRet == null || takesErrno,
        what
            + " "
            + action
            + " cannot have an errnoRet (only SCMP_ACT_ERRNO and SCMP_ACT_TRACE can)");
    check(errnoRet == null || errnoRet >= 0, what + ": errnoRet must not be negative");
  }

  private static void checkArg(SeccompProfile.Arg arg, String label) {
    check(
        arg.index() >= 0 && arg.index() <= 5,
        label
            + ": argument index "
            + arg.index()
            + " is out of range (syscalls have arguments 0 to 5)");
    check(
        arg.op() != null && SeccompProfiles.OPS.contains(arg.op()),
        label + ": unknown comparison operator \"" + arg.op() + "\"");
  }

  private static void checkFilter(SeccompProfile.Filter filter, String label) {
    for (String cap : filter.caps()) {
      try {
        Capability.parse(cap);
      } catch (InvalidSecuritySettingException e) {
        throw new InvalidSecuritySettingException(label + ": " + e.getMessage());
      }
    }
    if (filter.minKernel() != null) {
      try {
        KernelVersion.parse(filter.minKernel());
      } catch (InvalidSecuritySettingException e) {
        throw new InvalidSecuritySettingException(label + ": minKernel: " + e.getMessage());
      }
    }
  }

  private static void checkArch(String arch, String where) {
    check(
        arch != null && arch.startsWith("SCMP_ARCH_"),
        where + "unknown architecture \"" + arch + "\"");
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }

  private static void check(boolean ok, String message) {
    if (!ok) {
      throw new InvalidSecuritySettingException(message);
    }
  }
}
