package dev.skiff.engine.container;

import dev.skiff.engine.ContainerState;
import dev.skiff.engine.InvalidArgumentException;
import java.util.Locale;

/** What a {@code /wait} call waits for (libpod's conditions plus Docker's). */
public enum WaitCondition {
  /** Not running (created counts only for libpod's "stopped"/"exited" once it has run). */
  STOPPED,
  /** The next exit, even when the container is not running now (Docker's next-exit). */
  NEXT_EXIT,
  REMOVED,
  RUNNING,
  CREATED,
  PAUSED;

  public static WaitCondition parse(String s) {
    return switch (s.toLowerCase(Locale.ROOT)) {
      case "", "stopped", "exited", "not-running", "configured" -> STOPPED;
      case "next-exit" -> NEXT_EXIT;
      case "removed" -> REMOVED;
      case "running" -> RUNNING;
      case "created" -> CREATED;
      case "paused" -> PAUSED;
      default -> throw new InvalidArgumentException("invalid wait condition \"" + s
          + "\": use one of created, running, paused, stopped, exited, removed, next-exit, not-running");
    };
  }

  /** True when a container in {@code state} already satisfies this condition. */
  boolean holds(ContainerState state) {
    return switch (this) {
      case STOPPED -> state == ContainerState.EXITED || state == ContainerState.STOPPED
          || state == ContainerState.CREATED || state == ContainerState.CONFIGURED;
      case RUNNING -> state == ContainerState.RUNNING;
      case CREATED -> state == ContainerState.CREATED;
      case PAUSED -> state == ContainerState.PAUSED;
      case NEXT_EXIT, REMOVED -> false;
    };
  }
}
