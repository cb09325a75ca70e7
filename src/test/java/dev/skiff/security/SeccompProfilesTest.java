package dev.skiff.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Plain JUnit: the filter is resolved and evaluated in memory, no kernel involved. */
class SeccompProfilesTest {

  private static final SeccompProfile DEFAULT = SeccompProfiles.defaultProfile();
  private static final long CLONE_NEWUSER = 0x10000000L;
  private static final long CLONE_NEWNS = 0x20000L;
  private static final long THREAD_FLAGS =
      0x3d0f00L; // CLONE_VM|FS|FILES|SIGHAND|THREAD|SYSVSEM|SETTLS|...

  private static OciSeccomp resolve(List<String> capAdd) {
    CapabilityPlan caps =
        CapabilityPlan.resolve(Capability.PODMAN_DEFAULTS, capAdd, List.of(), false, false);
    return SeccompProfiles.resolve(DEFAULT, caps, "amd64");
  }

  private static SeccompEvaluator.Verdict eval(OciSeccomp filter, String call, long... args) {
    return SeccompEvaluator.evaluate(filter, call, args);
  }

  @Test
  void defaultProfile_isVersionedAllowList() {
    assertEquals(1, DEFAULT.skiffProfileVersion());
    assertEquals("SCMP_ACT_ERRNO", DEFAULT.defaultAction());
    assertEquals(38, DEFAULT.defaultErrnoRet());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "keyctl",
        "add_key",
        "request_key",
        "unshare",
        "setns",
        "mount",
        "umount2",
        "pivot_root",
        "fsopen",
        "fsconfig",
        "fsmount",
        "fspick",
        "move_mount",
        "open_tree",
        "mount_setattr",
        "ptrace",
        "syslog",
        "reboot",
        "bpf",
        "perf_event_open",
        "open_by_handle_at",
        "userfaultfd",
        "io_uring_setup",
        "io_uring_enter",
        "io_uring_register",
        "init_module",
        "finit_module",
        "delete_module",
        "kexec_load",
        "kexec_file_load",
        "clock_settime",
        "settimeofday",
        "adjtimex"
      })
  void resolve_defaultCaps_deniesWithEperm(String syscall) {
    SeccompEvaluator.Verdict verdict = eval(resolve(List.of()), syscall);
    assertEquals("SCMP_ACT_ERRNO", verdict.action(), syscall);
    assertEquals(1, verdict.errno(), syscall);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "read",
        "write",
        "openat",
        "close",
        "execve",
        "mmap",
        "futex",
        "exit_group",
        "rt_sigaction",
        "socket",
        "connect",
        "epoll_wait",
        "getpid",
        "arch_prctl",
        "chroot",
        "wait4"
      })
  void resolve_defaultCaps_allowsEverydayCalls(String syscall) {
    assertTrue(eval(resolve(List.of()), syscall, 2, 1, 0).allowed(), syscall);
  }

  @Test
  void resolve_clone_withoutNamespaceFlagsAllowed_withFlagsDenied() {
    OciSeccomp filter = resolve(List.of());
    assertTrue(eval(filter, "clone", THREAD_FLAGS).allowed());
    assertEquals(
        new SeccompEvaluator.Verdict("SCMP_ACT_ERRNO", 1), eval(filter, "clone", CLONE_NEWUSER));
    assertEquals(
        new SeccompEvaluator.Verdict("SCMP_ACT_ERRNO", 1),
        eval(filter, "clone", THREAD_FLAGS | CLONE_NEWNS));
  }

  @Test
  void resolve_clone3_alwaysEnosys() {
    assertEquals(
        new SeccompEvaluator.Verdict("SCMP_ACT_ERRNO", 38), eval(resolve(List.of()), "clone3"));
    assertEquals(38, eval(resolve(List.of("SYS_ADMIN")), "clone3").errno());
  }

  @Test
  void resolve_unknownSyscall_enosys() {
    assertEquals(38, eval(resolve(List.of()), "some_future_syscall").errno());
  }

  @Test
  void resolve_capAddSysAdmin_allowsMountNamespacesAndClone() {
    OciSeccomp filter = resolve(List.of("SYS_ADMIN"));
    for (String call :
        List.of("mount", "umount2", "unshare", "setns", "pivot_root", "bpf", "fsopen")) {
      assertTrue(eval(filter, call).allowed(), call);
    }
    assertTrue(eval(filter, "clone", CLONE_NEWUSER).allowed());
    assertFalse(eval(filter, "keyctl").allowed());
    assertFalse(eval(filter, "ptrace").allowed());
  }

  @Test
  void resolve_otherCapsUnlockTheirCalls() {
    assertTrue(eval(resolve(List.of("SYS_PTRACE")), "ptrace").allowed());
    assertTrue(eval(resolve(List.of("SYS_PTRACE")), "userfaultfd").allowed());
    assertTrue(eval(resolve(List.of("BPF")), "bpf").allowed());
    assertTrue(eval(resolve(List.of("PERFMON")), "perf_event_open").allowed());
    assertTrue(eval(resolve(List.of("SYS_TIME")), "clock_settime").allowed());
    assertTrue(eval(resolve(List.of("SYSLOG")), "syslog").allowed());
    assertTrue(eval(resolve(List.of("DAC_READ_SEARCH")), "open_by_handle_at").allowed());
    assertTrue(eval(resolve(List.of("SYS_MODULE")), "init_module").allowed());
    assertTrue(eval(resolve(List.of("SYS_BOOT")), "reboot").allowed());
    assertFalse(eval(resolve(List.of("SYS_ADMIN", "SYS_PTRACE")), "io_uring_setup").allowed());
  }

  @Test
  void resolve_auditNetlinkSocketRefused() {
    OciSeccomp filter = resolve(List.of());
    assertEquals(
        new SeccompEvaluator.Verdict("SCMP_ACT_ERRNO", 22), eval(filter, "socket", 16, 3, 9));
    assertTrue(eval(filter, "socket", 16, 3, 0).allowed());
  }

  @Test
  void resolve_archMapExpandsForNativeArch() {
    assertEquals(
        List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"),
        SeccompProfiles.resolve(DEFAULT, CapabilityPlan.defaults(), "x86_64").architectures());
    assertEquals(
        List.of("SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"),
        SeccompProfiles.resolve(DEFAULT, CapabilityPlan.defaults(), "aarch64").architectures());
    OciSeccomp arm = SeccompProfiles.resolve(DEFAULT, CapabilityPlan.defaults(), "arm64");
    assertFalse(eval(arm, "arch_prctl").allowed());
  }

  @Test
  void defaultProfile_noSyscallBothAlwaysAllowedAndGated() {
    Set<String> unconditional = new HashSet<>();
    Set<String> conditional = new HashSet<>();
    for (SeccompProfile.Syscall call : DEFAULT.syscalls()) {
      boolean plain =
          call.args().isEmpty()
              && call.includes().caps().isEmpty()
              && call.excludes().caps().isEmpty()
              && call.includes().arches().isEmpty();
      (plain && call.action().equals("SCMP_ACT_ALLOW") ? unconditional : conditional)
          .addAll(call.allNames());
    }
    unconditional.retainAll(conditional);
    assertEquals(Set.of(), unconditional);
  }

  @Test
  void resolve_ociJsonShape() throws Exception {
    String json = new ObjectMapper().writeValueAsString(resolve(List.of()));
    JsonNode node = new ObjectMapper().readTree(json);
    assertEquals("SCMP_ACT_ERRNO", node.get("defaultAction").asText());
    assertEquals(38, node.get("defaultErrnoRet").asInt());
    assertTrue(node.get("syscalls").get(0).has("names"));
    assertFalse(node.get("syscalls").get(0).has("includes"));
    assertFalse(node.has("listenerPath"));
  }

  @Test
  void parse_customProfile_roundTrips() {
    String json =
        """
        {"defaultAction":"SCMP_ACT_ALLOW","architectures":["SCMP_ARCH_X86_64"],
         "flags":["SECCOMP_FILTER_FLAG_LOG"],
         "syscalls":[{"names":["chmod","fchmod"],"action":"SCMP_ACT_ERRNO","errnoRet":13,
           "args":[{"index":1,"value":2048,"valueTwo":2048,"op":"SCMP_CMP_MASKED_EQ"}],
           "includes":{"minKernel":"4.8"},"excludes":{"caps":["CAP_FOWNER"]},"comment":"no setuid bits"},
          {"name":"mkdir","action":"SCMP_ACT_LOG"}]}
        """;
    SeccompProfile profile = SeccompProfiles.parse(json, "custom.json");
    assertEquals(profile, SeccompProfiles.parse(SeccompProfiles.toJson(profile), "again"));
    assertEquals(List.of("mkdir"), profile.syscalls().get(1).allNames());

    CapabilityPlan noFowner =
        CapabilityPlan.resolve(
            Capability.PODMAN_DEFAULTS, List.of(), List.of("FOWNER"), false, false);
    OciSeccomp filter = SeccompProfiles.resolve(profile, noFowner, "amd64");
    assertEquals(
        new SeccompEvaluator.Verdict("SCMP_ACT_ERRNO", 13), eval(filter, "chmod", 0, 04755));
    assertTrue(eval(filter, "chmod", 0, 0755).allowed());
    assertEquals(List.of("SCMP_ARCH_X86_64"), filter.architectures());
    assertEquals(List.of("SECCOMP_FILTER_FLAG_LOG"), filter.flags());
    assertEquals(
        1, SeccompProfiles.resolve(profile, CapabilityPlan.defaults(), "amd64").syscalls().size());
  }

  @Test
  void resolve_minKernel_checkedWhenKnown() {
    SeccompProfile profile =
        SeccompProfiles.parse(
            """
            {"defaultAction":"SCMP_ACT_ERRNO","syscalls":[
              {"names":["faccessat2"],"action":"SCMP_ACT_ALLOW","includes":{"minKernel":"5.8"}}]}
            """,
            "k.json");
    CapabilityPlan caps = CapabilityPlan.defaults();
    assertEquals(
        0,
        SeccompProfiles.resolve(
                profile,
                caps,
                "amd64",
                java.util.Optional.of(KernelVersion.parse("5.4.0-100-generic")))
            .syscalls()
            .size());
    assertEquals(
        1,
        SeccompProfiles.resolve(
                profile,
                caps,
                "amd64",
                java.util.Optional.of(KernelVersion.parse("6.1.0-13-amd64")))
            .syscalls()
            .size());
  }

  private static void assertInvalid(String json, String expected) {
    InvalidSecuritySettingException e =
        assertThrows(
            InvalidSecuritySettingException.class, () -> SeccompProfiles.parse(json, "bad.json"));
    assertTrue(e.getMessage().startsWith("seccomp profile bad.json"), e.getMessage());
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  @Test
  void parse_unknownAction() {
    assertInvalid("{\"defaultAction\":\"SCMP_ACT_MAYBE\"}", "\"SCMP_ACT_MAYBE\" is unknown");
    assertInvalid(
        "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"DENY\"}]}",
        "syscalls[0] (read): action \"DENY\" is unknown");
    assertInvalid("{}", "defaultAction is missing");
  }

  @Test
  void parse_unknownOp() {
    assertInvalid(
        "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"read\"],"
            + "\"action\":\"SCMP_ACT_ERRNO\",\"args\":[{\"index\":0,\"value\":1,\"op\":\"SCMP_CMP_IS\"}]}]}",
        "unknown comparison operator \"SCMP_CMP_IS\"");
  }

  @Test
  void parse_notifyOnWrite() {
    assertInvalid(
        "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"/run/agent.sock\","
            + "\"syscalls\":[{\"names\":[\"read\",\"write\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}",
        "SCMP_ACT_NOTIFY is not allowed on write");
  }

  @Test
  void parse_notifyAsDefaultAction() {
    assertInvalid(
        "{\"defaultAction\":\"SCMP_ACT_NOTIFY\",\"listenerPath\":\"/run/a.sock\"}",
        "SCMP_ACT_NOTIFY cannot be the defaultAction");
  }

  @Test
  void parse_badMinKernel() {
    assertInvalid(
        "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"read\"],"
            + "\"action\":\"SCMP_ACT_ALLOW\",\"includes\":{\"minKernel\":\"new\"}}]}",
        "includes: minKernel: invalid kernel version \"new\"");
  }

  @Test
  void parse_notifyWithoutListenerPath() {
    assertInvalid(
        "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"mkdir\"],"
            + "\"action\":\"SCMP_ACT_NOTIFY\"}]}",
        "SCMP_ACT_NOTIFY needs a listenerPath");
  }

  @Test
  void parse_emptyNames() {
    assertInvalid(
        "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[],"
            + "\"action\":\"SCMP_ACT_ERRNO\"}]}",
        "syscalls[0]: no syscall names");
    assertInvalid(
        "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"\"],"
            + "\"action\":\"SCMP_ACT_ERRNO\"}]}",
        "empty syscall name");
  }

  @Test
  void parse_errnoRetOnNonErrno() {
    assertInvalid(
        "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"read\"],"
            + "\"action\":\"SCMP_ACT_ALLOW\",\"errnoRet\":1}]}",
        "SCMP_ACT_ALLOW cannot have an errnoRet");
    assertInvalid(
        "{\"defaultAction\":\"SCMP_ACT_KILL\",\"defaultErrnoRet\":1}", "cannot have an errnoRet");
  }

  @Test
  void parse_argIndexAboveFive() {
    assertInvalid(
        "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"read\"],"
            + "\"action\":\"SCMP_ACT_ERRNO\",\"args\":[{\"index\":6,\"value\":1,\"op\":\"SCMP_CMP_EQ\"}]}]}",
        "argument index 6 is out of range");
  }

  @Test
  void parse_otherErrors() {
    assertInvalid("{not json", "is not valid JSON");
    assertInvalid(
        "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"flags\":[\"FLAG_X\"]}", "unknown flag \"FLAG_X\"");
    assertInvalid(
        "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[\"x86_64\"]}",
        "unknown architecture \"x86_64\"");
    assertInvalid(
        "{\"skiffProfileVersion\":2,\"defaultAction\":\"SCMP_ACT_ALLOW\"}",
        "skiffProfileVersion 2 is not supported");
    assertInvalid(
        "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"read\"],"
            + "\"action\":\"SCMP_ACT_ALLOW\",\"includes\":{\"caps\":[\"CAP_FLY\"]}}]}",
        "unknown capability \"CAP_FLY\"");
  }
}
