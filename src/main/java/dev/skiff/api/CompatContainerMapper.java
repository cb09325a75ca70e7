package dev.skiff.api;

import dev.skiff.engine.ContainerState;
import dev.skiff.engine.container.ContainerRecord;
import dev.skiff.store.ContainerDirs;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Docker shapes of container inspect and list, derived from the libpod ones. */
public final class CompatContainerMapper {

  private CompatContainerMapper() {}

  @SuppressWarnings("unchecked")
  public static Map<String, Object> inspect(ContainerRecord c, ContainerDirs dirs) {
    Map<String, Object> lp = ContainerMapper.libpodInspect(c, dirs);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("Id", c.id());
    m.put("Created", lp.get("Created"));
    m.put("Path", lp.get("Path"));
    m.put("Args", lp.get("Args"));
    Map<String, Object> state = new LinkedHashMap<>((Map<String, Object>) lp.get("State"));
    state.remove("OciVersion");
    state.remove("ConmonPid");
    state.remove("CgroupPath");
    state.remove("CheckpointedAt");
    state.remove("RestoredAt");
    state.remove("Health");
    state.put("Status", c.state() == ContainerState.CREATED ? "created" : c.isRunning() ? (
        c.state() == ContainerState.PAUSED ? "paused" : "running") : "exited");
    m.put("State", state);
    m.put("Image", "sha256:" + c.imageId());
    m.put("ResolvConfPath", "");
    m.put("HostnamePath", "");
    m.put("HostsPath", "");
    m.put("LogPath", dirs.log(c.id()).toString());
    m.put("Name", "/" + c.name());
    m.put("RestartCount", c.restartCount());
    m.put("Driver", "overlay");
    m.put("Platform", "linux");
    m.put("MountLabel", lp.get("MountLabel"));
    m.put("ProcessLabel", lp.get("ProcessLabel"));
    m.put("AppArmorProfile", lp.get("AppArmorProfile"));
    m.put("ExecIDs", null);
    m.put("HostConfig", lp.get("HostConfig"));
    m.put("GraphDriver", lp.get("GraphDriver"));
    m.put("Mounts", lp.get("Mounts"));
    Map<String, Object> config = new LinkedHashMap<>((Map<String, Object>) lp.get("Config"));
    config.put("Entrypoint", ContainerMapper.args(c).isEmpty() ? List.of() : entrypointList(config));
    config.put("StopSignal", Integer.toString((Integer) config.get("StopSignal")));
    config.remove("Annotations");
    config.remove("CreateCommand");
    config.remove("Umask");
    config.remove("Passwd");
    config.remove("sdNotifyMode");
    config.remove("HealthcheckOnFailureAction");
    config.remove("Timeout");
    m.put("Config", config);
    Map<String, Object> net = new LinkedHashMap<>((Map<String, Object>) lp.get("NetworkSettings"));
    net.put("Networks", Map.of());
    m.put("NetworkSettings", net);
    return m;
  }

  private static List<String> entrypointList(Map<String, Object> libpodConfig) {
    String ep = (String) libpodConfig.get("Entrypoint");
    return ep == null || ep.isEmpty() ? List.of() : List.of(ep.split(" "));
  }

  public static Map<String, Object> listEntry(ContainerRecord c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("Id", c.id());
    m.put("Names", List.of("/" + c.name()));
    m.put("Image", c.imageName());
    m.put("ImageID", "sha256:" + c.imageId());
    m.put("Command", String.join(" ", ContainerMapper.args(c)));
    m.put("Created", c.created().getEpochSecond());
    m.put("Ports", c.spec().network().ports().stream()
        .map(p -> Map.<String, Object>of("IP", p.hostIp(), "PrivatePort", p.containerPort(), "PublicPort",
            p.hostPort(), "Type", p.protocol())).toList());
    m.put("Labels", c.spec().basic().labels());
    m.put("State", c.isRunning() ? "running" : c.state() == ContainerState.CREATED ? "created" : "exited");
    m.put("Status", status(c));
    m.put("HostConfig", Map.of("NetworkMode", ContainerMapper.networkMode(c)));
    m.put("NetworkSettings", Map.of("Networks", Map.of()));
    m.put("Mounts", List.of());
    return m;
  }

  static String status(ContainerRecord c) {
    Instant now = Instant.now();
    return switch (c.state()) {
      case RUNNING -> "Up " + human(Duration.between(c.startedAt(), now));
      case PAUSED -> "Up " + human(Duration.between(c.startedAt(), now)) + " (Paused)";
      case CREATED, CONFIGURED -> "Created";
      default -> "Exited (" + c.exitCode() + ") " + human(Duration.between(c.finishedAt(), now)) + " ago";
    };
  }

  private static String human(Duration d) {
    long s = Math.max(0, d.toSeconds());
    if (s < 60) {
      return s + " seconds";
    }
    if (s < 3600) {
      return (s / 60) + " minutes";
    }
    return (s / 3600) + " hours";
  }
}
