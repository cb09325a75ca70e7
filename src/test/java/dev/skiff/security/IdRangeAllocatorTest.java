package dev.skiff.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class IdRangeAllocatorTest {

  private static final List<SubIdRange> POOL = List.of(SubIdRange.of(100000, 4096));

  @Test
  void allocate_firstFit() {
    assertEquals(SubIdRange.of(100000, 1024), IdRangeAllocator.allocate(POOL, List.of(), 1024));
    assertEquals(
        SubIdRange.of(101024, 1024),
        IdRangeAllocator.allocate(POOL, List.of(SubIdRange.of(100000, 1024)), 1024));
  }

  @Test
  void allocate_reusesFreedHole() {
    List<SubIdRange> allocated = List.of(SubIdRange.of(100000, 1024), SubIdRange.of(101024, 1024));
    List<SubIdRange> afterFree = IdRangeAllocator.free(allocated, SubIdRange.of(100000, 1024));
    assertEquals(SubIdRange.of(100000, 1024), IdRangeAllocator.allocate(POOL, afterFree, 1024));
  }

  @Test
  void allocate_exhausted_namesPoolAndRequest() {
    IdRangesExhaustedException e =
        assertThrows(
            IdRangesExhaustedException.class,
            () -> IdRangeAllocator.allocate(POOL, List.of(SubIdRange.of(101000, 10)), 4000));
    assertTrue(e.getMessage().contains("cannot allocate 4000 IDs"), e.getMessage());
    assertTrue(e.getMessage().contains("100000-104095"), e.getMessage());
  }

  @Test
  void defaultAutoSize_minimum1024() {
    assertEquals(1024, IdRangeAllocator.defaultAutoSize(0));
    assertEquals(65536, IdRangeAllocator.defaultAutoSize(65535));
  }

  @Test
  void sizeFor_explicitSizeWins() {
    assertEquals(2000, IdRangeAllocator.sizeFor(UsernsMode.parse("auto:size=2000"), 70000));
    assertEquals(1024, IdRangeAllocator.sizeFor(UsernsMode.parse("auto"), 0));
  }

  @Test
  void defaultAutoSize_aboveMaximum_namesTheFix() {
    InvalidSecuritySettingException e =
        assertThrows(
            InvalidSecuritySettingException.class, () -> IdRangeAllocator.defaultAutoSize(70000));
    assertTrue(e.getMessage().contains("--userns=auto:size=70001"), e.getMessage());
  }

  @Test
  void allocateUserRange_avoidsSubUidEntriesAndRealUids() {
    SubIdFile existing = SubIdFile.parse("alice:100000:65536\n", "/etc/subuid");
    SubIdRange range =
        IdRangeAllocator.allocateUserRange(
            List.of(IdRangeAllocator.DEFAULT_USER_POOL), existing, List.of(165536L + 10), 65536);
    assertEquals(SubIdRange.of(165547, 65536), range);
  }

  @Test
  void merge_adjacentAndOverlapping() {
    assertEquals(
        List.of(SubIdRange.of(0, 30)),
        IdRangeAllocator.merge(
            List.of(SubIdRange.of(10, 10), SubIdRange.of(0, 10), SubIdRange.of(15, 15))));
  }

  @Test
  void intersect_keepsIdsInBoth() {
    assertEquals(
        List.of(SubIdRange.of(150, 50), SubIdRange.of(290, 20)),
        IdRangeAllocator.intersect(
            List.of(SubIdRange.of(100, 100), SubIdRange.of(290, 20)),
            List.of(SubIdRange.of(150, 200), SubIdRange.of(400, 5))));
  }

  @Test
  void autoPool_prefersTheContainersEntries_elseThePoolWithoutTakenIds() {
    List<SubIdRange> containers = List.of(SubIdRange.of(300_000, 3_000));
    assertEquals(
        List.of(SubIdRange.of(300_000, 2_000)),
        IdRangeAllocator.autoPool(
            containers, List.of(SubIdRange.of(299_000, 3_000)), List.of(), List.of()));
    assertEquals(
        List.of(SubIdRange.of(100, 50), SubIdRange.of(160, 40)),
        IdRangeAllocator.autoPool(
            List.of(), containers, List.of(SubIdRange.of(100, 100)), List.of(SubIdRange.of(150, 10))));
  }

  @Test
  void allocate_afterFree_reusesTheLowestRange() {
    List<SubIdRange> pool = List.of(SubIdRange.of(300_000, 3_000));
    SubIdRange a = IdRangeAllocator.allocate(pool, List.of(), 1024);
    SubIdRange b = IdRangeAllocator.allocate(pool, List.of(a), 1024);
    assertEquals(SubIdRange.of(301_024, 1024), b);
    IdRangesExhaustedException e =
        assertThrows(
            IdRangesExhaustedException.class,
            () -> IdRangeAllocator.allocate(pool, List.of(a, b), 1024));
    assertTrue(e.getMessage().contains("largest free range has 952 IDs"), e.getMessage());
    assertEquals(a, IdRangeAllocator.allocate(pool, IdRangeAllocator.free(List.of(a, b), a), 1024));
  }
}
