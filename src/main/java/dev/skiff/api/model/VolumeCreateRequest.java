package dev.skiff.api.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.HashMap;
import java.util.Map;

/**
 * Body of {@code POST /libpod/volumes/create} ({@code Name, Driver, Label, Options}; podman 4.3.1
 * also sends {@code "Labels":null}) and of the Docker {@code POST /volumes/create}
 * ({@code Name, Driver, Labels, DriverOpts}).
 */
public record VolumeCreateRequest(
    @JsonProperty("Name") String name,
    @JsonProperty("Driver") String driver,
    @JsonProperty("Label") Map<String, String> label,
    @JsonProperty("Labels") Map<String, String> labels,
    @JsonProperty("Options") Map<String, String> options,
    @JsonProperty("DriverOpts") Map<String, String> driverOpts) {

  public static final VolumeCreateRequest EMPTY = new VolumeCreateRequest(null, null, null, null, null, null);

  public Map<String, String> allLabels() {
    return merge(label, labels);
  }

  public Map<String, String> allOptions() {
    return merge(options, driverOpts);
  }

  private static Map<String, String> merge(Map<String, String> a, Map<String, String> b) {
    Map<String, String> m = new HashMap<>();
    if (a != null) {
      m.putAll(a);
    }
    if (b != null) {
      m.putAll(b);
    }
    return m;
  }
}
