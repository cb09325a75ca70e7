package dev.skiff.security;

import static dev.skiff.security.Capability.CHOWN;
import static dev.skiff.security.Capability.NET_ADMIN;
import static dev.skiff.security.Capability.NET_RAW;
import static dev.skiff.security.Capability.PODMAN_DEFAULTS;
import static dev.skiff.security.Capability.SYS_ADMIN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CapabilityPlanTest {

  private static CapabilityPlan resolve(
      List<String> add, List<String> drop, boolean priv, boolean nonRoot) {
    return CapabilityPlan.resolve(PODMAN_DEFAULTS, add, drop, priv, nonRoot);
  }

  @Test
  void resolve_defaults_rootGetsDefaultsInheritableEmpty() {
    CapabilityPlan plan = CapabilityPlan.defaults();
    assertEquals(PODMAN_DEFAULTS, plan.bounding());
    assertEquals(PODMAN_DEFAULTS, plan.effective());
    assertEquals(PODMAN_DEFAULTS, plan.permitted());
    assertTrue(plan.inheritable().isEmpty()); // Podman >= 4.0.3 (CVE-2022-27649)
    assertTrue(plan.ambient().isEmpty());
  }

  @Test
  void resolve_addAndDrop_caseInsensitive() {
    CapabilityPlan plan =
        resolve(List.of("net_admin", "CAP_SYS_ADMIN"), List.of("chown"), false, false);
    assertTrue(plan.effective().containsAll(Set.of(NET_ADMIN, SYS_ADMIN)));
    assertTrue(!plan.bounding().contains(CHOWN));
  }

  @Test
  void resolve_dropAll_addOne() {
    CapabilityPlan plan = resolve(List.of("NET_RAW"), List.of("all"), false, false);
    assertEquals(Set.of(NET_RAW), plan.bounding());
  }

  @Test
  void resolve_addAll_dropOne() {
    CapabilityPlan plan = resolve(List.of("ALL"), List.of("SYS_ADMIN"), false, false);
    assertEquals(40, plan.bounding().size());
    assertTrue(!plan.bounding().contains(SYS_ADMIN));
  }

  @Test
  void resolve_privileged_allCaps() {
    CapabilityPlan plan = resolve(List.of(), List.of(), true, false);
    assertEquals(41, plan.effective().size());
    assertEquals(41, plan.bounding().size());
  }

  @Test
  void resolve_privilegedWithDrop_refused() {
    InvalidSecuritySettingException e =
        assertThrows(
            InvalidSecuritySettingException.class,
            () -> resolve(List.of(), List.of("NET_RAW"), true, false));
    assertTrue(
        e.getMessage().contains("--cap-drop cannot be used with --privileged"), e.getMessage());
  }

  @Test
  void resolve_nonRoot_onlyAddedCapsEffectiveAndAmbient() {
    CapabilityPlan plain = resolve(List.of(), List.of(), false, true);
    assertEquals(PODMAN_DEFAULTS, plain.bounding());
    assertTrue(plain.effective().isEmpty());
    assertTrue(plain.permitted().isEmpty());
    assertTrue(plain.ambient().isEmpty());

    CapabilityPlan added = resolve(List.of("NET_ADMIN"), List.of(), false, true);
    assertEquals(Set.of(NET_ADMIN), added.effective());
    assertEquals(Set.of(NET_ADMIN), added.permitted());
    assertEquals(Set.of(NET_ADMIN), added.inheritable());
    assertEquals(Set.of(NET_ADMIN), added.ambient());
  }

  @Test
  void resolve_unknownName_namesOptionAndValue() {
    InvalidSecuritySettingException e =
        assertThrows(
            InvalidSecuritySettingException.class,
            () -> resolve(List.of("FOO"), List.of(), false, false));
    assertEquals("--cap-add: unknown capability \"FOO\"", e.getMessage());
  }

  @Test
  void resolve_addedAndDropped_refused() {
    assertThrows(
        InvalidSecuritySettingException.class,
        () -> resolve(List.of("NET_ADMIN"), List.of("net_admin"), false, false));
    assertThrows(
        InvalidSecuritySettingException.class,
        () -> resolve(List.of("ALL"), List.of("ALL"), false, false));
  }

  @Test
  void serialises_asOciCapabilities() throws Exception {
    String json =
        new ObjectMapper()
            .writeValueAsString(resolve(List.of("NET_ADMIN"), List.of("all"), false, false));
    assertEquals(
        "{\"bounding\":[\"CAP_NET_ADMIN\"],\"effective\":[\"CAP_NET_ADMIN\"],"
            + "\"permitted\":[\"CAP_NET_ADMIN\"],\"inheritable\":[],\"ambient\":[]}",
        json);
  }
}
