package dev.skiff.api.model.libpod;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/** libpod volume inspect/list entry. */
public record LibpodVolume(
    @JsonProperty("Name") String name,
    @JsonProperty("Driver") String driver,
    @JsonProperty("Mountpoint") String mountpoint,
    @JsonProperty("CreatedAt") String createdAt,
    @JsonProperty("Labels") Map<String, String> labels,
    @JsonProperty("Scope") String scope,
    @JsonProperty("Options") Map<String, String> options,
    @JsonProperty("UID") int uid,
    @JsonProperty("GID") int gid,
    @JsonProperty("Anonymous") boolean anonymous,
    @JsonProperty("MountCount") int mountCount,
    @JsonProperty("NeedsCopyUp") boolean needsCopyUp,
    @JsonProperty("NeedsChown") boolean needsChown) {}
