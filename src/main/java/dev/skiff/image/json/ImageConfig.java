package dev.skiff.image.json;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * The OCI image configuration ({@code application/vnd.oci.image.config.v1+json}; the Docker
 * config is a superset we read through the same record). {@code created} stays the RFC 3339
 * string it was, so re-serialising does not reformat it. Members we do not model are ignored on
 * read; note that an image's id is the digest of the config <em>bytes</em>, so never re-serialise
 * a loaded config to compute its id.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ImageConfig(
    String created,
    String author,
    String architecture,
    String os,
    String variant,
    Config config,
    RootFs rootfs,
    List<History> history) {

  public ImageConfig {
    history = history == null ? List.of() : List.copyOf(history);
  }

  /** {@code created} as an instant, when present and RFC 3339. */
  public java.util.Optional<java.time.Instant> createdInstant() {
    try {
      return created == null
          ? java.util.Optional.empty()
          : java.util.Optional.of(java.time.OffsetDateTime.parse(created).toInstant());
    } catch (java.time.format.DateTimeParseException e) {
      return java.util.Optional.empty();
    }
  }

  /** The diffIDs from {@code rootfs.diff_ids}, in layer order (bottom first). */
  public List<String> diffIds() {
    return rootfs == null ? List.of() : rootfs.diffIds();
  }

  /** The {@code config} member: defaults for containers run from the image. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public record Config(
      @JsonProperty("User") String user,
      @JsonProperty("ExposedPorts") Map<String, Object> exposedPorts,
      @JsonProperty("Env") List<String> env,
      @JsonProperty("Entrypoint") List<String> entrypoint,
      @JsonProperty("Cmd") List<String> cmd,
      @JsonProperty("Volumes") Map<String, Object> volumes,
      @JsonProperty("WorkingDir") String workingDir,
      @JsonProperty("Labels") Map<String, String> labels,
      @JsonProperty("StopSignal") String stopSignal) {

    public static final Config EMPTY = new Config(null, null, null, null, null, null, null, null, null);

    public Config {
      exposedPorts = exposedPorts == null ? null : Map.copyOf(exposedPorts);
      env = env == null ? null : List.copyOf(env);
      entrypoint = entrypoint == null ? null : List.copyOf(entrypoint);
      cmd = cmd == null ? null : List.copyOf(cmd);
      volumes = volumes == null ? null : Map.copyOf(volumes);
      labels = labels == null ? null : Map.copyOf(labels);
    }
  }

  /** {@code rootfs}: always type {@code layers}. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record RootFs(String type, @JsonProperty("diff_ids") List<String> diffIds) {
    public RootFs {
      diffIds = diffIds == null ? List.of() : List.copyOf(diffIds);
    }
  }

  /** One {@code history} entry. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public record History(
      String created,
      @JsonProperty("created_by") String createdBy,
      String author,
      String comment,
      @JsonProperty("empty_layer") boolean emptyLayer) {}
}
