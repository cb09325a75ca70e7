package dev.skiff.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SecurityPolicyTest {

  private static final HostSecurity HOST =
      new HostSecurity("x86_64", new MacSupport(true, false), Optional.empty());

  private static SecurityRequest request(boolean privileged, String... securityOpts) {
    return new SecurityRequest(
        List.of(), List.of(), privileged, false, SecurityOptions.parse(List.of(securityOpts)));
  }

  @Test
  void resolve_defaults() {
    SecurityProfile profile =
        SecurityPolicy.resolve(SecurityRequest.defaults(), Optional.empty(), HOST);
    assertEquals(CapabilityPlan.defaults(), profile.capabilities());
    assertEquals(MaskedPaths.defaults(), profile.paths());
    OciSeccomp seccomp = profile.seccomp().orElseThrow();
    assertFalse(SeccompEvaluator.evaluate(seccomp, "mount").allowed());
    assertEquals("SCMP_ARCH_X86_64", seccomp.architectures().get(0));
    assertFalse(profile.noNewPrivileges());
    assertTrue(profile.apparmorProfile().isEmpty());
  }

  @Test
  void resolve_privileged_noSeccompNoMasks() {
    SecurityProfile profile = SecurityPolicy.resolve(request(true), Optional.empty(), HOST);
    assertTrue(profile.seccomp().isEmpty());
    assertTrue(profile.paths().masked().isEmpty());
    assertEquals(41, profile.capabilities().effective().size());
  }

  @Test
  void resolve_privilegedWithCustomProfile_keepsIt() {
    SeccompProfile custom =
        SeccompProfiles.parse("{\"defaultAction\":\"SCMP_ACT_LOG\"}", "custom.json");
    SecurityProfile profile =
        SecurityPolicy.resolve(
            request(true, "seccomp=/etc/custom.json"), Optional.of(custom), HOST);
    assertEquals("SCMP_ACT_LOG", profile.seccomp().orElseThrow().defaultAction());
  }

  @Test
  void resolve_unconfined() {
    SecurityProfile profile =
        SecurityPolicy.resolve(request(false, "seccomp=unconfined"), Optional.empty(), HOST);
    assertTrue(profile.seccomp().isEmpty());
  }

  @Test
  void resolve_macOnHostWithoutIt_refused() {
    InvalidSecuritySettingException e =
        assertThrows(
            InvalidSecuritySettingException.class,
            () ->
                SecurityPolicy.resolve(request(false, "label=type:spc_t"), Optional.empty(), HOST));
    assertEquals("SELinux is not enabled on this host", e.getMessage());
  }

  @Test
  void resolve_optionsCarriedThrough() {
    SecurityProfile profile =
        SecurityPolicy.resolve(
            request(false, "apparmor=my-profile", "no-new-privileges", "unmask=/proc/kcore"),
            Optional.empty(),
            HOST);
    assertEquals(Optional.of("my-profile"), profile.apparmorProfile());
    assertTrue(profile.noNewPrivileges());
    assertFalse(profile.paths().masked().contains("/proc/kcore"));
  }

  @Test
  void resolve_profileFileWithoutParsedProfile_isProgrammerError() {
    assertThrows(
        IllegalArgumentException.class,
        () -> SecurityPolicy.resolve(request(false, "seccomp=/x.json"), Optional.empty(), HOST));
  }
}
