package dev.skiff.api;

import dev.skiff.api.model.compat.DockerCreateRequest;
import dev.skiff.engine.InvalidArgumentException;
import dev.skiff.engine.container.ContainerSpec;
import dev.skiff.engine.container.PortMapping;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps Docker's create body to Skiff's {@link ContainerSpec}. Docker field names stop here: the
 * engine never sees them.
 */
public final class DockerSpecMapper {

  private DockerSpecMapper() {}

  public static ContainerSpec toSpec(String name, DockerCreateRequest r) {
    var h = r.hostConfig() != null ? r.hostConfig()
        : new DockerCreateRequest.HostConfig(null, null, null, null, null, null, null, null, null, null, null, null, null,
            null, null, null, null, null, null, null, null, null, null, null, null, null);
    var policy = h.restartPolicy();
    var basic = new ContainerSpec.Basic(name, r.image(), r.cmd(), r.entrypoint(), env(r.env()), r.workingDir(),
        r.user(), bool(r.tty()), bool(r.openStdin()), r.labels(), Map.of(), r.hostname(),
        r.stopSignal() == null || r.stopSignal().isEmpty() ? 0 : SpecGeneratorMapper.signal(r.stopSignal(), 15),
        r.stopTimeout() == null ? -1 : r.stopTimeout(), bool(h.autoRemove()),
        policy == null || policy.name() == null || policy.name().equals("no") ? "" : policy.name(),
        policy == null || policy.maximumRetryCount() == null ? 0 : policy.maximumRetryCount(), "");
    var storage = new ContainerSpec.Storage(mounts(h), volumes(h), bool(h.readonlyRootfs()));
    SecurityOpts so = SecurityOpts.parse(h.securityOpt());
    var security = new ContainerSpec.Security(h.capAdd(), h.capDrop(), bool(h.privileged()), so.noNewPrivileges,
        so.seccomp, "default", so.apparmor, so.labels, so.mask, so.unmask,
        h.usernsMode() == null ? "" : h.usernsMode(), "", null, null);
    var resources = resources(h);
    String mode = h.networkMode() == null || h.networkMode().equals("default") || h.networkMode().equals("bridge")
        ? "" : h.networkMode();
    return new ContainerSpec(basic, storage, security, resources, network(r, h, mode));
  }

  /**
   * HostConfig.ConsoleSize ([height, width]): the terminal size the container starts with; null when
   * absent or [0, 0] (what the docker CLI sends without a terminal). A bad size is a 400 before
   * anything is created.
   */
  public static int[] consoleSize(DockerCreateRequest r) {
    List<Long> size = r.hostConfig() == null ? null : r.hostConfig().consoleSize();
    if (size == null || size.isEmpty() || size.stream().allMatch(v -> v == null || v == 0)) {
      return null;
    }
    if (size.size() != 2 || size.contains(null) || size.stream().anyMatch(v -> v < 0 || v > 65535)) {
      throw new InvalidArgumentException("invalid HostConfig.ConsoleSize " + size + ": [height, width], each 0-65535");
    }
    return new int[] {size.get(0).intValue(), size.get(1).intValue()};
  }

  /** PortBindings, PublishAllPorts with the request's ExposedPorts (the image's are added at create). */
  private static ContainerSpec.Network network(DockerCreateRequest r, DockerCreateRequest.HostConfig h, String mode) {
    List<PortMapping> ports = new ArrayList<>();
    if (h.portBindings() != null) {
      for (var e : h.portBindings().entrySet()) {
        List<Map<String, String>> bindings = e.getValue() == null || e.getValue().isEmpty()
            ? List.of(Map.of()) : e.getValue();
        for (Map<String, String> b : bindings) {
          ports.addAll(PortMapping.fromDocker(e.getKey(), b == null ? "" : b.get("HostIp"),
              b == null ? "" : b.get("HostPort")));
        }
      }
    }
    List<String> exposed = r.exposedPorts() == null ? List.of() : List.copyOf(r.exposedPorts().keySet());
    return new ContainerSpec.Network(mode, ports, List.of(), Boolean.TRUE.equals(h.publishAllPorts()), exposed);
  }

  /**
   * Docker's resource fields as podman's compat handler maps them: NanoCpus to a 100ms period and
   * its quota (both with CpuQuota/CpuPeriod is Docker's "conflicting options" error), Memory
   * without MemorySwap gets twice the memory as memory+swap, PidsLimit 0 or -1 is unlimited.
   */
  static ContainerSpec.Resources resources(DockerCreateRequest.HostConfig h) {
    long nano = num(h.nanoCpus());
    long quota = num(h.cpuQuota());
    long period = num(h.cpuPeriod());
    if (nano > 0 && (quota > 0 || period > 0)) {
      throw new InvalidArgumentException("Conflicting options: Nano CPUs and CPU Period/Quota cannot both be set");
    }
    if (nano < 0) {
      throw new InvalidArgumentException("invalid NanoCpus " + nano + ": must not be negative");
    }
    if (nano > 0) {
      period = 100_000;
      quota = nano * period / 1_000_000_000L;
    }
    long memory = num(h.memory());
    long swap = num(h.memorySwap());
    if (memory > 0 && swap == 0) {
      swap = 2 * memory;
    }
    return new ContainerSpec.Resources(
        h.ulimits() == null ? null : h.ulimits().stream().map(u -> new ContainerSpec.Rlimit(u.name(), u.hard(), u.soft())).toList(),
        memory, swap, quota, period, Math.max(num(h.pidsLimit()), 0), num(h.memoryReservation()), num(h.cpuShares()),
        h.cpusetCpus(), h.cpusetMems(), num(h.blkioWeight()), false);
  }

  private static Map<String, String> env(List<String> env) {
    Map<String, String> m = new LinkedHashMap<>();
    if (env != null) {
      for (String e : env) {
        int eq = e.indexOf('=');
        if (eq > 0) {
          m.put(e.substring(0, eq), e.substring(eq + 1));
        }
      }
    }
    return m;
  }

  private static List<ContainerSpec.Mount> mounts(DockerCreateRequest.HostConfig h) {
    List<ContainerSpec.Mount> out = new ArrayList<>();
    if (h.binds() != null) {
      for (String b : h.binds()) {
        String[] p = b.split(":");
        if (p.length < 2) {
          throw new InvalidArgumentException("invalid bind \"" + b + "\": expected SRC:DEST[:OPTIONS]");
        }
        if (p[0].startsWith("/")) {
          out.add(new ContainerSpec.Mount(p[1], "bind", p[0], p.length > 2 ? List.of(p[2].split(",")) : List.of()));
        }
      }
    }
    if (h.tmpfs() != null) {
      h.tmpfs().forEach((dest, opts) -> out.add(new ContainerSpec.Mount(dest, "tmpfs", "tmpfs",
          opts == null || opts.isEmpty() ? List.of() : List.of(opts.split(",")))));
    }
    return out;
  }

  private static List<ContainerSpec.VolumeMount> volumes(DockerCreateRequest.HostConfig h) {
    List<ContainerSpec.VolumeMount> out = new ArrayList<>();
    if (h.binds() != null) {
      for (String b : h.binds()) {
        String[] p = b.split(":");
        if (p.length >= 2 && !p[0].startsWith("/")) {
          out.add(new ContainerSpec.VolumeMount(p[0], p[1], p.length > 2 ? List.of(p[2].split(",")) : List.of()));
        }
      }
    }
    return out;
  }

  /** Docker's {@code SecurityOpt} strings: no-new-privileges, seccomp=, apparmor=, label=, mask=, unmask=. */
  static final class SecurityOpts {
    boolean noNewPrivileges;
    String seccomp = "";
    String apparmor = "";
    List<String> labels = new ArrayList<>();
    List<String> mask = new ArrayList<>();
    List<String> unmask = new ArrayList<>();

    static SecurityOpts parse(List<String> opts) {
      SecurityOpts s = new SecurityOpts();
      if (opts == null) {
        return s;
      }
      for (String o : opts) {
        String[] kv = o.split("[=:]", 2);
        switch (kv[0]) {
          case "no-new-privileges" -> s.noNewPrivileges = kv.length == 1 || kv[1].equals("true");
          case "seccomp" -> s.seccomp = value(o, kv);
          case "apparmor" -> s.apparmor = value(o, kv);
          case "label" -> s.labels.add(value(o, kv));
          case "mask" -> s.mask.addAll(List.of(value(o, kv).split(":")));
          case "unmask" -> s.unmask.addAll(List.of(value(o, kv).split(":")));
          default -> throw new InvalidArgumentException("unsupported security option \"" + o + "\"");
        }
      }
      return s;
    }

    private static String value(String o, String[] kv) {
      if (kv.length < 2 || kv[1].isEmpty()) {
        throw new InvalidArgumentException("security option \"" + o + "\" needs a value");
      }
      return kv[1];
    }
  }

  private static long num(Long l) {
    return l == null ? 0 : l;
  }

  private static boolean bool(Boolean b) {
    return b != null && b;
  }
}
