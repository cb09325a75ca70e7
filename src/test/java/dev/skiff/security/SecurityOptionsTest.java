package dev.skiff.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SecurityOptionsTest {

  @Test
  void parse_allKinds() {
    SecurityOptions options =
        SecurityOptions.parse(
            List.of(
                "seccomp=/etc/skiff/strict.json",
                "apparmor=my-profile",
                "label=type:container_t",
                "label=level:s0:c1,c2",
                "mask=/opt/a:/opt/b",
                "unmask=/proc/kcore",
                "no-new-privileges"));
    assertEquals(Optional.of("/etc/skiff/strict.json"), options.seccompProfilePath());
    assertFalse(options.seccompUnconfined());
    assertEquals(Optional.of(new AppArmorProfile("my-profile")), options.apparmor());
    assertEquals(Optional.of("s0:c1,c2"), options.selinux().level());
    assertEquals(List.of("/opt/a:/opt/b"), options.mask());
    assertEquals(List.of("/proc/kcore"), options.unmask());
    assertTrue(options.noNewPrivileges());
  }

  @Test
  void parse_dockerForms() {
    SecurityOptions options =
        SecurityOptions.parse(
            List.of("seccomp:unconfined", "no-new-privileges:true", "systempaths=unconfined"));
    assertTrue(options.seccompUnconfined());
    assertTrue(options.seccompProfilePath().isEmpty());
    assertTrue(options.noNewPrivileges());
    assertEquals(List.of("ALL"), options.unmask());
  }

  @Test
  void parse_empty_defaults() {
    SecurityOptions options = SecurityOptions.parse(List.of());
    assertTrue(options.seccomp().isEmpty());
    assertFalse(options.noNewPrivileges());
    assertEquals(MacRequest.none(), options.macRequest());
  }

  @Test
  void parse_errors_quoteOption() {
    for (String bad :
        List.of("frobnicate=1", "seccomp=", "no-new-privileges=maybe", "systempaths=yes")) {
      InvalidSecuritySettingException e =
          assertThrows(
              InvalidSecuritySettingException.class,
              () -> SecurityOptions.parse(List.of(bad)),
              bad);
      assertTrue(e.getMessage().contains("\"" + bad + "\""), e.getMessage());
    }
  }
}
