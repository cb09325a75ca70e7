package dev.skiff.api;

import dev.skiff.engine.image.ImageRecord;
import dev.skiff.image.json.ImageConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Image wire shapes (podman 4.3.1 types, wire doc §5.3) for both flavours. */
public final class ImageMapper {

  private ImageMapper() {}

  public static Map<String, Object> libpodListEntry(ImageRecord r, List<String> names, ImageConfig cfg, long containers) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("Id", r.id());
    m.put("ParentId", "");
    m.put("RepoTags", names);
    m.put("RepoDigests", List.of());
    m.put("Created", r.created().getEpochSecond());
    m.put("Size", r.size());
    m.put("SharedSize", 0);
    m.put("VirtualSize", r.size());
    m.put("Labels", cfg.config() == null ? null : cfg.config().labels());
    m.put("Containers", containers);
    m.put("Names", names);
    m.put("Digest", r.digest());
    m.put("History", names);
    if (names.isEmpty()) {
      m.put("Dangling", true);
    }
    return m;
  }

  public static Map<String, Object> compatListEntry(ImageRecord r, List<String> names, ImageConfig cfg, long containers) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("Id", "sha256:" + r.id());
    m.put("ParentId", "");
    m.put("RepoTags", names.isEmpty() ? List.of("<none>:<none>") : names);
    m.put("RepoDigests", List.of());
    m.put("Created", r.created().getEpochSecond());
    m.put("Size", r.size());
    m.put("SharedSize", -1);
    m.put("VirtualSize", r.size());
    m.put("Labels", cfg.config() == null || cfg.config().labels() == null ? Map.of() : cfg.config().labels());
    m.put("Containers", containers);
    return m;
  }

  public static Map<String, Object> inspect(ImageRecord r, List<String> names, ImageConfig cfg, boolean compat) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("Id", compat ? "sha256:" + r.id() : r.id());
    m.put("Digest", r.digest());
    m.put("RepoTags", names);
    m.put("RepoDigests", List.of());
    m.put("Parent", "");
    m.put("Comment", "");
    m.put("Created", ContainerMapper.time(r.created()));
    m.put("Config", config(cfg.config()));
    m.put("Version", "");
    m.put("Author", cfg.author() == null ? "" : cfg.author());
    m.put("Architecture", cfg.architecture() == null ? "amd64" : cfg.architecture());
    m.put("Os", cfg.os() == null ? "linux" : cfg.os());
    m.put("Size", r.size());
    m.put("VirtualSize", r.size());
    m.put("GraphDriver", Map.of("Name", "overlay", "Data", Map.of()));
    m.put("RootFS", Map.of("Type", "layers", "Layers", r.diffIds()));
    m.put("Labels", cfg.config() == null || cfg.config().labels() == null ? Map.of() : cfg.config().labels());
    m.put("Annotations", Map.of());
    m.put("ManifestType", "application/vnd.oci.image.manifest.v1+json");
    m.put("User", cfg.config() == null || cfg.config().user() == null ? "" : cfg.config().user());
    List<Map<String, Object>> history = new ArrayList<>();
    for (ImageConfig.History h : cfg.history()) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("created", h.created() == null ? "" : h.created());
      e.put("created_by", h.createdBy() == null ? "" : h.createdBy());
      e.put("comment", h.comment() == null ? "" : h.comment());
      history.add(e);
    }
    m.put("History", history);
    m.put("NamesHistory", names);
    return m;
  }

  private static Map<String, Object> config(ImageConfig.Config c) {
    Map<String, Object> m = new LinkedHashMap<>();
    if (c == null) {
      return m;
    }
    m.put("User", c.user() == null ? "" : c.user());
    m.put("ExposedPorts", c.exposedPorts());
    m.put("Env", c.env());
    m.put("Entrypoint", c.entrypoint());
    m.put("Cmd", c.cmd());
    m.put("Volumes", c.volumes());
    m.put("WorkingDir", c.workingDir() == null ? "" : c.workingDir());
    m.put("Labels", c.labels());
    m.put("StopSignal", c.stopSignal() == null ? "" : c.stopSignal());
    return m;
  }
  /** History entries in the shape both flavours answer (podman's HistoryResponse). */
  public static List<Map<String, Object>> history(List<dev.skiff.engine.image.ImageService.HistoryEntry> entries) {
    List<Map<String, Object>> out = new java.util.ArrayList<>();
    for (var e : entries) {
      Map<String, Object> m = new java.util.LinkedHashMap<>();
      m.put("Id", e.id());
      m.put("Created", e.created());
      m.put("CreatedBy", e.createdBy());
      m.put("Tags", e.tags());
      m.put("Size", e.size());
      m.put("Comment", e.comment());
      out.add(m);
    }
    return out;
  }
}
