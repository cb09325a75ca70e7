package dev.skiff.engine.container;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skiff.engine.ContainerState;
import java.time.Instant;
import java.util.List;

/**
 * A container as the store keeps it: the request, what it resolved to, and its runtime state.
 *
 * @param imageName the image as the client named it
 * @param oci the resolved OCI config written to the bundle (the effective security settings)
 * @param pid the container's init pid while running, else 0
 * @param error why the last start failed, or ""
 * @param stoppedByUser a client stopped or killed it (restart policies then leave it stopped)
 * @param oomKilled the OOM killer killed a process of its last run (its memory cgroup said so)
 */
public record ContainerRecord(
    String id,
    String name,
    ContainerSpec spec,
    String imageId,
    String imageName,
    Instant created,
    ContainerState state,
    long pid,
    int exitCode,
    Instant startedAt,
    Instant finishedAt,
    String error,
    JsonNode oci,
    List<String> warnings,
    int restartCount,
    boolean stoppedByUser,
    boolean oomKilled) {

  public static final Instant ZERO_TIME = Instant.parse("0001-01-01T00:00:00Z");

  public ContainerRecord {
    warnings = warnings == null ? List.of() : List.copyOf(warnings);
    error = error == null ? "" : error;
    startedAt = startedAt == null ? ZERO_TIME : startedAt;
    finishedAt = finishedAt == null ? ZERO_TIME : finishedAt;
  }

  public ContainerRecord withState(ContainerState s) {
    return new ContainerRecord(id, name, spec, imageId, imageName, created, s, pid, exitCode, startedAt, finishedAt,
        error, oci, warnings, restartCount, stoppedByUser, oomKilled);
  }

  public ContainerRecord started(long newPid, Instant at) {
    return new ContainerRecord(id, name, spec, imageId, imageName, created, ContainerState.RUNNING, newPid, 0, at,
        ZERO_TIME, "", oci, warnings, restartCount, false, false);
  }

  public ContainerRecord exited(int code, Instant at) {
    return exited(code, at, false);
  }

  public ContainerRecord exited(int code, Instant at, boolean oom) {
    return new ContainerRecord(id, name, spec, imageId, imageName, created, ContainerState.EXITED, 0, code, startedAt,
        at, error, oci, warnings, restartCount, stoppedByUser, oom);
  }

  public ContainerRecord failed(String why, int code) {
    return new ContainerRecord(id, name, spec, imageId, imageName, created, ContainerState.EXITED, 0, code, startedAt,
        Instant.now(), why, oci, warnings, restartCount, stoppedByUser, oomKilled);
  }

  public ContainerRecord renamed(String newName) {
    return new ContainerRecord(id, newName, spec, imageId, imageName, created, state, pid, exitCode, startedAt,
        finishedAt, error, oci, warnings, restartCount, stoppedByUser, oomKilled);
  }

  /** Marks that a client asked it to stop (kept until the next start). */
  public ContainerRecord markStoppedByUser() {
    return new ContainerRecord(id, name, spec, imageId, imageName, created, state, pid, exitCode, startedAt,
        finishedAt, error, oci, warnings, restartCount, true, oomKilled);
  }

  /** Counts one automatic restart (by the restart policy). */
  public ContainerRecord restarted() {
    return new ContainerRecord(id, name, spec, imageId, imageName, created, state, pid, exitCode, startedAt,
        finishedAt, error, oci, warnings, restartCount + 1, false, oomKilled);
  }

  public boolean isRunning() {
    return state == ContainerState.RUNNING || state == ContainerState.PAUSED;
  }
}
