package dev.skiff.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Plain JUnit: choosing a user's subuid/subgid ranges is a pure function of the files. */
class SubIdGrantTest {

  private static final List<SubIdRange> POOL = List.of(IdRangeAllocator.DEFAULT_USER_POOL);

  private static SubIdFile file(String content) {
    return SubIdFile.parse(content, "f");
  }

  @Test
  void plan_sameStartInBothFilesAfterEveryEntry() {
    SubIdGrant g = SubIdGrant.plan("bob", POOL, file("alice:100000:65536\n"), file("alice:100000:70000\n"),
        List.of(), List.of(), 65536);
    assertEquals(SubIdRange.of(170000, 65536), g.subuid());
    assertEquals(g.subuid(), g.subgid());
    assertEquals("bob:170000:65536", g.subuidLine());
    assertEquals("bob:170000:65536", g.subgidLine());
  }

  @Test
  void plan_skipsRealUsersIdsAndTheDaemonsReservedRanges() {
    SubIdGrant g = SubIdGrant.plan("bob", POOL, file(""), file(""),
        List.of(100005L, 0L, 65534L), List.of(SubIdRange.of(100006, 100)), 10);
    assertEquals(SubIdRange.of(100106, 10), g.subuid());
    assertEquals(g.subuid(), g.subgid());
  }

  @Test
  void plan_differentStartsWhenNoRangeIsFreeInBoth() {
    List<SubIdRange> pool = List.of(SubIdRange.of(1000, 20));
    SubIdGrant g = SubIdGrant.plan("bob", pool, file("a:1000:10\n"), file("b:1010:10\n"), List.of(), List.of(), 10);
    assertEquals(SubIdRange.of(1010, 10), g.subuid());
    assertEquals(SubIdRange.of(1000, 10), g.subgid());
  }

  @Test
  void plan_refusesBadSizesAndAFullPool() {
    var zero = assertThrows(InvalidSecuritySettingException.class,
        () -> SubIdGrant.plan("bob", POOL, file(""), file(""), List.of(), List.of(), 0));
    assertTrue(zero.getMessage().contains("invalid range size 0"), zero.getMessage());
    assertThrows(InvalidSecuritySettingException.class,
        () -> SubIdGrant.plan("bob", POOL, file(""), file(""), List.of(), List.of(), SubIdRange.ID_LIMIT));
    List<SubIdRange> pool = List.of(SubIdRange.of(1000, 20));
    var full = assertThrows(IdRangesExhaustedException.class,
        () -> SubIdGrant.plan("bob", pool, file("a:1000:15\n"), file(""), List.of(), List.of(), 10));
    assertTrue(full.getMessage().contains("largest free range has 5 IDs"), full.getMessage());
  }

  @Test
  void plan_neverOverlapsAnyEntryRealIdOrReservedRange() {
    SubIdFile uids = file("a:100000:65536\nb:165536:7\n#x\nc:400000:10\n");
    SubIdFile gids = file("a:100000:65536\n");
    List<Long> real = List.of(165600L, 1000L);
    List<SubIdRange> reserved = List.of(SubIdRange.of(170000, 1000));
    for (long size : new long[] {1, 7, 100, 65536, 300000}) {
      SubIdGrant g = SubIdGrant.plan("bob", POOL, uids, gids, real, reserved, size);
      for (SubIdRange r : List.of(g.subuid(), g.subgid())) {
        assertEquals(size, r.count());
        assertTrue(uids.collisionsWith(g.subuid()).isEmpty() && gids.collisionsWith(g.subgid()).isEmpty());
        assertTrue(real.stream().noneMatch(r::contains), r.toString());
        assertTrue(reserved.stream().noneMatch(r::overlaps), r.toString());
      }
    }
  }
}
