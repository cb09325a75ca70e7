package dev.skiff.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;

/**
 * For any rootless user and subordinate ranges, every planned map only uses IDs the daemon owns,
 * and the in-namespace and host views describe the same container IDs.
 */
class IdMapPlannerPropertyTest {

  @Provide
  Arbitrary<DaemonIds> daemons() {
    Arbitrary<List<SubIdRange>> ranges =
        Arbitraries.longs()
            .between(1, 4)
            .flatMap(
                n ->
                    Combinators.combine(
                            Arbitraries.longs().between(0, 1_000),
                            Arbitraries.longs().between(1, 70_000))
                        .as((gap, count) -> new long[] {gap, count})
                        .list()
                        .ofSize(n.intValue())
                        .map(IdMapPlannerPropertyTest::layOut));
    return Combinators.combine(Arbitraries.longs().between(1, 60_000), ranges, ranges)
        .as((uid, subUids, subGids) -> DaemonIds.rootless("u", uid, uid, subUids, subGids));
  }

  /** Lays ranges out above 100000 with gaps, so they never overlap each other or the uid. */
  private static List<SubIdRange> layOut(List<long[]> gapsAndCounts) {
    long next = 100_000;
    List<SubIdRange> result = new java.util.ArrayList<>();
    for (long[] gc : gapsAndCounts) {
      next += gc[0];
      result.add(SubIdRange.of(next, gc[1]));
      next += gc[1];
    }
    return result;
  }

  @Provide
  Arbitrary<UsernsMode> modes() {
    return Arbitraries.of(
        UsernsMode.parse(""),
        UsernsMode.parse("private"),
        UsernsMode.parse("host"),
        UsernsMode.parse("nomap"),
        UsernsMode.parse("keep-id"),
        UsernsMode.parse("keep-id:uid=0,gid=0"),
        UsernsMode.parse("keep-id:uid=70000,gid=5"));
  }

  @Property(tries = 300)
  @StatisticsReport(onFailureOnly = true)
  void plan_usesOnlyOwnedIds(
      @ForAll("daemons") DaemonIds ids,
      @ForAll("modes") UsernsMode mode,
      @ForAll @LongRange(min = 0, max = 2) long user) {
    IdMapRequest request = IdMapRequest.of(mode).withUser(user, user);
    // fails the property if it passes vacuously because most plans were refused
    Statistics.coverage(c -> c.check("planned").percentage(p -> p > 60));
    IdMapPlan plan;
    try {
      plan = IdMapPlanner.plan(ids, request);
    } catch (InvalidSecuritySettingException e) {
      Statistics.collect("refused");
      return; // e.g. a keep-id uid the ranges cannot reach: refusing is allowed
    }
    Statistics.collect("planned");
    check(plan.uidMap(), plan.uidMapInDaemonNamespace(), ids.uid(), ids.subUids());
    check(plan.gidMap(), plan.gidMapInDaemonNamespace(), ids.gid(), ids.subGids());
    assertTrue(plan.uidMap().toHost(user).isPresent());
  }

  private static void check(IdMap host, IdMap inNamespace, long own, List<SubIdRange> sub) {
    assertEquals(inNamespace.size(), host.size());
    for (SubIdRange r : host.hostRanges()) {
      boolean owned =
          (r.start() == own && r.count() == 1) || sub.stream().anyMatch(s -> s.contains(r));
      assertTrue(owned, "host range " + r + " is not owned");
    }
  }
}
