package dev.skiff.engine.container;

import dev.skiff.engine.ContainerStateException;
import dev.skiff.runtime.ProcessTable;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** What runs in a container: {@code top} and {@code stats} from /proc (see {@link ProcessTable}). */
@ApplicationScoped
public class ContainerProcesses {

  private final ContainerService containers;
  private final ProcessTable table = new ProcessTable();

  public ContainerProcesses(ContainerService containers) {
    this.containers = containers;
  }

  /** The processes of a running container, formatted by {@code ps_args} descriptors. */
  public ContainerTop.Result top(String nameOrId, List<String> psArgs) {
    List<String> descriptors = ContainerTop.descriptors(psArgs);
    ContainerRecord c = running(nameOrId, "top");
    List<ProcessTable.Proc> procs = processes(c);
    var ctx = new ContainerTop.Context(System.currentTimeMillis(), table.bootTimeSeconds(),
        ContainerTop.idView(table, c.pid()));
    return ContainerTop.format(descriptors, procs, ctx);
  }

  /**
   * Stats of the named containers (all running ones when {@code namesOrIds} is empty; then a
   * container that stops meanwhile is left out). {@code previous} holds each container's last
   * sample for the CPU percentage and is updated.
   */
  public List<ContainerStats> stats(List<String> namesOrIds, java.util.Map<String, ContainerStats.Sample> previous) {
    List<ContainerRecord> targets = namesOrIds.isEmpty()
        ? containers.list(ContainerRecord::isRunning)
        : namesOrIds.stream().map(n -> running(n, "stats")).toList();
    long memLimit = table.memTotalBytes();
    List<ContainerStats> out = new java.util.ArrayList<>();
    for (ContainerRecord c : targets) {
      List<ProcessTable.Proc> procs;
      try {
        procs = namesOrIds.isEmpty() ? table.inPidNamespaceOf(c.pid()) : processes(c);
      } catch (IllegalStateException gone) {
        continue;
      }
      java.time.Instant t = java.time.Instant.now();
      long now = t.getEpochSecond() * 1_000_000_000L + t.getNano();
      dev.skiff.runtime.Cgroups cg = containers.cgroups();
      var figures = new ContainerStats.CgroupFigures(cg.cpuNanos(c.id()), cg.memoryUsage(c.id()), cg.memoryLimit(c.id()),
          cg.pidsCurrent(c.id()));
      ContainerStats s = ContainerStats.of(c, procs, previous.get(c.id()), now, memLimit, PAGE_SIZE,
          table.netBytes(c.pid()), figures);
      previous.put(c.id(), s.sample());
      out.add(s);
    }
    return out;
  }

  private static final long PAGE_SIZE = 4096;

  /** Host CPU time in ns over all CPUs (Docker's system_cpu_usage). */
  public long systemCpuNano() {
    return table.systemCpuTicks() * ContainerStats.NANOS_PER_TICK;
  }

  ContainerRecord running(String nameOrId, String what) {
    ContainerRecord c = containers.inspect(nameOrId);
    if (!c.isRunning() || c.pid() <= 0) {
      throw new ContainerStateException(what + " can only be used on running containers: " + c.id()
          + " is " + c.state().name().toLowerCase(java.util.Locale.ROOT) + ": container state improper");
    }
    return c;
  }

  List<ProcessTable.Proc> processes(ContainerRecord c) {
    try {
      List<ProcessTable.Proc> procs = table.inPidNamespaceOf(c.pid());
      if (!procs.isEmpty()) {
        return procs;
      }
    } catch (IllegalStateException gone) {
      // exited between the state check and the read
    }
    throw new ContainerStateException("container " + c.id() + " has no running processes (it exited): container state improper");
  }
}
