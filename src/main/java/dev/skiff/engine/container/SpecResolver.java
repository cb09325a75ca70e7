package dev.skiff.engine.container;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import dev.skiff.config.SkiffConfig;
import dev.skiff.engine.DaemonIdentity;
import dev.skiff.engine.InvalidArgumentException;
import dev.skiff.engine.SubIdAllocations;
import dev.skiff.engine.VolumeService;
import dev.skiff.image.json.ImageConfig;
import dev.skiff.runtime.HostFacts;
import dev.skiff.runtime.HostProbe;
import dev.skiff.runtime.oci.OciSpec;
import dev.skiff.security.AppArmorProfile;
import dev.skiff.security.Capability;
import dev.skiff.security.CapabilityPlan;
import dev.skiff.security.IdMap;
import dev.skiff.security.IdMapPlan;
import dev.skiff.security.IdMapPlanner;
import dev.skiff.security.IdMapRequest;
import dev.skiff.security.IdMapping;
import dev.skiff.security.IdRangeAllocator;
import dev.skiff.security.InvalidSecuritySettingException;
import dev.skiff.security.MacPolicy;
import dev.skiff.security.MacRequest;
import dev.skiff.security.MacSupport;
import dev.skiff.security.MaskedPaths;
import dev.skiff.security.OciSeccomp;
import dev.skiff.security.SeccompProfile;
import dev.skiff.security.SeccompProfiles;
import dev.skiff.security.SelinuxOptions;
import dev.skiff.security.SubIdRange;
import dev.skiff.security.UsernsMode;
import dev.skiff.store.ContainerDirs;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Turns a request ({@link ContainerSpec}) plus the image's config and the daemon's policy into the
 * OCI config the shim runs. Everything is validated here, before anything exists: an invalid or
 * unsatisfiable request is an {@link InvalidArgumentException} naming the problem.
 */
@ApplicationScoped
public class SpecResolver {

  static final ObjectMapper JSON = new ObjectMapper().registerModule(new Jdk8Module())
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
  private static final long NOBODY = 65534;
  private static final Set<String> RLIMITS = Set.of("AS", "CORE", "CPU", "DATA", "FSIZE", "LOCKS", "MEMLOCK",
      "MSGQUEUE", "NICE", "NOFILE", "NPROC", "RSS", "RTPRIO", "RTTIME", "SIGPENDING", "STACK");

  private final DaemonIdentity identity;
  private final VolumeService volumes;
  private final ImageResolver images;
  private final HostFacts host;
  private final SubIdAllocations allocations;

  public SpecResolver(DaemonIdentity identity, VolumeService volumes, ImageResolver images, SkiffConfig config,
      SubIdAllocations allocations) {
    this.identity = identity;
    this.allocations = allocations;
    this.volumes = volumes;
    this.images = images;
    this.host = new HostProbe().probe();
  }

  /**
   * The resolved OCI config, the warnings the client should see, and the {@code --userns=auto}
   * range chosen for it (to be stored with the container, see {@link SubIdAllocations}).
   */
  public record Resolution(OciSpec oci, List<String> warnings, Optional<SubIdRange> autoRange) {
    public Resolution(OciSpec oci, List<String> warnings) {
      this(oci, warnings, Optional.empty());
    }
  }

  /**
   * True when the request asks for its own ID range ({@code --userns=auto}): the caller then
   * resolves and stores the container inside {@link SubIdAllocations#exclusive}.
   */
  public boolean needsOwnRange(ContainerSpec spec) {
    try {
      return !identity.rootless() && usernsMode(spec.security()) instanceof UsernsMode.Auto;
    } catch (InvalidSecuritySettingException e) {
      return false; // resolve() reports it as a 400
    }
  }

  public Resolution resolve(String id, ContainerSpec spec, ResolvedImage image) {
    try {
      return resolveChecked(id, spec, image);
    } catch (InvalidSecuritySettingException e) {
      throw new InvalidArgumentException(e.getMessage(), e);
    }
  }

  private Resolution resolveChecked(String id, ContainerSpec spec, ResolvedImage image) {
    List<String> warnings = new ArrayList<>();
    ContainerSpec.Basic b = spec.basic();
    ContainerSpec.Security s = spec.security();
    ImageConfig.Config ic = image.config().config() == null ? ImageConfig.Config.EMPTY : image.config().config();
    ProcessResolver.CommandLine cl = ProcessResolver.commandLine(b, ic);
    String hostname = b.hostname().isEmpty() ? id.substring(0, 12) : b.hostname();
    String userSpec = !b.user().isEmpty() ? b.user() : keepIdUser(s).orElse(ic.user() == null ? "" : ic.user());
    ProcessResolver.User user = ProcessResolver.user(userSpec, image.layersTopFirst());
    CapabilityPlan caps = availableOnly(CapabilityPlan.resolve(Capability.PODMAN_DEFAULTS, s.capAdd(), s.capDrop(),
        s.privileged(), user.uid() != 0), s.capAdd());
    MacRequest mac = new MacRequest(
        s.apparmorProfile().isEmpty() ? Optional.empty() : Optional.of(AppArmorProfile.parse(s.apparmorProfile())),
        SelinuxOptions.parse(s.selinuxOpts()));
    MacPolicy.validate(mac, new MacSupport(host.apparmorEnabled(), host.selinuxEnabled()));
    Optional<SubIdRange> autoRange = autoRange(s, user, image);
    IdMapPlan ids = idMaps(s, user, autoRange);
    MaskedPaths masked = MaskedPaths.resolve(s.privileged(), s.mask(), s.unmask());
    JsonNode seccomp = seccomp(s, caps);
    List<OciSpec.Mount> mounts = new ArrayList<>(MountResolver.standard(false));
    mounts.addAll(MountResolver.requested(spec.storage(), v -> volumes.forContainer(id, v.name(), v.dest()).mountpoint()));
    String net = network(spec.network());
    if (spec.resources().hasCgroupLimits()) {
      warnings.add("Resource limits are not supported and ignored: skiffd has no delegated cgroup on this host"
          + " (cgroup " + host.cgroupVersion() + ")");
    }
    var process = new OciSpec.Process(b.terminal(), new OciSpec.User(user.uid(), user.gid(), umask(b.umask()),
        user.additionalGids().isEmpty() ? null : user.additionalGids()),
        cl.args(), ProcessResolver.env(b, ic, hostname), ProcessResolver.cwd(b, ic),
        new OciSpec.Capabilities(names(caps.bounding()), names(caps.effective()), names(caps.inheritable()),
            names(caps.permitted()), names(caps.ambient())),
        rlimits(spec.resources().rlimits()), s.noNewPrivileges(),
        mac.apparmor().map(AppArmorProfile::name).filter(n -> !n.equals(AppArmorProfile.UNCONFINED_NAME)).orElse(null),
        null);
    var linux = new OciSpec.Linux(
        ids.newUserNamespace() ? mappings(ids.uidMap().toOciList()) : null,
        ids.newUserNamespace() ? mappings(ids.gidMap().toOciList()) : null,
        namespaces(ids, net), masked.masked(), masked.readOnly(), seccomp, null, null, null);
    Map<String, String> annotations = new LinkedHashMap<>(b.annotations());
    annotations.put("dev.skiff.entrypoint.length", Integer.toString(cl.entrypoint().size()));
    OciSpec oci = new OciSpec(OciSpec.VERSION, process, new OciSpec.Root("rootfs", spec.storage().readOnlyRootfs()),
        hostname, mounts, linux, annotations);
    return new Resolution(oci, warnings, autoRange);
  }

  /**
   * A container can only get capabilities the daemon's own bounding set holds (a kernel rule).
   * Explicitly added ones that it lacks are an error; defaults and --privileged are narrowed.
   */
  private CapabilityPlan availableOnly(CapabilityPlan plan, List<String> capAdd) {
    for (String name : capAdd) {
      if (!name.equalsIgnoreCase("ALL")) {
        Capability c = Capability.parse(name);
        if (!host.hasBoundingCap(c.number())) {
          throw new InvalidArgumentException("capability " + c.capName() + " cannot be added: skiffd itself does not"
              + " hold it (not in its bounding set)");
        }
      }
    }
    java.util.function.Function<Set<Capability>, Set<Capability>> keep = set -> set.stream()
        .filter(c -> host.hasBoundingCap(c.number())).collect(java.util.stream.Collectors.toSet());
    return new CapabilityPlan(keep.apply(plan.bounding()), keep.apply(plan.effective()), keep.apply(plan.permitted()),
        keep.apply(plan.inheritable()), keep.apply(plan.ambient()));
  }

  /**
   * Podman's {@code keep-id}: without {@code --user}, the process runs as the kept IDs (the user's
   * own, or {@code keep-id:uid=U,gid=G}), not as the image's user.
   */
  private Optional<String> keepIdUser(ContainerSpec.Security s) {
    if (!identity.rootless() || !(usernsMode(s) instanceof UsernsMode.KeepId k)) {
      return Optional.empty();
    }
    return Optional.of(k.uid().orElse(identity.ids().uid()) + ":" + k.gid().orElse(identity.ids().gid()));
  }

  private static UsernsMode usernsMode(ContainerSpec.Security s) {
    String mode = s.usernsMode().equals("no-map") ? "nomap" : s.usernsMode();
    return UsernsMode.parse(s.usernsValue().isEmpty() ? mode : mode + ":" + s.usernsValue());
  }

  private IdMapPlan idMaps(ContainerSpec.Security s, ProcessResolver.User user, Optional<SubIdRange> autoRange) {
    UsernsMode userns = usernsMode(s);
    IdMapRequest req = IdMapRequest.of(userns).withUser(user.uid(), user.gid())
        .withMaps(explicit(s.uidMap()), explicit(s.gidMap()));
    if (autoRange.isPresent()) {
      req = req.withAutoRange(autoRange.get());
    } else if (req.needsAutoRange(identity.rootless()) && !(userns instanceof UsernsMode.Auto)) {
      req = req.withAutoRange(identity.rootDefaultRange().orElseThrow());
    }
    return IdMapPlanner.plan(identity.ids(), req);
  }

  /**
   * Root mode {@code --userns=auto}: a fresh range of the requested size, or of Podman's default
   * size (at least 1024, enough for the image's highest file owner, its /etc/passwd and /etc/group
   * IDs except nobody, and the container's user). Rootless {@code auto} is refused by the planner.
   * The caller holds {@link SubIdAllocations#exclusive} (see {@link #needsOwnRange}).
   */
  private Optional<SubIdRange> autoRange(ContainerSpec.Security s, ProcessResolver.User user, ResolvedImage image) {
    if (identity.rootless() || !(usernsMode(s) instanceof UsernsMode.Auto auto)) {
      return Optional.empty();
    }
    if (!s.uidMap().isEmpty() || !s.gidMap().isEmpty()) {
      throw new InvalidSecuritySettingException("--userns and --uidmap/--gidmap are mutually exclusive");
    }
    long size = IdRangeAllocator.sizeFor(auto, highestIdNeeded(user, image));
    List<IdMapping> forced = new ArrayList<>(auto.uidMappings());
    forced.addAll(auto.gidMappings());
    return Optional.of(allocations.allocate(size, forced));
  }

  private long highestIdNeeded(ProcessResolver.User user, ResolvedImage image) {
    long highest = Math.max(user.uid(), user.gid());
    for (long g : user.additionalGids()) {
      highest = Math.max(highest, g);
    }
    long onDisk = LayerOwners.highestOnDisk(image.layersTopFirst());
    long base = identity.rootDefaultRange().map(SubIdRange::start).orElse(0L);
    if (onDisk >= base && onDisk - base < identity.rootDefaultRange().map(SubIdRange::count).orElse(0L)) {
      highest = Math.max(highest, onDisk - base);
    }
    for (String file : List.of("etc/passwd", "etc/group")) {
      for (String[] entry : ProcessResolver.table(image.layersTopFirst(), file)) {
        if (entry.length > 2 && entry[2].matches("[0-9]{1,10}")) {
          long id = Long.parseLong(entry[2]);
          if (id != NOBODY && id < SubIdRange.ID_LIMIT) {
            highest = Math.max(highest, id);
          }
        }
      }
    }
    return highest;
  }

  private static List<IdMapping> explicit(List<ContainerSpec.IdMap> maps) {
    return maps.stream().map(m -> IdMapping.of(m.containerId(), m.hostId(), m.size())).toList();
  }

  private JsonNode seccomp(ContainerSpec.Security s, CapabilityPlan caps) {
    String path = s.seccompProfilePath();
    if (path.equals(SeccompProfiles.UNCONFINED) || (s.privileged() && path.isEmpty())) {
      return null;
    }
    SeccompProfile profile;
    if (path.isEmpty()) {
      profile = SeccompProfiles.defaultProfile();
    } else {
      Path p = Path.of(path);
      if (!p.isAbsolute()) {
        throw new InvalidArgumentException("seccomp profile path \"" + path + "\" is relative: give an absolute"
            + " path on the daemon's host");
      }
      String text;
      try {
        text = Files.readString(p);
      } catch (IOException e) {
        throw new InvalidArgumentException("cannot read seccomp profile " + path + ": " + e.getMessage());
      }
      profile = SeccompProfiles.parse(text, path);
    }
    OciSeccomp oci = SeccompProfiles.resolve(profile, caps, host.arch());
    return JSON.valueToTree(oci);
  }

  /** The network mode as {@link NetworkResolver} resolved it at create ("" only in old records). */
  private static String network(ContainerSpec.Network n) {
    return switch (n.mode()) {
      case "", "none", "private" -> "none";
      case NetworkResolver.SLIRP, "host" -> n.mode();
      default -> throw new InvalidArgumentException("network mode \"" + n.mode() + "\" is not supported: use"
          + " slirp4netns (the default), none (loopback only) or host");
    };
  }

  private static List<OciSpec.Namespace> namespaces(IdMapPlan ids, String net) {
    List<OciSpec.Namespace> ns = new ArrayList<>();
    for (String t : List.of("pid", "ipc", "uts", "mount", "cgroup")) {
      ns.add(new OciSpec.Namespace(t, null));
    }
    if (!net.equals("host")) {
      ns.add(new OciSpec.Namespace("network", null));
    }
    if (ids.newUserNamespace()) {
      ns.add(new OciSpec.Namespace("user", null));
    } else {
      ids.joinPath().ifPresent(p -> ns.add(new OciSpec.Namespace("user", p)));
    }
    return ns;
  }

  private static List<OciSpec.IdMapping> mappings(List<IdMapping> l) {
    return l.stream().map(m -> new OciSpec.IdMapping(m.containerId(), m.hostId(), m.size())).toList();
  }

  private static List<String> names(Set<Capability> caps) {
    return caps.stream().map(Capability::capName).toList();
  }

  private static List<OciSpec.Rlimit> rlimits(List<ContainerSpec.Rlimit> in) {
    List<OciSpec.Rlimit> out = new ArrayList<>();
    for (ContainerSpec.Rlimit r : in) {
      String t = r.type().toUpperCase(Locale.ROOT).replaceFirst("^RLIMIT_", "");
      if (!RLIMITS.contains(t)) {
        throw new InvalidArgumentException("invalid ulimit type \"" + r.type() + "\"");
      }
      long hard = r.hard() < 0 ? -1 : r.hard();
      long soft = r.soft() < 0 ? -1 : r.soft();
      if (hard >= 0 && soft > hard) {
        throw new InvalidArgumentException("ulimit " + r.type() + ": soft limit " + soft + " is above the hard limit " + hard);
      }
      out.add(new OciSpec.Rlimit("RLIMIT_" + t, hard < 0 ? Long.MAX_VALUE : hard, soft < 0 ? Long.MAX_VALUE : soft));
    }
    return out;
  }

  private static Integer umask(String s) {
    if (s.isEmpty()) {
      return 022;
    }
    if (!s.matches("0?[0-7]{1,3}")) {
      throw new InvalidArgumentException("invalid umask \"" + s + "\"");
    }
    return Integer.parseInt(s, 8);
  }

  /**
   * Root mode: when the container's ID map differs from the one image layers are owned through
   * (the default map), the shim mounts each lower layer ID-mapped (see mounts.h). The annotations
   * carry the mount's maps as {@code layer-owner:seen-as:size} lines, comma-separated, the form of
   * the runtime-spec's mount {@code uidMappings} (the user namespace given to the idmapped mount).
   */
  private Map<String, String> layerIdMaps(OciSpec stored) {
    if (identity.rootless() || stored.linux() == null || stored.linux().uidMappings() == null
        || stored.linux().uidMappings().isEmpty()) {
      return Map.of();
    }
    IdMap uids = IdMapPlanner.layerIdMap(identity.defaultUidMap(), fromOci(stored.linux().uidMappings()));
    IdMap gids = IdMapPlanner.layerIdMap(identity.defaultGidMap(), fromOci(stored.linux().gidMappings()));
    if (IdMapPlanner.isIdentity(uids) && IdMapPlanner.isIdentity(gids)) {
      return Map.of();
    }
    if (uids.isEmpty() || gids.isEmpty()) {
      throw new InvalidArgumentException("the container's ID map shares no ID with the map image layers are owned"
          + " through (" + identity.defaultUidMap().toProcLines() + "): its image files would all be unmapped");
    }
    return Map.of("dev.skiff.overlay.idmap.uids", text(uids), "dev.skiff.overlay.idmap.gids", text(gids));
  }

  private static IdMap fromOci(List<OciSpec.IdMapping> l) {
    return new IdMap(l.stream().map(m -> IdMapping.of(m.containerID(), m.hostID(), m.size())).toList());
  }

  private static String text(IdMap map) {
    return String.join(",", map.mappings().stream()
        .map(m -> m.containerId() + ":" + m.hostId() + ":" + m.size()).toList());
  }

  /** The OCI config for (re)starting a created container: its rootfs overlay on this host. */
  public OciSpec forStart(ContainerRecord c, ContainerDirs dirs) {
    OciSpec stored = JSON.convertValue(c.oci(), OciSpec.class);
    ResolvedImage image = images.resolve(c.imageId());
    Map<String, String> a = new LinkedHashMap<>(stored.annotations() == null ? Map.of() : stored.annotations());
    a.put("dev.skiff.overlay.lower", String.join(":", image.layersTopFirst().stream().map(Path::toString).toList()));
    a.put("dev.skiff.overlay.upper", dirs.upper(c.id()).toString());
    a.put("dev.skiff.overlay.work", dirs.work(c.id()).toString());
    layerIdMaps(stored).forEach(a::put);
    return new OciSpec(stored.ociVersion(), stored.process(),
        new OciSpec.Root(dirs.rootfs(c.id()).toString(), stored.root().readonly()), stored.hostname(), stored.mounts(),
        stored.linux(), a);
  }
}
