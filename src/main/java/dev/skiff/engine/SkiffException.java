package dev.skiff.engine;

/**
 * A domain error. {@link #cause()} is the libpod sentinel phrase (e.g. "no such container");
 * the message ends with it, as podman-remote matches message substrings. The API maps each
 * subclass to one HTTP status in exactly one place.
 */
public abstract class SkiffException extends RuntimeException {

  private final String cause;

  protected SkiffException(String message, String cause) {
    super(message.endsWith(cause) ? message : message + ": " + cause);
    this.cause = cause;
  }

  protected SkiffException(String message, String cause, Throwable t) {
    this(message, cause);
    initCause(t);
  }

  /** The libpod sentinel phrase, sent as the error body's {@code cause}. */
  public String cause() {
    return cause;
  }
}
