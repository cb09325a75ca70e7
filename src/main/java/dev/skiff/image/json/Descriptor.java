package dev.skiff.image.json;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/** An OCI content descriptor (also the shape of Docker manifest entries). */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Descriptor(
    String mediaType,
    String digest,
    long size,
    List<String> urls,
    Map<String, String> annotations,
    Platform platform) {

  public Descriptor {
    urls = urls == null ? List.of() : List.copyOf(urls);
    annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
  }

  public static Descriptor of(String mediaType, String digest, long size) {
    return new Descriptor(mediaType, digest, size, null, null, null);
  }

  /** Platform of an index / manifest-list entry. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public record Platform(
      String architecture,
      String os,
      @com.fasterxml.jackson.annotation.JsonProperty("os.version") String osVersion,
      String variant) {}
}
