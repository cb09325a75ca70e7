package dev.skiff.api.model.libpod;

import java.util.List;
import java.util.Map;

/** {@code GET /libpod/info}: podman's define.Info, camelCase members with podman's JSON types. */
public record LibpodInfo(Host host, Store store, Map<String, Object> registries, Plugins plugins, Version version) {

  public record Host(
      String arch,
      String buildahVersion,
      String cgroupManager,
      String cgroupVersion,
      List<String> cgroupControllers,
      Program conmon,
      int cpus,
      CpuUtilization cpuUtilization,
      Distribution distribution,
      String eventLogger,
      String hostname,
      IdMappings idMappings,
      String kernel,
      String logDriver,
      long memFree,
      long memTotal,
      String networkBackend,
      Program ociRuntime,
      String os,
      RemoteSocket remoteSocket,
      boolean serviceIsRemote,
      Security security,
      Slirp slirp4netns,
      long swapFree,
      long swapTotal,
      String uptime,
      String linkmode) {}

  public record Program(String name, String path, String version, String package_) {
    // podman's JSON member is "package", a Java keyword
    @com.fasterxml.jackson.annotation.JsonProperty("package")
    public String package_() {
      return package_;
    }
  }

  public record CpuUtilization(double userPercent, double systemPercent, double idlePercent) {}

  public record Distribution(String distribution, String version, String codename) {}

  public record IdMappings(List<IdMap> uidmap, List<IdMap> gidmap) {}

  public record IdMap(
      @com.fasterxml.jackson.annotation.JsonProperty("container_id") long containerId,
      @com.fasterxml.jackson.annotation.JsonProperty("host_id") long hostId,
      long size) {}

  public record RemoteSocket(String path, boolean exists) {}

  public record Security(
      boolean apparmorEnabled,
      String capabilities,
      boolean rootless,
      boolean seccompEnabled,
      String seccompProfilePath,
      boolean selinuxEnabled,
      /** Skiff's addition (absent when fine): why containers get a single-ID map, and the fix. */
      @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
          String idMappingProblem) {}

  public record Slirp(String executable, String package_, String version) {
    @com.fasterxml.jackson.annotation.JsonProperty("package")
    public String package_() {
      return package_;
    }
  }

  public record Store(
      String configFile,
      ContainerStore containerStore,
      String graphDriverName,
      Map<String, String> graphOptions,
      String graphRoot,
      Map<String, String> graphStatus,
      ImageStore imageStore,
      String runRoot,
      String volumePath) {}

  public record ContainerStore(long number, long paused, long running, long stopped) {}

  public record ImageStore(long number) {}

  public record Plugins(List<String> volume, List<String> network, List<String> log) {}

  public record Version(
      @com.fasterxml.jackson.annotation.JsonProperty("APIVersion") String apiVersion,
      @com.fasterxml.jackson.annotation.JsonProperty("Version") String version,
      @com.fasterxml.jackson.annotation.JsonProperty("GoVersion") String goVersion,
      @com.fasterxml.jackson.annotation.JsonProperty("GitCommit") String gitCommit,
      @com.fasterxml.jackson.annotation.JsonProperty("BuiltTime") String builtTime,
      @com.fasterxml.jackson.annotation.JsonProperty("Built") long built,
      @com.fasterxml.jackson.annotation.JsonProperty("OsArch") String osArch,
      @com.fasterxml.jackson.annotation.JsonProperty("Os") String os) {}
}
