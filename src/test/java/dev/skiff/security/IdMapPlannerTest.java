package dev.skiff.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class IdMapPlannerTest {

  private static final DaemonIds ALICE =
      DaemonIds.rootless(
          "alice",
          1000,
          1000,
          List.of(SubIdRange.of(100000, 65536)),
          List.of(SubIdRange.of(100000, 65536)));
  private static final DaemonIds NO_SUBIDS =
      DaemonIds.rootless("bob", 1001, 1001, List.of(), List.of());
  private static final DaemonIds ROOT =
      DaemonIds.root(
          List.of(IdRangeAllocator.DEFAULT_USER_POOL), List.of(IdRangeAllocator.DEFAULT_USER_POOL));

  private static IdMap map(String... mappings) {
    return IdMap.parse(List.of(mappings));
  }

  @Test
  void plan_rootlessDefault_rootIsUserThenSubIds() {
    IdMapPlan plan = IdMapPlanner.plan(ALICE, IdMapRequest.of(UsernsMode.parse("")));
    assertTrue(plan.newUserNamespace());
    assertEquals(map("0:1000:1", "1:100000:65536"), plan.uidMap());
    assertEquals(map("0:1000:1", "1:100000:65536"), plan.gidMap());
    assertEquals(map("0:0:65537"), plan.uidMapInDaemonNamespace());
  }

  @Test
  void plan_rootlessDefault_severalSubIdRanges() {
    DaemonIds ids =
        DaemonIds.rootless(
            "alice",
            1000,
            1000,
            List.of(SubIdRange.of(100000, 10), SubIdRange.of(200000, 10)),
            List.of(SubIdRange.of(100000, 20)));
    IdMapPlan plan = IdMapPlanner.plan(ids, IdMapRequest.of(new UsernsMode.Default()));
    assertEquals(map("0:1000:1", "1:100000:10", "11:200000:10"), plan.uidMap());
  }

  @Test
  void plan_keepId_userKeepsUid() {
    IdMapPlan plan =
        IdMapPlanner.plan(ALICE, IdMapRequest.of(UsernsMode.parse("keep-id")).withUser(1000, 1000));
    assertEquals(map("0:100000:1000", "1000:1000:1", "1001:101000:64536"), plan.uidMap());
    assertEquals(map("0:1:1000", "1000:0:1", "1001:1001:64536"), plan.uidMapInDaemonNamespace());
  }

  @Test
  void plan_keepId_withUidOption() {
    IdMapPlan plan =
        IdMapPlanner.plan(ALICE, IdMapRequest.of(UsernsMode.parse("keep-id:uid=200,gid=300")));
    assertEquals(map("0:100000:200", "200:1000:1", "201:100200:65336"), plan.uidMap());
    assertEquals(map("0:100000:300", "300:1000:1", "301:100300:65236"), plan.gidMap());
  }

  @Test
  void plan_nomap_rootlessLeavesOwnUidOut() {
    IdMapPlan plan = IdMapPlanner.plan(ALICE, IdMapRequest.of(UsernsMode.parse("nomap")));
    assertEquals(map("0:100000:65536"), plan.uidMap());
    assertEquals(map("0:1:65536"), plan.uidMapInDaemonNamespace());
  }

  @Test
  void plan_explicitMapWithoutOwnId_rootlessAllowed() {
    IdMapRequest request =
        IdMapRequest.of(new UsernsMode.Default())
            .withMaps(List.of(IdMapping.parse("0:1:65536")), List.of());
    assertEquals(map("0:100000:65536"), IdMapPlanner.plan(ALICE, request).uidMap());
  }

  @Test
  void plan_auto_rootlessUsesTheRangeInTheSubordinatePart() {
    IdMapRequest request =
        IdMapRequest.of(UsernsMode.parse("auto")).withAutoRange(SubIdRange.of(1025, 1024));
    IdMapPlan plan = IdMapPlanner.plan(ALICE, request);
    assertEquals(map("0:101024:1024"), plan.uidMap());
    assertEquals(map("0:101024:1024"), plan.gidMap());
    assertEquals(map("0:1025:1024"), plan.uidMapInDaemonNamespace());
  }

  @Test
  void plan_autoUidmapping_rootlessForcedIdsAreNamespaceIds() {
    IdMapRequest request =
        IdMapRequest.of(UsernsMode.parse("auto:uidmapping=0:0:1"))
            .withAutoRange(SubIdRange.of(1, 1024));
    assertEquals(map("0:1000:1", "1:100001:1023"), IdMapPlanner.plan(ALICE, request).uidMap());
  }

  @Test
  void plan_rootAuto_forcedMappingReplacesThoseContainerIds() {
    IdMapRequest request =
        IdMapRequest.of(UsernsMode.parse("auto:uidmapping=1000:500000:2"))
            .withAutoRange(SubIdRange.of(300000, 2048));
    IdMapPlan plan = IdMapPlanner.plan(ROOT, request);
    assertEquals(
        map("0:300000:1000", "1000:500000:2", "1002:301002:1046"), plan.uidMap());
    assertEquals(map("0:300000:2048"), plan.gidMap());
  }

  @Test
  void layerIdMap_translatesDefaultOwnersToTheContainersHostIds() {
    IdMap layers = map("0:200000:65536");
    IdMap auto = map("0:300000:1024");
    assertEquals(map("200000:300000:1024"), IdMapPlanner.layerIdMap(layers, auto));
    assertFalse(IdMapPlanner.isIdentity(IdMapPlanner.layerIdMap(layers, auto)));
    assertTrue(IdMapPlanner.isIdentity(IdMapPlanner.layerIdMap(layers, layers)));
    IdMap split = map("0:400000:10", "10:500000:90000");
    assertEquals(
        map("200000:400000:10", "200010:500000:65526"), IdMapPlanner.layerIdMap(layers, split));
  }

  @Test
  void plan_explicitUidmap_inDaemonNamespaceIds() {
    IdMapRequest request =
        IdMapRequest.of(new UsernsMode.Default())
            .withMaps(List.of(IdMapping.parse("0:1:100"), IdMapping.parse("100:0:1")), List.of());
    IdMapPlan plan = IdMapPlanner.plan(ALICE, request);
    assertEquals(map("0:100000:100", "100:1000:1"), plan.uidMap());
    assertEquals(plan.uidMap(), plan.gidMap()); // --uidmap alone applies to gids, as in Podman
  }

  @Test
  void plan_explicitUidmap_outsideOwnedRange_namesRange() {
    IdMapRequest request =
        IdMapRequest.of(new UsernsMode.Default())
            .withMaps(List.of(IdMapping.parse("0:65000:1000")), List.of());
    InvalidSecuritySettingException e =
        assertThrows(
            InvalidSecuritySettingException.class, () -> IdMapPlanner.plan(ALICE, request));
    assertTrue(e.getMessage().contains("0:65000:1000"), e.getMessage());
    assertTrue(e.getMessage().contains("0-65536"), e.getMessage());
    assertTrue(e.getMessage().contains("100000-165535"), e.getMessage());
  }

  @Test
  void plan_explicitMapsWithPrivate_asPodmanSendsThem() {
    IdMapRequest request =
        IdMapRequest.of(UsernsMode.parse("private"))
            .withMaps(List.of(IdMapping.parse("0:0:1"), IdMapping.parse("1:1:1000")), List.of());
    assertEquals(map("0:1000:1", "1:100000:1000"), IdMapPlanner.plan(ALICE, request).uidMap());
  }

  @Test
  void plan_explicitUidmapWithUserns_refused() {
    IdMapRequest request =
        IdMapRequest.of(UsernsMode.parse("keep-id"))
            .withMaps(List.of(IdMapping.parse("0:1:100")), List.of());
    InvalidSecuritySettingException e =
        assertThrows(
            InvalidSecuritySettingException.class, () -> IdMapPlanner.plan(ALICE, request));
    assertEquals("--userns and --uidmap/--gidmap are mutually exclusive", e.getMessage());
  }

  @Test
  void plan_explicitGidmap_separateFromUidmap() {
    IdMapRequest request =
        IdMapRequest.of(new UsernsMode.Default())
            .withMaps(
                List.of(IdMapping.parse("0:0:1")),
                List.of(IdMapping.parse("0:0:1"), IdMapping.parse("1:1:10")));
    IdMapPlan plan = IdMapPlanner.plan(ALICE, request);
    assertEquals(map("0:1000:1"), plan.uidMap());
    assertEquals(map("0:1000:1", "1:100000:10"), plan.gidMap());
  }

  @Test
  void plan_noSubIds_rootOnlyWorks() {
    IdMapPlan plan = IdMapPlanner.plan(NO_SUBIDS, IdMapRequest.of(new UsernsMode.Default()));
    assertEquals(map("0:1001:1"), plan.uidMap());
  }

  @Test
  void plan_noSubIds_user1000_failsWithUsermodFix() {
    InvalidSecuritySettingException e =
        assertThrows(
            InvalidSecuritySettingException.class,
            () ->
                IdMapPlanner.plan(
                    NO_SUBIDS, IdMapRequest.of(new UsernsMode.Default()).withUser(1000, 1000)));
    assertTrue(e.getMessage().contains("container uid 1000 is not mapped"), e.getMessage());
    assertTrue(
        e.getMessage()
            .contains("usermod --add-subuids 100000-165535 --add-subgids 100000-165535 bob"),
        e.getMessage());
  }

  @Test
  void plan_noSubIds_explicitMapFailsWithUsermodFix() {
    IdMapRequest request =
        IdMapRequest.of(new UsernsMode.Default())
            .withMaps(List.of(IdMapping.parse("0:0:2")), List.of());
    InvalidSecuritySettingException e =
        assertThrows(
            InvalidSecuritySettingException.class, () -> IdMapPlanner.plan(NO_SUBIDS, request));
    assertTrue(e.getMessage().contains("usermod --add-subuids"), e.getMessage());
  }

  @Test
  void plan_noSubIds_nomapFails() {
    assertThrows(
        InvalidSecuritySettingException.class,
        () -> IdMapPlanner.plan(NO_SUBIDS, IdMapRequest.of(new UsernsMode.NoMap())));
  }

  @Test
  void plan_userOutsideMap_fails() {
    InvalidSecuritySettingException e =
        assertThrows(
            InvalidSecuritySettingException.class,
            () ->
                IdMapPlanner.plan(
                    ALICE, IdMapRequest.of(new UsernsMode.Default()).withUser(70000, 0)));
    assertTrue(e.getMessage().contains("uid 70000"), e.getMessage());
  }

  @Test
  void plan_auto_usesAllocatedRange() {
    SubIdRange range = IdRangeAllocator.allocate(IdMapPlanner.autoPool(ROOT), List.of(), 1024);
    assertEquals(SubIdRange.of(100000, 1024), range);
    IdMapRequest request = IdMapRequest.of(UsernsMode.parse("auto")).withAutoRange(range);
    assertTrue(request.needsAutoRange(false));
    IdMapPlan plan = IdMapPlanner.plan(ROOT, request);
    assertEquals(map("0:100000:1024"), plan.uidMap());
    assertEquals(map("0:100000:1024"), plan.gidMap());
  }

  @Test
  void plan_hostRootless_sharesDaemonNamespace() {
    IdMapPlan plan = IdMapPlanner.plan(ALICE, IdMapRequest.of(new UsernsMode.Host()));
    assertTrue(plan.newUserNamespace()); // no namespace holder to join: a new one with its map
    assertEquals(map("0:1000:1", "1:100000:65536"), plan.uidMap());
  }

  @Test
  void plan_root_hostHasNoUserNamespace_defaultIsAuto() {
    assertFalse(IdMapPlanner.plan(ROOT, IdMapRequest.of(new UsernsMode.Host())).newUserNamespace());
    IdMapRequest request = IdMapRequest.of(new UsernsMode.Default());
    assertTrue(request.needsAutoRange(false));
    IdMapPlan plan = IdMapPlanner.plan(ROOT, request.withAutoRange(SubIdRange.of(100000, 65536)));
    assertEquals(map("0:100000:65536"), plan.uidMap());
    assertEquals(plan.uidMap(), plan.uidMapInDaemonNamespace());
  }

  @Test
  void plan_root_keepIdRefused() {
    InvalidSecuritySettingException e =
        assertThrows(
            InvalidSecuritySettingException.class,
            () -> IdMapPlanner.plan(ROOT, IdMapRequest.of(UsernsMode.parse("keep-id"))));
    assertEquals("--userns=keep-id is only supported in rootless mode", e.getMessage());
  }

  @Test
  void plan_nsPath_joins() {
    IdMapPlan plan =
        IdMapPlanner.plan(ALICE, IdMapRequest.of(UsernsMode.parse("ns:/proc/1/ns/user")));
    assertEquals("/proc/1/ns/user", plan.joinPath().orElseThrow());
    assertTrue(plan.uidMap().isEmpty());
  }
}
