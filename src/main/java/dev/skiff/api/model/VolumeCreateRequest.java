package dev.skiff.api.model;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * Body of {@code POST /libpod/volumes/create} ({@code Name, Driver, Label, Options}) and of the
 * Docker {@code POST /volumes/create} ({@code Name, Driver, Labels, DriverOpts}).
 */
public record VolumeCreateRequest(
    @JsonProperty("Name") String name,
    @JsonProperty("Driver") String driver,
    @JsonProperty("Label") @JsonAlias({"Labels"}) Map<String, String> labels,
    @JsonProperty("Options") @JsonAlias({"DriverOpts"}) Map<String, String> options) {}
