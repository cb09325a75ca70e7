package dev.skiff.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.util.RawValue;
import dev.skiff.engine.ContainerState;
import dev.skiff.engine.container.ContainerRecord;
import dev.skiff.engine.container.ContainerSpec;
import dev.skiff.engine.container.PortMapping;
import dev.skiff.store.ContainerDirs;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Container wire shapes with podman 4.3.1's member names and JSON types (wire doc §5.1, §5.2):
 * the client decodes into typed structs, so a wrong type breaks every container command.
 * Built as ordered maps because the inspect document has ~150 members, most of them constant.
 */
public final class ContainerMapper {

  private static final DateTimeFormatter RFC3339_NANO =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.nnnnnnnnnXXX").withZone(ZoneOffset.UTC);

  private ContainerMapper() {}

  static String time(Instant t) {
    return t == null || t.equals(ContainerRecord.ZERO_TIME) ? "0001-01-01T00:00:00Z" : RFC3339_NANO.format(t);
  }

  /** The process the container runs: entrypoint + command, as resolved into the OCI config. */
  static List<String> args(ContainerRecord c) {
    List<String> out = new ArrayList<>();
    c.oci().path("process").path("args").forEach(a -> out.add(a.asText()));
    return out;
  }

  static List<String> strings(JsonNode n) {
    List<String> out = new ArrayList<>();
    n.forEach(a -> out.add(a.asText()));
    return out;
  }

  public static Map<String, Object> libpodInspect(ContainerRecord c, ContainerDirs dirs) {
    List<String> args = args(c);
    JsonNode proc = c.oci().path("process");
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("Id", c.id());
    m.put("Created", time(c.created()));
    m.put("Path", args.isEmpty() ? "" : args.get(0));
    m.put("Args", args.size() > 1 ? args.subList(1, args.size()) : List.of());
    m.put("State", state(c));
    m.put("Image", c.imageId());
    m.put("ImageDigest", "");
    m.put("ImageName", c.imageName());
    m.put("Rootfs", "");
    m.put("Pod", "");
    m.put("ResolvConfPath", "");
    m.put("HostnamePath", "");
    m.put("HostsPath", "");
    m.put("StaticDir", dirs.persistent(c.id()).toString());
    m.put("OCIConfigPath", dirs.bundle(c.id()).resolve("config.json").toString());
    m.put("OCIRuntime", "skiff-shim");
    m.put("ConmonPidFile", "");
    m.put("PidFile", dirs.pidFile(c.id()).toString());
    m.put("Name", c.name());
    m.put("RestartCount", c.restartCount());
    m.put("Driver", "overlay");
    m.put("MountLabel", c.oci().path("linux").path("mountLabel").asText(""));
    m.put("ProcessLabel", proc.path("selinuxLabel").asText(""));
    m.put("AppArmorProfile", proc.path("apparmorProfile").asText(""));
    m.put("EffectiveCaps", strings(proc.path("capabilities").path("effective")));
    m.put("BoundingCaps", strings(proc.path("capabilities").path("bounding")));
    m.put("ExecIDs", List.of());
    m.put("GraphDriver", Map.of("Name", "overlay", "Data", Map.of("UpperDir", dirs.upper(c.id()).toString(),
        "WorkDir", dirs.work(c.id()).toString())));
    m.put("Mounts", mounts(c));
    m.put("Dependencies", List.of());
    m.put("NetworkSettings", networkSettings(c));
    m.put("Namespace", "");
    m.put("IsInfra", false);
    m.put("IsService", false);
    m.put("Config", config(c));
    m.put("HostConfig", hostConfig(c, dirs));
    return m;
  }

  private static Map<String, Object> state(ContainerRecord c) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("OciVersion", "1.1.0");
    s.put("Status", c.state().wireName());
    s.put("Running", c.state() == ContainerState.RUNNING);
    s.put("Paused", c.state() == ContainerState.PAUSED);
    s.put("Restarting", false);
    s.put("OOMKilled", false);
    s.put("Dead", false);
    s.put("Pid", c.pid());
    s.put("ConmonPid", 0);
    s.put("ExitCode", c.exitCode());
    s.put("Error", c.error());
    s.put("StartedAt", time(c.startedAt()));
    s.put("FinishedAt", time(c.finishedAt()));
    s.put("Health", Map.of("Status", "", "FailingStreak", 0, "Log", List.of()));
    s.put("CgroupPath", "");
    s.put("CheckpointedAt", "0001-01-01T00:00:00Z");
    s.put("RestoredAt", "0001-01-01T00:00:00Z");
    return s;
  }

  private static List<Map<String, Object>> mounts(ContainerRecord c) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (ContainerSpec.Mount mt : c.spec().storage().mounts()) {
      if (!mt.type().equals("bind")) {
        continue;
      }
      boolean ro = mt.options().contains("ro");
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("Type", "bind");
      m.put("Source", mt.source());
      m.put("Destination", mt.destination());
      m.put("Driver", "");
      m.put("Mode", mt.options().contains("z") ? "z" : mt.options().contains("Z") ? "Z" : "");
      m.put("Options", List.of("rbind"));
      m.put("RW", !ro);
      m.put("Propagation", "rprivate");
      out.add(m);
    }
    for (ContainerSpec.VolumeMount v : c.spec().storage().volumes()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("Type", "volume");
      m.put("Name", v.name());
      m.put("Source", "");
      m.put("Destination", v.dest());
      m.put("Driver", "local");
      m.put("Mode", "");
      m.put("Options", List.of("nosuid", "nodev", "rbind"));
      m.put("RW", !v.options().contains("ro"));
      m.put("Propagation", "rprivate");
      out.add(m);
    }
    return out;
  }

  /** Published ports as Docker and podman inspect show them: "80/tcp" → [{HostIp, HostPort}]. */
  static Map<String, Object> portBindings(ContainerRecord c) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (PortMapping p : c.spec().network().ports()) {
      @SuppressWarnings("unchecked")
      List<Map<String, String>> l = (List<Map<String, String>>) out.computeIfAbsent(p.key(), k -> new ArrayList<>());
      l.add(Map.of("HostIp", p.hostIp(), "HostPort", Integer.toString(p.hostPort())));
    }
    return out;
  }

  /** The network mode inspect shows (records from before slirp4netns have "": loopback only). */
  static String networkMode(ContainerRecord c) {
    String m = c.spec().network().mode();
    return m.isEmpty() || m.equals("private") ? "none" : m;
  }

  private static Map<String, Object> networkSettings(ContainerRecord c) {
    Map<String, Object> n = new LinkedHashMap<>();
    n.put("EndpointID", "");
    n.put("Gateway", "");
    n.put("IPAddress", "");
    n.put("IPPrefixLen", 0);
    n.put("IPv6Gateway", "");
    n.put("GlobalIPv6Address", "");
    n.put("GlobalIPv6PrefixLen", 0);
    n.put("MacAddress", "");
    n.put("Bridge", "");
    n.put("SandboxID", "");
    n.put("HairpinMode", false);
    n.put("LinkLocalIPv6Address", "");
    n.put("LinkLocalIPv6PrefixLen", 0);
    n.put("Ports", portBindings(c));
    n.put("SandboxKey", c.isRunning() && c.pid() > 0 && !networkMode(c).equals("host")
        ? "/proc/" + c.pid() + "/ns/net" : "");
    return n;
  }

  private static Map<String, Object> config(ContainerRecord c) {
    ContainerSpec.Basic b = c.spec().basic();
    JsonNode proc = c.oci().path("process");
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("Hostname", c.oci().path("hostname").asText(""));
    m.put("Domainname", "");
    m.put("User", b.user());
    m.put("AttachStdin", false);
    m.put("AttachStdout", false);
    m.put("AttachStderr", false);
    m.put("Tty", b.terminal());
    m.put("OpenStdin", b.stdin());
    m.put("StdinOnce", false);
    m.put("Env", strings(proc.path("env")));
    m.put("Cmd", imageCmd(c));
    m.put("Image", c.imageName());
    m.put("Volumes", null);
    m.put("WorkingDir", proc.path("cwd").asText("/"));
    m.put("Entrypoint", String.join(" ", entrypoint(c)));
    m.put("OnBuild", null);
    m.put("Labels", b.labels());
    m.put("Annotations", b.annotations());
    m.put("StopSignal", b.stopSignal() > 0 ? b.stopSignal() : 15);
    m.put("HealthcheckOnFailureAction", "none");
    m.put("CreateCommand", List.of());
    m.put("Umask", b.umask().isEmpty() ? "0022" : b.umask());
    m.put("Timeout", 0);
    m.put("StopTimeout", b.stopTimeout() >= 0 ? b.stopTimeout() : 10);
    m.put("Passwd", true);
    m.put("sdNotifyMode", "container");
    return m;
  }

  /** The command part of the process (args after the entrypoint). */
  private static List<String> imageCmd(ContainerRecord c) {
    List<String> args = args(c);
    int ep = entrypoint(c).size();
    return args.size() > ep ? args.subList(ep, args.size()) : List.of();
  }

  private static List<String> entrypoint(ContainerRecord c) {
    JsonNode ep = c.oci().path("annotations").path("dev.skiff.entrypoint.length");
    List<String> args = args(c);
    int n = ep.isMissingNode() ? 0 : Math.min(Integer.parseInt(ep.asText("0")), args.size());
    return args.subList(0, n);
  }

  private static Map<String, Object> hostConfig(ContainerRecord c, ContainerDirs dirs) {
    ContainerSpec.Security s = c.spec().security();
    ContainerSpec.Resources r = c.spec().resources();
    Map<String, Object> h = new LinkedHashMap<>();
    h.put("Binds", binds(c));
    h.put("CgroupManager", "cgroupfs");
    h.put("CgroupMode", "private");
    h.put("ContainerIDFile", "");
    h.put("LogConfig", Map.of("Type", "k8s-file", "Path", dirs.log(c.id()).toString(), "Tag", "", "Size", "0B"));
    h.put("NetworkMode", networkMode(c));
    h.put("PortBindings", portBindings(c));
    String policy = c.spec().basic().restartPolicy();
    h.put("RestartPolicy", Map.of("Name", policy, "MaximumRetryCount", c.spec().basic().restartTries()));
    h.put("AutoRemove", c.spec().basic().remove());
    h.put("CapAdd", s.capAdd().stream().map(ContainerMapper::capName).toList());
    h.put("CapDrop", s.capDrop().stream().map(ContainerMapper::capName).toList());
    h.put("Dns", List.of());
    h.put("DnsOptions", List.of());
    h.put("DnsSearch", List.of());
    h.put("ExtraHosts", List.of());
    h.put("GroupAdd", List.of());
    h.put("IpcMode", "private");
    h.put("Cgroup", "");
    h.put("Cgroups", "default");
    h.put("Links", null);
    h.put("OomScoreAdj", 0);
    h.put("PidMode", "private");
    h.put("Privileged", s.privileged());
    h.put("PublishAllPorts", false);
    h.put("ReadonlyRootfs", c.spec().storage().readOnlyRootfs());
    h.put("SecurityOpt", securityOpt(c));
    h.put("Tmpfs", tmpfs(c));
    h.put("UTSMode", "private");
    h.put("UsernsMode", s.usernsMode());
    Map<String, Object> ids = new LinkedHashMap<>(); // podman's define.InspectIDMappings
    ids.put("UidMap", idMap(c.oci().path("linux").path("uidMappings")));
    ids.put("GidMap", idMap(c.oci().path("linux").path("gidMappings")));
    h.put("IDMappings", ids);
    h.put("ShmSize", 65536000);
    h.put("Runtime", "oci");
    h.put("Memory", r.memoryLimit());
    h.put("MemorySwap", r.memorySwap());
    h.put("NanoCpus", r.cpuPeriod() > 0 ? r.cpuQuota() * 1_000_000_000L / r.cpuPeriod() : 0);
    h.put("CpuQuota", r.cpuQuota());
    h.put("CpuPeriod", r.cpuPeriod());
    h.put("CpuShares", 0);
    h.put("CpusetCpus", "");
    h.put("PidsLimit", r.pidsLimit());
    h.put("Ulimits", ulimits(c));
    h.put("Devices", List.of());
    return h;
  }

  static String capName(String cap) {
    String u = cap.toUpperCase(java.util.Locale.ROOT);
    return u.equals("ALL") || u.startsWith("CAP_") ? u : "CAP_" + u;
  }

  private static List<String> binds(ContainerRecord c) {
    List<String> out = new ArrayList<>();
    for (ContainerSpec.Mount m : c.spec().storage().mounts()) {
      if (m.type().equals("bind")) {
        out.add(m.source() + ":" + m.destination() + ":" + (m.options().isEmpty() ? "rw" : String.join(",", m.options())));
      }
    }
    for (ContainerSpec.VolumeMount v : c.spec().storage().volumes()) {
      out.add(v.name() + ":" + v.dest() + ":" + (v.options().isEmpty() ? "rw" : String.join(",", v.options())));
    }
    return out;
  }

  private static Map<String, String> tmpfs(ContainerRecord c) {
    Map<String, String> out = new LinkedHashMap<>();
    for (ContainerSpec.Mount m : c.spec().storage().mounts()) {
      if (m.type().equals("tmpfs")) {
        out.put(m.destination(), String.join(",", m.options()));
      }
    }
    return out;
  }

  private static List<String> securityOpt(ContainerRecord c) {
    ContainerSpec.Security s = c.spec().security();
    List<String> out = new ArrayList<>();
    if (s.noNewPrivileges()) {
      out.add("no-new-privileges");
    }
    s.selinuxOpts().forEach(o -> out.add("label=" + o));
    if (!s.apparmorProfile().isEmpty()) {
      out.add("apparmor=" + s.apparmorProfile());
    }
    if (!s.seccompProfilePath().isEmpty()) {
      out.add("seccomp=" + s.seccompProfilePath());
    }
    s.mask().forEach(p -> out.add("mask=" + p));
    s.unmask().forEach(p -> out.add("unmask=" + p));
    return out;
  }

  private static List<String> idMap(JsonNode mappings) {
    List<String> out = new ArrayList<>();
    mappings.forEach(m -> out.add(m.path("containerID").asLong() + ":" + m.path("hostID").asLong() + ":"
        + m.path("size").asLong()));
    return out;
  }

  private static List<Map<String, Object>> ulimits(ContainerRecord c) {
    List<Map<String, Object>> out = new ArrayList<>();
    c.oci().path("process").path("rlimits").forEach(r -> out.add(Map.of(
        "Name", r.path("type").asText(), "Soft", r.path("soft").asLong(), "Hard", r.path("hard").asLong())));
    return out;
  }

  /** A list entry already encoded, for the record it was encoded from. */
  private record EncodedEntry(ContainerRecord record, RawValue json) {}

  private static final ObjectWriter ENTRY_WRITER = JsonMapper.builder().build().writer();
  /** By container id; an entry is reused only for the very record it was made from (records are immutable). */
  private static final Map<String, EncodedEntry> LIST_ENTRIES = new ConcurrentHashMap<>();

  /**
   * {@link #libpodListEntry} encoded as JSON, cached per record: a container's list entry depends
   * on its record only, and the engine replaces the record on every change, so listing 1,000
   * containers copies 1,000 cached strings instead of building and encoding 1,000 maps. Entries
   * of removed containers are dropped by {@link #retainListEntries}.
   */
  public static RawValue libpodListJson(ContainerRecord c) {
    EncodedEntry e = LIST_ENTRIES.get(c.id());
    if (e != null && e.record() == c) {
      return e.json();
    }
    try {
      RawValue json = new RawValue(ENTRY_WRITER.writeValueAsString(libpodListEntry(c)));
      LIST_ENTRIES.put(c.id(), new EncodedEntry(c, json));
      return json;
    } catch (JsonProcessingException ex) {
      throw new IllegalStateException("encoding the list entry of container " + c.id(), ex);
    }
  }

  /** Forgets cached list entries of containers that no longer exist ({@code all} = every container). */
  public static void retainListEntries(List<ContainerRecord> all) {
    if (LIST_ENTRIES.size() > all.size()) {
      var ids = new java.util.HashSet<String>(all.size() * 2);
      all.forEach(c -> ids.add(c.id()));
      LIST_ENTRIES.keySet().retainAll(ids);
    }
  }

  /** A {@code GET /libpod/containers/json} entry. */
  public static Map<String, Object> libpodListEntry(ContainerRecord c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("AutoRemove", c.spec().basic().remove());
    m.put("Command", args(c));
    m.put("Created", time(c.created()));
    m.put("CreatedAt", "");
    m.put("Exited", c.state() == ContainerState.EXITED);
    m.put("ExitedAt", c.finishedAt().equals(ContainerRecord.ZERO_TIME) ? -62135596800L : c.finishedAt().getEpochSecond());
    m.put("ExitCode", c.exitCode());
    m.put("Id", c.id());
    m.put("Image", c.imageName());
    m.put("ImageID", c.imageId());
    m.put("IsInfra", false);
    m.put("Labels", c.spec().basic().labels().isEmpty() ? null : c.spec().basic().labels());
    m.put("Mounts", mounts(c).stream().map(x -> x.get("Destination")).toList());
    m.put("Names", List.of(c.name()));
    m.put("Namespaces", Map.of());
    m.put("Networks", List.of());
    m.put("Pid", c.pid());
    m.put("Pod", "");
    m.put("PodName", "");
    m.put("Ports", c.spec().network().ports().isEmpty() ? null : c.spec().network().ports().stream()
        .map(p -> Map.<String, Object>of("host_ip", p.hostIp(), "container_port", p.containerPort(),
            "host_port", p.hostPort(), "range", 1, "protocol", p.protocol())).toList());
    m.put("Size", null);
    m.put("StartedAt", c.startedAt().equals(ContainerRecord.ZERO_TIME) ? -62135596800L : c.startedAt().getEpochSecond());
    m.put("State", c.state().wireName());
    m.put("Status", "");
    return m;
  }
}
