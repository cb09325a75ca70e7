package dev.skiff.engine.container;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skiff.engine.InvalidArgumentException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Pure logic: a request's cgroup limits ({@link ContainerSpec.Resources}) checked as Docker and
 * Podman check them, turned into the OCI {@code linux.resources} object, and listed as the
 * controller files they need (so that a host lacking one refuses the request by name instead of
 * ignoring it).
 */
public final class CgroupResources {

  /** Docker's and Podman's lower bound for a memory limit. */
  public static final long MIN_MEMORY = 6L * 1024 * 1024;
  private static final Pattern CPU_LIST = Pattern.compile("\\d+(-\\d+)?(,\\d+(-\\d+)?)*");

  private CgroupResources() {}

  /**
   * One thing a request needs from the host's cgroups.
   *
   * @param setting the option as the client names it ("--memory")
   * @param controller the controller ("memory")
   * @param v1Files the v1 files of which one must exist at the hierarchy's root (empty: the
   *     hierarchy is enough)
   */
  public record Need(String setting, String controller, List<String> v1Files) {}

  /** The values Docker and Podman refuse, each a 400 naming the option. */
  public static void validate(ContainerSpec.Resources r) {
    if (r.memoryLimit() < 0) {
      throw new InvalidArgumentException("invalid memory limit " + r.memoryLimit() + ": must not be negative");
    }
    if (r.memoryLimit() > 0 && r.memoryLimit() < MIN_MEMORY) {
      throw new InvalidArgumentException("minimum memory limit allowed is 6MB (asked for " + r.memoryLimit() + " bytes)");
    }
    if (r.memorySwap() > 0 && r.memoryLimit() == 0) {
      throw new InvalidArgumentException("you should always set the memory limit when using the memory-swap limit");
    }
    if (r.memorySwap() > 0 && r.memorySwap() < r.memoryLimit()) {
      throw new InvalidArgumentException("minimum memory-swap limit should be larger than memory limit: memory-swap "
          + r.memorySwap() + " < memory " + r.memoryLimit());
    }
    if (r.memorySwap() < -1) {
      throw new InvalidArgumentException("invalid memory-swap " + r.memorySwap() + ": -1 (unlimited) or a size");
    }
    if (r.memoryReservation() < 0 || (r.memoryLimit() > 0 && r.memoryReservation() > r.memoryLimit())) {
      throw new InvalidArgumentException("minimum memory limit can not be less than memory reservation limit: "
          + "reservation " + r.memoryReservation() + ", limit " + r.memoryLimit());
    }
    if (r.cpuShares() < 0) {
      throw new InvalidArgumentException("invalid cpu-shares " + r.cpuShares() + ": must not be negative");
    }
    if (r.cpuQuota() != 0 && r.cpuQuota() < 1000 && r.cpuQuota() != -1) {
      throw new InvalidArgumentException("CPU cfs quota can not be less than 1ms (i.e. 1000): " + r.cpuQuota());
    }
    if (r.cpuPeriod() != 0 && (r.cpuPeriod() < 1000 || r.cpuPeriod() > 1_000_000)) {
      throw new InvalidArgumentException("CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s"
          + " (i.e. 1000000): " + r.cpuPeriod());
    }
    for (String[] list : new String[][] {{"cpuset-cpus", r.cpusetCpus()}, {"cpuset-mems", r.cpusetMems()}}) {
      if (!list[1].isEmpty() && !CPU_LIST.matcher(list[1]).matches()) {
        throw new InvalidArgumentException("invalid --" + list[0] + " \"" + list[1] + "\": expected a list such as 0-2,4");
      }
    }
    if (r.blkioWeight() != 0 && (r.blkioWeight() < 10 || r.blkioWeight() > 1000)) {
      throw new InvalidArgumentException("invalid blkio-weight " + r.blkioWeight() + ": range is from 10 to 1000");
    }
  }

  /** What the request needs from the host, in option order. */
  public static List<Need> needs(ContainerSpec.Resources r) {
    List<Need> n = new ArrayList<>();
    if (r.memoryLimit() > 0) {
      n.add(new Need("--memory", "memory", List.of("memory.limit_in_bytes")));
    }
    if (r.memoryReservation() > 0) {
      n.add(new Need("--memory-reservation", "memory", List.of("memory.soft_limit_in_bytes")));
    }
    if (r.memorySwap() != 0) {
      n.add(new Need("--memory-swap", "memory", List.of("memory.memsw.limit_in_bytes")));
    }
    if (r.cpuShares() > 0) {
      n.add(new Need("--cpu-shares", "cpu", List.of("cpu.shares")));
    }
    if (r.cpuQuota() > 0 || r.cpuPeriod() > 0) {
      n.add(new Need("--cpus/--cpu-quota/--cpu-period", "cpu", List.of("cpu.cfs_quota_us")));
    }
    if (!r.cpusetCpus().isEmpty() || !r.cpusetMems().isEmpty()) {
      n.add(new Need("--cpuset-cpus/--cpuset-mems", "cpuset", List.of("cpuset.cpus")));
    }
    if (r.pidsLimit() > 0) {
      n.add(new Need("--pids-limit", "pids", List.of()));
    }
    if (r.blkioWeight() > 0) {
      n.add(new Need("--blkio-weight", "blkio", List.of("blkio.weight", "blkio.bfq.weight")));
    }
    if (r.hugepageLimits()) {
      n.add(new Need("hugepage limits", "hugetlb", List.of()));
    }
    return n;
  }

  /** The OCI {@code linux.resources} object, empty when nothing is asked for. */
  public static Optional<ObjectNode> oci(ContainerSpec.Resources r) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode res = f.objectNode();
    ObjectNode mem = f.objectNode();
    if (r.memoryLimit() > 0) {
      mem.put("limit", r.memoryLimit());
    }
    if (r.memoryReservation() > 0) {
      mem.put("reservation", r.memoryReservation());
    }
    if (r.memorySwap() != 0) {
      mem.put("swap", r.memorySwap());
    }
    ObjectNode cpu = f.objectNode();
    if (r.cpuShares() > 0) {
      cpu.put("shares", r.cpuShares());
    }
    if (r.cpuQuota() > 0) {
      cpu.put("quota", r.cpuQuota());
    }
    if (r.cpuPeriod() > 0) {
      cpu.put("period", r.cpuPeriod());
    }
    if (!r.cpusetCpus().isEmpty()) {
      cpu.put("cpus", r.cpusetCpus());
    }
    if (!r.cpusetMems().isEmpty()) {
      cpu.put("mems", r.cpusetMems());
    }
    if (!mem.isEmpty()) {
      res.set("memory", mem);
    }
    if (!cpu.isEmpty()) {
      res.set("cpu", cpu);
    }
    if (r.pidsLimit() > 0) {
      res.set("pids", f.objectNode().put("limit", r.pidsLimit()));
    }
    if (r.blkioWeight() > 0) {
      res.set("blockIO", f.objectNode().put("weight", r.blkioWeight()));
    }
    return res.isEmpty() ? Optional.empty() : Optional.of(res);
  }

  /** Podman's inspect: NanoCpus only for the default 100ms period (10000 x quota). */
  public static long nanoCpus(ContainerSpec.Resources r) {
    return r.cpuPeriod() == 100_000 ? 10_000L * r.cpuQuota() : 0;
  }
}
