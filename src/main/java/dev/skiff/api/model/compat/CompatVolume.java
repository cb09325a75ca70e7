package dev.skiff.api.model.compat;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/** Docker volume object. */
public record CompatVolume(
    @JsonProperty("Name") String name,
    @JsonProperty("Driver") String driver,
    @JsonProperty("Mountpoint") String mountpoint,
    @JsonProperty("CreatedAt") String createdAt,
    @JsonProperty("Labels") Map<String, String> labels,
    @JsonProperty("Scope") String scope,
    @JsonProperty("Options") Map<String, String> options) {}
