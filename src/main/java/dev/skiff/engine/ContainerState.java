package dev.skiff.engine;

import java.util.Locale;

/** A container's lifecycle state, named as libpod names them. */
public enum ContainerState {
  CONFIGURED,
  CREATED,
  RUNNING,
  PAUSED,
  STOPPED,
  EXITED,
  REMOVING;

  /** The wire name ("running", "exited", ...). */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
