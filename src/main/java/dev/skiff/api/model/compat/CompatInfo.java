package dev.skiff.api.model.compat;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** {@code GET /info} (Docker shape): the members docker CLI and Testcontainers read. */
public record CompatInfo(
    @JsonProperty("ID") String id,
    @JsonProperty("Containers") long containers,
    @JsonProperty("ContainersRunning") long containersRunning,
    @JsonProperty("ContainersPaused") long containersPaused,
    @JsonProperty("ContainersStopped") long containersStopped,
    @JsonProperty("Images") long images,
    @JsonProperty("Driver") String driver,
    @JsonProperty("DockerRootDir") String dockerRootDir,
    @JsonProperty("OSType") String osType,
    @JsonProperty("OperatingSystem") String operatingSystem,
    @JsonProperty("OSVersion") String osVersion,
    @JsonProperty("Architecture") String architecture,
    @JsonProperty("KernelVersion") String kernelVersion,
    @JsonProperty("NCPU") int ncpu,
    @JsonProperty("MemTotal") long memTotal,
    @JsonProperty("Name") String name,
    @JsonProperty("ServerVersion") String serverVersion,
    @JsonProperty("CgroupDriver") String cgroupDriver,
    @JsonProperty("CgroupVersion") String cgroupVersion,
    @JsonProperty("SecurityOptions") List<String> securityOptions,
    @JsonProperty("Labels") List<String> labels,
    @JsonProperty("ExperimentalBuild") boolean experimentalBuild,
    @JsonProperty("ExecutionDriver") String executionDriver,
    @JsonProperty("LoggingDriver") String loggingDriver,
    @JsonProperty("IndexServerAddress") String indexServerAddress) {}
