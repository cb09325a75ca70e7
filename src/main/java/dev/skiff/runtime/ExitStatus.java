package dev.skiff.runtime;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;

/** The exit file skiff-shim writes atomically when the container process ends. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ExitStatus(int exitCode, int signal, boolean oom, Instant finishedAt) {}
