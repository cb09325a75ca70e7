package dev.skiff.engine.container;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.skiff.engine.ContainerState;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** Stats take the container's cgroup figures when it has cgroups, else the /proc sums. */
class ContainerStatsTest {

  private static final long GIB = 1L << 30;

  private static ContainerRecord running() {
    var spec = new ContainerSpec(
        new ContainerSpec.Basic("c", "img", List.of("true"), null, null, "", "", false, false, null, null, "", 0, -1,
            false, "", 0, ""),
        new ContainerSpec.Storage(null, null, false),
        new ContainerSpec.Security(null, null, false, false, "", "", "", null, null, null, "", "", null, null),
        new ContainerSpec.Resources(null, 0, 0, 0, 0, 0), new ContainerSpec.Network("none"));
    return new ContainerRecord("a".repeat(64), "c", spec, "imgid", "img", Instant.ofEpochSecond(1),
        ContainerState.RUNNING, 10, 0, Instant.ofEpochSecond(100), null, "", JsonNodeFactory.instance.objectNode(),
        List.of(), 0, false, false);
  }

  @Test
  void cgroupFigures_replaceTheProcSums_andTheLimitIsTheCgroups() {
    var cg = new ContainerStats.CgroupFigures(OptionalLong.of(2_000_000_000L), OptionalLong.of(5_000_000),
        OptionalLong.of(32L << 20), OptionalLong.of(3));
    ContainerStats s = ContainerStats.of(running(), List.of(), null, 104_000_000_000L, 4 * GIB, 4096, new long[2], cg);
    assertEquals(2_000_000_000L, s.cpuNano());
    assertEquals(5_000_000, s.memUsage());
    assertEquals(32L << 20, s.memLimit());
    assertEquals(3, s.pids());
    assertEquals(50.0, s.avgCpuPercent(), 1e-9, "2s of CPU in 4s");
  }

  @Test
  void withoutCgroups_theHostsMemoryIsTheLimit() {
    ContainerStats s = ContainerStats.of(running(), List.of(), null, 104_000_000_000L, 4 * GIB, 4096, new long[2],
        ContainerStats.CgroupFigures.NONE);
    assertEquals(4 * GIB, s.memLimit());
    assertEquals(0, s.memUsage());
    assertEquals(0, s.pids());
  }
}
