package dev.skiff.api.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * The body of {@code POST /containers/{name}/exec}, both flavours. Unknown members (such as
 * Testcontainers' {@code containerId}) are ignored; null means unset.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ExecCreateRequest(
    @JsonProperty("Cmd") List<String> cmd,
    @JsonProperty("Env") List<String> env,
    @JsonProperty("WorkingDir") String workingDir,
    @JsonProperty("User") String user,
    @JsonProperty("Privileged") Boolean privileged,
    @JsonProperty("Tty") Boolean tty,
    @JsonProperty("AttachStdin") Boolean attachStdin,
    @JsonProperty("AttachStdout") Boolean attachStdout,
    @JsonProperty("AttachStderr") Boolean attachStderr,
    @JsonProperty("DetachKeys") String detachKeys) {}
