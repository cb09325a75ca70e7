package dev.skiff.api;

import dev.skiff.api.model.VersionReport;
import dev.skiff.api.model.compat.CompatInfo;
import dev.skiff.api.model.libpod.LibpodInfo;
import dev.skiff.config.BuildInfo;
import dev.skiff.engine.ContainerState;
import dev.skiff.engine.SystemReport;
import dev.skiff.runtime.HostFacts;
import dev.skiff.security.IdMap;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Maps the engine's {@link SystemReport} to the wire shapes of /version and /info. */
final class SystemMapper {

  static final String RUNTIME_NAME = "skiff-shim";
  static final String JAVA_VERSION = "java" + Runtime.version().feature();

  private SystemMapper() {}

  static VersionReport version(SystemReport r) {
    BuildInfo b = r.build();
    String os = "linux";
    Map<String, String> details = Map.of(
        "APIVersion", BuildInfo.LIBPOD_API_VERSION,
        "Arch", r.host().arch(),
        "BuildTime", b.buildTime().toString(),
        "Experimental", "false",
        "GitCommit", b.gitCommit(),
        "GoVersion", JAVA_VERSION,
        "KernelVersion", r.host().kernel(),
        "MinAPIVersion", BuildInfo.LIBPOD_MIN_API_VERSION,
        "Os", os);
    return new VersionReport(
        Map.of("Name", "linux/" + r.host().arch() + "/" + r.host().distribution() + "-" + r.host().distributionVersion()),
        List.of(new VersionReport.Component("Podman Engine", b.version(), details),
            new VersionReport.Component("Skiff", b.version(), Map.of("GitCommit", b.gitCommit()))),
        // the engine version Docker clients gate features on (Testcontainers requires >= 1.6.0):
        // the Podman API level served; Skiff's own version is in Components and the Server header
        BuildInfo.LIBPOD_API_VERSION,
        BuildInfo.DOCKER_API_VERSION,
        BuildInfo.DOCKER_MIN_API_VERSION,
        b.gitCommit(),
        JAVA_VERSION,
        os,
        r.host().arch(),
        r.host().kernel(),
        b.buildTime().toString(),
        false);
  }

  static LibpodInfo libpodInfo(SystemReport r) {
    HostFacts h = r.host();
    String shimPath = r.shim().map(Object::toString).orElse("");
    LibpodInfo.Program runtime = new LibpodInfo.Program(RUNTIME_NAME, shimPath, "skiff-shim " + r.build().version(), "skiff");
    LibpodInfo.Host host = new LibpodInfo.Host(
        h.arch(), "", "cgroupfs", h.cgroupVersion(), h.cgroupControllers(),
        new LibpodInfo.Program("skiff-shim", shimPath, "skiff-shim " + r.build().version(), "skiff"),
        h.cpus(), new LibpodInfo.CpuUtilization(0, 0, 100),
        new LibpodInfo.Distribution(h.distribution(), h.distributionVersion(), h.distributionCodename()),
        "file", h.hostname(),
        new LibpodInfo.IdMappings(idMaps(r.defaultUidMap()), idMaps(r.defaultGidMap())),
        h.kernel(), "k8s-file", h.memFree(), h.memTotal(), "none", runtime, "linux",
        new LibpodInfo.RemoteSocket("unix://" + r.socket(), Files.exists(r.socket())),
        true,
        new LibpodInfo.Security(h.apparmorEnabled(), DEFAULT_CAPS, r.rootless(), h.seccompEnabled(),
            "builtin:skiff-default", h.selinuxEnabled(), r.idProblem().orElse(null)),
        slirp(),
        h.swapFree(), h.swapTotal(), uptime(h.uptimeSeconds()), "dynamic");
    var counts = r.containers();
    LibpodInfo.Store store = new LibpodInfo.Store(
        "", new LibpodInfo.ContainerStore(counts.total(), counts.get(ContainerState.PAUSED.wireName()),
            counts.get(ContainerState.RUNNING.wireName()),
            counts.total() - counts.get(ContainerState.PAUSED.wireName()) - counts.get(ContainerState.RUNNING.wireName())),
        "overlay", Map.of(), r.root().resolve("storage").toString(), Map.of("Backing Filesystem", "extfs"),
        new LibpodInfo.ImageStore(r.images()), r.runroot().toString(), r.root().resolve("volumes").toString());
    LibpodInfo.Version version = new LibpodInfo.Version(
        BuildInfo.LIBPOD_API_VERSION, r.build().version(), JAVA_VERSION, r.build().gitCommit(),
        r.build().buildTime().toString(), r.build().buildTime().getEpochSecond(), "linux/" + h.arch(), "linux");
    return new LibpodInfo(host, store, Map.of("search", r.searchRegistries()),
        new LibpodInfo.Plugins(List.of("local"), List.of(), List.of("k8s-file")), version);
  }

  static CompatInfo compatInfo(SystemReport r) {
    HostFacts h = r.host();
    var c = r.containers();
    long running = c.get(ContainerState.RUNNING.wireName());
    long paused = c.get(ContainerState.PAUSED.wireName());
    return new CompatInfo(
        h.hostname(), c.total(), running, paused, c.total() - running - paused, r.images(),
        "overlay", r.root().toString(), "linux", h.distribution() + " " + h.distributionVersion(),
        h.distributionVersion(), h.arch().equals("amd64") ? "x86_64" : h.arch(), h.kernel(), h.cpus(), h.memTotal(),
        h.hostname(), r.build().version(), "cgroupfs", h.cgroupVersion().substring(1),
        securityOptions(r), List.of(), false, "skiff-shim", "k8s-file", "");
  }

  private static List<String> securityOptions(SystemReport r) {
    List<String> opts = new java.util.ArrayList<>();
    if (r.host().seccompEnabled()) {
      opts.add("name=seccomp,profile=default");
    }
    if (r.rootless()) {
      opts.add("name=rootless");
    }
    opts.add("name=userns");
    return opts;
  }

  private static final String DEFAULT_CAPS = "CAP_CHOWN,CAP_DAC_OVERRIDE,CAP_FOWNER,CAP_FSETID,CAP_KILL,"
      + "CAP_NET_BIND_SERVICE,CAP_SETFCAP,CAP_SETGID,CAP_SETPCAP,CAP_SETUID,CAP_SYS_CHROOT";

  /** The daemon's default container map (not the daemon process's own map). */
  private static List<LibpodInfo.IdMap> idMaps(IdMap map) {
    return map.mappings().stream().map(m -> new LibpodInfo.IdMap(m.containerId(), m.hostId(), m.size())).toList();
  }

  private static LibpodInfo.Slirp slirp() {
    String path = "/usr/bin/slirp4netns";
    return new LibpodInfo.Slirp(Files.isExecutable(java.nio.file.Path.of(path)) ? path : "", "", "");
  }

  private static String uptime(long seconds) {
    Duration d = Duration.ofSeconds(seconds);
    return String.format("%dh %dm %d.00s", d.toHours(), d.toMinutesPart(), d.toSecondsPart());
  }
}
