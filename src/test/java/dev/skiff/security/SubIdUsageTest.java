package dev.skiff.security;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Plain JUnit: the numbers behind skiff_subid_allocated_ids and skiff_subid_free_ids. */
class SubIdUsageTest {

  @Test
  void rootless_theWholeSubordinateRangeIsTheDefaultMap() {
    assertEquals(new SubIdUsage(65546, 0),
        SubIdUsage.rootless(List.of(SubIdRange.of(100000, 65536), SubIdRange.of(300000, 10))));
    assertEquals(new SubIdUsage(0, 0), SubIdUsage.rootless(List.of()));
  }

  @Test
  void root_allocatedIsTheDaemonsHoldingsFreeExcludesUsersRangesAndRealIds() {
    List<SubIdRange> pool = List.of(SubIdRange.of(1000, 1000));
    SubIdFile users = SubIdFile.parse("alice:1000:100\nbob:1050:100\n", "subuid");
    SubIdUsage u = SubIdUsage.root(pool, List.of(SubIdRange.of(1500, 200)), users, List.of(1800L, 5L, 1801L));
    assertEquals(200, u.allocated());
    // 1000 - 150 (alice and bob, overlapping) - 200 (allocated) - 2 (real IDs in the pool)
    assertEquals(648, u.free());
  }

  @Test
  void root_onlyThePoolPartOfAnAllocationCounts() {
    List<SubIdRange> pool = List.of(SubIdRange.of(1000, 1000));
    SubIdUsage u = SubIdUsage.root(pool, List.of(SubIdRange.of(900, 200)), SubIdFile.parse("", "f"), List.of());
    assertEquals(new SubIdUsage(100, 900), u);
  }
}
