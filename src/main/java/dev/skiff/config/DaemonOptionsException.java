package dev.skiff.config;

/** A command line or environment problem that stops the daemon before it starts. */
public final class DaemonOptionsException extends RuntimeException {
  public DaemonOptionsException(String message) {
    super(message);
  }
}
