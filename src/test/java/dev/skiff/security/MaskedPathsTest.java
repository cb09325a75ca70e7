package dev.skiff.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class MaskedPathsTest {

  @Test
  void defaults_podmanLists() {
    MaskedPaths paths = MaskedPaths.defaults();
    assertEquals(12, paths.masked().size());
    assertTrue(
        paths.masked().containsAll(List.of("/proc/kcore", "/proc/interrupts", "/sys/firmware")));
    assertEquals(
        List.of(
            "/proc/asound",
            "/proc/bus",
            "/proc/fs",
            "/proc/irq",
            "/proc/sys",
            "/proc/sysrq-trigger"),
        paths.readOnly());
  }

  @Test
  void resolve_maskAddsColonSeparated() {
    MaskedPaths paths = MaskedPaths.resolve(false, List.of("/opt/secret:/var/x"), List.of());
    assertTrue(paths.masked().containsAll(List.of("/opt/secret", "/var/x")));
  }

  @Test
  void resolve_unmaskRemovesFromBothLists() {
    MaskedPaths paths = MaskedPaths.resolve(false, List.of(), List.of("/proc/kcore:/proc/sys"));
    assertFalse(paths.masked().contains("/proc/kcore"));
    assertFalse(paths.readOnly().contains("/proc/sys"));
    assertEquals(11, paths.masked().size());
  }

  @Test
  void resolve_unmaskAllAndGlob() {
    MaskedPaths all = MaskedPaths.resolve(false, List.of(), List.of("ALL"));
    assertTrue(all.masked().isEmpty());
    assertTrue(all.readOnly().isEmpty());
    MaskedPaths proc = MaskedPaths.resolve(false, List.of(), List.of("/proc/*"));
    assertTrue(
        proc.masked().stream().allMatch(p -> p.startsWith("/sys/")), proc.masked().toString());
  }

  @Test
  void resolve_privileged_startsEmpty() {
    MaskedPaths paths = MaskedPaths.resolve(true, List.of("/opt/x"), List.of());
    assertEquals(List.of("/opt/x"), paths.masked());
    assertTrue(paths.readOnly().isEmpty());
  }

  @Test
  void resolve_relativePath_rejected() {
    InvalidSecuritySettingException e =
        assertThrows(
            InvalidSecuritySettingException.class,
            () -> MaskedPaths.resolve(false, List.of("/a:proc/x"), List.of()));
    assertEquals(
        "--security-opt mask=/a:proc/x: \"proc/x\" is not an absolute path", e.getMessage());
    assertThrows(
        InvalidSecuritySettingException.class,
        () -> MaskedPaths.resolve(false, List.of(), List.of("/a::/b")));
    assertThrows(
        InvalidSecuritySettingException.class,
        () -> MaskedPaths.resolve(false, List.of("ALL"), List.of()));
  }
}
