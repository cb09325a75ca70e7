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
