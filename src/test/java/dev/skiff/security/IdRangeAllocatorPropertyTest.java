package dev.skiff.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Random allocate/free sequences never overlap, never leave the pool and never leak IDs. */
class IdRangeAllocatorPropertyTest {

  record Op(boolean allocate, long size, int victim) {}

  @Provide
  Arbitrary<List<SubIdRange>> pools() {
    Arbitrary<SubIdRange> range =
        Combinators.combine(
                Arbitraries.longs().between(0, 100_000), Arbitraries.longs().between(1, 5_000))
            .as(SubIdRange::of);
    return range.list().ofMinSize(1).ofMaxSize(4);
  }

  @Provide
  Arbitrary<List<Op>> ops() {
    return Combinators.combine(
            Arbitraries.of(true, true, false),
            Arbitraries.longs().between(1, 3_000),
            Arbitraries.integers().between(0, 50))
        .as(Op::new)
        .list()
        .ofMaxSize(60);
  }

  @Property(tries = 300)
  void allocateFree_neverOverlapsLeavesPoolOrLeaks(
      @ForAll("pools") List<SubIdRange> pool, @ForAll("ops") List<Op> ops) {
    List<SubIdRange> allocated = new ArrayList<>();
    long poolSize = IdRangeAllocator.size(pool);
    for (Op op : ops) {
      apply(pool, allocated, op);
      checkInvariants(pool, allocated, poolSize);
    }
  }

  @Property(tries = 200)
  void freeingEverything_givesTheSameFirstRangeBack(
      @ForAll("pools") List<SubIdRange> pool, @ForAll("ops") List<Op> ops) {
    List<SubIdRange> allocated = new ArrayList<>();
    for (Op op : ops) {
      apply(pool, allocated, op);
    }
    long size = Math.min(1_000, IdRangeAllocator.merge(pool).get(0).count());
    SubIdRange fresh = IdRangeAllocator.allocate(pool, List.of(), size);
    allocated.clear(); // every container removed
    assertEquals(fresh, IdRangeAllocator.allocate(pool, allocated, size), "freed IDs are reused");
  }

  /**
   * Containers' auto maps (forced mappings plus the allocated range) built from random allocate and
   * free sequences never share a host ID with another live allocation except through the forced
   * mappings themselves, and cover exactly container IDs 0..size-1.
   */
  @Property(tries = 200)
  void autoMaps_ofLiveAllocations_neverShareHostIds(
      @ForAll("ops") List<Op> ops, @ForAll("forced") List<IdMapping> forced) {
    List<SubIdRange> pool = List.of(SubIdRange.of(300_000, 20_000));
    DaemonIds root = DaemonIds.root(List.of(IdRangeAllocator.DEFAULT_USER_POOL), List.of(IdRangeAllocator.DEFAULT_USER_POOL));
    List<SubIdRange> allocated = new ArrayList<>();
    List<IdMap> maps = new ArrayList<>();
    for (Op op : ops) {
      int before = allocated.size();
      List<SubIdRange> taken = new ArrayList<>(allocated);
      forced.forEach(f -> taken.add(f.hostRange()));
      if (op.allocate()) {
        try {
          SubIdRange r = IdRangeAllocator.allocate(pool, taken, op.size());
          allocated.add(r);
          UsernsMode mode = new UsernsMode.Auto(java.util.OptionalLong.of(op.size()), forced, List.of());
          IdMap map = IdMapPlanner.plan(root, IdMapRequest.of(mode).withAutoRange(r)).uidMap();
          for (long k : new long[] {0, op.size() / 2, op.size() - 1}) {
            assertTrue(map.toHost(k).isPresent(), "container ID " + k + " unmapped in " + map);
          }
          for (IdMapping m : map.mappings()) {
            assertTrue(forced.contains(m) || r.contains(m.hostRange()), m + " outside " + r);
          }
          maps.add(map);
        } catch (IdRangesExhaustedException e) {
          // checked by the other property
        }
      } else if (before > 0) {
        int i = op.victim() % before;
        allocated.remove(i);
        maps.remove(i);
      }
      for (int i = 0; i < maps.size(); i++) {
        for (int j = i + 1; j < maps.size(); j++) {
          for (IdMapping a : maps.get(i).mappings()) {
            for (IdMapping b : maps.get(j).mappings()) {
              boolean shared = forced.contains(a) && forced.contains(b);
              assertTrue(shared || !a.hostRange().overlaps(b.hostRange()), a + " overlaps " + b);
            }
          }
        }
      }
    }
  }

  @Provide
  Arbitrary<List<IdMapping>> forced() {
    Arbitrary<IdMapping> one =
        Combinators.combine(
                Arbitraries.longs().between(0, 2_000),
                Arbitraries.longs().between(600_000, 700_000),
                Arbitraries.longs().between(1, 50))
            .as(IdMapping::of);
    return one.list().ofMaxSize(1);
  }

  private static void apply(List<SubIdRange> pool, List<SubIdRange> allocated, Op op) {
    if (op.allocate()) {
      try {
        allocated.add(IdRangeAllocator.allocate(pool, allocated, op.size()));
      } catch (IdRangesExhaustedException e) {
        long largest =
            IdRangeAllocator.freeRanges(pool, allocated).stream()
                .mapToLong(SubIdRange::count)
                .max()
                .orElse(0);
        assertTrue(largest < op.size(), "refused although a free range was large enough");
      }
    } else if (!allocated.isEmpty()) {
      SubIdRange victim = allocated.get(op.victim() % allocated.size());
      List<SubIdRange> rest = IdRangeAllocator.free(allocated, victim);
      allocated.clear();
      allocated.addAll(rest);
    }
  }

  private static void checkInvariants(
      List<SubIdRange> pool, List<SubIdRange> allocated, long poolSize) {
    for (int i = 0; i < allocated.size(); i++) {
      SubIdRange a = allocated.get(i);
      assertTrue(
          IdRangeAllocator.merge(pool).stream().anyMatch(p -> p.contains(a)), "outside pool");
      for (int j = i + 1; j < allocated.size(); j++) {
        assertTrue(!a.overlaps(allocated.get(j)), "overlap " + a + " " + allocated.get(j));
      }
    }
    long used = allocated.stream().mapToLong(SubIdRange::count).sum();
    long free =
        IdRangeAllocator.freeRanges(pool, allocated).stream().mapToLong(SubIdRange::count).sum();
    assertEquals(poolSize, used + free, "leak");
  }
}
