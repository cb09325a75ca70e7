package dev.skiff.runtime.oci;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * The OCI runtime-spec {@code config.json} the daemon writes into a bundle for skiff-shim (and
 * that crun/runc run the same way in differential tests). Only the members Skiff sets.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record OciSpec(
    String ociVersion,
    Process process,
    Root root,
    String hostname,
    List<Mount> mounts,
    Linux linux,
    Map<String, String> annotations) {

  public static final String VERSION = "1.1.0";

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Process(
      boolean terminal,
      User user,
      List<String> args,
      List<String> env,
      String cwd,
      Capabilities capabilities,
      List<Rlimit> rlimits,
      boolean noNewPrivileges,
      String apparmorProfile,
      String selinuxLabel) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record User(long uid, long gid, Integer umask, List<Long> additionalGids) {}

  public record Capabilities(
      List<String> bounding, List<String> effective, List<String> inheritable, List<String> permitted,
      List<String> ambient) {}

  public record Rlimit(String type, long hard, long soft) {}

  public record Root(String path, boolean readonly) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Mount(String destination, String type, String source, List<String> options) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Linux(
      List<IdMapping> uidMappings,
      List<IdMapping> gidMappings,
      List<Namespace> namespaces,
      List<String> maskedPaths,
      List<String> readonlyPaths,
      JsonNode seccomp,
      Map<String, String> sysctl,
      JsonNode resources,
      String mountLabel,
      String cgroupsPath) {

    public Linux(List<IdMapping> uidMappings, List<IdMapping> gidMappings, List<Namespace> namespaces,
        List<String> maskedPaths, List<String> readonlyPaths, JsonNode seccomp, Map<String, String> sysctl,
        JsonNode resources, String mountLabel) {
      this(uidMappings, gidMappings, namespaces, maskedPaths, readonlyPaths, seccomp, sysctl, resources, mountLabel, null);
    }

    /** The same with the container's cgroup path (skiff-shim creates it in every hierarchy). */
    public Linux withCgroupsPath(String path) {
      return new Linux(uidMappings, gidMappings, namespaces, maskedPaths, readonlyPaths, seccomp, sysctl, resources,
          mountLabel, path);
    }
  }

  public record IdMapping(long containerID, long hostID, long size) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Namespace(String type, String path) {}
}
