package dev.skiff.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skiff.api.model.compat.DockerCreateRequest;
import dev.skiff.api.model.libpod.SpecGenerator;
import dev.skiff.engine.InvalidArgumentException;
import dev.skiff.engine.container.ContainerSpec;
import org.junit.jupiter.api.Test;

/** The create bodies' resource fields (docker CLI, podman 4.3.1) to {@link ContainerSpec.Resources}. */
class ResourceMappingTest {

  private static final ObjectMapper JSON = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private static ContainerSpec.Resources docker(String hostConfig) throws Exception {
    var r = JSON.readValue("{\"Image\":\"busybox\",\"HostConfig\":" + hostConfig + "}", DockerCreateRequest.class);
    return DockerSpecMapper.toSpec("", r).resources();
  }

  @Test
  void docker_nanoCpusBecomeAQuotaOfA100msPeriod_andMemoryAloneGetsTwiceAsSwap() throws Exception {
    var r = docker("{\"Memory\":33554432,\"MemorySwap\":0,\"NanoCpus\":500000000,\"PidsLimit\":8,\"CpuShares\":512,"
        + "\"MemoryReservation\":16777216,\"CpusetCpus\":\"0\",\"BlkioWeight\":300}");
    assertEquals(new ContainerSpec.Resources(java.util.List.of(), 33554432, 67108864, 50_000, 100_000, 8, 16777216,
        512, "0", "", 300, false), r);
    assertEquals(-1, docker("{\"Memory\":33554432,\"MemorySwap\":-1}").memorySwap());
    assertEquals(0, docker("{\"PidsLimit\":-1}").pidsLimit(), "-1 is unlimited");
    var explicit = docker("{\"CpuQuota\":20000,\"CpuPeriod\":50000}");
    assertEquals(20_000, explicit.cpuQuota());
    assertEquals(50_000, explicit.cpuPeriod());
    assertThrows(InvalidArgumentException.class, () -> docker("{\"NanoCpus\":1000000000,\"CpuQuota\":20000}"));
  }

  @Test
  void libpod_resourceLimitsAreTheOciResources() throws Exception {
    var g = JSON.readValue("{\"image\":\"busybox\",\"resource_limits\":{\"memory\":{\"limit\":33554432,"
        + "\"reservation\":16777216,\"swap\":67108864},\"cpu\":{\"shares\":512,\"quota\":50000,\"period\":100000,"
        + "\"cpus\":\"0-1\",\"mems\":\"0\"},\"pids\":{\"limit\":8},\"blockIO\":{\"weight\":300},"
        + "\"hugepageLimits\":[{\"pageSize\":\"2MB\",\"limit\":1}]}}", SpecGenerator.class);
    assertEquals(new ContainerSpec.Resources(java.util.List.of(), 33554432, 67108864, 50_000, 100_000, 8, 16777216,
        512, "0-1", "0", 300, true), SpecGeneratorMapper.toSpec(g).resources());
  }

  @Test
  void docker_consoleSizeIsHeightThenWidth_zeroMeansNone_andABadOneIsRefused() throws Exception {
    var read = (java.util.function.Function<String, int[]>) hc -> {
      try {
        return DockerSpecMapper.consoleSize(JSON.readValue("{\"Image\":\"busybox\",\"HostConfig\":" + hc + "}",
            DockerCreateRequest.class));
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    };
    org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {24, 81}, read.apply("{\"ConsoleSize\":[24,81]}"));
    assertEquals(null, read.apply("{\"ConsoleSize\":[0,0]}"));
    assertEquals(null, read.apply("{}"));
    assertThrows(InvalidArgumentException.class, () -> read.apply("{\"ConsoleSize\":[24]}"));
    assertThrows(InvalidArgumentException.class, () -> read.apply("{\"ConsoleSize\":[24,70000]}"));
    assertThrows(InvalidArgumentException.class, () -> read.apply("{\"ConsoleSize\":[-1,80]}"));
  }
}
