package dev.skiff.engine.container;

import dev.skiff.runtime.ProcessTable;
import java.util.List;
import java.util.OptionalLong;

/**
 * Resource figures of one container at one moment, in podman's {@code ContainerStats} terms. When
 * the container has cgroups (a root skiffd, see {@link dev.skiff.runtime.Cgroups}) CPU, memory
 * (usage and limit) and the number of tasks come from them ({@link CgroupFigures}); otherwise
 * from /proc:
 * CPU is the processes' user+system time plus that of the children they reaped, memory the sum of
 * their resident sets (shared pages counted once per process), block I/O their read/write bytes,
 * network the container's own network namespace (0 with {@code --network host/none} loopback only).
 */
public record ContainerStats(
    String id,
    String name,
    long cpuNano,
    long cpuSystemNano,
    long systemNano,
    double cpuPercent,
    double avgCpuPercent,
    long memUsage,
    long memLimit,
    long netInput,
    long netOutput,
    long blockInput,
    long blockOutput,
    long pids,
    long startedNano) {

  public static final long NANOS_PER_TICK = 1_000_000_000L / ProcessTable.CLOCK_TICKS;

  public double memPercent() {
    return memLimit <= 0 ? 0 : 100.0 * memUsage / memLimit;
  }

  /** A previous sample (cpu ns at wall-clock ns) for the CPU percentage of the next one. */
  public record Sample(long cpuNano, long systemNano) {}

  public Sample sample() {
    return new Sample(cpuNano, systemNano);
  }

  /**
   * What the container's cgroups say (each empty when it has no such cgroup): CPU ns (cpuacct),
   * memory in use and its limit (memory; no limit: empty), tasks (pids.current).
   */
  public record CgroupFigures(OptionalLong cpuNano, OptionalLong memUsage, OptionalLong memLimit, OptionalLong pids) {
    public static final CgroupFigures NONE = new CgroupFigures(OptionalLong.empty(), OptionalLong.empty(),
        OptionalLong.empty(), OptionalLong.empty());
  }

  /** Sums the processes' figures, or takes the cgroups'; {@code previous} null means "since the container started". */
  static ContainerStats of(ContainerRecord c, List<ProcessTable.Proc> procs, Sample previous, long nowNano, long memLimit,
      long pageSize, long[] net, CgroupFigures cg) {
    long ticks = 0;
    long sysTicks = 0;
    long rss = 0;
    long read = 0;
    long write = 0;
    long tasks = 0;
    for (ProcessTable.Proc p : procs) {
      ticks += p.cpuTicks() + p.childCpuTicks();
      sysTicks += p.stimeTicks();
      rss += p.rssPages() * pageSize;
      read += p.readBytes();
      write += p.writeBytes();
      tasks += Long.parseLong(p.status().getOrDefault("Threads", "1"));
    }
    long cpuNano = cg.cpuNano().orElse(ticks * NANOS_PER_TICK);
    rss = cg.memUsage().orElse(rss);
    memLimit = cg.memLimit().isPresent() ? Math.min(cg.memLimit().getAsLong(), memLimit) : memLimit;
    tasks = cg.pids().orElse(tasks);
    long started = c.startedAt().getEpochSecond() * 1_000_000_000L + c.startedAt().getNano();
    Sample prev = previous == null ? new Sample(0, started) : previous;
    return new ContainerStats(c.id(), c.name(), cpuNano, sysTicks * NANOS_PER_TICK, nowNano,
        percent(cpuNano - prev.cpuNano(), nowNano - prev.systemNano()), percent(cpuNano, nowNano - started),
        rss, memLimit, net[0], net[1], read, write, tasks, started);
  }

  private static double percent(long cpuDelta, long wallDelta) {
    return cpuDelta > 0 && wallDelta > 0 ? 100.0 * cpuDelta / wallDelta : 0.0;
  }
}
