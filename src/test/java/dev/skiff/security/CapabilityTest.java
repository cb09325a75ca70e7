package dev.skiff.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CapabilityTest {

  @Test
  void parse_caseInsensitiveOptionalPrefix() {
    assertEquals(Capability.SYS_ADMIN, Capability.parse("sys_admin"));
    assertEquals(Capability.SYS_ADMIN, Capability.parse("CAP_SYS_ADMIN"));
    assertEquals(Capability.SYS_ADMIN, Capability.parse("Cap_Sys_Admin"));
  }

  @Test
  void parse_unknown_namesIt() {
    InvalidSecuritySettingException e =
        assertThrows(InvalidSecuritySettingException.class, () -> Capability.parse("CAP_FLY"));
    assertEquals("unknown capability \"CAP_FLY\"", e.getMessage());
  }

  @Test
  void numbers_matchKernel() {
    assertEquals(41, Capability.values().length);
    for (Capability cap : Capability.values()) {
      assertEquals(cap.ordinal(), cap.number());
    }
    assertEquals(21, Capability.SYS_ADMIN.number());
    assertEquals(40, Capability.CHECKPOINT_RESTORE.number());
    assertEquals("CAP_CHOWN", Capability.CHOWN.capName());
  }

  @Test
  void defaults_elevenCaps() {
    assertEquals(11, Capability.PODMAN_DEFAULTS.size());
    assertTrue(Capability.PODMAN_DEFAULTS.contains(Capability.SYS_CHROOT));
  }
}
