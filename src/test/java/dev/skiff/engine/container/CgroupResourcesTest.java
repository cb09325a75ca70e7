package dev.skiff.engine.container;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.skiff.engine.InvalidArgumentException;
import java.util.List;
import org.junit.jupiter.api.Test;

class CgroupResourcesTest {

  private static final long MIB = 1024 * 1024;

  private static ContainerSpec.Resources res(long mem, long swap, long quota, long period, long pids, long reservation,
      long shares, String cpus, long blkio, boolean huge) {
    return new ContainerSpec.Resources(null, mem, swap, quota, period, pids, reservation, shares, cpus, "", blkio, huge);
  }

  @Test
  void oci_mapsEveryLimitToItsRuntimeSpecMember() {
    var r = res(32 * MIB, 64 * MIB, 50_000, 100_000, 8, 16 * MIB, 512, "0-1", 300, false);
    assertEquals("{\"memory\":{\"limit\":33554432,\"reservation\":16777216,\"swap\":67108864},"
        + "\"cpu\":{\"shares\":512,\"quota\":50000,\"period\":100000,\"cpus\":\"0-1\"},"
        + "\"pids\":{\"limit\":8},\"blockIO\":{\"weight\":300}}", CgroupResources.oci(r).orElseThrow().toString());
    assertTrue(CgroupResources.oci(new ContainerSpec.Resources(null, 0, 0, 0, 0, 0)).isEmpty());
    assertEquals("{\"memory\":{\"limit\":33554432,\"swap\":-1}}",
        CgroupResources.oci(res(32 * MIB, -1, 0, 0, 0, 0, 0, "", 0, false)).orElseThrow().toString());
  }

  @Test
  void needs_namesTheOptionAndTheControllerFile() {
    var needs = CgroupResources.needs(res(32 * MIB, 64 * MIB, 50_000, 100_000, 8, 0, 0, "", 300, true));
    assertEquals(List.of("--memory", "--memory-swap", "--cpus/--cpu-quota/--cpu-period", "--pids-limit", "--blkio-weight",
        "hugepage limits"), needs.stream().map(CgroupResources.Need::setting).toList());
    assertEquals(List.of("memory", "memory", "cpu", "pids", "blkio", "hugetlb"),
        needs.stream().map(CgroupResources.Need::controller).toList());
    assertEquals(List.of("memory.memsw.limit_in_bytes"), needs.get(1).v1Files());
    assertEquals(List.of(), CgroupResources.needs(new ContainerSpec.Resources(null, 0, 0, 0, 0, 0)));
  }

  @Test
  void validate_refusesWhatDockerAndPodmanRefuse() {
    assertDoesNotThrow(() -> CgroupResources.validate(res(6 * MIB, -1, 1000, 1000, 1, 6 * MIB, 2, "0,2-3", 10, false)));
    String[][] bad = {
        {"minimum memory limit allowed is 6MB", "1"},
        {"memory limit when using the memory-swap", "2"},
        {"memory-swap limit should be larger than memory", "3"},
        {"memory reservation", "4"},
        {"CPU cfs quota can not be less than 1ms", "5"},
        {"CPU cfs period", "6"},
        {"cpuset-cpus", "7"},
        {"blkio-weight", "8"}};
    List<ContainerSpec.Resources> cases = List.of(
        res(MIB, 0, 0, 0, 0, 0, 0, "", 0, false),
        res(0, 64 * MIB, 0, 0, 0, 0, 0, "", 0, false),
        res(64 * MIB, 32 * MIB, 0, 0, 0, 0, 0, "", 0, false),
        res(32 * MIB, 0, 0, 0, 0, 64 * MIB, 0, "", 0, false),
        res(0, 0, 500, 0, 0, 0, 0, "", 0, false),
        res(0, 0, 0, 2_000_000, 0, 0, 0, "", 0, false),
        res(0, 0, 0, 0, 0, 0, 0, "0-a", 0, false),
        res(0, 0, 0, 0, 0, 0, 0, "", 5, false));
    for (int i = 0; i < bad.length; i++) {
      var r = cases.get(i);
      var e = assertThrows(InvalidArgumentException.class, () -> CgroupResources.validate(r), bad[i][1]);
      assertTrue(e.getMessage().contains(bad[i][0]), e.getMessage());
    }
  }

  @Test
  void nanoCpus_isPodmansInspectRule_onlyForTheDefaultPeriod() {
    assertEquals(500_000_000L, CgroupResources.nanoCpus(res(0, 0, 50_000, 100_000, 0, 0, 0, "", 0, false)));
    assertEquals(0L, CgroupResources.nanoCpus(res(0, 0, 50_000, 200_000, 0, 0, 0, "", 0, false)));
  }

  @Test
  void hasCgroupLimits_countsEveryCgroupSetting_butNotRlimits() {
    assertTrue(res(0, 0, 0, 0, 0, 0, 512, "", 0, false).hasCgroupLimits());
    assertTrue(res(0, 0, 0, 0, 0, 0, 0, "1", 0, false).hasCgroupLimits());
    assertTrue(!new ContainerSpec.Resources(List.of(new ContainerSpec.Rlimit("NOFILE", 10, 10)), 0, 0, 0, 0, 0)
        .hasCgroupLimits());
  }
}
