package dev.skiff.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/** Plain JUnit and jqwik: the shift is pure arithmetic on ID maps. */
class LayerShiftTest {

  private static final DaemonIds ALICE = DaemonIds.rootless("alice", 1000, 1000,
      List.of(SubIdRange.of(100000, 65536)), List.of(SubIdRange.of(100000, 65536)));
  private static final IdMap DEFAULT = IdMap.parse(List.of("0:1000:1", "1:100000:65536"));

  private static IdMap map(String... m) {
    return IdMap.parse(List.of(m));
  }

  private static LayerShift shiftFor(String userns) {
    IdMapRequest req = IdMapRequest.of(UsernsMode.parse(userns));
    if (userns.startsWith("auto")) {
      req = req.withAutoRange(SubIdRange.of(2049, 1024));
    }
    IdMapPlan plan = IdMapPlanner.plan(ALICE, req);
    return LayerShift.of(DEFAULT, DEFAULT, plan.uidMap(), plan.gidMap());
  }

  @Test
  void of_defaultMap_isIdentity() {
    assertTrue(shiftFor("").isIdentity());
    assertTrue(shiftFor("host").isIdentity());
  }

  @Test
  void of_nomap_movesEveryOwnerUpByOne() {
    LayerShift s = shiftFor("nomap");
    assertFalse(s.isIdentity());
    assertEquals(map("0:1:65536"), s.uids());
    assertEquals(map("0:1:65536"), s.gids());
  }

  @Test
  void of_keepId_rootGoesToTheFirstSubordinateId_andTheKeptUidToTheUser() {
    LayerShift s = shiftFor("keep-id");
    assertEquals(map("0:1:1000", "1000:0:1", "1001:1001:64536"), s.uids());
    assertEquals(Optional.of(1L), s.uids().toHost(0));
    assertEquals(Optional.of(0L), s.uids().toHost(1000));
  }

  @Test
  void of_auto_shiftsIntoTheRange_andLeavesOwnersBeyondItsSizeOut() {
    LayerShift s = shiftFor("auto");
    assertEquals(map("0:2049:1024"), s.uids());
    assertEquals(Optional.empty(), s.uids().toHost(1024));
  }

  @Test
  void key_sameShiftSameKey_otherShiftOtherKey() {
    assertEquals(shiftFor("nomap").key(), shiftFor("nomap").key());
    assertNotEquals(shiftFor("nomap").key(), shiftFor("keep-id").key());
    assertEquals(24, shiftFor("nomap").key().length());
  }

  @Test
  void of_severalSubordinateRanges_splitsAtTheirBoundaries() {
    IdMap defaults = map("0:1000:1", "1:100000:10", "11:200000:10");
    // container 0..19 on namespace IDs 1..20, which straddle the two host ranges
    IdMap container = map("0:100000:10", "10:200000:10");
    LayerShift s = LayerShift.of(defaults, defaults, container, container);
    assertEquals(map("0:1:20"), s.uids());
  }

  /**
   * For any auto range inside the subordinate part, every on-disk owner k below the size moves to
   * the namespace ID that the container's map gives k, and no shifted ID is the user's own (0).
   */
  @Property(tries = 300)
  void auto_everyOwnerLandsOnTheContainersHostId(@ForAll @LongRange(min = 1, max = 60000) long start,
      @ForAll @LongRange(min = 1, max = 5000) long size, @ForAll @LongRange(min = 0, max = 70000) long owner) {
    long count = Math.min(size, 65537 - start);
    IdMapPlan plan = IdMapPlanner.plan(ALICE,
        IdMapRequest.of(UsernsMode.parse("auto")).withAutoRange(SubIdRange.of(start, count)));
    LayerShift s = LayerShift.of(DEFAULT, DEFAULT, plan.uidMap(), plan.gidMap());
    Optional<Long> to = s.uids().toHost(owner);
    if (owner < count) {
      long host = plan.uidMap().toHost(owner).orElseThrow();
      assertEquals(Optional.of(host), to.flatMap(ns -> DEFAULT.toHost(ns)));
      assertNotEquals(0L, to.get());
    } else {
      assertEquals(Optional.empty(), to);
    }
  }
}
