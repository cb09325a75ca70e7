package dev.skiff.api;

import dev.skiff.api.model.libpod.SpecGenerator;
import dev.skiff.engine.InvalidArgumentException;
import dev.skiff.engine.container.ContainerSpec;
import dev.skiff.engine.container.PortMapping;
import dev.skiff.runtime.Signals;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Maps podman's SpecGenerator body to Skiff's {@link ContainerSpec}. */
public final class SpecGeneratorMapper {

  private SpecGeneratorMapper() {}

  public static ContainerSpec toSpec(SpecGenerator g) {
    String image = g.image() != null && !g.image().isEmpty() ? g.image() : g.rawImageName();
    var basic = new ContainerSpec.Basic(g.name(), image, g.command(), g.entrypoint(), g.env(), g.workDir(),
        g.user(), bool(g.terminal()), bool(g.stdin()), g.labels(), g.annotations(), g.hostname(),
        g.stopSignal() == null ? 0 : g.stopSignal(), g.stopTimeout() == null ? -1 : g.stopTimeout(),
        bool(g.remove()), g.restartPolicy(), g.restartTries() == null ? 0 : g.restartTries(), g.umask());
    var storage = new ContainerSpec.Storage(
        g.mounts() == null ? null : g.mounts().stream()
            .map(m -> new ContainerSpec.Mount(m.destination(), m.type(), m.source(), m.options())).toList(),
        g.volumes() == null ? null : g.volumes().stream()
            .map(v -> new ContainerSpec.VolumeMount(v.name(), v.dest(), v.options())).toList(),
        bool(g.readOnlyFilesystem()));
    var ids = g.idmappings();
    var security = new ContainerSpec.Security(g.capAdd(), g.capDrop(), bool(g.privileged()),
        bool(g.noNewPrivileges()), g.seccompProfilePath(), g.seccompPolicy(), g.apparmorProfile(), g.selinuxOpts(),
        g.mask(), g.unmask(), g.userns() == null ? "" : g.userns().nsmode(),
        g.userns() == null ? "" : g.userns().value(),
        ids == null ? null : idMaps(ids.uidMap()), ids == null ? null : idMaps(ids.gidMap()));
    var resources = resources(g);
    var network = network(g);
    return new ContainerSpec(basic, storage, security, resources, network);
  }

  private static ContainerSpec.Network network(SpecGenerator g) {
    List<PortMapping> ports = new ArrayList<>();
    if (g.portMappings() != null) {
      for (Map<String, Object> m : g.portMappings()) {
        Object ip = m.get("host_ip");
        ports.addAll(PortMapping.fromPodman(ip == null ? "" : ip.toString(), port(m.get("container_port")),
            port(m.get("host_port")), port(m.get("range")), m.get("protocol") == null ? "" : m.get("protocol").toString()));
      }
    }
    List<String> options = g.networkOptions() == null ? List.of()
        : g.networkOptions().entrySet().stream()
            .flatMap(e -> {
              if (!e.getKey().equals("slirp4netns")) {
                throw new InvalidArgumentException("network options for \"" + e.getKey() + "\" are not supported");
              }
              return e.getValue() == null ? java.util.stream.Stream.<String>empty() : e.getValue().stream();
            }).toList();
    List<String> exposed = g.expose() == null ? List.of()
        : g.expose().entrySet().stream().flatMap(e -> java.util.Arrays.stream(
            (e.getValue() == null || e.getValue().isEmpty() ? "tcp" : e.getValue()).split(","))
            .map(proto -> e.getKey() + "/" + proto.trim())).toList();
    return new ContainerSpec.Network(g.netns() == null ? "" : g.netns().nsmode(), ports, options,
        Boolean.TRUE.equals(g.publishImagePorts()), exposed);
  }

  private static List<ContainerSpec.IdMap> idMaps(List<SpecGenerator.IdMap> l) {
    return l == null ? null : l.stream().map(m -> new ContainerSpec.IdMap(m.containerId(), m.hostId(), m.size())).toList();
  }

  @SuppressWarnings("unchecked")
  private static ContainerSpec.Resources resources(SpecGenerator g) {
    List<ContainerSpec.Rlimit> rl = g.rLimits() == null ? null
        : g.rLimits().stream().map(r -> new ContainerSpec.Rlimit(r.type(), r.hard(), r.soft())).toList();
    Map<String, Object> res = g.resourceLimits() == null ? Map.of() : g.resourceLimits();
    Map<String, Object> mem = (Map<String, Object>) res.getOrDefault("memory", Map.of());
    Map<String, Object> cpu = (Map<String, Object>) res.getOrDefault("cpu", Map.of());
    Map<String, Object> pids = (Map<String, Object>) res.getOrDefault("pids", Map.of());
    Map<String, Object> io = (Map<String, Object>) res.getOrDefault("blockIO", Map.of());
    Object huge = res.get("hugepageLimits");
    return new ContainerSpec.Resources(rl, num(mem.get("limit")), num(mem.get("swap")), num(cpu.get("quota")),
        num(cpu.get("period")), num(pids.get("limit")), num(mem.get("reservation")), num(cpu.get("shares")),
        str(cpu.get("cpus")), str(cpu.get("mems")), num(io.get("weight")),
        huge instanceof List<?> l && !l.isEmpty());
  }

  private static String str(Object o) {
    return o == null ? "" : o.toString();
  }

  private static long port(Object o) {
    return number(o, "port mapping");
  }

  private static long num(Object o) {
    return number(o, "resource limit");
  }

  /** A JSON number as a long; absent is 0; anything else is a 400 naming {@code what}. */
  private static long number(Object o, String what) {
    if (o == null) {
      return 0;
    }
    if (o instanceof Number n) {
      return n.longValue();
    }
    throw new InvalidArgumentException("invalid " + what + " value " + o + ": expected a number");
  }

  private static boolean bool(Boolean b) {
    return b != null && b;
  }

  /** A signal given by name or number ("KILL", "SIGHUP", "9"). */
  public static int signal(String s, int dflt) {
    if (s == null || s.isEmpty()) {
      return dflt;
    }
    return Signals.parse(s).orElseThrow(() -> new InvalidArgumentException("invalid signal \"" + s + "\""));
  }
}
