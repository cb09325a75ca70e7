package dev.skiff.security;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MacPolicyTest {

  private static MacRequest apparmor(String name) {
    return new MacRequest(Optional.of(AppArmorProfile.parse(name)), SelinuxOptions.none());
  }

  private static MacRequest selinux(String... options) {
    return new MacRequest(Optional.empty(), SelinuxOptions.parse(List.of(options)));
  }

  @Test
  void validate_appArmorRequestedButNotEnabled() {
    InvalidSecuritySettingException e =
        assertThrows(
            InvalidSecuritySettingException.class,
            () -> MacPolicy.validate(apparmor("my-profile"), new MacSupport(false, true)));
    assertTrue(e.getMessage().startsWith("AppArmor is not enabled on this host"), e.getMessage());
    assertTrue(e.getMessage().contains("my-profile"));
  }

  @Test
  void validate_selinuxRequestedButNotEnabled() {
    InvalidSecuritySettingException e =
        assertThrows(
            InvalidSecuritySettingException.class,
            () -> MacPolicy.validate(selinux("type:spc_t"), new MacSupport(true, false)));
    assertEquals("SELinux is not enabled on this host", e.getMessage());
  }

  @Test
  void validate_bothMissing_listsBoth() {
    MacRequest both =
        new MacRequest(
            Optional.of(AppArmorProfile.parse("p")),
            SelinuxOptions.parse(List.of("level:s0:c1,c2")));
    assertEquals(2, MacPolicy.problems(both, MacSupport.none()).size());
  }

  @Test
  void validate_optOutsNeedNothing() {
    assertDoesNotThrow(() -> MacPolicy.validate(apparmor("unconfined"), MacSupport.none()));
    assertDoesNotThrow(() -> MacPolicy.validate(selinux("disable"), MacSupport.none()));
    assertDoesNotThrow(() -> MacPolicy.validate(MacRequest.none(), MacSupport.none()));
    assertDoesNotThrow(() -> MacPolicy.validate(apparmor("p"), new MacSupport(true, false)));
  }

  @Test
  void selinuxParse_allKeys() {
    SelinuxOptions options =
        SelinuxOptions.parse(
            List.of(
                "label=user:system_u",
                "role:system_r",
                "type:container_t",
                "level:s0:c100,c200",
                "filetype:container_file_t"));
    assertEquals(Optional.of("system_u"), options.user());
    assertEquals(Optional.of("system_r"), options.role());
    assertEquals(Optional.of("container_t"), options.type());
    assertEquals(Optional.of("s0:c100,c200"), options.level());
    assertEquals(Optional.of("container_file_t"), options.fileType());
    assertFalse(options.disabled());
  }

  @Test
  void selinuxParse_errors() {
    InvalidSecuritySettingException e =
        assertThrows(
            InvalidSecuritySettingException.class,
            () -> SelinuxOptions.parse(List.of("colour:red")));
    assertTrue(e.getMessage().contains("\"label=colour:red\""), e.getMessage());
    assertThrows(
        InvalidSecuritySettingException.class, () -> SelinuxOptions.parse(List.of("type:")));
    assertThrows(
        InvalidSecuritySettingException.class,
        () -> SelinuxOptions.parse(List.of("disable", "type:x_t")));
  }

  @Test
  void appArmorParse_errors() {
    assertThrows(InvalidSecuritySettingException.class, () -> AppArmorProfile.parse(""));
    assertThrows(InvalidSecuritySettingException.class, () -> AppArmorProfile.parse("a b"));
    assertTrue(AppArmorProfile.parse("unconfined").isUnconfined());
  }
}
