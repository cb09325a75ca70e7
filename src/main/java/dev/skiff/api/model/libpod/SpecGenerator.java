package dev.skiff.api.model.libpod;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * The body of {@code POST /libpod/containers/create} (podman's SpecGenerator), the members Skiff
 * reads. Unknown members are ignored; absent ones are null.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record SpecGenerator(
    String name,
    String image,
    @JsonProperty("raw_image_name") String rawImageName,
    List<String> command,
    List<String> entrypoint,
    Map<String, String> env,
    @JsonProperty("work_dir") String workDir,
    String user,
    Boolean terminal,
    Boolean stdin,
    Map<String, String> labels,
    Map<String, String> annotations,
    String hostname,
    @JsonProperty("stop_signal") Integer stopSignal,
    @JsonProperty("stop_timeout") Integer stopTimeout,
    Boolean remove,
    @JsonProperty("restart_policy") String restartPolicy,
    @JsonProperty("restart_tries") Integer restartTries,
    List<Mount> mounts,
    List<NamedVolume> volumes,
    @JsonProperty("read_only_filesystem") Boolean readOnlyFilesystem,
    @JsonProperty("cap_add") List<String> capAdd,
    @JsonProperty("cap_drop") List<String> capDrop,
    Boolean privileged,
    @JsonProperty("no_new_privileges") Boolean noNewPrivileges,
    @JsonProperty("seccomp_profile_path") String seccompProfilePath,
    @JsonProperty("seccomp_policy") String seccompPolicy,
    @JsonProperty("apparmor_profile") String apparmorProfile,
    @JsonProperty("selinux_opts") List<String> selinuxOpts,
    List<String> mask,
    List<String> unmask,
    Namespace userns,
    IdMappings idmappings,
    Namespace netns,
    @JsonProperty("network_options") Map<String, List<String>> networkOptions,
    @JsonProperty("publish_image_ports") Boolean publishImagePorts,
    Map<String, String> expose,
    @JsonProperty("r_limits") List<Rlimit> rLimits,
    @JsonProperty("resource_limits") Map<String, Object> resourceLimits,
    String umask,
    @JsonProperty("portmappings") List<Map<String, Object>> portMappings) {

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Mount(String destination, String type, String source, List<String> options) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record NamedVolume(
      @JsonProperty("Name") String name,
      @JsonProperty("Dest") String dest,
      @JsonProperty("Options") List<String> options,
      @JsonProperty("IsAnonymous") Boolean isAnonymous) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Namespace(String nsmode, String value) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record IdMappings(
      @JsonProperty("HostUIDMapping") Boolean hostUidMapping,
      @JsonProperty("HostGIDMapping") Boolean hostGidMapping,
      @JsonProperty("UIDMap") List<IdMap> uidMap,
      @JsonProperty("GIDMap") List<IdMap> gidMap,
      @JsonProperty("AutoUserNs") Boolean autoUserNs) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record IdMap(
      @JsonProperty("container_id") long containerId,
      @JsonProperty("host_id") long hostId,
      long size) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Rlimit(String type, long hard, long soft) {}
}
