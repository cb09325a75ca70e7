package dev.skiff.security;

import java.util.Comparator;
import java.util.List;

/**
 * Predicts what a resolved filter does with one syscall, for tests and diagnostics. Among the rules
 * that match (name and all argument conditions), the most restrictive action wins, as the kernel
 * ranks seccomp results; with none, the default action applies.
 */
public final class SeccompEvaluator {

  /** An outcome: the action and, for {@code SCMP_ACT_ERRNO}, the errno. */
  public record Verdict(String action, Integer errno) {
    public boolean allowed() {
      return action.equals("SCMP_ACT_ALLOW") || action.equals("SCMP_ACT_LOG");
    }
  }

  private static final List<String> PRECEDENCE =
      List.of(
          "SCMP_ACT_KILL_PROCESS",
          "SCMP_ACT_KILL_THREAD",
          "SCMP_ACT_KILL",
          "SCMP_ACT_TRAP",
          "SCMP_ACT_ERRNO",
          "SCMP_ACT_NOTIFY",
          "SCMP_ACT_TRACE",
          "SCMP_ACT_LOG",
          "SCMP_ACT_ALLOW");

  private SeccompEvaluator() {}

  /** What {@code filter} does with {@code syscall(args...)}; missing args are 0. */
  public static Verdict evaluate(OciSeccomp filter, String syscall, long... args) {
    return filter.syscalls().stream()
        .filter(r -> r.names().contains(syscall) && r.args().stream().allMatch(a -> holds(a, args)))
        .min(Comparator.comparingInt(r -> PRECEDENCE.indexOf(r.action())))
        .map(r -> new Verdict(r.action(), errno(r.action(), r.errnoRet())))
        .orElse(
            new Verdict(
                filter.defaultAction(), errno(filter.defaultAction(), filter.defaultErrnoRet())));
  }

  private static Integer errno(String action, Integer errnoRet) {
    return action.equals("SCMP_ACT_ERRNO") ? (errnoRet == null ? 1 : errnoRet) : null;
  }

  private static boolean holds(SeccompProfile.Arg cond, long[] args) {
    long arg = cond.index() < args.length ? args[cond.index()] : 0;
    long v = cond.value();
    return switch (cond.op()) {
      case "SCMP_CMP_NE" -> arg != v;
      case "SCMP_CMP_EQ" -> arg == v;
      case "SCMP_CMP_LT" -> Long.compareUnsigned(arg, v) < 0;
      case "SCMP_CMP_LE" -> Long.compareUnsigned(arg, v) <= 0;
      case "SCMP_CMP_GT" -> Long.compareUnsigned(arg, v) > 0;
      case "SCMP_CMP_GE" -> Long.compareUnsigned(arg, v) >= 0;
      case "SCMP_CMP_MASKED_EQ" -> (arg & v) == cond.valueTwo();
      default -> throw new IllegalArgumentException("unknown op " + cond.op());
    };
  }
}
