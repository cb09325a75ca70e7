package dev.skiff.runtime;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;

/**
 * The exit file skiff-shim writes atomically when the container process ends. {@code oom}: the
 * OOM killer killed {@code oomKills} processes in the container's memory cgroup (files written
 * before the count existed, and containers without a memory cgroup, have no {@code oomKills}: 0).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ExitStatus(int exitCode, int signal, boolean oom, Instant finishedAt, long oomKills) {

  public ExitStatus(int exitCode, int signal, boolean oom, Instant finishedAt) {
    this(exitCode, signal, oom, finishedAt, 0);
  }
}
