package dev.skiff.api.model.compat;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/** Body of Docker's {@code POST /containers/create} (the members Skiff reads; nulls mean unset). */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DockerCreateRequest(
    @JsonProperty("Image") String image,
    @JsonProperty("Cmd") List<String> cmd,
    @JsonProperty("Entrypoint") List<String> entrypoint,
    @JsonProperty("Env") List<String> env,
    @JsonProperty("WorkingDir") String workingDir,
    @JsonProperty("User") String user,
    @JsonProperty("Tty") Boolean tty,
    @JsonProperty("OpenStdin") Boolean openStdin,
    @JsonProperty("Labels") Map<String, String> labels,
    @JsonProperty("Hostname") String hostname,
    @JsonProperty("StopSignal") String stopSignal,
    @JsonProperty("StopTimeout") Integer stopTimeout,
    @JsonProperty("ExposedPorts") Map<String, Object> exposedPorts,
    @JsonProperty("HostConfig") HostConfig hostConfig) {

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record HostConfig(
      @JsonProperty("Binds") List<String> binds,
      @JsonProperty("AutoRemove") Boolean autoRemove,
      @JsonProperty("CapAdd") List<String> capAdd,
      @JsonProperty("CapDrop") List<String> capDrop,
      @JsonProperty("Privileged") Boolean privileged,
      @JsonProperty("ReadonlyRootfs") Boolean readonlyRootfs,
      @JsonProperty("SecurityOpt") List<String> securityOpt,
      @JsonProperty("Tmpfs") Map<String, String> tmpfs,
      @JsonProperty("Memory") Long memory,
      @JsonProperty("MemorySwap") Long memorySwap,
      @JsonProperty("NanoCpus") Long nanoCpus,
      @JsonProperty("PidsLimit") Long pidsLimit,
      @JsonProperty("Ulimits") List<Ulimit> ulimits,
      @JsonProperty("NetworkMode") String networkMode,
      @JsonProperty("PortBindings") Map<String, List<Map<String, String>>> portBindings,
      @JsonProperty("PublishAllPorts") Boolean publishAllPorts,
      @JsonProperty("RestartPolicy") RestartPolicy restartPolicy,
      @JsonProperty("UsernsMode") String usernsMode,
      @JsonProperty("MemoryReservation") Long memoryReservation,
      @JsonProperty("CpuShares") Long cpuShares,
      @JsonProperty("CpuQuota") Long cpuQuota,
      @JsonProperty("CpuPeriod") Long cpuPeriod,
      @JsonProperty("CpusetCpus") String cpusetCpus,
      @JsonProperty("CpusetMems") String cpusetMems,
      @JsonProperty("BlkioWeight") Long blkioWeight,
      @JsonProperty("ConsoleSize") List<Long> consoleSize) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Ulimit(@JsonProperty("Name") String name, @JsonProperty("Soft") long soft, @JsonProperty("Hard") long hard) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record RestartPolicy(@JsonProperty("Name") String name, @JsonProperty("MaximumRetryCount") Integer maximumRetryCount) {}
}
