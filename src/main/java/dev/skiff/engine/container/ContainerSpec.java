package dev.skiff.engine.container;

import java.util.List;
import java.util.Map;

/**
 * What a client asked for when creating a container (Skiff's specgen), composed of one part per
 * concern. Image defaults, daemon defaults and policy are applied later, by {@code SpecResolver};
 * this record only holds the request, normalised (never null collections).
 */
public record ContainerSpec(Basic basic, Storage storage, Security security, Resources resources, Network network) {

  /**
   * @param command replaces the image's Cmd when non-empty
   * @param entrypoint replaces the image's Entrypoint when non-null (may be empty: no entrypoint)
   * @param stopSignal 0 = the image's or SIGTERM
   * @param stopTimeout seconds; negative = default (10)
   */
  public record Basic(
      String name, String image, List<String> command, List<String> entrypoint, Map<String, String> env,
      String workDir, String user, boolean terminal, boolean stdin, Map<String, String> labels,
      Map<String, String> annotations, String hostname, int stopSignal, int stopTimeout, boolean remove,
      String restartPolicy, int restartTries, String umask) {
    public Basic {
      name = orEmpty(name);
      image = orEmpty(image);
      command = command == null ? List.of() : List.copyOf(command);
      entrypoint = entrypoint == null ? null : List.copyOf(entrypoint);
      env = env == null ? Map.of() : Map.copyOf(env);
      workDir = orEmpty(workDir);
      user = orEmpty(user);
      labels = labels == null ? Map.of() : Map.copyOf(labels);
      annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
      hostname = orEmpty(hostname);
      restartPolicy = orEmpty(restartPolicy);
      umask = orEmpty(umask);
    }
  }

  /** A bind or tmpfs mount as requested ({@code options} as typed: ro, rw, z, Z, size=...). */
  public record Mount(String destination, String type, String source, List<String> options) {
    public Mount {
      destination = orEmpty(destination);
      type = type == null || type.isEmpty() ? "bind" : type;
      source = orEmpty(source);
      options = options == null ? List.of() : List.copyOf(options);
    }
  }

  /** A named (or anonymous, when name is empty) volume mounted at {@code dest}. */
  public record VolumeMount(String name, String dest, List<String> options) {
    public VolumeMount {
      name = orEmpty(name);
      dest = orEmpty(dest);
      options = options == null ? List.of() : List.copyOf(options);
    }
  }

  public record Storage(List<Mount> mounts, List<VolumeMount> volumes, boolean readOnlyRootfs) {
    public Storage {
      mounts = mounts == null ? List.of() : List.copyOf(mounts);
      volumes = volumes == null ? List.of() : List.copyOf(volumes);
    }
  }

  /** One explicit ID mapping ({@code --uidmap}/{@code --gidmap}). */
  public record IdMap(long containerId, long hostId, long size) {}

  /**
   * @param usernsMode podman's nsmode ("" = default, host, keep-id, no-map, auto, private, ns)
   * @param usernsValue its options (e.g. "size=1024", "uid=1000")
   */
  public record Security(
      List<String> capAdd, List<String> capDrop, boolean privileged, boolean noNewPrivileges,
      String seccompProfilePath, String seccompPolicy, String apparmorProfile, List<String> selinuxOpts,
      List<String> mask, List<String> unmask, String usernsMode, String usernsValue, List<IdMap> uidMap,
      List<IdMap> gidMap) {
    public Security {
      capAdd = capAdd == null ? List.of() : List.copyOf(capAdd);
      capDrop = capDrop == null ? List.of() : List.copyOf(capDrop);
      seccompProfilePath = orEmpty(seccompProfilePath);
      seccompPolicy = orEmpty(seccompPolicy);
      apparmorProfile = orEmpty(apparmorProfile);
      selinuxOpts = selinuxOpts == null ? List.of() : List.copyOf(selinuxOpts);
      mask = mask == null ? List.of() : List.copyOf(mask);
      unmask = unmask == null ? List.of() : List.copyOf(unmask);
      usernsMode = orEmpty(usernsMode);
      usernsValue = orEmpty(usernsValue);
      uidMap = uidMap == null ? List.of() : List.copyOf(uidMap);
      gidMap = gidMap == null ? List.of() : List.copyOf(gidMap);
    }
  }

  public record Rlimit(String type, long hard, long soft) {}

  /** @param memoryLimit bytes, 0 = unlimited; @param pidsLimit 0 = unlimited */
  public record Resources(List<Rlimit> rlimits, long memoryLimit, long memorySwap, long cpuQuota, long cpuPeriod,
      long pidsLimit) {
    public Resources {
      rlimits = rlimits == null ? List.of() : List.copyOf(rlimits);
    }

    public boolean hasCgroupLimits() {
      return memoryLimit > 0 || memorySwap > 0 || cpuQuota > 0 || pidsLimit > 0;
    }
  }

  /**
   * @param mode "" (the default: slirp4netns), slirp4netns, bridge (taken as the default), none,
   *     private (both: own network namespace, loopback only), host
   * @param ports published ports; after create, every host port is concrete (random ones chosen)
   * @param options slirp4netns options as podman's {@code network_options} ("key=value")
   * @param publishAll publish the image's exposed ports on random host ports (-P)
   * @param exposed ports the request exposes ("80/tcp"), for -P
   */
  public record Network(String mode, List<PortMapping> ports, List<String> options, boolean publishAll,
      List<String> exposed) {
    public Network {
      mode = orEmpty(mode);
      ports = ports == null ? List.of() : List.copyOf(ports);
      options = options == null ? List.of() : List.copyOf(options);
      exposed = exposed == null ? List.of() : List.copyOf(exposed);
    }

    public Network(String mode) {
      this(mode, List.of(), List.of(), false, List.of());
    }

    public Network withPorts(List<PortMapping> resolved) {
      return new Network(mode, resolved, options, false, List.of());
    }
  }

  public ContainerSpec withNetwork(Network n) {
    return new ContainerSpec(basic, storage, security, resources, n);
  }

  static String orEmpty(String s) {
    return s == null ? "" : s;
  }
}
