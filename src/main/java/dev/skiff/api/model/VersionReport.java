package dev.skiff.api.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/** {@code GET /version} and {@code /libpod/version}: the Docker shape plus libpod's component. */
public record VersionReport(
    @JsonProperty("Platform") Map<String, String> platform,
    @JsonProperty("Components") List<Component> components,
    @JsonProperty("Version") String version,
    @JsonProperty("ApiVersion") String apiVersion,
    @JsonProperty("MinAPIVersion") String minApiVersion,
    @JsonProperty("GitCommit") String gitCommit,
    @JsonProperty("GoVersion") String goVersion,
    @JsonProperty("Os") String os,
    @JsonProperty("Arch") String arch,
    @JsonProperty("KernelVersion") String kernelVersion,
    @JsonProperty("BuildTime") String buildTime,
    @JsonProperty("Experimental") boolean experimental) {

  public record Component(
      @JsonProperty("Name") String name,
      @JsonProperty("Version") String version,
      @JsonProperty("Details") Map<String, String> details) {}
}
